"""The wire format: frames, the answer of handle_message, the constants.

A frame is a message and one LF; a message is 1 to MESSAGE_MAX bytes, never
decoded (shared/PROTOCOL.md, section 2).  The publisher's side of it (lines
of standard input, checked) is in lines.py, its batch in fifo.Writer; the
subscriber's side is FrameDecoder here.

A pipe hands bytes over in whatever pieces the writers and the kernel
produce, so a frame may be split across reads, or many frames come in one.
FrameDecoder keeps the unfinished tail of one chunk until the next, drops
one CR before LF, skips empty frames, reports overlong ones, and at end of
file delivers an unterminated fragment as a message.  It never holds more
than FRAME_MAX bytes of one frame: an overlong one is counted, not kept.
"""

from __future__ import annotations

import itertools
from enum import Enum
from typing import Callable, Iterator, List, Optional, Union

from . import report

MESSAGE_MAX = 4095          # the longest message: with its LF, one PIPE_BUF
FRAME_MAX = MESSAGE_MAX + 1  # a message and its LF, at most PIPE_BUF (4096)
READ_CHUNK = 65536          # one read of the pipe or of standard input
EXIT = b"exit"              # the message that asks the subscriber to stop


def is_exit(message: bytes) -> bool:
    """Whether the message is `exit`, exactly, which asks the subscriber to stop."""
    return message == EXIT


class Next(Enum):
    """What handle_message() answers: go on with the next message, or stop."""
    GO_ON = "go on"
    STOP = "stop"


GO_ON = Next.GO_ON
STOP = Next.STOP


class Overlong:
    """A line or frame over the limit, counted but not kept: len() is its
    length, so it fails the same length check as an overlong bytes object."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length


# A line or frame as cut: its bytes, or its length when too long to keep.
Piece = Union[bytes, Overlong]


def without_cr(pieces: List[bytes]) -> List[bytes]:
    """The lines or frames without the one CR that may stand before each LF."""
    return [p[:-1] if p.endswith(b"\r") else p for p in pieces]


class Held:
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

    def end(self, piece: bytes) -> Piece:
        """The LF came after `piece`: the whole line or frame without its LF
        and one CR, or Overlong (its length not counting that CR)."""
        self.add(piece)
        if self.overlong:
            overlong = Overlong(self.overlong - self.last_cr)
            self.overlong, self.last_cr = 0, False
            return overlong
        line = bytes(self.data)
        self.data.clear()
        return line[:-1] if line.endswith(b"\r") else line


def cut(held: Held, chunk: bytes) -> List[Piece]:
    """The lines or frames that `chunk` completes, each without its LF and
    one CR; the start of the next one goes into `held`."""
    pieces: List[Piece] = chunk.split(b"\n")
    tail = pieces.pop()             # the start of the next one, or b""
    # The first LF ends the line or frame held since an earlier chunk.
    first = held.end(pieces[0]) if pieces and held else None
    if b"\r" in chunk:
        pieces = without_cr(pieces)  # type: ignore[arg-type]
    if first is not None:
        pieces[0] = first
    held.add(tail)
    return pieces


class FrameDecoder:
    """Cuts the bytes of the pipe into messages.

    feed() takes a chunk, finish() says end of file, and next_message()
    hands out the messages they completed, one a call.
    """

    def __init__(self, path: str, before_report: Callable[[], None] = lambda: None) -> None:
        self.path = path                    # named in the error lines
        self.before_report = before_report  # run before an error line
        self._frames: Iterator[Piece] = iter(())
        self._held = Held()

    def feed(self, chunk: bytes) -> None:
        """Take a chunk of the pipe; what it completes is handed out next."""
        self._frames = iter(cut(self._held, chunk))

    def finish(self) -> None:
        """End of file: an unterminated fragment is the last message."""
        if self._held:
            self._frames = itertools.chain(self._frames, (self._held.end(b""),))

    def mid_frame(self) -> bool:
        """Whether the start of a frame is held, its LF still to come."""
        return bool(self._held)

    def next_message(self) -> Optional[bytes]:
        """The next message, or None when those fed are all handed out.

        Empty frames are skipped; an overlong one is reported on standard
        error, after before_report() (which lets the messages before it
        reach the screen first), and skipped.
        """
        for frame in self._frames:
            if 0 < len(frame) <= MESSAGE_MAX:
                return frame    # type: ignore[return-value]
            if frame:
                self.before_report()
                report.report(f"{self.path}: discarded a frame of {len(frame)} "
                              f"bytes, over the {MESSAGE_MAX}-byte limit")
        return None
