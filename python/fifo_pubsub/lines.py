"""The publisher's standard input, read line by line.

Standard input is read READ_CHUNK bytes at a time (a terminal in canonical
mode gives one line a read; a file or a pipe as much as is waiting) and cut
into lines, each without its LF and one CR before it.  LineReader.next()
hands out the lines that can be sent: empty lines are skipped, and a line
over MESSAGE_MAX bytes or one still ending in CR is refused with an error
line and counted in `rejected` (shared/PROTOCOL.md, section 3, steps 3-4).

Before a read that may wait, whatever the pipe's batch holds is sent, so a
line never waits in a batch for input that may never come; and a person at
a terminal is prompted.
"""

from __future__ import annotations

import os
import select
from typing import Iterator, Optional

from . import report
from .fifo import Writer
from .framing import MESSAGE_MAX, READ_CHUNK, Held, Piece, cut

CR = 13     # b"\r"[0]: a line still ending in it is refused


class InputError(report.Error):
    """Standard input could not be read, or the prompt not written."""


class LineReader:
    """The lines of a file descriptor (standard input) to send as messages."""

    def __init__(self, fd: int, prompt: bytes) -> None:
        self.fd = fd
        self.prompt = prompt
        self.line_number = 0        # of the line handed out or refused last
        self.rejected = 0           # how many lines were refused
        self._lines: Iterator[Piece] = iter(())   # the last read's, not yet out
        self._held = Held()         # the start of a line, its LF still to come
        self._at_end = False
        # A file or a pipe never turns into a terminal: one look, not one a read.
        self._terminal = os.isatty(fd)
        self._prompted = False      # the prompt is the last thing shown

    def next(self, pipe: Writer) -> Optional[bytes]:
        """The next line to send, or None at the end of input.

        Raises InputError when standard input cannot be read.
        """
        while True:
            for line in self._lines:
                self.line_number += 1
                if 0 < len(line) <= MESSAGE_MAX and line[-1] != CR:  # type: ignore[index]
                    return line     # type: ignore[return-value]
                self._refuse(line)
            if self._at_end:
                return None
            self._read(pipe)

    def _read(self, pipe: Writer) -> None:
        # What is batched goes out before a read that may wait.
        pipe.send()
        if self._terminal and self._wants_prompt():
            self._show(self.prompt)
            self._prompted = True
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except OSError as err:
            raise InputError(f"standard input: {os.strerror(err.errno or 0)}") from None
        if chunk:
            self._prompted = False
            self._lines = iter(cut(self._held, chunk))
            return
        # End of input: a last line without LF is still a line.  After
        # Ctrl-D on a terminal the shell's prompt gets a line of its own.
        self._at_end = True
        if self._terminal and (self._prompted or self._held):
            self._show(b"\n")
        self._lines = iter([self._held.end(b"")] if self._held else [])

    def _wants_prompt(self) -> bool:
        """Whether a person is about to type a line: not in the middle of
        one (after Ctrl-D on a half-typed line), and not when a typed line is
        already waiting (typed while we waited for a subscriber): it goes
        without a prompt, so prompts never pile up."""
        return not self._held and not select.select([self.fd], [], [], 0)[0]

    def _show(self, text: bytes) -> None:
        try:
            os.write(1, text)
        except OSError as err:
            raise InputError(f"standard output: {os.strerror(err.errno or 0)}") from None

    def _refuse(self, line: Piece) -> None:
        """Report a line that is not sent, unless it is only empty."""
        if not line:
            return
        self.rejected += 1
        if len(line) > MESSAGE_MAX:
            report.report(f"line {self.line_number}: message of {len(line)} bytes "
                          f"is over the {MESSAGE_MAX}-byte limit; not sent")
        else:
            report.report(f"line {self.line_number}: message ends with a carriage "
                          "return, which a frame cannot carry; not sent")
