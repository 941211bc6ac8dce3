"""One error line on standard error, starting with the program's name.

Every error and notice of a program is a single line "PROG: TEXT", written
with one write() so that lines from several programs sharing a terminal do
not mix (shared/PROTOCOL.md, section 5).
"""

from __future__ import annotations

import os

ERR_FD = 2   # standard error; the tests point it at a file

_program = "python"


class Error(Exception):
    """A runtime error (exit status 1); str() is the error line's text
    without "PROG: ", for example "/tmp/x: exists and is not a named pipe"."""


def set_program(name: str) -> None:
    """Name the program that every later line starts with."""
    global _program
    _program = name


def report(text: str) -> None:
    """Print "PROG: text" and a newline on standard error.

    Paths and arguments may hold bytes that are not UTF-8 (Python carries
    them as surrogate escapes); they go back out as the same bytes.  A failure
    to write standard error is ignored: there is nowhere left to report it.
    """
    data = f"{_program}: {text}\n".encode("utf-8", "surrogateescape")
    try:
        while data:
            data = data[os.write(ERR_FD, data):]
    except OSError:
        pass
