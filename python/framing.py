"""Split a byte stream read from the pipe into newline-framed messages.

The wire format (shared/PROTOCOL.md, section 2) is one message per frame,
each frame ending in LF.  A pipe hands bytes over in whatever pieces the
writers and the kernel happen to produce, so a frame may arrive split across
several reads, or many frames in one read.  FrameDecoder keeps the unfinished
tail of one read until the next and turns the stream back into messages:

  * one CR directly before the LF is not part of the message;
  * an empty frame (LF, or CR LF) carries nothing and is skipped;
  * a message over MAX_MESSAGE bytes is not delivered: the decoder reports how
    many bytes it threw away and resumes after the next LF, holding at most
    MAX_FRAME bytes of any one frame while it does so;
  * at end of file, bytes after the last LF count as a frame, as if the LF
    had been there.

The decoder does no I/O, so it can be tested by feeding it bytes in any split.
"""

from __future__ import annotations

from typing import Iterator, Union

MAX_MESSAGE = 4095          # a message plus its LF fits PIPE_BUF (4096 on Linux)
MAX_FRAME = MAX_MESSAGE + 1  # most bytes a valid frame can hold before its LF
                             # (the message and one CR)
LF = 0x0A
CR = 0x0D


class Discarded:
    """An overlong frame that was dropped; `size` is its message length."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Discarded) and other.size == self.size

    def __repr__(self) -> str:
        return f"Discarded({self.size})"


# What the decoder yields: a message's bytes, or a note that a frame was dropped.
Event = Union[bytes, Discarded]


class FrameDecoder:
    """Incremental LF-frame decoder; feed() the chunks, finish() at EOF."""

    def __init__(self, max_message: int = MAX_MESSAGE) -> None:
        self.max_message = max_message
        # Bytes of the current frame seen so far, while it may still be valid.
        # Never longer than max_message + 1 (room for a final CR).
        self._partial = bytearray()
        # Set once the current frame is known to be too long: from then on we
        # only count its bytes until the LF, and remember whether the last
        # byte counted was a CR (the CR before LF is not part of the size).
        self._discarding = False
        self._discard_count = 0
        self._discard_last_cr = False

    @property
    def buffered(self) -> int:
        """How many bytes of an unfinished frame are held in memory."""
        return len(self._partial)

    def feed(self, data: bytes) -> Iterator[Event]:
        """Yield every event completed by `data`, in order.

        The consumer may stop iterating early (on `exit`); whatever was left
        of `data` is then dropped, just as the pipe would not give it back.
        """
        end = len(data)
        pos = 0
        while pos < end:
            nl = data.find(b"\n", pos)
            if nl < 0:
                self._hold(data, pos, end)
                return
            event = self._complete(data, pos, nl)
            pos = nl + 1
            if event is not None:
                yield event

    def finish(self) -> Iterator[Event]:
        """End of file: an unterminated fragment counts as a whole frame."""
        if self._discarding or self._partial:
            event = self._complete(b"", 0, 0)
            if event is not None:
                yield event

    # -- internals ---------------------------------------------------------

    def _hold(self, data: bytes, start: int, end: int) -> None:
        """Keep data[start:end], which has no LF, until the frame ends."""
        size = end - start
        if self._discarding:
            self._discard_count += size
            self._discard_last_cr = data[end - 1] == CR
        elif len(self._partial) + size > self.max_message + 1:
            # Too long even if its last byte turns out to be a CR: stop
            # keeping it, just count it.
            self._discarding = True
            self._discard_count = len(self._partial) + size
            self._discard_last_cr = data[end - 1] == CR
            self._partial.clear()
        else:
            self._partial += data[start:end]

    def _complete(self, data: bytes, start: int, end: int) -> Event | None:
        """The frame ends with data[start:end] (its LF excluded)."""
        if self._discarding:
            size = self._discard_count + (end - start)
            last_cr = data[end - 1] == CR if end > start else self._discard_last_cr
            self._discarding = False
            self._discard_count = 0
            self._discard_last_cr = False
            return Discarded(size - 1 if last_cr else size)

        if self._partial:
            size = len(self._partial) + (end - start)
            if size > self.max_message + 1:
                # Overlong, and the decision needs no copy of the tail.
                last = data[end - 1] if end > start else self._partial[-1]
                self._partial.clear()
                return Discarded(size - 1 if last == CR else size)
            self._partial += data[start:end]
            frame = bytes(self._partial)
            self._partial.clear()
            if frame.endswith(b"\r"):
                frame = frame[:-1]
        else:
            # Common case: the whole frame is inside this chunk.
            if end > start and data[end - 1] == CR:
                end -= 1
            frame = data[start:end]

        if not frame:
            return None
        if len(frame) > self.max_message:
            return Discarded(len(frame))
        return frame
