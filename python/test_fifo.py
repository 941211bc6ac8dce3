"""Tests for fifo.prepare_fifo and fifo.open_fifo against real paths."""

from __future__ import annotations

import os
import select
import socket
import stat
import tempfile
import unittest

from fifo import PipeError, open_fifo, prepare_fifo


class PrepareFifo(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.path = os.path.join(self.dir, "pipe")

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def assert_refused(self, reason: str) -> None:
        with self.assertRaises(PipeError) as caught:
            prepare_fifo(self.path)
        self.assertEqual(str(caught.exception), f"{self.path}: {reason}")

    def test_missing_is_created_with_mode_0600(self) -> None:
        old_umask = os.umask(0o022)
        try:
            prepare_fifo(self.path)
        finally:
            os.umask(old_umask)
        st = os.lstat(self.path)
        self.assertTrue(stat.S_ISFIFO(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)

    def test_existing_fifo_is_kept(self) -> None:
        os.mkfifo(self.path, 0o640)
        before = os.lstat(self.path)
        prepare_fifo(self.path)
        after = os.lstat(self.path)
        self.assertEqual((before.st_ino, before.st_mode),
                         (after.st_ino, after.st_mode))

    def test_regular_file_is_refused_and_untouched(self) -> None:
        with open(self.path, "wb") as f:
            f.write(b"keep me")
        self.assert_refused("exists and is not a named pipe")
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), b"keep me")

    def test_directory_is_refused(self) -> None:
        os.mkdir(self.path)
        self.assert_refused("exists and is not a named pipe")
        self.assertTrue(os.path.isdir(self.path))

    def test_socket_is_refused(self) -> None:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(self.path)
            self.assert_refused("exists and is not a named pipe")
        finally:
            sock.close()

    def test_symlink_to_fifo_is_refused(self) -> None:
        target = os.path.join(self.dir, "real")
        os.mkfifo(target)
        os.symlink(target, self.path)
        self.assert_refused("is a symbolic link, not a named pipe")

    def test_symlink_to_file_is_refused(self) -> None:
        target = os.path.join(self.dir, "file")
        open(target, "wb").close()
        os.symlink(target, self.path)
        self.assert_refused("is a symbolic link, not a named pipe")
        self.assertEqual(os.path.getsize(target), 0)

    def test_dangling_symlink_is_refused_not_followed(self) -> None:
        target = os.path.join(self.dir, "nowhere")
        os.symlink(target, self.path)
        self.assert_refused("is a symbolic link, not a named pipe")
        self.assertFalse(os.path.lexists(target))

    def test_missing_parent_directory(self) -> None:
        self.path = os.path.join(self.dir, "no", "such", "pipe")
        self.assert_refused("No such file or directory")

    def test_parent_is_a_file(self) -> None:
        parent = os.path.join(self.dir, "file")
        open(parent, "wb").close()
        self.path = os.path.join(parent, "pipe")
        self.assert_refused("Not a directory")


class OpenFifo(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "pipe")

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_opens_at_once_and_reads_what_a_writer_sends(self) -> None:
        os.mkfifo(self.path, 0o600)
        fd = open_fifo(self.path)   # returns without waiting for a writer
        try:
            self.assertGreater(fd, 2)
            self.assertTrue(os.get_inheritable(fd) is False)
            self.assertFalse(os.get_blocking(fd))
            # No writer has come yet: poll() waits rather than report end
            # of file, which is what keeps an idle subscriber asleep.
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            self.assertEqual(poller.poll(50), [])
            writer = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            os.write(writer, b"hi\n")
            os.close(writer)
            self.assertNotEqual(poller.poll(5000), [])
            self.assertEqual(os.read(fd, 100), b"hi\n")
            self.assertEqual(os.read(fd, 100), b"")   # end of file
        finally:
            os.close(fd)

    def test_symlink_swapped_in_is_refused(self) -> None:
        # prepare_fifo() passed, then someone put a link in its place:
        # O_NOFOLLOW refuses it rather than opening what it points to.
        target = os.path.join(self.tmp.name, "file")
        open(target, "wb").close()
        os.symlink(target, self.path)
        with self.assertRaises(PipeError) as caught:
            open_fifo(self.path)
        self.assertEqual(str(caught.exception),
                         f"{self.path}: is a symbolic link, not a named pipe")

    def test_regular_file_swapped_in_is_refused(self) -> None:
        open(self.path, "wb").close()
        with self.assertRaises(PipeError) as caught:
            open_fifo(self.path)
        self.assertEqual(str(caught.exception),
                         f"{self.path}: exists and is not a named pipe")

    def test_missing(self) -> None:
        with self.assertRaises(PipeError) as caught:
            open_fifo(self.path)
        self.assertEqual(str(caught.exception),
                         f"{self.path}: No such file or directory")


if __name__ == "__main__":
    unittest.main()
