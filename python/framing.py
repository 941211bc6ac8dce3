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
    pipe returns as much as is waiting, often many lines.  They are not cut
    up in advance: the chunk is kept whole, and next_line() cuts one line
    off it, or next_plain_frames() a run of ordinary lines in one piece.
    """

    def __init__(self, fd: int = 0) -> None:
        self.fd = fd
        self.line_number = 0        # of the line handed out last
        self._chunk = b""           # the last read
        self._next = 0              # where in it the next line starts
        self._end = 0               # just past its last LF: where its lines end
        # A line begun in an earlier chunk and ended in this one (or at end
        # of input), handed out before the chunk's own lines.
        self._first: bytes | TooLong | None = None
        # The fast path's part of the chunk: where its lines end when all
        # are ordinary, else 0; how many of them are not yet counted.
        self._plain_end = 0
        self._plain_lines = 0
        self._held = _Held()
        self._at_end = False

    @property
    def has_lines(self) -> bool:
        """True when a line can be handed out without reading again."""
        return self._first is not None or self._next < self._end

    @property
    def mid_line(self) -> bool:
        """True when the start of a line has been read, but not its LF."""
        return bool(self._held)

    def next_line(self) -> bytes | TooLong | None:
        """The next line without its LF and one CR; None at end of input.

        Raises InputError when standard input cannot be read.
        """
        while not self.has_lines:
            if self._at_end:
                return None
            self._read()
        self.line_number += 1
        line = self._first
        if line is not None:
            self._first = None
        else:
            lf = self._chunk.index(b"\n", self._next)
            line, self._next = self._chunk[self._next:lf], lf + 1
        return line if isinstance(line, TooLong) else _without_cr(line)

    def next_plain_frames(self, room: int) -> bytes | None:
        """The fast path: the next ordinary lines, as frames, in one piece.

        When a file or a pipe fills a read with ordinary lines (none empty,
        none ending in CR, none `exit`, none too long: checked once per
        chunk, in C, by bytes and list methods), they go into the pipe
        exactly as they stand: this returns as many whole ones as fit in
        `room` bytes, a slice of the chunk cut at an LF by bytes.rfind(),
        with no turn of Python per line.  Returns b"" when the next one does
        not fit (the batch goes out first), and None when the lines waiting
        need next_line().  Reads first if no line is waiting; raises
        InputError like next_line().
        """
        if not self.has_lines and not self._at_end:
            self._read()
        chunk, start = self._chunk, self._next
        if self._first is not None or start >= self._plain_end:
            return None
        end = chunk.rfind(b"\n", start, min(start + room, self._plain_end)) + 1
        if end == 0:
            return b""
        # No line of a plain chunk is refused: count them all at once.
        self.line_number += self._plain_lines
        self._plain_lines, self._next = 0, end
        return chunk[start:end]

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except OSError as err:
            reason = os.strerror(err.errno or 0)
            raise InputError(f"standard input: {reason}") from None
        self._chunk, self._next, self._plain_end = chunk, 0, 0
        if not chunk:
            # End of input: a last line without LF is still a line.
            self._at_end, self._end = True, 0
            if self._held:
                self._first = self._held.end(b"")
            return
        # Whole lines end at the last LF; after it is the start of the next.
        self._end = chunk.rfind(b"\n") + 1
        if self._end and self._held:
            # The first LF ends the line held since an earlier chunk.
            self._next = chunk.index(b"\n") + 1
            self._first = self._held.end(chunk[:self._next - 1])
        self._held.add(chunk[self._end:])
        if self._next < self._end:
            lines = chunk[self._next:self._end - 1].split(b"\n")
            if _all_ordinary(chunk, lines, self._next, self._end):
                self._plain_end, self._plain_lines = self._end, len(lines)


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
    """What one chunk of the pipe completed, in order: first the events,
    then the plain frames."""
    events: list[Event]
    # Ordinary frames exactly as they came, each a message and its LF (none
    # empty, none `exit`, none too long, no CR before an LF), which can be
    # printed all at once: the fast path of FrameDecoder.feed().
    plain: bytes = b""


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
        end = chunk.rfind(b"\n") + 1   # just past the last LF: frames end there
        start = 0
        first: list[Event] = []
        if end and self._held:
            # The first LF ends the frame held since the last chunk.
            start = chunk.index(b"\n") + 1
            first = _events([self._held.end(chunk[:start - 1])])
        self._held.add(chunk[end:])     # the start of the next frame
        if start == end:
            return Frames(first)
        frames: list[bytes | TooLong] = chunk[start:end - 1].split(b"\n")
        # The fast path: in the common chunk every frame is an ordinary
        # message as it stands, handed on as it came, uncut.  Anything
        # unusual sends the whole chunk down the careful path, one frame
        # at a time, with the same result.
        if _all_ordinary(chunk, frames, start, end):
            return Frames(first, chunk[start:end])
        return Frames(first + _events(frames))

    def finish(self) -> Frames:
        """End of file: an unterminated fragment counts as a whole frame."""
        return Frames(_events([self._held.end(b"")]) if self._held else [])


def _all_ordinary(data: bytes, lines: list, start: int, end: int) -> bool:
    """Whether the whole lines or frames in data[start:end], cut into
    `lines`, are all ordinary messages: no CR to remove or refuse, none
    empty, none `exit`, none too long.  Each check is a search or a scan in
    C (bytes and list methods), with no Python loop per line."""
    return (b"\r" not in data and b"" not in lines and EXIT not in lines
            and _none_too_long(data, start, end))


def _none_too_long(data: bytes, start: int, end: int) -> bool:
    """Whether no line in data[start:end] (whole lines) is over MESSAGE_MAX:
    from the start of each line checked, FRAME_MAX bytes hold its LF."""
    while end - start > FRAME_MAX:
        lf = data.rfind(b"\n", start, start + FRAME_MAX)
        if lf < 0:
            return False
        start = lf + 1
    return True


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

