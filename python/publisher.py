#!/usr/bin/env python3
"""
Publisher reads lines that a person types (or that a file or another
program supplies) on standard input and sends each one as a message into a
named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
Its peers are the subscribers reading the same pipe: c-subscriber,
go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
"exit" asks the subscriber to stop, and ends the publisher.

Each message goes into the pipe as one frame, the message and a newline.
write_message (WriteMessage in Go) adds the frame to a batch, and the batch
goes into the pipe in a single write() of at most 4096 bytes: a write that
size to a pipe is atomic, so frames from several publishers never mix. The
batch is sent when the next frame does not fit, before the publisher waits
for more input, and at the end. Opening the pipe waits for a subscriber; if
the subscriber goes away, the publisher waits for the next one and sends it
what the failed write could not deliver. Before it closes the pipe it waits
until a subscriber has taken every frame.

The wire format is in shared/PROTOCOL.md. The same program in C, Go and
Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
"""

# Until signals.install() takes over, SIGINT and SIGTERM end the program as
# they end a C program: at once, status 130 or 143, no traceback. _signal
# and posix are the interpreter's own modules, loaded before our first line:
# using them imports nothing. The handlers exit at once rather than raise,
# because an exception raised inside an import can be swallowed by Python's
# import machinery, leaving the program running.
try:
    import _signal
    import posix
    _signal.signal(_signal.SIGINT, lambda *_: posix._exit(130))
    _signal.signal(_signal.SIGTERM, lambda *_: posix._exit(143))
except KeyboardInterrupt:
    raise SystemExit(130) from None

import os
import sys

from fifo_pubsub import cli, fifo, framing, report, signals
from fifo_pubsub.lines import InputError, LineReader

PROG = "python-publisher"
PIPE_NAME = "/tmp/mypipe"
PROMPT = b"Enter message to send: "


def write_message(pipe: fifo.Writer, message: bytes) -> None:
    """Add the message's frame (the message and LF) to the pipe's batch;
    when the batch has no room for it, send the batch first."""
    if len(pipe.batch) + len(message) >= framing.FRAME_MAX:
        pipe.send()
    pipe.batch += message + b"\n"


def main() -> int:
    # Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
    fifo.guard_std_streams()
    report.set_program(PROG)
    # Read the command line (--help and --version end here).
    options = cli.parse_args(PROG, sys.argv[1:], os.environ, PIPE_NAME, subscriber=False)
    # SIGPIPE ignored (a subscriber gone is EPIPE); SIGINT, SIGTERM end us.
    signals.install(exit_at_once=True)
    try:
        # Open the pipe (checked, or created): this waits for a subscriber.
        fifo.prepare(options.pipe)
        pipe = fifo.open_writer(options.pipe)
        # Read a line (prompting a person at a terminal) and send it.
        lines, failed = LineReader(0, PROMPT), False
        try:
            while (message := lines.next(pipe)) is not None:
                write_message(pipe, message)
                # `exit` stops the subscriber, and us.
                if framing.is_exit(message):
                    break
        except InputError as err:   # what came before it is still sent
            report.report(str(err))
            failed = True
        # Send what is left; wait until a subscriber has taken it all; close.
        pipe.close()
    except report.Error as err:
        report.report(str(err))
        return 1
    return 1 if failed or lines.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
