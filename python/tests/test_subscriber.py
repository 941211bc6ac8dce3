"""End-to-end tests of python-subscriber: the launcher and subscriber.py as a
child process on a FIFO in a temporary directory, written into as a
publisher would.  Every wait has a timeout."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
import unittest

from .support import (PYTHON, TIMEOUT, Program, ScratchDir, clean_env, connected_writer,
                      edited_copy, read_to_eof, send, wait_for)
from .vectors import chunks_at, load_vectors

PROG = "python-subscriber"
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)     # in fcntl from Python 3.10
VECTORS = load_vectors()


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime + stime


def write_quietly(fd: int, data: bytes) -> None:
    try:
        os.write(fd, data)
    except OSError:
        pass


def unread(fd: int) -> int:
    """How many bytes a pipe holds, unread."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def read_ready(fd: int) -> bytes:
    """What a non-blocking descriptor has to give now."""
    data = bytearray()
    try:
        while chunk := os.read(fd, 65536):
            data += chunk
    except BlockingIOError:
        pass
    return bytes(data)


class EndToEnd(ScratchDir):
    def subscriber(self, *args: str, **kwargs: object) -> Program:
        return self.start(PROG, "--pipe", self.path, *args, **kwargs)

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
            for flags, expected in ((["--once"], vector.out),
                                    (["--once", "--raw"], vector.out_raw)):
                with self.subTest(vector.name, flags=flags):
                    self.fresh_pipe()
                    sub = self.subscriber(*flags)
                    writer = self.send_in_thread(vector.pipe)
                    status, out, err = sub.finish()
                    writer.join(TIMEOUT)
                    self.assertEqual(out, expected)
                    self.assertEqual(err, vector.subscriber_err(PROG, self.path))
                    self.assertEqual(status, 0)

    def test_golden_vectors_in_separate_writes(self) -> None:
        # Frames cut across writes (and so across reads).
        for vector in VECTORS:
            if len(vector.pipe) > 20000:
                continue
            with self.subTest(vector.name):
                self.fresh_pipe()
                sub = self.subscriber("--once")
                with connected_writer(self.path) as fd:
                    for chunk in chunks_at(vector.pipe, [1, len(vector.pipe) // 2]):
                        write_quietly(fd, chunk)
                        time.sleep(0.02)
                status, out, err = sub.finish()
                self.assertEqual((status, out), (0, vector.out))

    def test_output_is_flushed_while_the_pipe_is_idle(self) -> None:
        sub = self.subscriber()
        with connected_writer(self.path) as fd:
            os.write(fd, b"hello\n")
            # The publisher is still connected; the line must not wait in a
            # buffer meanwhile.
            sub.read_until(b"Received: hello\n")
            os.write(fd, b"exit\n")
        status, out, err = sub.finish()
        self.assertEqual((status, out, err), (0, b"Received: hello\nExiting...\n", b""))

    def test_publishers_come_and_go(self) -> None:
        sub = self.subscriber()
        send(self.path, b"first\n")
        sub.read_until(b"Received: first\n")
        send(self.path, b"no newline")      # delivered at that writer's EOF
        sub.read_until(b"Received: no newline\n")
        send(self.path, b"third\n", b"exit\n")
        status, out, err = sub.finish()
        self.assertEqual(out, b"Received: first\nReceived: no newline\n"
                              b"Received: third\nExiting...\n")
        self.assertEqual((status, err), (0, b""))

    def test_removed_fifo_is_created_again(self) -> None:
        sub = self.subscriber()
        with connected_writer(self.path) as fd:
            os.write(fd, b"a\n")
            sub.read_until(b"Received: a\n")
            os.unlink(self.path)
        send(self.path, b"exit\n")          # a new FIFO, made by the subscriber
        self.assertEqual(sub.finish(), (0, b"Received: a\nExiting...\n", b""))

    def test_file_put_in_place_is_refused_on_reopen(self) -> None:
        sub = self.subscriber()
        with connected_writer(self.path) as fd:
            os.write(fd, b"a\n")
            sub.read_until(b"Received: a\n")
            os.unlink(self.path)
            with open(self.path, "wb") as f:
                f.write(b"not a pipe")
        status, out, err = sub.finish()
        self.assertEqual((status, out), (1, b"Received: a\n"))
        self.assertEqual(err, f"{PROG}: {self.path}: exists and is not a "
                              f"named pipe\n".encode())

    def test_bad_paths(self) -> None:
        regular = os.path.join(self.dir, "file")
        open(regular, "wb").close()
        os.symlink(regular, os.path.join(self.dir, "link"))
        os.mkfifo(os.path.join(self.dir, "open"), 0o600)
        os.chmod(os.path.join(self.dir, "open"), 0o606)
        cases = [
            (regular, "exists and is not a named pipe"),
            (self.dir, "exists and is not a named pipe"),
            (os.path.join(self.dir, "link"), "is a symbolic link, not a named pipe"),
            (os.path.join(self.dir, "no", "pipe"), "No such file or directory"),
            (os.path.join(self.dir, "open"), "other users may write to it "
             "(mode 0606), so they could inject messages"),
        ]
        for path, reason in cases:
            with self.subTest(path=path):
                sub = self.start(PROG, "--once", "--pipe", path)
                self.assertEqual(sub.finish(),
                                 (1, b"", f"{PROG}: {path}: {reason}\n".encode()))

    def test_pipe_path_from_environment(self) -> None:
        sub = self.start(PROG, "--once", env=clean_env(PIPE_PATH=self.path))
        send(self.path, b"via env\n")
        self.assertEqual(sub.finish(), (0, b"Received: via env\n", b""))

    def test_signals_while_waiting_and_while_reading(self) -> None:
        for signum, expected in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=signum, waiting=True):
                self.fresh_pipe()
                sub = self.subscriber()
                wait_for(lambda: os.path.exists(self.path), "no FIFO")
                time.sleep(0.2)
                sub.proc.send_signal(signum)
                self.assertEqual(sub.finish(), (expected, b"", b""))
            with self.subTest(signal=signum, waiting=False):
                self.fresh_pipe()
                sub = self.subscriber()
                with connected_writer(self.path) as fd:
                    os.write(fd, b"one\ntwo\n")
                    sub.read_until(b"Received: two\n")
                    sub.proc.send_signal(signum)
                    result = sub.finish()
                self.assertEqual(result, (expected, b"Received: one\nReceived: two\n", b""))

    def test_broken_standard_output(self) -> None:
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            sub = self.subscriber(stdout=write_end)
        finally:
            os.close(write_end)
        self.send_in_thread(b"nobody reads this\n")
        status, _, err = sub.finish()
        self.assertEqual((status, err), (1, f"{PROG}: standard output: Broken pipe\n".encode()))

    def test_idle_subscriber_uses_no_cpu(self) -> None:
        sub = self.subscriber()
        wait_for(lambda: os.path.exists(self.path), "no FIFO")
        time.sleep(0.3)                  # past start-up
        before = cpu_ticks(sub.proc.pid)
        time.sleep(0.7)                  # waiting for a publisher
        self.assertLessEqual(cpu_ticks(sub.proc.pid) - before, 1)
        with connected_writer(self.path) as fd:
            os.write(fd, b"x\n")
            sub.read_until(b"Received: x\n")
            before = cpu_ticks(sub.proc.pid)
            time.sleep(0.7)              # connected, waiting for data
            self.assertLessEqual(cpu_ticks(sub.proc.pid) - before, 1)
            os.write(fd, b"exit\n")
        self.assertEqual(sub.finish()[0], 0)


class FollowingThePath(ScratchDir):
    """A waiting subscriber follows its path (shared/PROTOCOL.md, section 8)."""

    def subscriber(self) -> Program:
        return self.start(PROG, "--pipe", self.path, "--raw")

    def make_anew(self) -> None:
        os.unlink(self.path)
        os.mkfifo(self.path, 0o600)

    def waiting_subscriber(self) -> Program:
        """A subscriber that made its FIFO and waits in it for a publisher."""
        sub = self.subscriber()
        wait_for(lambda: os.path.exists(self.path), "no FIFO")
        time.sleep(0.2)
        return sub

    def test_fifo_made_anew_before_the_first_publisher(self) -> None:
        sub = self.waiting_subscriber()
        self.make_anew()
        send(self.path, b"hi\n", b"exit\n")   # waits until the subscriber is there
        self.assertEqual(sub.finish(), (0, b"hi\nexit\n", b""))

    def test_fifo_made_anew_between_publishers(self) -> None:
        sub = self.subscriber()
        send(self.path, b"first\n")
        sub.read_until(b"first\n")
        self.make_anew()
        start = time.monotonic()
        send(self.path, b"second\n", b"exit\n")
        self.assertLess(time.monotonic() - start, 3)
        self.assertEqual(sub.finish(), (0, b"first\nsecond\nexit\n", b""))

    def test_removed_fifo_is_made_again_while_waiting(self) -> None:
        sub = self.waiting_subscriber()
        os.unlink(self.path)
        wait_for(lambda: os.path.exists(self.path), "not made again", timeout=3)
        send(self.path, b"exit\n")
        self.assertEqual(sub.finish(), (0, b"exit\n", b""))

    def test_something_else_put_in_place_is_refused(self) -> None:
        sub = self.waiting_subscriber()
        os.unlink(self.path)
        os.mkdir(self.path)
        self.assertEqual(sub.finish(timeout=5), (1, b"", f"{PROG}: {self.path}: exists "
                                                  "and is not a named pipe\n".encode()))


class TheTutorialsFunction(ScratchDir):
    def test_an_edit_of_handle_message_shows_on_every_message(self) -> None:
        # The tutorial's exercise: change what handle_message() prints.
        program = edited_copy(self.dir, "subscriber.py", 'b"Received: "', 'b"Got: "')
        proc = subprocess.Popen([PYTHON, program, "--pipe", self.path, "--once"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        messages = [b"message %d" % i for i in range(3000)]
        send(self.path, b"".join(m + b"\n" for m in messages))
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual((proc.returncode, err), (0, b""))
        self.assertEqual(out, b"".join(b"Got: " + m + b"\n" for m in messages))


class StopSignals(ScratchDir):
    """PROTOCOL.md section 4, step 8, when standard output is slow."""

    def test_signal_with_a_slow_standard_output_loses_nothing(self) -> None:
        # The subscriber's output is a pipe read slowly (4096 bytes every
        # 4 ms).  After SIGINT every numbered line must be either printed
        # or still in the FIFO for the next reader: none lost, none cut,
        # none twice.
        lines = [b"%06d " % i + b"m" * 93 + b"\n" for i in range(50_000)]
        read_end, write_end = os.pipe()
        sub = self.start(PROG, "--pipe", self.path, stdout=write_end)
        os.close(write_end)
        printed = bytearray()

        def slow_reader() -> None:
            while chunk := os.read(read_end, 4096):
                printed.extend(chunk)
                time.sleep(0.004)
        reader = threading.Thread(target=slow_reader, daemon=True)
        reader.start()
        with connected_writer(self.path) as fd:
            # A second reader, which reads only once the subscriber is gone,
            # keeps the FIFO and its contents alive meanwhile.
            next_reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            writer = threading.Thread(target=write_quietly, args=(fd, b"".join(lines)),
                                      daemon=True)
            writer.start()
            time.sleep(1.5)
            sub.proc.send_signal(signal.SIGINT)
            status, _, err = sub.finish()
            left = bytearray()
            while writer.is_alive():
                left += read_ready(next_reader)
                time.sleep(0.005)
            writer.join(TIMEOUT)
        left += read_ready(next_reader)     # the writer is gone: up to EOF
        os.close(next_reader)
        reader.join(TIMEOUT)
        os.close(read_end)
        self.assertEqual((status, err), (130, b""))
        self.assertTrue(printed.endswith(b"\n"), "a line printed in part")
        received = [line[len(b"Received: "):] + b"\n"
                    for line in bytes(printed).splitlines()]
        self.assertTrue(received, "nothing printed")
        self.assertEqual(received, lines[:len(received)])
        # A line the last read cut in two was read to its end and printed:
        # what is left in the FIFO is every other line, whole.
        self.assertEqual(bytes(left), b"".join(lines[len(received):]),
                         "lines lost, cut or printed twice")

    def test_a_frame_begun_is_read_to_its_end_and_nothing_more(self) -> None:
        # 64 KiB reads of 100-byte lines end in the middle of a line.  The
        # subscriber is stopped while its standard output (a pipe of 4096
        # bytes, not yet read) holds it in its first reads: it reads the rest
        # of the line begun and nothing more (PROTOCOL.md 4.8), so it prints
        # whole lines, the last one completed, and leaves whole lines.
        lines = [b"%08d " % i + b"m" * 90 + b"\n" for i in range(5000)]
        read_end, write_end = os.pipe()
        fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
        sub = self.start(PROG, "--pipe", self.path, "--raw", stdout=write_end)
        os.close(write_end)
        with connected_writer(self.path) as fd:
            fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << 20)
            os.write(fd, b"".join(lines))
            wait_for(lambda: unread(read_end) >= 4096, "standard output full")
            sub.proc.send_signal(signal.SIGINT)
            printed = read_to_eof(read_end)
            status, _, err = sub.finish()
            next_reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            left = read_ready(next_reader)
            os.close(next_reader)
        os.close(read_end)
        self.assertEqual((status, err), (130, b""))
        self.assertEqual(len(printed) % 100, 0, "a line printed in part")
        self.assertTrue(printed and left, "nothing printed, or nothing left")
        self.assertEqual(printed + left, b"".join(lines))

    def test_one_signal_is_enough_with_a_stalled_output(self) -> None:
        # Standard output is a pipe nobody reads: after 2 seconds without
        # progress the subscriber gives up and exits all the same.
        read_end, write_end = os.pipe()
        sub = self.start(PROG, "--pipe", self.path, stdout=write_end)
        os.close(write_end)
        try:
            with connected_writer(self.path) as fd:
                threading.Thread(target=write_quietly, daemon=True,
                                 args=(fd, b"stalled line\n" * 100_000)).start()
                time.sleep(0.5)
                sub.proc.send_signal(signal.SIGTERM)
                status, _, err = sub.finish()
        finally:
            os.close(read_end)
        self.assertEqual((status, err), (143, b""))

    def test_sigint_during_start_up(self) -> None:
        # At every moment of start-up: exit 130, never a traceback.  Before
        # the interpreter sets up its own handler, the default action ends
        # the process by SIGINT itself, which a shell also shows as 130.
        for attempt in range(60):
            with self.subTest(attempt=attempt):
                self.fresh_pipe()
                sub = self.start(PROG, "--pipe", self.path)
                time.sleep((attempt * 37 % 100) / 1000)
                sub.proc.send_signal(signal.SIGINT)
                try:
                    sub.proc.wait(timeout=TIMEOUT)
                except subprocess.TimeoutExpired:
                    # Swallowed before the program's first line, by the
                    # interpreter's start-up (saying so in one of two ways)
                    # or without a word, by it or by the launcher's shell:
                    # it runs on, as shared/PROTOCOL.md section 8 says it
                    # may. Running, it must stop at the next SIGINT.
                    sub.proc.send_signal(signal.SIGINT)
                    status, out, err = sub.finish()
                    self.assertEqual((status, out), (130, b""))
                    self.assertTrue(err == b"" or err.startswith(b"Exception ignored in")
                                    or err.startswith(b"Failed checking if argv[0] is an import path entry"),
                                    err)
                    continue
                status, out, err = sub.finish()
                self.assertEqual(out, b"")
                if err:
                    # Inside the interpreter's own start-up, before the
                    # program's first line: its KeyboardInterrupt is
                    # accepted (shared/PROTOCOL.md, section 8).
                    self.assertTrue(err.endswith(b"KeyboardInterrupt\n")
                                    or err.startswith(b"Fatal Python error: ")
                                    or err.startswith(b"python: "), err)
                    # (line 0: the file is not running yet)
                    self.assertNotRegex(err, rb'subscriber\.py", line [1-9]')
                    self.assertNotEqual(status, 0)
                else:
                    self.assertIn(status, (130, -signal.SIGINT))


class Launcher(ScratchDir):
    def test_standard_input_a_directory(self) -> None:
        # Python itself refuses to start (shared/PROTOCOL.md, section 8:
        # the interpreter's own message and a non-zero status are accepted).
        fd = os.open(self.dir, os.O_RDONLY)
        try:
            sub = self.start(PROG, "--once", "--pipe", self.path, stdin=fd)
        finally:
            os.close(fd)
        status, out, _ = sub.finish()
        self.assertNotEqual(status, 0)
        self.assertEqual(out, b"")

    def test_no_waiting_notice_when_stderr_is_not_a_terminal(self) -> None:
        sub = self.start(PROG, "--once", "--pipe", self.path)
        send(self.path, b"x\n")
        self.assertEqual(sub.finish(), (0, b"Received: x\n", b""))


if __name__ == "__main__":
    unittest.main()
