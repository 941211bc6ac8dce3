#!/usr/bin/env python3
"""
Subscriber reads messages from a named pipe (FIFO), /tmp/mypipe unless
--pipe or PIPE_PATH names another, and prints each one as
"Received: MESSAGE" (with --raw, the message alone). Its peers are the
publishers writing into the same pipe: c-publisher, go-publisher,
python-publisher, or anything that writes lines, such as
`echo hello > /tmp/mypipe`. The message "exit" stops it.

Each message arrives as a frame, the message and a newline. One read may
bring many frames or part of one, so the bytes are cut into frames at each
newline, and handle_message (handleMessage in Go) prints every message. When
every publisher has closed the pipe (end of file) the subscriber opens it
again and waits for the next one; with --once it exits instead. One FIFO is
a queue, not a topic: two subscribers on one pipe share its messages, each
reaching only one of them.

The wire format is in shared/PROTOCOL.md. The same program in C, Go and
Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
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

from fifo_pubsub import cli, fifo, framing, output, report, signals

PROG = "python-subscriber"
PIPE_NAME = "/tmp/mypipe"


def handle_message(out: output.Output, message: bytes, raw: bool) -> framing.Next:
    """Print one message; STOP after `exit`, else GO_ON."""
    if message == framing.EXIT:
        out.write(b"exit\n" if raw else b"Exiting...\n")
        return framing.STOP
    out.write(message + b"\n" if raw else b"Received: " + message + b"\n")
    return framing.GO_ON


def main() -> int:
    # Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
    fifo.guard_std_streams()
    report.set_program(PROG)
    # Read the command line (--help and --version end here).
    options = cli.parse_args(PROG, sys.argv[1:], os.environ, PIPE_NAME, subscriber=True)
    # SIGINT and SIGTERM: write out what was read, then exit 130 or 143.
    signals.install(exit_at_once=False)
    out = output.Output()
    status = 0
    try:
        # Open the pipe (checked, or created), without waiting for a
        # publisher; on a terminal, say once that we wait for one.
        fifo.prepare(options.pipe)
        pipe = fifo.open_reader(options.pipe)
        frames = framing.FrameDecoder(options.pipe, out.flush)
        step = framing.GO_ON
        while step is framing.GO_ON:
            # Read what the pipe holds and cut it into frames.
            got = pipe.read(frames, out)
            # Handle each message.
            while step is framing.GO_ON and (message := frames.next_message()) is not None:
                step = handle_message(out, message, options.raw)
            # A stop signal, or end of file with --once: stop.
            if got is fifo.STOPPED or (got is fifo.END_OF_FILE and options.once):
                step = framing.STOP
            # End of file: open the pipe again, for the next publisher.
            elif got is fifo.END_OF_FILE and step is framing.GO_ON:
                pipe.reopen()
    except report.Error as err:
        report.report(str(err))
        status = 1
    # Write out what is buffered; 130 or 143 after a stop signal.
    return out.finish(status)


if __name__ == "__main__":
    sys.exit(main())
