"""Prepare and open the named pipe, with the same checks as the C reference.

The path comes from the command line or the environment, so it may name
anything: a FIFO, a regular file, a directory, a symbolic link planted by
someone else.  We only ever read from a real FIFO and never follow a link
(shared/PROTOCOL.md, section 3, step 1 and 2):

  1. lstat() the path.  Missing: create a FIFO with mode 0600, so only the
     owner can write into it.  A symbolic link or anything but a FIFO: refuse,
     and change nothing.
  2. open() it read-only with O_NOFOLLOW (a link swapped in after step 1 fails
     with ELOOP) and without O_CREAT, then fstat() the descriptor to be sure
     that what was opened is a FIFO.

Errors are raised as PipeError, whose text is the part of the error line that
follows "PROG: " (for example "/tmp/x: exists and is not a named pipe").
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat

FIFO_MODE = 0o600


class PipeError(Exception):
    """The pipe path cannot be used; str() is "PATH: reason"."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _system_error(path: str, err: OSError) -> PipeError:
    # The C library's wording, as the other implementations print it.
    reason = os.strerror(err.errno) if err.errno else str(err)
    return PipeError(path, reason)


def _symlink_error(path: str) -> PipeError:
    return PipeError(path, "is a symbolic link, not a named pipe")


def _not_fifo_error(path: str) -> PipeError:
    return PipeError(path, "exists and is not a named pipe")


def prepare_fifo(path: str) -> None:
    """Make sure `path` is a FIFO, creating it if it does not exist."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        try:
            os.mkfifo(path, FIFO_MODE)
        except FileExistsError:
            # A publisher created it at the same moment; open_fifo() checks
            # what it is.
            pass
        except OSError as err:
            raise _system_error(path, err) from None
        return
    except OSError as err:
        raise _system_error(path, err) from None

    if stat.S_ISLNK(st.st_mode):
        raise _symlink_error(path)
    if not stat.S_ISFIFO(st.st_mode):
        raise _not_fifo_error(path)


def open_fifo(path: str) -> int:
    """Open the FIFO for reading and return a non-blocking descriptor.

    A blocking open would sleep here until a writer opens the other end.
    Opening non-blocking returns at once, so the subscriber can open the FIFO
    again before it closes the old descriptor (see subscriber.py), and it
    waits for writers in poll() instead, which costs no CPU either: on Linux,
    poll() on a FIFO that has had no writer since it was opened just sleeps.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW
                     | os.O_CLOEXEC)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _symlink_error(path) from None
        raise _system_error(path, err) from None
    try:
        st = os.fstat(fd)
    except OSError as err:
        os.close(fd)
        raise _system_error(path, err) from None
    if not stat.S_ISFIFO(st.st_mode):
        os.close(fd)
        raise _not_fifo_error(path)
    if fd <= 2:
        # Standard output (or error) was closed when we started and the pipe
        # took its number; move it out of the way so that a message can never
        # be written back into the pipe.
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
        os.close(fd)
        fd = moved
    return fd
