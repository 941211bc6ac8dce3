"""End-to-end tests of python-publisher: the launcher and publisher.py as a
child process writing into a FIFO in a temporary directory, which the test
reads as a subscriber would.  Every wait has a timeout."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import tempfile
import threading
import time

from .support import (PYTHON, TIMEOUT, Program, ScratchDir, edited_copy, open_reader,
                      read_to_eof, wait_for)
from .vectors import load_vectors

PROG = "python-publisher"
PROMPT = b"Enter message to send: "
VECTORS = load_vectors()


def input_file(data: bytes) -> int:
    """A descriptor reading `data` from the start (a file as stdin)."""
    f = tempfile.TemporaryFile()
    f.write(data)
    f.seek(0)
    fd = os.dup(f.fileno())
    f.close()
    return fd


class Publishing(ScratchDir):
    def publisher(self, stdin: int | None, *args: str) -> Program:
        return self.start(PROG, "--pipe", self.path, *args, stdin=stdin)

    def waiting_publisher(self, data: bytes) -> Program:
        """A publisher of `data` that made its FIFO, with no subscriber yet."""
        stdin = input_file(data)
        try:
            pub = self.publisher(stdin)
        finally:
            os.close(stdin)
        wait_for(lambda: os.path.exists(self.path), "no FIFO")
        return pub

    def publish(self, data: bytes) -> tuple[int, bytes, bytes]:
        """Run the publisher on `data` with a subscriber already there:
        (status, stderr, pipe bytes)."""
        self.fresh_pipe()
        os.mkfifo(self.path, 0o600)
        reader = open_reader(self.path)
        stdin = input_file(data)
        try:
            pub = self.publisher(stdin)
            pipe = read_to_eof(reader)
            status, out, err = pub.finish()
        finally:
            os.close(stdin)
            os.close(reader)
        self.assertEqual(out, b"")    # no prompt: stdin is no terminal
        return status, err, pipe

    def test_golden_vectors(self) -> None:
        for vector in VECTORS:
            if vector.raw:
                continue
            with self.subTest(vector.name):
                status, err, pipe = self.publish(vector.stdin)
                self.assertEqual(pipe, vector.pipe)
                expected_err = vector.publisher_err(PROG, self.path)
                self.assertEqual(err, expected_err)
                self.assertEqual(status, 1 if expected_err else 0)

    def test_exit_after_a_rejected_line_ends_with_status_1(self) -> None:
        status, err, pipe = self.publish(b"x" * 5000 + b"\nexit\nnot read\n")
        self.assertEqual((status, pipe), (1, b"exit\n"))
        self.assertEqual(err, f"{PROG}: line 1: message of 5000 bytes is over "
                              "the 4095-byte limit; not sent\n".encode())

    def test_a_huge_line_costs_no_memory(self) -> None:
        # 200 MB without LF, through a pipe: reported, never held.
        size = 200_000_000
        os.mkfifo(self.path, 0o600)
        reader = open_reader(self.path)
        read_end, write_end = os.pipe()
        pub = self.publisher(read_end)
        os.close(read_end)

        def feed() -> None:
            block = b"x" * 1_000_000
            for _ in range(size // len(block)):
                os.write(write_end, block)
            os.write(write_end, b"\nok\n")
            os.close(write_end)
        threading.Thread(target=feed, daemon=True).start()
        pipe = read_to_eof(reader, timeout=60)
        os.close(reader)
        _, wait_status, usage = os.wait4(pub.proc.pid, 0)
        pub.proc.returncode = os.WEXITSTATUS(wait_status)
        assert pub.proc.stdout is not None and pub.proc.stderr is not None
        err = pub.proc.stderr.read()
        pub.proc.stdout.close()
        pub.proc.stderr.close()
        self.assertEqual((pub.proc.returncode, pipe), (1, b"ok\n"))
        self.assertEqual(err, f"{PROG}: line 1: message of {size} bytes is over "
                              "the 4095-byte limit; not sent\n".encode())
        self.assertLess(usage.ru_maxrss, 64 * 1024)     # KiB

    def test_waits_for_a_subscriber_and_says_so(self) -> None:
        pub = self.waiting_publisher(b"hello\n")
        time.sleep(0.3)
        self.assertIsNone(pub.proc.poll())      # still waiting in open()
        pipe = read_fifo_now(self.path)
        self.assertEqual(pub.finish(), (0, b"", f"{PROG}: {self.path}: waiting "
                                                "for a subscriber\n".encode()))
        self.assertEqual(pipe, b"hello\n")

    def test_signals_while_waiting(self) -> None:
        for signum, expected in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=signum):
                self.fresh_pipe()
                pub = self.publisher(subprocess.DEVNULL)
                wait_for(lambda: os.path.exists(self.path), "no FIFO")
                time.sleep(0.3)
                pub.proc.send_signal(signum)
                self.assertEqual(pub.finish(), (expected, b"", f"{PROG}: {self.path}: "
                                                "waiting for a subscriber\n".encode()))

    def test_subscriber_going_away_gets_the_next_one_the_same_batch(self) -> None:
        os.mkfifo(self.path, 0o600)
        first = open_reader(self.path)
        read_end, write_end = os.pipe()
        pub = self.publisher(read_end)
        os.close(read_end)
        try:
            os.write(write_end, b"one\n")
            wait_for(lambda: poll_read(first) == b"one\n", "one never came")
            os.close(first)                     # the subscriber goes away
            os.write(write_end, b"two\n")       # EPIPE, then a wait
            pub.read_err_until(b"waiting for a subscriber\n")
            second = open_reader(self.path)
            os.close(write_end)
            write_end = -1
            pipe = read_to_eof(second)
            os.close(second)
        finally:
            if write_end >= 0:
                os.close(write_end)
        status, out, err = pub.finish()
        self.assertEqual((status, pipe), (0, b"two\n"))
        self.assertEqual(err,
                         f"{PROG}: {self.path}: subscriber went away (broken pipe)\n"
                         f"{PROG}: {self.path}: waiting for a subscriber\n".encode())

    def test_standard_input_a_directory(self) -> None:
        # Python itself refuses to start (shared/PROTOCOL.md, section 8: the
        # interpreter's own message and a non-zero status are accepted).
        os.mkfifo(self.path, 0o600)
        reader = open_reader(self.path)
        stdin = os.open(self.dir, os.O_RDONLY)
        try:
            pub = self.publisher(stdin)
            status, out, _ = pub.finish()
            self.assertEqual(poll_read(reader), b"")
        finally:
            os.close(stdin)
            os.close(reader)
        self.assertNotEqual(status, 0)
        self.assertEqual(out, b"")

    def test_last_frames_wait_for_a_subscriber_restarted_meanwhile(self) -> None:
        # The subscriber reads nothing, then goes away, and another comes:
        # the publisher keeps the pipe open until that one has every frame.
        os.mkfifo(self.path, 0o600)
        stalled = open_reader(self.path)
        stdin = input_file(b"".join(b"%d\n" % i for i in range(5000)))
        try:
            pub = self.publisher(stdin)
        finally:
            os.close(stdin)
        sent = b"".join(b"%d\n" % i for i in range(5000))
        pub.read_err_until(b"bytes\n", timeout=5)
        self.assertIsNone(pub.proc.poll())
        os.close(stalled)           # gone before reading a byte
        time.sleep(0.2)
        self.assertIsNone(pub.proc.poll())
        pipe = read_fifo_now(self.path)
        self.assertEqual(pipe, sent)
        self.assertEqual(pub.finish(), (0, b"", f"{PROG}: {self.path}: waiting for a "
                                        f"subscriber to take {len(sent)} bytes\n".encode()))

    def test_signal_while_draining_ends_it_at_once(self) -> None:
        os.mkfifo(self.path, 0o600)
        stalled = open_reader(self.path)
        stdin = input_file(b"a\nb\n")
        try:
            pub = self.publisher(stdin)
            time.sleep(0.5)
            self.assertIsNone(pub.proc.poll())
            pub.proc.send_signal(signal.SIGTERM)
            self.assertEqual(pub.finish()[:2], (143, b""))
        finally:
            os.close(stdin)
            os.close(stalled)

    def test_waiting_publisher_follows_its_path(self) -> None:
        # The FIFO it waits on is removed and made again: the publisher
        # ends up on the new one, where the subscriber is.
        pub = self.waiting_publisher(b"hello\n")
        pub.read_err_until(b"waiting for a subscriber\n")
        os.unlink(self.path)
        os.mkfifo(self.path, 0o600)
        pipe = read_fifo_now(self.path)
        self.assertEqual(pipe, b"hello\n")
        self.assertEqual(pub.finish()[0], 0)

    def test_an_edit_of_write_message_shows_on_every_message(self) -> None:
        # The tutorial's exercise: tag each message in write_message().
        program = edited_copy(self.dir, "publisher.py", 'pipe.batch += message + b"\\n"',
                              'pipe.batch += b"tag " + message + b"\\n"')
        os.mkfifo(self.path, 0o600)
        reader = open_reader(self.path)
        stdin = input_file(b"".join(b"m%d\n" % i for i in range(3000)))
        try:
            proc = subprocess.Popen([PYTHON, program, "--pipe", self.path], stdin=stdin,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            pipe = read_to_eof(reader)
            self.assertEqual(proc.wait(TIMEOUT), 0)
        finally:
            os.close(stdin)
            os.close(reader)
        self.assertEqual(pipe, b"".join(b"tag m%d\n" % i for i in range(3000)))


def poll_read(fd: int) -> bytes:
    try:
        return os.read(fd, 100)
    except BlockingIOError:
        return b""


def read_fifo_now(path: str) -> bytes:
    fd = open_reader(path)
    try:
        return read_to_eof(fd)
    finally:
        os.close(fd)


class Terminal(ScratchDir):
    """Standard input a terminal (a pseudo-terminal): prompts on stdout."""

    def start_in_terminal(self) -> tuple[Program, int]:
        master, slave = pty.openpty()
        try:
            pub = self.start(PROG, "--pipe", self.path, stdin=slave)
        finally:
            os.close(slave)
        return pub, master

    def type_at_two_prompts(self, first: bytes, second: bytes) -> tuple[int, bytes, bytes, bytes]:
        """With a subscriber on the FIFO, types first at the first prompt and
        second at the next: the publisher's status, stdout and stderr, and
        what the subscriber read."""
        os.mkfifo(self.path, 0o600)
        reader = open_reader(self.path)
        pub, master = self.start_in_terminal()
        try:
            pub.read_until(PROMPT)
            os.write(master, first)
            pub.read_until(PROMPT * 2)
            os.write(master, second)
            pipe = read_to_eof(reader)
            status, out, err = pub.finish()
        finally:
            os.close(master)
            os.close(reader)
        return status, out, err, pipe

    def test_prompt_before_each_line(self) -> None:
        self.assertEqual(self.type_at_two_prompts(b"hello\n", b"exit\n"),
                         (0, PROMPT * 2, b"", b"hello\nexit\n"))

    def test_lines_typed_while_waiting_get_no_prompt_each(self) -> None:
        pub, master = self.start_in_terminal()
        try:
            wait_for(lambda: os.path.exists(self.path), "no FIFO")
            os.write(master, b"early one\nearly two\n")
            time.sleep(0.2)
            reader = open_reader(self.path)
            try:
                pub.read_until(PROMPT)
                os.write(master, b"exit\n")
                pipe = read_to_eof(reader)
            finally:
                os.close(reader)
            status, out, err = pub.finish()
        finally:
            os.close(master)
        self.assertEqual((status, out, pipe),
                         (0, PROMPT, b"early one\nearly two\nexit\n"))

    def test_ctrl_d_after_a_prompt_ends_the_line(self) -> None:
        self.assertEqual(self.type_at_two_prompts(b"hi\n", b"\x04"),     # Ctrl-D
                         (0, PROMPT * 2 + b"\n", b"", b"hi\n"))


if __name__ == "__main__":
    import unittest
    unittest.main()
