"""Tests for fifo.py against real paths: preparation, ownership, opening,
reading and writing, and the standard streams kept off the pipe."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import threading
import time
import unittest
from typing import Callable, List, Tuple
from unittest import mock

from fifo_pubsub import fifo, framing, output, report
from fifo_pubsub.fifo import PipeError

from .support import PYTHON, REPO, TIMEOUT, ScratchDir, connected_writer, read_fifo

NOBODY = 65534


class Prepare(ScratchDir):
    def assert_refused(self, reason: str, path: str | None = None) -> None:
        path = path or self.path
        with self.assertRaises(PipeError) as caught:
            fifo.prepare(path)
        self.assertEqual(str(caught.exception), f"{path}: {reason}")

    def test_missing_is_created_with_mode_0600(self) -> None:
        old_umask = os.umask(0o022)
        try:
            fifo.prepare(self.path)
        finally:
            os.umask(old_umask)
        st = os.lstat(self.path)
        self.assertTrue(stat.S_ISFIFO(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)

    def test_own_fifos_are_kept(self) -> None:
        for mode in (0o600, 0o644, 0o660):     # plain mkfifo; group write
            with self.subTest(mode=oct(mode)):
                self.fresh_pipe()
                os.mkfifo(self.path)
                os.chmod(self.path, mode)
                before = os.lstat(self.path)
                fifo.prepare(self.path)
                after = os.lstat(self.path)
                self.assertEqual((before.st_ino, before.st_mode),
                                 (after.st_ino, after.st_mode))

    def test_writable_by_others_is_refused(self) -> None:
        os.mkfifo(self.path)
        os.chmod(self.path, 0o666)
        self.assert_refused("other users may write to it (mode 0666), "
                            "so they could inject messages")
        self.assertEqual(stat.S_IMODE(os.lstat(self.path).st_mode), 0o666)

    def test_fifo_of_another_user_is_refused(self) -> None:
        if os.geteuid() != 0:
            self.skipTest("needs root to give a FIFO to another user")
        os.mkfifo(self.path)
        os.chown(self.path, NOBODY, NOBODY)
        self.assert_refused(f"belongs to another user (uid {NOBODY}), "
                            "who could read or inject messages")
        os.chmod(self.path, 0o666)      # both wrong: the owner is reported
        self.assert_refused(f"belongs to another user (uid {NOBODY}), "
                            "who could read or inject messages")

    def test_regular_file_is_refused_and_untouched(self) -> None:
        with open(self.path, "wb") as f:
            f.write(b"keep me")
        self.assert_refused("exists and is not a named pipe")
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"keep me")

    def test_directory_and_socket_are_refused(self) -> None:
        os.mkdir(self.path)
        self.assert_refused("exists and is not a named pipe")
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(os.path.join(self.dir, "sock"))
            self.assert_refused("exists and is not a named pipe",
                                os.path.join(self.dir, "sock"))
        finally:
            sock.close()

    def test_symbolic_links_are_refused_not_followed(self) -> None:
        for target in ("real-fifo", "file", "nowhere"):
            with self.subTest(target):
                self.fresh_pipe()
                target_path = os.path.join(self.dir, target)
                if target == "real-fifo":
                    os.mkfifo(target_path)
                elif target == "file":
                    open(target_path, "wb").close()
                os.symlink(target_path, self.path)
                self.assert_refused("is a symbolic link, not a named pipe")
        self.assertFalse(os.path.lexists(os.path.join(self.dir, "nowhere")))

    def test_system_errors(self) -> None:
        self.assert_refused("No such file or directory",
                            os.path.join(self.dir, "no", "pipe"))
        open(os.path.join(self.dir, "file"), "wb").close()
        self.assert_refused("Not a directory", os.path.join(self.dir, "file", "pipe"))


class Opening(ScratchDir):
    def test_reader_opens_at_once_and_waits_for_a_writer(self) -> None:
        os.mkfifo(self.path, 0o600)
        reader = fifo.open_reader(self.path)   # returns without a writer
        try:
            self.assertGreater(reader.fd, 2)
            self.assertFalse(os.get_inheritable(reader.fd))
            self.assertIsNone(reader._read())   # fresh: wait first
            with connected_writer(self.path) as fd:
                os.write(fd, b"hi\n")
            reader.wait()
            self.assertEqual(reader._read(), b"hi\n")
            self.assertIsNone(reader._read())   # a short read emptied the pipe
            reader.wait()                       # at once: the writer is gone
            self.assertEqual(reader._read(), b"")  # end of file
            old = reader.fd
            reader.reopen()
            self.assertNotEqual(reader.fd, old)
            self.assertIsNone(reader._read())
        finally:
            reader.close()

    def test_checks_after_open_see_what_was_opened(self) -> None:
        # prepare() passed, then the FIFO changed hands, or a link or a file
        # took its place: the checks on the descriptor refuse it.
        cases = [("file", "exists and is not a named pipe"),
                 ("link", "is a symbolic link, not a named pipe"),
                 ("o+w", "other users may write to it (mode 0622), "
                         "so they could inject messages")]
        if os.geteuid() == 0:
            cases.append(("nobody", f"belongs to another user (uid {NOBODY}), "
                                    "who could read or inject messages"))
        for change, reason in cases:
            with self.subTest(change):
                self.fresh_pipe()
                if change == "file":
                    open(self.path, "wb").close()
                elif change == "link":
                    os.symlink("/dev/null", self.path)
                else:
                    os.mkfifo(self.path, 0o600)
                    if change == "o+w":
                        os.chmod(self.path, 0o622)
                    else:
                        os.chown(self.path, NOBODY, NOBODY)
                with self.assertRaises(PipeError) as caught:
                    fifo.open_reader(self.path)
                self.assertEqual(str(caught.exception), f"{self.path}: {reason}")

    def test_writer_says_once_that_it_waits(self) -> None:
        os.mkfifo(self.path, 0o600)
        said: list[str] = []
        box: list[fifo.Writer] = []
        with mock.patch.object(report, "report", said.append):
            thread = threading.Thread(
                target=lambda: box.append(fifo.open_writer(self.path)), daemon=True)
            thread.start()
            try:
                received = read_fifo_after(self.path, thread, box)
            finally:
                thread.join(TIMEOUT)
        self.assertEqual(said, [f"{self.path}: waiting for a subscriber"])
        self.assertEqual(received, b"one\n")


def read_fifo_after(path: str, thread: threading.Thread,
                    box: list[fifo.Writer]) -> bytes:
    """Let the writer wait a moment, then read what it sends."""
    thread.join(0.3)
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(read_fifo(path)),
                              daemon=True)
    reader.start()
    thread.join(TIMEOUT)
    box[0].batch += b"one\n"
    box[0].close()
    reader.join(TIMEOUT)
    return result[0]


def in_thread(call: Callable[[], object]) -> Tuple[threading.Thread, List[object]]:
    """Run call() in a thread; the list gets its result, or its exception."""
    box: List[object] = []

    def run() -> None:
        try:
            box.append(call())
        except Exception as err:    # handed to the test
            box.append(err)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def identity(path: str) -> Tuple[int, int]:
    st = os.lstat(path)
    return st.st_dev, st.st_ino


class FollowingThePath(ScratchDir):
    """Both ends, while they wait, follow the path to the FIFO there now
    (shared/PROTOCOL.md, section 8)."""

    def reader_after(self, change: Callable[[], None]) -> Tuple[fifo.Reader, threading.Thread, List[object]]:
        """A reader waiting in read() on a fresh FIFO, the path changed
        meanwhile: the reader, its thread, and what read() came to."""
        fifo.prepare(self.path)
        reader = fifo.open_reader(self.path)
        self.addCleanup(lambda: os.close(reader.fd))
        frames = framing.FrameDecoder(self.path)
        thread, box = in_thread(lambda: reader.read(frames, output.Output()))
        change()
        return reader, thread, box

    def assert_follows(self, reader: fifo.Reader, thread: threading.Thread,
                       box: List[object]) -> None:
        """The reader moves to the FIFO at the path, and a publisher of
        that FIFO reaches it."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if os.path.exists(self.path) and identity(self.path)[1] == os.fstat(reader.fd).st_ino:
                break
            time.sleep(0.02)
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.path).st_mode))
        self.assertEqual(identity(self.path)[1], os.fstat(reader.fd).st_ino)
        with connected_writer(self.path, timeout=2) as fd:
            os.write(fd, b"new\n")
        thread.join(TIMEOUT)
        self.assertEqual(box, [fifo.BYTES])

    def make_anew(self) -> None:
        """rm -f P; mkfifo P"""
        os.unlink(self.path)
        os.mkfifo(self.path, 0o600)

    def put_file(self) -> None:
        """A regular file renamed over the FIFO, in one step."""
        with open(self.path + ".file", "wb"):
            pass
        os.rename(self.path + ".file", self.path)

    def test_reader_makes_a_removed_fifo_again(self) -> None:
        self.assert_follows(*self.reader_after(lambda: os.unlink(self.path)))

    def test_reader_moves_to_a_fifo_made_anew(self) -> None:
        self.assert_follows(*self.reader_after(self.make_anew))

    def test_reader_refuses_a_file_put_in_place(self) -> None:
        _, thread, box = self.reader_after(self.put_file)
        thread.join(TIMEOUT)
        self.assertIsInstance(box[0], PipeError)
        self.assertEqual(str(box[0]), f"{self.path}: exists and is not a named pipe")

    def test_reader_stays_while_the_path_is_its_fifo(self) -> None:
        _, thread, box = self.reader_after(lambda: None)
        thread.join(1.5)
        self.assertTrue(thread.is_alive(), "read() returned with nothing to read")
        with connected_writer(self.path) as fd:
            os.write(fd, b"x\n")
        thread.join(TIMEOUT)
        self.assertEqual(box, [fifo.BYTES])

    def test_reader_stays_with_a_silent_publisher(self) -> None:
        # A publisher connected, silent: the reader is no longer waiting for
        # one, and keeps its FIFO even when the path changes (as in C and Go).
        fifo.prepare(self.path)
        reader = fifo.open_reader(self.path)
        self.addCleanup(lambda: os.close(reader.fd))
        held = os.fstat(reader.fd).st_ino
        with connected_writer(self.path) as fd:
            thread, box = in_thread(lambda: reader.read(framing.FrameDecoder(self.path), output.Output()))
            time.sleep(0.3)
            self.make_anew()
            thread.join(1.5)
            self.assertTrue(thread.is_alive())
            self.assertEqual(os.fstat(reader.fd).st_ino, held)
            os.write(fd, b"late\n")
            thread.join(TIMEOUT)
        self.assertEqual(box, [fifo.BYTES])

    def writer_after(self, change: Callable[[], None]) -> Tuple[threading.Thread, List[object]]:
        """A writer waiting in open_writer() for a subscriber, the path
        changed meanwhile: its thread, and the list that gets what
        open_writer() came to. What it reports is dropped."""
        fifo.prepare(self.path)
        quiet = mock.patch.object(report, "report", lambda text: None)
        quiet.start()
        self.addCleanup(quiet.stop)
        thread, box = in_thread(lambda: fifo.open_writer(self.path))
        thread.join(0.3)
        change()
        return thread, box

    def read_from(self, thread: threading.Thread, box: List[object], message: bytes) -> List[object]:
        """What a subscriber that comes now reads from the FIFO at the path,
        where the writer of writer_after() sends message."""
        received, reader_box = in_thread(lambda: read_fifo(self.path))
        thread.join(TIMEOUT)
        writer = box[0]
        assert isinstance(writer, fifo.Writer), writer
        writer.batch += message
        writer.close()
        received.join(TIMEOUT)
        return reader_box

    def test_writer_ends_up_on_the_fifo_at_the_path(self) -> None:
        thread, box = self.writer_after(self.make_anew)
        self.assertEqual(self.read_from(thread, box, b"to the new one\n"), [b"to the new one\n"])

    def test_writer_makes_a_removed_fifo_again(self) -> None:
        thread, box = self.writer_after(lambda: os.unlink(self.path))
        wait_for_path = time.monotonic() + TIMEOUT
        while not os.path.lexists(self.path) and time.monotonic() < wait_for_path:
            time.sleep(0.05)
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.path).st_mode))
        self.assertEqual(self.read_from(thread, box, b"made again\n"), [b"made again\n"])

    def test_writer_refuses_a_file_put_in_place(self) -> None:
        thread, box = self.writer_after(self.put_file)
        thread.join(TIMEOUT)
        self.assertIsInstance(box[0], PipeError)
        self.assertEqual(str(box[0]), f"{self.path}: exists and is not a named pipe")


