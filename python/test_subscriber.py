"""Tests for the subscriber: the golden vectors in-process, then end to end.

The in-process tests push each vector's pipe bytes through the same code the
subscriber runs (decoder, handle_message, Output), whole, byte by byte and cut
at many places.  The end-to-end tests start subscriber.py as a separate
process on a FIFO in a temporary directory and write into it as a publisher
would.  Everything that could hang has a timeout.
"""

from __future__ import annotations

import errno
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Callable
from unittest import mock

import subscriber
from framing import FrameDecoder
from subscriber import PROG, Output, deliver, read_messages
from vectors import Vector, chunks_at, load_vectors, split_points

SCRIPT = Path(__file__).resolve().parent / "subscriber.py"
TIMEOUT = 20.0
VECTORS = load_vectors()
FAKE_PIPE = "/tmp/some pipe"


def capture(run: Callable[[Output], bool]) -> tuple[bytes, bytes, bool]:
    """Run `run(out)` with stdout and stderr going to temporary files."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        out = Output(out_file.fileno())
        with mock.patch.object(subscriber, "ERR_FD", err_file.fileno()):
            keep_going = run(out)
            out.flush()
        out_file.seek(0)
        err_file.seek(0)
        return out_file.read(), err_file.read(), keep_going


def feed_chunks(chunks: list[bytes]) -> tuple[bytes, bytes, bool]:
    def run(out: Output) -> bool:
        decoder = FrameDecoder()
        for chunk in chunks:
            if not deliver(decoder.feed(chunk), FAKE_PIPE, out):
                return False
        return deliver(decoder.finish(), FAKE_PIPE, out)
    return capture(run)


def ends_with_exit(vector: Vector) -> bool:
    return vector.out.endswith(b"Exiting...\n")


class GoldenVectorsInProcess(unittest.TestCase):
    def check(self, vector: Vector, chunks: list[bytes]) -> None:
        out, err, keep_going = feed_chunks(chunks)
        self.assertEqual(out, vector.out)
        self.assertEqual(err, vector.expected_err(PROG, FAKE_PIPE))
        self.assertEqual(keep_going, not ends_with_exit(vector))

    def test_whole(self) -> None:
        for vector in VECTORS:
            with self.subTest(vector.name):
                self.check(vector, [vector.pipe])

    def test_byte_by_byte(self) -> None:
        for vector in VECTORS:
            with self.subTest(vector.name):
                data = vector.pipe
                self.check(vector, [data[i:i + 1] for i in range(len(data))])

    def test_split(self) -> None:
        for vector in VECTORS:
            for cuts in split_points(len(vector.pipe)):
                with self.subTest(vector.name, cuts=cuts[:3]):
                    self.check(vector, chunks_at(vector.pipe, cuts))

    def test_read_loop_over_a_pipe(self) -> None:
        # read_messages() itself, reading an anonymous pipe that a thread
        # fills in pieces.
        for vector in VECTORS:
            for cuts in ([], [1], [len(vector.pipe) // 2]):
                with self.subTest(vector.name, cuts=cuts):
                    read_end, write_end = os.pipe()

                    def writer() -> None:
                        try:
                            for chunk in chunks_at(vector.pipe, cuts):
                                os.write(write_end, chunk)
                        except BrokenPipeError:
                            pass      # `exit` came first and we stopped
                        finally:
                            os.close(write_end)

                    thread = threading.Thread(target=writer, daemon=True)
                    thread.start()
                    try:
                        out, err, keep_going = capture(   # closes read_end
                            lambda o: read_messages(read_end, FAKE_PIPE, o))
                    finally:
                        thread.join(TIMEOUT)
                    self.assertEqual(out, vector.out)
                    self.assertEqual(err, vector.expected_err(PROG, FAKE_PIPE))
                    self.assertEqual(keep_going, not ends_with_exit(vector))


# --- end to end -------------------------------------------------------------------

def open_writer(path: str, timeout: float = TIMEOUT) -> int:
    """Open the FIFO for writing once the subscriber is there to read it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as err:
            if err.errno not in (errno.ENXIO, errno.ENOENT):
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"no subscriber on {path}") from None
            time.sleep(0.01)
            continue
        os.set_blocking(fd, True)
        return fd


