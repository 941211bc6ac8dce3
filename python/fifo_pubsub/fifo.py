"""The FIFO: standard streams kept off it; its checks, creation and opening;
reading and writing it.

The path comes from the command line or the environment, so it may name
anything: a FIFO, a regular file, a directory, a symbolic link planted by
another user in a shared /tmp.  We only ever use a FIFO of our own that
nobody else may write to, and never follow a link (shared/PROTOCOL.md,
section 3, steps 0 to 2):

  1. prepare(): lstat() the path.  Missing: create a FIFO with mode 0600.
     A symbolic link, anything but a FIFO, a FIFO of another user or one
     that others may write to: refuse, and change nothing.
  2. open_writer() / open_reader(): open it without O_CREAT (no regular file
     is ever made by accident) and with O_NOFOLLOW (a link swapped in after
     step 1 fails with ELOOP), then make the same checks with fstat() on the
     descriptor, which is what was really opened.

While either end waits for the other, it follows its path: when the path
no longer names the FIFO it would use (removed, or made again, or replaced
by something else), it runs the checks again and moves to what is there now
(shared/PROTOCOL.md, section 8).  The writer's batch and its draining at
close, and the reader's wait in poll(), are here too.

Errors are raised as PipeError, whose text is the part of the error line
that follows "PROG: " (for example "/tmp/x: exists and is not a named pipe").
"""

from __future__ import annotations

import errno
import os
import select
import stat
import struct
import termios
import time
from enum import Enum
from fcntl import ioctl
from typing import TYPE_CHECKING, Optional

from . import report, signals
from .framing import MESSAGE_MAX, READ_CHUNK, FrameDecoder

if TYPE_CHECKING:
    from .output import Output

FIFO_MODE = 0o600
RETRY_SECONDS = 0.1     # the longest a writer waiting for a subscriber waits to try again
CHECK_SECONDS = 1.0     # how often a waiting end checks its path
DRAIN_SECONDS = 0.01    # a closing writer looks at the pipe again after this
DRAIN_NOTICE_SECONDS = 1.0  # and says that it waits after this


class PipeError(report.Error):
    """The pipe cannot be used; str() is "PATH: reason"."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def guard_std_streams() -> None:
    """Open /dev/null on any of descriptors 0, 1 and 2 that is closed.

    Otherwise the FIFO would take that number, and our own error lines or
    prompt would go into the pipe as messages.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def prepare(path: str) -> None:
    """Make sure `path` is a FIFO of our own, creating it if it is missing."""
    try:
        _check(path, os.lstat(path))
        return
    except FileNotFoundError:
        pass
    except OSError as err:
        raise _system_error(path, err) from None
    try:
        os.mkfifo(path, FIFO_MODE)
    except FileExistsError:
        # A peer created it at the same moment: check what it made.
        try:
            _check(path, os.lstat(path))
        except OSError as err:
            raise _system_error(path, err) from None
    except OSError as err:
        raise _system_error(path, err) from None