class Draining(ScratchDir):
    """Writer.close() waits until a subscriber has taken what is in the pipe."""

    def test_close_waits_for_the_bytes_to_be_read_and_says_so_once(self) -> None:
        fifo.prepare(self.path)
        reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        said: List[str] = []
        with mock.patch.object(report, "report", said.append):
            writer = fifo.open_writer(self.path)
            writer.batch += b"a\nbc\n"
            thread, box = in_thread(writer.close)
            thread.join(1.5)
            self.assertTrue(thread.is_alive(), "closed with 5 bytes unread")
            # A subscriber restarted meanwhile still finds them.
            os.close(reader)
            thread.join(0.2)
            self.assertTrue(thread.is_alive())
            reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self.assertEqual(os.read(reader, 100), b"a\nbc\n")
            thread.join(TIMEOUT)
        os.close(reader)
        self.assertEqual(box, [None])
        self.assertEqual(said, [f"{self.path}: waiting for a subscriber to take 5 bytes"])
        with self.assertRaises(OSError):
            os.fstat(writer.fd)     # closed

    def test_close_of_an_empty_pipe_is_at_once_and_silent(self) -> None:
        fifo.prepare(self.path)
        reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        said: List[str] = []
        with mock.patch.object(report, "report", said.append):
            writer = fifo.open_writer(self.path)
            writer.batch += b"x\n"
            writer.send()
            self.assertEqual(os.read(reader, 100), b"x\n")
            start = time.monotonic()
            writer.close()
        os.close(reader)
        self.assertLess(time.monotonic() - start, 0.5)
        self.assertEqual(said, [])


