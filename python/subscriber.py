#!/usr/bin/env python3
"""subscriber.py -- python-subscriber, the reading end of fifo-pubsub.

A subscriber that reads messages from a named pipe (FIFO) and prints each one
on standard output as "Received: MESSAGE".  Its peer is any publisher that
writes newline-framed messages into the same FIFO: bin/c-publisher,
bin/go-publisher, or simply the shell, as in

    $ printf 'hello\\nexit\\n' > /tmp/mypipe

The FIFO is /tmp/mypipe unless --pipe or the PIPE_PATH environment variable
names another; it is created (mode 0600) if it does not exist.  The subscriber
sleeps in poll() until a publisher opens the FIFO and writes.  It then reads
until every writer has closed the pipe (end of file) and goes back to waiting
for the next publisher, or, with --once, exits.  The message "exit" makes it print "Exiting..." and
stop.

The wire format, the error lines and the exit statuses are those of
shared/PROTOCOL.md, which every program in the repository follows byte for
byte.  The framing lives in framing.py and the FIFO checks in fifo.py.

This is a port of the Python subscriber in the original named-pipe tutorial:
PIPE_NAME, handle_message() and the loop of "open the pipe, read, handle"
are still here.  README.md beside this file lists what changed and why.

See also: shared/PROTOCOL.md, and the C reference subscriber, whose
behaviour this one matches.
"""

from __future__ import annotations

import os
import select
import signal
import stat
import sys
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

from fifo import PipeError, open_fifo, prepare_fifo
from framing import MAX_MESSAGE, Discarded, Event, FrameDecoder

PROG = "python-subscriber"
VERSION = "1.0.0"
PIPE_NAME = "/tmp/mypipe"   # the tutorial's pipe, still the default

READ_SIZE = 64 * 1024       # one read() takes a whole default pipe buffer
OUTPUT_BUFFER = 64 * 1024   # write standard output in blocks of about this size
PIPE_BUF = 4096             # a write to a pipe this size never blocks halfway
ERR_FD = 2                  # where report() writes (tests point it elsewhere)

USAGE = f"""\
Usage: {PROG} [-p PATH | --pipe PATH] [--once] [-h | --help] [--version]

Read messages from a named pipe (FIFO) and print each one as
'Received: MESSAGE'. The message 'exit' stops it.

Options:
  -p, --pipe PATH   named pipe to read from (created with mode 0600 if missing)
      --once        exit at the first end of file instead of waiting for the
                    next publisher
  -h, --help        print this help and exit
      --version     print the version and exit

Environment:
  PIPE_PATH         pipe to use when --pipe is not given (default: {PIPE_NAME})
"""


def report(text: str) -> None:
    """Print one error line "PROG: text" on standard error.

    Paths and arguments may hold bytes that are not UTF-8 (Python carries them
    as surrogate escapes); they go back out as the same bytes.  A failure to
    write standard error is ignored: there is nowhere left to report it.
    """
    data = f"{PROG}: {text}\n".encode("utf-8", "surrogateescape")
    try:
        while data:
            data = data[os.write(ERR_FD, data):]
    except OSError:
        pass


# --- command line -----------------------------------------------------------

class UsageError(Exception):
    """A bad command line; str() is the error line without "PROG: "."""


@dataclass
class Options:
    pipe: str = PIPE_NAME
    once: bool = False
    action: str = "run"     # "run", "help" or "version"


def parse_args(argv: Sequence[str], environ: Mapping[str, str]) -> Options:
    """Read the options left to right, as every program in the repo does.

    Written by hand rather than with argparse so that the texts and exit
    statuses are exactly those of PROTOCOL.md: --help and --version act as
    soon as they are met, the last --pipe wins, an empty path is an error.
    """
    options = Options(pipe=environ.get("PIPE_PATH") or PIPE_NAME)
    missing = "option '--pipe' needs a path (try --help)"
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in ("-h", "--help"):
            options.action = "help"
            return options
        if arg == "--version":
            options.action = "version"
            return options
        if arg == "--once":
            options.once = True
        elif arg in ("-p", "--pipe"):
            if i >= len(args) or not args[i]:
                raise UsageError(missing)
            options.pipe = args[i]
            i += 1
        elif arg.startswith("--pipe="):
            value = arg[len("--pipe="):]
            if not value:
                raise UsageError(missing)
            options.pipe = value
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option '{arg}' (try --help)")
        else:
            raise UsageError(f"unexpected argument '{arg}' (try --help)")
    return options


