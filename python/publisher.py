#!/usr/bin/env python3
"""
Publisher reads lines that a person types (or that a file or another
program supplies) on standard input and sends each one as a message into a
named pipe (FIFO), /tmp/mypipe unless --pipe or PIPE_PATH names another.
Its peers are the subscribers reading the same pipe: c-subscriber,
go-subscriber, python-subscriber, or plain `cat /tmp/mypipe`. The message
"exit" asks the subscriber to stop, and ends the publisher.

Each message goes into the pipe as one frame, the message and a newline, at
most 4096 bytes, written with a single write(): a write that size to a pipe
is atomic, so frames from several publishers never mix. The pipe is opened
once, which waits for a subscriber; if the subscriber goes away, the
publisher waits for the next one and sends it what the failed write could
not deliver.

The wire format is in shared/PROTOCOL.md. The same program in C, Go and
Python: c/publisher.c, go/cmd/publisher/publisher.go, python/publisher.py.
"""

# Catch SIGINT and SIGTERM before anything else can be interrupted: until
# then Python turns Ctrl-C into a KeyboardInterrupt traceback.
try:
    import signals
    signals.install(exit_at_once=True)
except KeyboardInterrupt:
    raise SystemExit(130) from None

import os
import select
import sys

import cli
import fifo
import framing
import report

PROG = "python-publisher"
PIPE_NAME = "/tmp/mypipe"
PROMPT = b"Enter message to send: "


def write_message(pipe: fifo.Writer, batch: framing.Batch, message: bytes) -> None:
    """Add the message to the batch as a frame, sending the batch first when full."""
    if not batch.fits(message):
        pipe.send(batch)
    batch.add(message)


def main() -> int:
    # Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
    fifo.guard_std_streams()
    report.set_program(PROG)
    # Read the command line (--help and --version end here).
    options = cli.parse_args(PROG, sys.argv[1:], os.environ, PIPE_NAME,
                             subscriber=False)
    try:
        # Check or create the FIFO, and open it: this waits for a subscriber.
        fifo.prepare(options.pipe)
        pipe = fifo.open_writer(options.pipe)
        lines, batch = framing.LineReader(0), framing.Batch()
        # A file or a pipe never turns into a terminal: one look, not one a line.
        may_be_terminal = os.isatty(0)
        rejected = False
        while True:
            if not lines.has_lines:
                # What is batched goes out before we wait for more input.
                pipe.send(batch)
                # Prompt a person who is about to type.
                if may_be_terminal and wants_prompt(lines):
                    os.write(1, PROMPT)
            # Fast path: ordinary lines from a file or a pipe, a batch's
            # worth at a time (b"": the batch is full; None: no such lines).
            frames = lines.next_plain_frames(batch.room)
            if frames is not None:
                write_frames(pipe, batch, frames)
                continue
            # Read a line of standard input, its LF and one CR removed.
            line = lines.next_line()
            if line is None:
                break
            # Check it: an empty line is skipped, a bad one refused.
            verdict = framing.check(line)
            if verdict is not framing.Check.OK:
                rejected |= refuse(line, verdict, lines.line_number)
                continue
            # Add it to the batch, sending the batch first when full.
            write_message(pipe, batch, line)  # type: ignore[arg-type]
            # `exit` stops the subscriber, and us.
            if line == framing.EXIT:
                break
        pipe.send(batch)
        return 1 if rejected else 0
    except (fifo.PipeError, framing.InputError) as err:
        report.report(str(err))
        return 1
    except OSError as err:      # only the prompt writes standard output
        report.report(f"standard output: {os.strerror(err.errno or 0)}")
        return 1


def write_frames(pipe: fifo.Writer, batch: framing.Batch, frames: bytes) -> None:
    """write_message() for the whole frames that fit in the batch; b"" when
    the next one does not, so the batch goes first."""
    if frames:
        batch.add_frames(frames)
    else:
        pipe.send(batch)


def wants_prompt(lines: framing.LineReader) -> bool:
    """Whether a person is about to type a line at a terminal.

    Not in the middle of a line (after Ctrl-D on a half-typed one), and not
    when a typed line is already waiting (typed while we waited for a
    subscriber): it goes without a prompt, so prompts never pile up.
    """
    if lines.mid_line or not os.isatty(0):
        return False
    return not select.select([0], [], [], 0)[0]


def refuse(line: bytes | framing.TooLong, verdict: framing.Check,
           number: int) -> bool:
    """Report a line that is not sent; True unless it was only empty."""
    if verdict is framing.Check.EMPTY:
        return False
    if verdict is framing.Check.TOO_LONG:
        report.report(f"line {number}: message of {framing.length(line)} bytes "
                      f"is over the {framing.MESSAGE_MAX}-byte limit; not sent")
    else:
        report.report(f"line {number}: message ends with a carriage return, "
                      "which a frame cannot carry; not sent")
    return True


if __name__ == "__main__":
    sys.exit(main())
