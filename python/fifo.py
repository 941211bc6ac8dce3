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

Errors are raised as PipeError, whose text is the part of the error line
that follows "PROG: " (for example "/tmp/x: exists and is not a named pipe").
"""

from __future__ import annotations

import errno
import os
import select
import stat

import report
import signals
from framing import MESSAGE_MAX, READ_CHUNK, Batch

FIFO_MODE = 0o600
STDIN_FD_VARIABLE = "FIFO_PUBSUB_STDIN_FD"   # set by the launchers


class PipeError(Exception):
    """The pipe path cannot be used; str() is "PATH: reason"."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def guard_std_streams() -> None:
    """Make descriptors 0, 1 and 2 safe to use before anything is opened.

    The launchers start Python with /dev/null on descriptor 0 when standard
    input is a directory (Python refuses to start with one there) and hand
    the real one over in another descriptor: it goes back to 0 first.  Then
    /dev/null is opened on any of 0-2 that is closed; otherwise the FIFO would
    take that number, and our own error lines or prompt would go into the
    pipe as messages.
    """
    handed_over = os.environ.pop(STDIN_FD_VARIABLE, "")
    if handed_over.isdigit() and int(handed_over) > 2:
        try:
            os.dup2(int(handed_over), 0)
            os.close(int(handed_over))
        except OSError:
            pass
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
    that is when we say once that we wait, and then open it blocking.
    """
    try:
        try:
            fd = _open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as err:
            if err.errno != errno.ENXIO:
                raise
            report.report(f"{path}: waiting for a subscriber")
            fd = _open(path, os.O_WRONLY)
        # Writes must block while the pipe is full, not fail with EAGAIN.
        os.set_blocking(fd, True)
    except OSError as err:
        raise _system_error(path, err) from None
    return Writer(path, fd)


class Writer:
    """The publisher's end of the FIFO."""

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd

    def send(self, batch: Batch) -> None:
        """Write the batch's frames, at most FRAME_MAX bytes, in one write().

        A pipe takes such a write whole or not at all, so after EPIPE none
        of it arrived: we wait for the next subscriber and write it again.
        The old descriptor stays open until the new open succeeds, so the
        kernel keeps the frames still unread in the pipe for that subscriber.
        """
        data = batch.data()
        while data:
            try:
                written = os.write(self.fd, data)
            except BrokenPipeError:
                report.report(f"{self.path}: subscriber went away (broken pipe)")
                prepare(self.path)
                new = open_writer(self.path)
                os.close(self.fd)
                self.fd = new.fd
                continue
            except OSError as err:
                raise _system_error(self.path, err) from None
            data = data[written:]    # never short for a pipe; a file may be
        batch.clear()

    def close(self) -> None:
        os.close(self.fd)


def open_reader(path: str) -> Reader:
    """Open the FIFO for reading, without waiting for a publisher.

    A blocking open would sleep here until a writer came.  Opening
    non-blocking returns at once, so the subscriber can open the FIFO again
    before it closes the old descriptor (Reader.reopen), and wait for writers
    in poll() instead, which costs no CPU either: on Linux, poll() on a FIFO
    that has had no writer since it was opened just sleeps.
    """
    try:
        return Reader(path, _open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as err:
        raise _system_error(path, err) from None


class Reader:
    """The subscriber's end of the FIFO: a non-blocking descriptor."""

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd
        # On a descriptor just opened, read() returns b"" until a writer
        # comes, which looks like end of file: wait() first.
        self._fresh = True
        # The last read was short: it emptied the pipe (see read()).
        self._emptied = False
        self._poller = self._new_poller()

    def read(self) -> bytes | None:
        """Up to READ_CHUNK bytes; b"" at end of file; None for nothing yet.

        The descriptor is non-blocking, so read() tells the three apart:
        bytes; b"" when the pipe is empty and has no writer (end of file);
        BlockingIOError when it is empty but a writer is still connected.
        A read of a pipe stops short only when the pipe is empty, so after
        one the next read() says "nothing yet" without asking the kernel
        again: one system call less per message on the interactive path.
        wait() then returns at once if bytes came meanwhile.
        """
        if self._fresh or self._emptied:
            self._emptied = False
            return None
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except BlockingIOError:
            return None
        except OSError as err:
            raise _system_error(self.path, err) from None
        self._emptied = 0 < len(chunk) < READ_CHUNK
        return chunk

    def read_rest_of_frame(self) -> bytes:
        """After a stop signal: the rest of a frame begun, and nothing more.

        For when the bytes read so far end in the middle of a frame
        (shared/PROTOCOL.md, section 4, step 8).  Reads one byte at a time,
        so that not one byte past the frame's LF leaves the pipe, and never
        waits: until an LF (kept), until the pipe has no byte ready (a
        writer wrote part of a frame) or is at end of file, or until
        MESSAGE_MAX + 2 bytes (the longest frame: a message, CR and LF)
        without an LF.  Returns the bytes read, perhaps none.
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
        """Sleep until the pipe has bytes (or end of file), or a stop signal comes."""
        if any(fd == self.fd for fd, _ in self._poller.poll()):
            self._fresh = False

    def _new_poller(self) -> select.poll:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        if signals.wakeup_fd() >= 0:
            poller.register(signals.wakeup_fd(), select.POLLIN)
        return poller

    def reopen(self) -> None:
        """After end of file: check the path again, open it, then close the old one.

        Opening before closing matters: a publisher that opens, writes and
        closes in between would find no reader left, and the kernel would
        free its frames unread.
        """
        prepare(self.path)
        new = open_reader(self.path)
        os.close(self.fd)
        self.fd, self._fresh, self._poller = new.fd, True, new._poller

    def close(self) -> None:
        os.close(self.fd)


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