# --- signals ----------------------------------------------------------------

class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; `status` is the exit status it asks for."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _SignalState:
    pending: int | None = None  # exit status of the first signal received
    armed: bool = False         # True only inside a blocking wait


_signals = _SignalState()

T = TypeVar("T")


def _on_signal(signum: int, frame: object) -> None:
    # Record the signal always, but raise only while we sleep in poll()
    # (waiting for input, or for room on standard output).  poll() has
    # consumed nothing when it is interrupted,
    # so no message that was read can be lost, and no output that was written
    # can be counted twice.  Anywhere else the main loop sees `pending` at its
    # next wait, which comes after at most one chunk of work.
    if _signals.pending is None:
        _signals.pending = 128 + signum
    if _signals.armed:
        _signals.armed = False
        raise Interrupted(_signals.pending)


def install_signal_handlers() -> None:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def blocking(call: Callable[..., T], *args: object) -> T:
    """Run a call that may sleep, so that SIGINT or SIGTERM can end it.

    Python restarts a system call that a signal interrupted (PEP 475) unless
    the handler raises; the handler raises only while `armed` is set.
    """
    _signals.armed = True
    try:
        if _signals.pending is not None:
            raise Interrupted(_signals.pending)
        return call(*args)
    finally:
        _signals.armed = False


# --- standard output ----------------------------------------------------------

class OutputError(Exception):
    """Writing standard output failed (for example: broken pipe)."""

    def __init__(self, err: OSError) -> None:
        super().__init__(f"standard output: {os.strerror(err.errno or 0)}")


class Output:
    """A byte buffer in front of a file descriptor.

    print() on a pipe or a file is block-buffered and only flushed at exit,
    which is why the tutorial's messages did not show up while it ran.  We
    keep our own buffer instead, so that we decide when it goes out: when it
    is full, and whenever the FIFO has nothing more to read.
    """

    def __init__(self, fd: int = 1, size: int = OUTPUT_BUFFER) -> None:
        self.fd = fd
        self.size = size
        self._buffer = bytearray()
        self._poller = select.poll()
        self._poller.register(fd, select.POLLOUT)
        # A pipe, socket or terminal can stall when its reader stops reading.
        # Into those we write at most PIPE_BUF bytes at a time, each after
        # poll() has reported room: such a write does not block, and the wait
        # in poll() is one a signal can cut short.  A file or /dev/null
        # takes the whole buffer in one write.
        try:
            mode = os.fstat(fd).st_mode
            self._stalls = (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
                            or os.isatty(fd))
        except OSError:
            self._stalls = False

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= self.size:
            self.flush()

    def flush(self) -> None:
        written = 0
        view = memoryview(self._buffer)
        try:
            while written < len(view):
                end = len(view)
                if self._stalls:
                    blocking(self._poller.poll)
                    end = min(end, written + PIPE_BUF)
                try:
                    written += os.write(self.fd, view[written:end])
                except BlockingIOError:
                    # Our parent left standard output non-blocking; wait
                    # for room like any other stalled reader.
                    self._stalls = True
        except OSError as err:
            raise OutputError(err) from None
        finally:
            view.release()
            del self._buffer[:written]


# --- messages -----------------------------------------------------------------

def handle_message(message: bytes, out: Output) -> bool:
    """Print one message; return False when it asks us to stop.

    The message is bytes and goes out as bytes: nothing is decoded, so NUL
    and text that is not UTF-8 pass through untouched.
    """
    if message == b"exit":
        out.write(b"Exiting...\n")
        return False
    out.write(b"Received: " + message + b"\n")
    return True


