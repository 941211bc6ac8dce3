"""The command line and the usage texts, the same for every program.

    PROG-publisher  [-p PATH | --pipe PATH] [-h | --help] [--version]
    PROG-subscriber [-p PATH | --pipe PATH] [--once] [--raw] [-h | --help] [--version]

Options are read left to right (shared/PROTOCOL.md, section 1): --help and
--version act as soon as they are met, the last --pipe wins, an empty path
is an error, and PIPE_PATH counts only when it is set and not empty.  The
parsing is written out by hand rather than with argparse, whose messages,
abbreviations and exit statuses are not those of the protocol.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Mapping, Sequence

import report

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


class UsageError(Exception):
    """A bad command line; str() is the error line without "PROG: "."""


@dataclass
class Options:
    pipe: str
    once: bool = False
    raw: bool = False
    action: str = "run"     # "run", "help" or "version"


def usage(prog: str, default_pipe: str, subscriber: bool) -> str:
    """The --help text of a publisher or a subscriber called `prog`."""
    text = SUBSCRIBER_USAGE if subscriber else PUBLISHER_USAGE
    return text.format(prog=prog, default=default_pipe)


def read_args(argv: Sequence[str], environ: Mapping[str, str],
              default_pipe: str, subscriber: bool) -> Options:
    """Turn the arguments into Options, or raise UsageError; no output."""
    options = Options(pipe=environ.get("PIPE_PATH") or default_pipe)
    missing = "option '--pipe' needs a path (try --help)"
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help"):
            options.action = "help"
            return options
        if arg == "--version":
            options.action = "version"
            return options
        if subscriber and arg == "--once":
            options.once = True
        elif subscriber and arg == "--raw":
            options.raw = True
        elif arg in ("-p", "--pipe") or arg.startswith("--pipe="):
            value = arg[len("--pipe="):] if arg.startswith("--pipe=") \
                else next(args, "")
            if not value:
                raise UsageError(missing)
            options.pipe = value
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option '{arg}' (try --help)")
        else:
            raise UsageError(f"unexpected argument '{arg}' (try --help)")
    return options


def parse_args(prog: str, argv: Sequence[str], environ: Mapping[str, str],
               default_pipe: str, subscriber: bool) -> Options:
    """Read the command line; print help or version and exit, like argparse.

    Exits 2 after a usage error, 0 after --help or --version, and 1 when
    that text cannot be written (a full or closed standard output).
    """
    try:
        options = read_args(argv, environ, default_pipe, subscriber)
    except UsageError as err:
        report.report(str(err))
        sys.exit(2)
    if options.action == "run":
        return options
    text = usage(prog, default_pipe, subscriber) if options.action == "help" \
        else f"{prog} {VERSION}\n"
    data = text.encode()
    try:
        while data:
            data = data[os.write(1, data):]
    except OSError as err:
        report.report(f"standard output: {os.strerror(err.errno or 0)}")
        sys.exit(1)
    sys.exit(0)
