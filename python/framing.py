"""The wire format: lines from standard input, frames from the pipe, batches.

A frame is a message and one LF; a message is 1 to MESSAGE_MAX bytes, never
decoded (shared/PROTOCOL.md, section 2).  Three jobs live here:

  * LineReader, check(): the publisher's side.  Standard input is read in
    chunks and cut into lines (LF and one CR before it removed), each checked
    before it is sent: empty lines are skipped, lines over MESSAGE_MAX bytes
    and lines still ending in CR are refused.
  * Batch: whole frames gathered for one write() of at most FRAME_MAX bytes,
    which a pipe takes atomically, so frames of several publishers never mix.
  * FrameDecoder: the subscriber's side.  A pipe hands bytes over in whatever
    pieces the writers and the kernel produce, so a frame may be split across
    reads, or many frames come in one.  The decoder keeps the unfinished
    tail of one chunk until the next, drops one CR before LF, skips empty
    frames, reports overlong ones, and at end of file delivers a fragment.

Neither side ever holds more than FRAME_MAX bytes of one line or frame: an
overlong one is counted, not kept.  Nothing here does I/O but LineReader's
os.read(), so the rules can be tested by feeding bytes in any split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from typing import Union

MESSAGE_MAX = 4095          # the longest message: with its LF, one PIPE_BUF
FRAME_MAX = MESSAGE_MAX + 1  # a message and its LF, at most PIPE_BUF (4096)
READ_CHUNK = 65536          # one read of the pipe or of standard input
EXIT = b"exit"              # the message that asks the subscriber to stop


# --- both sides --------------------------------------------------------------------

class _Held:
    """The start of a line or frame whose LF has not come yet.

    Its bytes are kept while it could still be a valid message (at most
    FRAME_MAX: MESSAGE_MAX and a CR that will come off); past that it is
    only counted, so a gigabyte without LF costs no memory.
    """

    def __init__(self) -> None:
        self.data = bytearray()
        self.overlong = 0           # its length so far, once too long to keep
        self.last_cr = False        # whether the last byte counted was CR

    def __bool__(self) -> bool:
        return bool(self.data) or self.overlong > 0

    def add(self, piece: bytes) -> None:
        if not self.overlong and len(self.data) + len(piece) <= FRAME_MAX:
            self.data += piece
            return
        if not self.overlong:
            self.overlong = len(self.data)
            self.last_cr = self.data.endswith(b"\r")
            self.data.clear()
        if piece:
            self.overlong += len(piece)
            self.last_cr = piece.endswith(b"\r")

    def end(self, piece: bytes) -> bytes | TooLong:
        """The LF came after `piece`: the whole line, its CR still on, or
        TooLong with the length of the message (its CR not counted)."""
        self.add(piece)
        if self.overlong:
            too_long = TooLong(self.overlong - self.last_cr)
            self.overlong = 0
            self.last_cr = False
            return too_long
        line = bytes(self.data)
        self.data.clear()
        return line


@dataclass(frozen=True)
class TooLong:
    """A line or frame over MESSAGE_MAX bytes, counted but not kept."""
    length: int


def _without_cr(line: bytes) -> bytes:
    """A line or frame without the one CR that may stand before its LF."""
    return line[:-1] if line.endswith(b"\r") else line


# --- the publisher's side -------------------------------------------------------

class Check(Enum):
    """What the publisher does with a line."""
    OK = "send it"
    EMPTY = "skip it silently"
    TOO_LONG = "refuse it: over MESSAGE_MAX bytes"
    ENDS_WITH_CR = "refuse it: a reader would take its last CR for CRLF"


def check(line: bytes | TooLong) -> Check:
    """Whether a line of standard input can be sent as a message."""
    if isinstance(line, TooLong) or len(line) > MESSAGE_MAX:
        return Check.TOO_LONG
    if not line:
        return Check.EMPTY
    if line.endswith(b"\r"):
        return Check.ENDS_WITH_CR
    return Check.OK


def length(line: bytes | TooLong) -> int:
    """A line's length in bytes, also of one too long to keep."""
    return line.length if isinstance(line, TooLong) else len(line)


class InputError(Exception):
    """Standard input could not be read; str() is the error line's text."""