def deliver(events: Iterable[Event], path: str, out: Output) -> bool:
    """Handle what the decoder produced; False once `exit` was handled."""
    for event in events:
        if isinstance(event, Discarded):
            # Let the messages before it reach the screen first.
            out.flush()
            report(f"{path}: discarded a frame of {event.size} bytes, "
                   f"over the {MAX_MESSAGE}-byte limit")
        elif not handle_message(event, out):
            return False
    return True


def read_messages(fd: int, path: str, out: Output) -> bool:
    """Read the FIFO until end of file or `exit`.

    Returns False if `exit` was received, True at end of file.  The tutorial
    read the pipe to end of file and took all of it as one message, so
    messages written while it was busy merged into one.  Here each read takes
    what is there (up to 64 KiB) and the decoder cuts it into frames at LF.
    """
    decoder = FrameDecoder()
    if not _read_until_eof(fd, path, decoder, out):
        out.flush()
        return False
    keep_going = deliver(decoder.finish(), path, out)
    out.flush()
    return keep_going


def open_pipe(path: str) -> int:
    """Check the path (again each time: it may have moved) and open it."""
    prepare_fifo(path)
    return open_fifo(path)


def _read_until_eof(fd: int, path: str, decoder: FrameDecoder,
                    out: Output) -> bool:
    """Read and deliver frames until end of file (True) or `exit` (False)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    # The descriptor is non-blocking, and read() tells the three cases apart:
    # bytes; b"" when the pipe is empty and has no writer (end of file);
    # BlockingIOError when it is empty but a writer is still connected.  We
    # sleep in poll() only after BlockingIOError, or on a descriptor just
    # opened, where a writer may not have come yet (read() would say b"" there
    # too, too early).  poll() is the one place we sleep, and a signal can
    # interrupt it without losing data (see _on_signal).
    must_wait = True
    while True:
        if must_wait:
            # Nothing more is ready: this is the moment to show what we have.
            # While a backlog drains, read() keeps returning bytes and we do
            # not flush.
            if out.pending:
                out.flush()
            blocking(poller.poll)
        elif _signals.pending is not None:
            raise Interrupted(_signals.pending)
        try:
            chunk = os.read(fd, READ_SIZE)
        except BlockingIOError:
            must_wait = True
            continue
        except OSError as err:
            raise PipeError(path, os.strerror(err.errno or 0)) from None
        if not chunk:
            return True     # every writer has closed the pipe
        must_wait = False
        if not deliver(decoder.feed(chunk), path, out):
            return False


# --- main ---------------------------------------------------------------------

def _flush_before_exit(out: Output) -> None:
    """Write out what was received, reporting (only) a failure to do so."""
    # The signal that brought us here has been acted on; only a second one
    # should cut this last write short (a reader that stopped reading).
    _signals.pending = None
    try:
        out.flush()
    except OutputError as err:
        report(str(err))
    except Interrupted:
        pass            # a second signal while stdout is stuck: give up


def main(argv: Sequence[str] | None = None,
         environ: Mapping[str, str] | None = None) -> int:
    install_signal_handlers()
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv,
                             os.environ if environ is None else environ)
    except UsageError as err:
        report(str(err))
        return 2

    out = Output(1)
    try:
        if options.action == "help":
            out.write(USAGE.encode())
            out.flush()
            return 0
        if options.action == "version":
            out.write(f"{PROG} {VERSION}\n".encode())
            out.flush()
            return 0

        # The tutorial's loop: open the pipe, read what comes, handle it,
        # and open it again for the next publisher.
        pipe = open_pipe(options.pipe)
        try:
            while read_messages(pipe, options.pipe, out) and not options.once:
                # Open the FIFO again before closing the old descriptor: a
                # publisher that writes and leaves in between would otherwise
                # find no reader left when it closes, and the kernel would
                # free its frames.
                old, pipe = pipe, open_pipe(options.pipe)
                os.close(old)
            return 0
        finally:
            os.close(pipe)
    except Interrupted as stop:
        _flush_before_exit(out)
        return stop.status
    except PipeError as err:
        _flush_before_exit(out)
        report(str(err))
        return 1
    except OutputError as err:
        report(str(err))
        return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # SIGINT before our handler was installed.
        sys.exit(130)