class RestOfFrame(ScratchDir):
    """Reader.read_rest_of_frame() takes the rest of one frame, no more."""

    def test_the_rest_of_one_frame_and_not_a_byte_more(self) -> None:
        long = b"x" * 5000 + b"\nb\n"
        limit = framing.MESSAGE_MAX + 2
        cases = [
            ("up to its LF", b"ree\nfour\n", False, b"ree\n", b"four\n"),
            ("a CR LF ending", b"ree\r\nfour\n", False, b"ree\r\n", b"four\n"),
            ("a writer wrote part of it", b"ree", False, b"ree", b""),
            ("end of file", b"ree", True, b"ree", b""),
            ("nothing there", b"", False, b"", b""),
            ("an overlong frame", long, False, long[:limit], long[limit:]),
        ]
        for name, in_pipe, writer_gone, rest, left in cases:
            with self.subTest(name):
                self.fresh_pipe()
                fifo.prepare(self.path)
                reader = fifo.open_reader(self.path)
                writer = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
                try:
                    os.write(writer, in_pipe)
                    if writer_gone:
                        os.close(writer)
                    self.assertEqual(reader.read_rest_of_frame(), rest)
                    try:
                        self.assertEqual(os.read(reader.fd, 65536), left)
                    except BlockingIOError:
                        self.assertEqual(left, b"")
                finally:
                    reader.close()
                    if not writer_gone:
                        os.close(writer)


class StandardStreams(unittest.TestCase):
    def test_closed_descriptors_get_dev_null(self) -> None:
        code = ("import os; from fifo_pubsub import fifo; fifo.guard_std_streams(); "
                "fd = os.open('/', os.O_RDONLY); "
                "print(fd, [os.path.realpath(f'/proc/self/fd/{n}') for n in (0, 1, 2)],"
                " file=open('/proc/self/fd/%d' % fd_out, 'w'))")
        read_end, write_end = os.pipe()
        try:
            proc = subprocess.Popen(
                [PYTHON, "-S", "-c", code.replace("fd_out", str(write_end))],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(write_end,), cwd=REPO / "python",
                preexec_fn=lambda: [os.close(n) for n in (0, 1, 2)])
            os.close(write_end)
            proc.wait(TIMEOUT)
            result = os.read(read_end, 4096).decode()
        finally:
            os.close(read_end)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(result.split(" ", 1)[1].strip(),
                         "['/dev/null', '/dev/null', '/dev/null']")
        self.assertGreater(int(result.split(" ", 1)[0]), 2)


if __name__ == "__main__":
    unittest.main()