def open_writer(path: str) -> Writer:
    """Open the FIFO for writing, which waits for a subscriber.

    A non-blocking open fails with ENXIO while no reader has the FIFO open:
    then we say once that we wait, and try again after 2, 4, 8 ... ms (a
    subscriber that comes a moment later is found at once), then every
    RETRY_SECONDS.  About
    once a second the checks run again (prepare()), so a FIFO removed
    meanwhile is made again, one made anew is the one opened, and anything
    else put at the path is refused.  A stop signal ends the wait (and the
    publisher) at once.
    """
    told = False
    checked = time.monotonic()
    pause = 0.002
    while True:
        try:
            fd = _open(path, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as err:
            if err.errno not in (errno.ENXIO, errno.ENOENT):
                raise _system_error(path, err) from None
        if not told:
            report.report(f"{path}: waiting for a subscriber")
            told = True
        time.sleep(pause)
        pause = min(pause * 2, RETRY_SECONDS)
        if time.monotonic() - checked >= CHECK_SECONDS:
            prepare(path)
            checked = time.monotonic()
    # Writes must block while the pipe is full, not fail with EAGAIN.
    os.set_blocking(fd, True)
    return Writer(path, fd)


class Writer:
    """The publisher's end of the FIFO, and the frames batched for it."""

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd
        # Whole frames for the next write(), at most FRAME_MAX bytes.
        self.batch = bytearray()

    def send(self) -> None:
        """Write the batch, at most FRAME_MAX bytes of whole frames, in one write().

        A pipe takes such a write whole or not at all, so after EPIPE none
        of it arrived: we wait for the next subscriber and write it again.
        The old descriptor stays open until the new open succeeds, so the
        kernel keeps the frames still unread in the pipe for that subscriber.
        """
        while self.batch:
            try:
                written = os.write(self.fd, self.batch)
            except BrokenPipeError:
                report.report(f"{self.path}: subscriber went away (broken pipe)")
                prepare(self.path)
                new = open_writer(self.path)
                os.close(self.fd)
                self.fd = new.fd
                continue
            except OSError as err:
                raise _system_error(self.path, err) from None
            del self.batch[:written]    # never short for a pipe

    def close(self) -> None:
        """Send what the batch holds, wait until a subscriber has taken every
        byte left in the pipe, then close it.

        Closing at once would lose those bytes if the subscriber went away
        before reading them: with no one holding the FIFO open, the kernel
        frees them.  While we hold it, a restarted subscriber still gets
        them.  A stop signal ends the wait (and the publisher) at once.
        """
        self.send()
        start = time.monotonic()
        told = False
        while True:
            left = self._unread()
            if not left:
                break
            if not told and time.monotonic() - start > DRAIN_NOTICE_SECONDS:
                report.report(f"{self.path}: waiting for a subscriber to take {left} bytes")
                told = True
            time.sleep(DRAIN_SECONDS)
        os.close(self.fd)

    def _unread(self) -> int:
        """How many bytes the pipe holds, not yet read (FIONREAD works on a
        FIFO's write end too, on Linux)."""
        try:
            return struct.unpack("i", ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        except OSError as err:
            raise _system_error(self.path, err) from None


def open_reader(path: str) -> Reader:
    """Open the FIFO for reading, without waiting for a publisher.

    A blocking open would sleep here until a writer came.  Opening
    non-blocking returns at once, so the subscriber can open the FIFO again
    before it closes the old descriptor (Reader.reopen), and wait for writers
    in poll() instead, which costs no CPU either: on Linux, poll() on a FIFO
    that has had no writer since it was opened just sleeps.  When standard
    error is a terminal we say once that we wait, so that a person does not
    take the silence for a hang.
    """
    reader = Reader(path, _open_reader_fd(path))
    if os.isatty(2):
        report.report(f"{path}: waiting for a publisher")
    return reader


class Got(Enum):
    """What Reader.read() found."""
    BYTES = "bytes, fed to the decoder"
    END_OF_FILE = "end of file: every writer has closed the pipe"
    STOPPED = "a stop signal"


BYTES = Got.BYTES
END_OF_FILE = Got.END_OF_FILE
STOPPED = Got.STOPPED


class Reader:
    """The subscriber's end of the FIFO: a non-blocking descriptor."""

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd
        # On a descriptor just opened, read() returns b"" until a writer
        # comes, which looks like end of file: wait() first.
        self._fresh = True
        # The last read was short: it emptied the pipe (see _read()).
        self._emptied = False
        self._poller = self._new_poller()

    def read(self, frames: FrameDecoder, out: Output) -> Got:
        """Read what the pipe holds into `frames`; sleep first while it has nothing.

        Returns BYTES (fed to `frames`), END_OF_FILE (its unterminated
        fragment finished as a message), or STOPPED after a stop signal: if
        a frame is begun, the rest of that frame and nothing more is read and
        finished first (shared/PROTOCOL.md, section 4, step 8).  Before it
        sleeps, `out` is flushed: nothing waits in a buffer while the pipe
        is idle.
        """
        while not signals.stop_status():
            chunk = self._read()
            if chunk:
                frames.feed(chunk)
                return BYTES
            if chunk is not None:
                frames.finish()
                return END_OF_FILE
            # Waiting for a publisher: the path must still name our FIFO.
            if self._fresh and not self._path_names_ours():
                self.reopen()
                continue
            out.flush()
            self.wait()
        if frames.mid_frame():
            frames.feed(self.read_rest_of_frame())
            frames.finish()
        return STOPPED

    def _read(self) -> Optional[bytes]:
        """Up to READ_CHUNK bytes; b"" at end of file; None for nothing yet.

        The descriptor is non-blocking, so read() tells the three apart:
        bytes; b"" when the pipe is empty and has no writer (end of file);
        BlockingIOError when it is empty but a writer is still connected.
        A read of a pipe stops short only when the pipe is empty, so after
        one the next read() says "nothing yet" without asking the kernel
        again: one system call less per message on the interactive path.
        wait() then returns at once if bytes came meanwhile.
        """
        if self._emptied:
            self._emptied = False
            return None
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except BlockingIOError:
            self._fresh = False     # a publisher is there, silent
            return None
        except OSError as err:
            raise _system_error(self.path, err) from None
        if not chunk and self._fresh:
            return None             # no publisher yet: not an end of file
        self._fresh = False
        self._emptied = 0 < len(chunk) < READ_CHUNK
        return chunk

    def read_rest_of_frame(self) -> bytes:
        """After a stop signal: the rest of a frame begun, and nothing more.

        Reads one byte at a time, so that not one byte past the frame's LF
        leaves the pipe, and never waits: until an LF (kept), until the pipe
        has no byte ready (a writer wrote part of a frame) or is at end of
        file, or until MESSAGE_MAX + 2 bytes (the longest frame: a message,
        CR and LF) without an LF.  Returns the bytes read, perhaps none.
        """
        rest = bytearray()
        while len(rest) < MESSAGE_MAX + 2:
            try:
                byte = os.read(self.fd, 1)
            except BlockingIOError:
                break
            except OSError as err:
                raise _system_error(self.path, err) from None
            if not byte:
                break
            rest += byte
            if byte == b"\n":
                break
        return bytes(rest)

    def wait(self) -> None:
        """Sleep until the pipe has bytes (or end of file), a stop signal
        comes, or CHECK_SECONDS have passed: then read() looks again, and
        while no publisher has come it checks that the path still names
        the FIFO we hold (removed, made again or replaced: it reopens)."""
        ready = self._poller.poll(CHECK_SECONDS * 1000)
        if any(fd == self.fd for fd, _ in ready):
            self._fresh = False

    def _path_names_ours(self) -> bool:
        try:
            there, ours = os.lstat(self.path), os.fstat(self.fd)
        except FileNotFoundError:
            return False
        except OSError as err:
            raise _system_error(self.path, err) from None
        return (there.st_dev, there.st_ino) == (ours.st_dev, ours.st_ino)

    def _new_poller(self) -> select.poll:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        if signals.wakeup_fd() >= 0:
            poller.register(signals.wakeup_fd(), select.POLLIN)
        return poller

    def reopen(self) -> None:
        """Check the path again, open it, then close the old descriptor.

        Opening before closing matters: a publisher that opens, writes and
        closes in between would find no reader left, and the kernel would
        free its frames unread.
        """
        prepare(self.path)
        fd = _open_reader_fd(self.path)
        os.close(self.fd)
        self.fd, self._fresh, self._emptied = fd, True, False
        self._poller = self._new_poller()

    def close(self) -> None:
        os.close(self.fd)


def _open_reader_fd(path: str) -> int:
    try:
        return _open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise _system_error(path, err) from None


# --- checks -----------------------------------------------------------------------

def _open(path: str, flags: int) -> int:
    """Open without O_CREAT or following a link; confirm it with fstat().

    Raises OSError if the open fails, PipeError if the checks do.
    """
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        _check(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check(path: str, st: os.stat_result) -> None:
    """Refuse anything but a FIFO of our own that others may not write to."""
    if stat.S_ISLNK(st.st_mode):
        raise PipeError(path, "is a symbolic link, not a named pipe")
    if not stat.S_ISFIFO(st.st_mode):
        raise PipeError(path, "exists and is not a named pipe")
    if st.st_uid != os.geteuid():
        raise PipeError(path, f"belongs to another user (uid {st.st_uid}), "
                              "who could read or inject messages")
    if st.st_mode & stat.S_IWOTH:
        raise PipeError(path, "other users may write to it (mode "
                              f"{stat.S_IMODE(st.st_mode):04o}), "
                              "so they could inject messages")


def _system_error(path: str, err: OSError) -> PipeError:
    # The C library's wording, as every program in the repository prints it.
    if err.errno == errno.ELOOP:
        return PipeError(path, "is a symbolic link, not a named pipe")
    return PipeError(path, os.strerror(err.errno) if err.errno else str(err))
