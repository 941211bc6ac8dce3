"""The command line and the usage texts, the same for every program.

    PROG-publisher  [-p PATH | --pipe PATH] [-h | --help] [--version]
    PROG-subscriber [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]

Parsed with argparse, as Python programs do.  The usage text is our own,
the one every program of the repository prints (shared/PROTOCOL.md,
section 1); a usage error is argparse's own message on one line
"PROG: MESSAGE", and exit status 2.  The pipe path is --pipe (the last one
given), else PIPE_PATH when it is set and not empty, else the default.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Mapping, NoReturn, Optional, Sequence

from . import report

VERSION = "1.0.0"

PUBLISHER_USAGE = """\
Usage: {prog} [-p PATH | --pipe PATH] [-h | --help] [--version]

Read lines from standard input and send each one as a message into a named
pipe (FIFO) for a subscriber to read. The message 'exit' stops the subscriber.

Options:
  -p, --pipe PATH   named pipe to write to (created with mode 0600 if missing)
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: {default})
"""

SUBSCRIBER_USAGE = """\
Usage: {prog} [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]

Read messages from a named pipe (FIFO) and print each one as
'Received: MESSAGE'. The message 'exit' stops it.

Options:
  -p, --pipe PATH   named pipe to read from (created with mode 0600 if missing)
      --once        exit at the first end of file instead of waiting for the
                    next publisher
      --raw         print each message alone on its line, without 'Received: '
                    and without 'Exiting...', to feed another program
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: {default})
"""


def usage(prog: str, default_pipe: str, subscriber: bool) -> str:
    """The --help text of a publisher or a subscriber called `prog`."""
    text = SUBSCRIBER_USAGE if subscriber else PUBLISHER_USAGE
    return text.format(prog=prog, default=default_pipe)


class _Parser(argparse.ArgumentParser):
    """argparse, its usage errors one line "PROG: MESSAGE" and status 2."""

    def error(self, message: str) -> NoReturn:
        report.report(message)
        sys.exit(2)


class _Print(argparse.Action):
    """--help or --version: print the text and exit, as soon as it is met."""

    def __init__(self, option_strings: Sequence[str], dest: str,
                 text: str = "", **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         **kwargs)  # type: ignore[arg-type]
        self.text = text

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: Optional[str] = None) -> None:
        _print_and_exit(self.text)


def _path(value: str) -> str:
    if not value:
        raise argparse.ArgumentTypeError("needs a path, not an empty string")
    return value


def new_parser(prog: str, default_pipe: str, subscriber: bool) -> argparse.ArgumentParser:
    """The parser of a publisher or a subscriber called `prog`."""
    parser = _Parser(prog=prog, add_help=False, allow_abbrev=False)
    parser.add_argument("-p", "--pipe", type=_path, metavar="PATH")
    if subscriber:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--raw", action="store_true")
    parser.add_argument("-h", "--help", action=_Print,
                        text=usage(prog, default_pipe, subscriber))
    parser.add_argument("--version", action=_Print, text=f"{prog} {VERSION}\n")
    return parser


def parse_args(prog: str, argv: Sequence[str], environ: Mapping[str, str],
               default_pipe: str, subscriber: bool) -> argparse.Namespace:
    """The options: pipe, and once and raw for a subscriber.

    Exits 2 after a usage error (one line on standard error), and 0 after
    printing the --help or --version text.
    """
    options = new_parser(prog, default_pipe, subscriber).parse_args(argv)
    if options.pipe is None:
        options.pipe = environ.get("PIPE_PATH") or default_pipe
    return options


def _print_and_exit(text: str) -> NoReturn:
    """Print the text on standard output and exit 0 (1 when standard output
    fails: full, or closed)."""
    data = text.encode()
    try:
        while data:
            data = data[os.write(1, data):]
    except OSError as err:
        report.report(f"standard output: {os.strerror(err.errno or 0)}")
        sys.exit(1)
    sys.exit(0)