def wait_for(predicate: Callable[[], bool], what: str,
             timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime + stime


class Subscriber:
    """subscriber.py running as a child process on `pipe`."""

    def __init__(self, pipe: str, *args: str, stdout: int = subprocess.PIPE) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PIPE_PATH"}
        self.pipe = pipe
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--pipe", pipe, *args],
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
            env=env)
        self._out = bytearray()

    def read_until(self, expected: bytes, timeout: float = TIMEOUT) -> bytes:
        """Read stdout until it holds `expected` (so it was flushed)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while expected not in self._out:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError(f"stdout has {bytes(self._out)!r}, "
                                   f"not {expected!r}")
            data = os.read(fd, 65536)
            if not data:
                raise EOFError(f"stdout closed at {bytes(self._out)!r}")
            self._out += data
        return bytes(self._out)

    def wait_ready(self) -> None:
        """Wait until the FIFO exists: our signal handlers are in place."""
        wait_for(lambda: os.path.exists(self.pipe), "FIFO never created")

    def finish(self, timeout: float = TIMEOUT) -> tuple[int, bytes, bytes]:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise
        return self.proc.returncode, bytes(self._out) + (out or b""), err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def send(path: str, *payloads: bytes) -> None:
    """One publisher: connect, write each payload, disconnect."""
    fd = open_writer(path)
    try:
        for payload in payloads:
            os.write(fd, payload)
    finally:
        os.close(fd)


class EndToEnd(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "pipe")
        self.subs: list[Subscriber] = []

    def tearDown(self) -> None:
        for sub in self.subs:
            sub.kill()
        self.tmp.cleanup()

    def start(self, *args: str, **kwargs: int) -> Subscriber:
        sub = Subscriber(self.path, *args, **kwargs)
        self.subs.append(sub)
        return sub

    def send_in_thread(self, *payloads: bytes) -> threading.Thread:
        def run() -> None:
            try:
                send(self.path, *payloads)
            except (BrokenPipeError, TimeoutError):
                pass    # the subscriber stopped early; its output tells
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def test_golden_vectors(self) -> None:
        for vector in VECTORS:
            with self.subTest(vector.name):
                if os.path.lexists(self.path):
                    os.unlink(self.path)
                sub = self.start("--once")
                writer = self.send_in_thread(vector.pipe)
                status, out, err = sub.finish()
                writer.join(TIMEOUT)
                self.assertEqual(out, vector.out)
                self.assertEqual(err, vector.expected_err(PROG, self.path))
                self.assertEqual(status, 0)

    def test_golden_vectors_in_separate_writes(self) -> None:
        # Frames cut across writes (and so across reads).
        for vector in VECTORS:
            if len(vector.pipe) > 20000:
                continue
            with self.subTest(vector.name):
                if os.path.lexists(self.path):
                    os.unlink(self.path)
                sub = self.start("--once")
                fd = open_writer(self.path)
                try:
                    for chunk in chunks_at(vector.pipe, [1, len(vector.pipe) // 2]):
                        os.write(fd, chunk)
                        time.sleep(0.05)
                except BrokenPipeError:
                    pass
                finally:
                    os.close(fd)
                status, out, err = sub.finish()
                self.assertEqual(out, vector.out)
                self.assertEqual(err, vector.expected_err(PROG, self.path))
                self.assertEqual(status, 0)

    def test_output_is_flushed_while_the_pipe_is_idle(self) -> None:
        sub = self.start()
        fd = open_writer(self.path)
        try:
            os.write(fd, b"hello\n")
            # The publisher is still connected; the line must not wait in
            # a buffer meanwhile.
            sub.read_until(b"Received: hello\n")
            os.write(fd, b"exit\n")
        finally:
            os.close(fd)
        status, out, err = sub.finish()
        self.assertEqual(out, b"Received: hello\nExiting...\n")
        self.assertEqual((status, err), (0, b""))

    def test_publishers_come_and_go(self) -> None:
        sub = self.start()
        send(self.path, b"first\n")
        sub.read_until(b"Received: first\n")
        send(self.path, b"no newline")      # delivered at that writer's EOF
        sub.read_until(b"Received: no newline\n")
        send(self.path, b"third\n", b"exit\n")
        status, out, err = sub.finish()
        self.assertEqual(out, b"Received: first\nReceived: no newline\n"
                              b"Received: third\nExiting...\n")
        self.assertEqual((status, err), (0, b""))

    def test_once_exits_at_first_eof(self) -> None:
        sub = self.start("--once")
        send(self.path, b"only\n")
        status, out, err = sub.finish()
        self.assertEqual((status, out, err), (0, b"Received: only\n", b""))

    def test_removed_fifo_is_created_again(self) -> None:
        sub = self.start()
        fd = open_writer(self.path)
        try:
            os.write(fd, b"a\n")
            sub.read_until(b"Received: a\n")
            os.unlink(self.path)
        finally:
            os.close(fd)
        send(self.path, b"exit\n")          # a new FIFO, made by the subscriber
        status, out, err = sub.finish()
        self.assertEqual((status, out, err),
                         (0, b"Received: a\nExiting...\n", b""))

    def test_file_put_in_place_is_refused_on_reopen(self) -> None:
        sub = self.start()
        fd = open_writer(self.path)
        try:
            os.write(fd, b"a\n")
            sub.read_until(b"Received: a\n")
            os.unlink(self.path)
            with open(self.path, "wb") as f:
                f.write(b"not a pipe")
        finally:
            os.close(fd)
        status, out, err = sub.finish()
        self.assertEqual(out, b"Received: a\n")
        self.assertEqual(err, f"{PROG}: {self.path}: exists and is not a "
                              f"named pipe\n".encode())
        self.assertEqual(status, 1)
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"not a pipe")

    def test_bad_paths(self) -> None:
        regular = os.path.join(self.tmp.name, "file")
        open(regular, "wb").close()
        link = os.path.join(self.tmp.name, "link")
        os.symlink(regular, link)
        cases = [
            (regular, "exists and is not a named pipe"),
            (self.tmp.name, "exists and is not a named pipe"),
            (link, "is a symbolic link, not a named pipe"),
            (os.path.join(self.tmp.name, "no", "pipe"),
             "No such file or directory"),
        ]
        for path, reason in cases:
            with self.subTest(path=path):
                sub = Subscriber(path, "--once")
                self.subs.append(sub)
                status, out, err = sub.finish()
                self.assertEqual((status, out), (1, b""))
                self.assertEqual(err, f"{PROG}: {path}: {reason}\n".encode())

    def test_pipe_path_from_environment(self) -> None:
        env = dict(os.environ, PIPE_PATH=self.path)
        proc = subprocess.Popen([sys.executable, str(SCRIPT), "--once"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        try:
            send(self.path, b"via env\n")
            out, err = proc.communicate(timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual((proc.returncode, out, err),
                         (0, b"Received: via env\n", b""))

    def test_signals_while_waiting_for_a_publisher(self) -> None:
        for signum, expected in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=signum):
                sub = self.start()
                sub.wait_ready()
                time.sleep(0.2)
                sub.proc.send_signal(signum)
                status, out, err = sub.finish()
                self.assertEqual((status, out, err), (expected, b"", b""))

    def test_signals_while_reading(self) -> None:
        for signum, expected in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=signum):
                if os.path.lexists(self.path):
                    os.unlink(self.path)
                sub = self.start()
                fd = open_writer(self.path)
                try:
                    os.write(fd, b"one\ntwo\n")
                    sub.read_until(b"Received: two\n")
                    sub.proc.send_signal(signum)
                    status, out, err = sub.finish()
                finally:
                    os.close(fd)
                self.assertEqual((status, err), (expected, b""))
                self.assertEqual(out, b"Received: one\nReceived: two\n")

    def test_signal_during_a_backlog_writes_out_what_was_read(self) -> None:
        # Standard output is a pipe nobody reads yet, so the subscriber is
        # stuck writing; SIGTERM must still end it, and whatever it had
        # read is then written out once the reader comes back.
        sub = self.start()
        fd = open_writer(self.path)
        try:
            lines = b"".join(b"line %d\n" % i for i in range(30000))
            writer = threading.Thread(target=lambda: self._write_quietly(fd, lines),
                                      daemon=True)
            writer.start()
            time.sleep(0.5)
            sub.proc.send_signal(signal.SIGTERM)
            status, out, err = sub.finish()
        finally:
            os.close(fd)
        self.assertEqual((status, err), (143, b""))
        self.assertTrue(out.startswith(b"Received: line 0\nReceived: line 1\n"))
        # Whole lines, in order, none twice.
        received = out.splitlines()
        self.assertEqual(received, [b"Received: line %d" % i
                                    for i in range(len(received))])

    @staticmethod
    def _write_quietly(fd: int, data: bytes) -> None:
        try:
            os.write(fd, data)
        except OSError:
            pass

    def test_broken_standard_output(self) -> None:
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            sub = self.start(stdout=write_end)
        finally:
            os.close(write_end)
        self.send_in_thread(b"nobody reads this\n")
        status, out, err = sub.finish()
        self.assertEqual(status, 1)
        self.assertEqual(err, f"{PROG}: standard output: Broken pipe\n".encode())

    def test_idle_subscriber_uses_no_cpu(self) -> None:
        sub = self.start()
        sub.wait_ready()
        time.sleep(0.5)                  # past start-up
        before = cpu_ticks(sub.proc.pid)
        time.sleep(1.0)                  # waiting in open()
        self.assertLessEqual(cpu_ticks(sub.proc.pid) - before, 1)
        fd = open_writer(self.path)
        try:
            os.write(fd, b"x\n")
            sub.read_until(b"Received: x\n")
            before = cpu_ticks(sub.proc.pid)
            time.sleep(1.0)              # connected, waiting for data
            self.assertLessEqual(cpu_ticks(sub.proc.pid) - before, 1)
            os.write(fd, b"exit\n")
        finally:
            os.close(fd)
        status, out, err = sub.finish()
        self.assertEqual((status, err), (0, b""))


if __name__ == "__main__":
    unittest.main()
