"""The subscriber's standard output, buffered and flushed when the pipe is idle.

print() on a pipe or a file is block-buffered and flushed only at exit,
which is why the tutorial's messages did not show up while it ran.  Output
keeps its own byte buffer instead, so that the subscriber decides when it
goes out: when it is full, and whenever the FIFO has nothing more to read
(shared/PROTOCOL.md, section 4, step 3).

Standard output may be slow, or stall altogether when its reader stops
reading.  A stop signal must still be able to end the subscriber, after it
has written out what it took from the pipe (step 8), so writes into a pipe,
socket or terminal are made only after poll() reports room, and that poll()
also wakes for a stop signal (signals.wakeup_fd()).
"""

from __future__ import annotations

import os
import select
import stat

from . import report, signals

BUFFER_SIZE = 64 * 1024     # write standard output in blocks of about this
PIPE_BUF = 4096             # a write this size after POLLOUT never blocks
GIVE_UP_MS = 2000           # after a stop signal: how long a stalled stdout gets


class OutputError(report.Error):
    """Writing standard output failed; str() is the error line's text."""

    def __init__(self, err: OSError) -> None:
        super().__init__(f"standard output: {os.strerror(err.errno or 0)}")


class Output:
    """A byte buffer in front of a file descriptor (standard output)."""

    def __init__(self, fd: int = 1, size: int = BUFFER_SIZE) -> None:
        self.fd = fd
        self.size = size
        self._buffer = bytearray()
        self.failed = False     # a write failed: the exit status is 1
        self._poller = select.poll()
        self._poller.register(fd, select.POLLOUT)
        if signals.wakeup_fd() >= 0:
            self._poller.register(signals.wakeup_fd(), select.POLLIN)
        # A pipe, socket or terminal stalls when its reader stops reading; a
        # file or /dev/null takes whatever it is given at once.
        try:
            mode = os.fstat(fd).st_mode
            self._stalls = (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
                            or os.isatty(fd))
        except OSError:
            self._stalls = False

    @property
    def pending(self) -> int:
        """Bytes written into the buffer and not yet out."""
        return len(self._buffer)

    def write(self, data: bytes) -> None:
        """Add to the buffer; write the buffer out when it is full.

        After a stop signal the buffer only grows: the subscriber finishes
        the chunk it is on and finish() writes it all out.
        """
        buffer = self._buffer
        buffer += data
        if len(buffer) >= self.size and not signals.stop_status():
            self.flush()

    def finish(self, status: int) -> int:
        """Write out what is buffered; the exit status: 130 or 143 after a
        stop signal, else 1 if standard output failed, else `status`.

        Raises nothing: a failure is reported here.
        """
        try:
            if not self.failed:
                self.flush()
                if signals.stop_status():
                    self.flush_before_exit()
        except OutputError as err:
            report.report(str(err))
        if signals.stop_status():
            return signals.stop_status()
        return 1 if self.failed else status

    def flush(self) -> None:
        """Write the buffer out, however long standard output takes.

        Returns early, keeping the rest, when a stop signal comes.  Raises
        OutputError if standard output fails (EPIPE when its reader is gone).
        """
        while self._buffer and self._wait_for_room(None):
            # A blocking write larger than the room in a pipe or terminal
            # waits for the reader only after it has written something, and
            # a signal then ends it with a short count: it cannot hang.
            self._write(len(self._buffer))

    def flush_before_exit(self) -> None:
        """After a stop signal: write out everything, as long as it goes.

        Gives up (the caller exits all the same) when standard output takes
        nothing for 2 seconds, or at a second stop signal.  An error is
        reported by the caller like any other.
        """
        signals.clear_wakeup()
        first = signals.stop_count()
        while self._buffer and signals.stop_count() <= first:
            if not self._wait_for_room(GIVE_UP_MS):
                return
            # Here a write must not wait at all: at most PIPE_BUF bytes,
            # which a pipe with room takes at once.
            self._write(PIPE_BUF if self._stalls else len(self._buffer))

    def _wait_for_room(self, timeout_ms: int | None) -> bool:
        """True when standard output takes bytes now; False at a stop signal
        (or after timeout_ms without room)."""
        if not self._stalls:
            return True
        ready = self._poller.poll(timeout_ms)
        # POLLERR and POLLHUP count as room: the write will say what is wrong.
        return any(fd == self.fd for fd, _ in ready)

    def _write(self, size: int) -> None:
        try:
            with memoryview(self._buffer) as view:
                written = os.write(self.fd, view[:size])
        except BlockingIOError:
            # Our parent left standard output non-blocking: wait for room
            # like any other stalled reader.
            self._stalls = True
            return
        except OSError as err:
            self.failed = True
            raise OutputError(err) from None
        del self._buffer[:written]