class LineReader:
    """The lines of a file descriptor, read READ_CHUNK bytes at a time.

    A terminal in canonical mode returns one line per read(); a file or a
    pipe returns as much as is waiting, often many lines, which are handed
    out one by one before the next read.
    """

    def __init__(self, fd: int = 0) -> None:
        self.fd = fd
        self.line_number = 0                # of the line handed out last
        self._lines: list[bytes | TooLong] = []  # the lines of the last chunk
        self._next = 0                      # index of the next one to hand out
        self._plain = False                 # the last chunk's lines need no check
        self._held = _Held()
        self._at_end = False

    @property
    def has_lines(self) -> bool:
        """True when a line can be handed out without reading again."""
        return self._next < len(self._lines)

    @property
    def mid_line(self) -> bool:
        """True when the start of a line has been read, but not its LF."""
        return bool(self._held)

    def next_line(self) -> bytes | TooLong | None:
        """The next line without its LF and one CR; None at end of input.

        Raises InputError when standard input cannot be read.
        """
        while self._next >= len(self._lines):
            if self._at_end:
                return None
            self._read()
        line = self._lines[self._next]
        self._next += 1
        self.line_number += 1
        return line if isinstance(line, TooLong) else _without_cr(line)

    def next_plain_frames(self) -> bytes:
        """The fast path: all the lines of the last chunk, as frames.

        When a file or a pipe fills a read with ordinary lines (no CR, no
        empty line, no `exit`, none too long: checks made in C by bytes and
        list methods), they go into the pipe exactly as they stand, and no
        line needs a turn of the loop of its own.  Returns b"" when the chunk
        has any line that does need one; next_line() then hands them out.
        Reads first if no line is waiting; raises InputError like next_line().
        """
        if not self.has_lines and not self._at_end:
            self._read()
        if not (self._plain and self._next == 0 and self.has_lines):
            return b""
        lines = self._lines
        self._next = len(lines)
        self.line_number += len(lines)
        return b"".join([b"\n".join(lines), b"\n"])  # type: ignore[arg-type]

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except OSError as err:
            reason = os.strerror(err.errno or 0)
            raise InputError(f"standard input: {reason}") from None
        lines: list[bytes | TooLong]
        if not chunk:
            # End of input: a last line without LF is still a line.
            self._at_end = True
            lines = [self._held.end(b"")] if self._held else []
        else:
            lines = list(chunk.split(b"\n"))
            tail = lines.pop()  # after the last LF: the start of the next line
            if lines:
                lines[0] = self._held.end(lines[0]) if self._held else lines[0]
            self._held.add(tail)
        # Only the first line may have begun in an earlier chunk.
        first = lines[:1]
        self._plain = (b"\r" not in chunk and b"" not in lines and EXIT not in lines
                       and not any(isinstance(line, TooLong) or b"\r" in line
                                   for line in first)
                       and max(map(len, lines), default=0) <= MESSAGE_MAX)  # type: ignore[arg-type]
        self._lines, self._next = lines, 0


class Batch:
    """Whole frames waiting to go into the pipe in one write()."""

    def __init__(self) -> None:
        self._frames = bytearray()

    def __bool__(self) -> bool:
        return bool(self._frames)

    @property
    def room(self) -> int:
        """How many more bytes of frames fit in one write."""
        return FRAME_MAX - len(self._frames)

    def fits(self, message: bytes) -> bool:
        return len(message) + 1 <= self.room

    def add(self, message: bytes) -> None:
        """Add the message's frame: the message and its LF."""
        self._frames += message
        self._frames += b"\n"

    def add_frames(self, frames: bytes) -> None:
        """Add whole frames that fit (see fits() and room)."""
        self._frames += frames

    def data(self) -> bytes:
        return bytes(self._frames)

    def clear(self) -> None:
        self._frames.clear()


# --- the subscriber's side -------------------------------------------------------

# What the decoder hands on: a message, or the length of a discarded frame.
Event = Union[bytes, TooLong]


@dataclass
class Frames:
    """What one chunk of the pipe completed, in order."""
    events: list[Event]
    # True when every event is an ordinary message (no `exit`, nothing
    # discarded), which can be printed all at once.
    plain: bool


class FrameDecoder:
    """Cuts the bytes of the pipe into messages: feed() each chunk, finish() at EOF."""

    def __init__(self) -> None:
        self._held = _Held()

    @property
    def buffered(self) -> int:
        """How many bytes of an unfinished frame are held in memory."""
        return len(self._held.data)

    def mid_frame(self) -> bool:
        """Whether the start of a frame is held, its LF still to come."""
        return bool(self._held)

    def feed(self, chunk: bytes) -> Frames:
        """The messages and discarded frames that `chunk` completes."""
        pieces = chunk.split(b"\n")
        tail = pieces.pop()     # after the last LF: the start of the next frame
        first: list[Event] = []
        if pieces and self._held:
            # The first piece ends the frame held since the last chunk.
            first = _events([self._held.end(pieces.pop(0))])
        self._held.add(tail)

        # The fast path.  In the common chunk every piece is a message as it
        # stands: no CR to remove, no empty frame to skip, no `exit`, none too
        # long.  Each of those is found by a search or a scan in C (bytes and
        # list methods, no Python loop per frame), and then the pieces are
        # the messages.  Anything unusual sends the whole chunk down the
        # careful path, one frame at a time, with the same result.
        plain = (b"\r" not in chunk and b"" not in pieces and EXIT not in pieces
                 and (len(chunk) <= MESSAGE_MAX
                      or max(map(len, pieces), default=0) <= MESSAGE_MAX))
        events: list[Event] = pieces if plain else _events(pieces)
        if first:
            plain = plain and _is_plain(first[0])
            events = first + events
        return Frames(events, plain)

    def finish(self) -> Frames:
        """End of file: an unterminated fragment counts as a whole frame."""
        events = _events([self._held.end(b"")]) if self._held else []
        return Frames(events, all(map(_is_plain, events)))


def _events(frames: list[bytes | TooLong]) -> list[Event]:
    """The careful path: each frame without its CR; empty ones skipped."""
    events: list[Event] = []
    for frame in frames:
        if isinstance(frame, TooLong):
            events.append(frame)
            continue
        message = _without_cr(frame)
        if len(message) > MESSAGE_MAX:
            events.append(TooLong(len(message)))
        elif message:
            events.append(message)
    return events


def _is_plain(event: Event) -> bool:
    return isinstance(event, bytes) and event != EXIT
