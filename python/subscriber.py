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
newline, never taken a read at a time. When every publisher has closed the
pipe (end of file) the subscriber opens it again and waits for the next one;
with --once it exits instead. One FIFO is a queue, not a topic: two
subscribers on one pipe share its messages, each reaching only one of them.

The wire format is in shared/PROTOCOL.md. The same program in C, Go and
Python: c/subscriber.c, go/cmd/subscriber/subscriber.go, python/subscriber.py.
"""

# Catch SIGINT and SIGTERM before anything else can be interrupted: until
# then Python turns Ctrl-C into a KeyboardInterrupt traceback.
try:
    import signals
    signals.install(exit_at_once=False)
except KeyboardInterrupt:
    raise SystemExit(130) from None

import os
import sys

import cli
import fifo
import framing
import output
import report

PROG = "python-subscriber"
PIPE_NAME = "/tmp/mypipe"


def handle_message(message: bytes, out: output.Output, raw: bool) -> bool:
    """Print one message; return False when it is `exit`, which stops us."""
    if message == framing.EXIT:
        out.write(b"exit\n" if raw else b"Exiting...\n")
        return False
    out.write(message + b"\n" if raw else b"Received: " + message + b"\n")
    return True


def main() -> int:
    # Keep descriptors 0-2 off the pipe: /dev/null on any that is closed.
    fifo.guard_std_streams()
    report.set_program(PROG)
    # Read the command line (--help and --version end here).
    options = cli.parse_args(PROG, sys.argv[1:], os.environ, PIPE_NAME,
                             subscriber=True)
    out = output.Output()
    try:
        # Check or create the FIFO; open it without waiting for a publisher.
        fifo.prepare(options.pipe)
        pipe = fifo.open_reader(options.pipe)
        # Say that we wait, once, to a person watching standard error.
        if os.isatty(2):
            report.report(f"{options.pipe}: waiting for a publisher")
        decoder = framing.FrameDecoder()
        while not signals.stop_status():
            # Read what the pipe holds: bytes, b"" at end of file, or None.
            chunk = pipe.read()
            if chunk is None:
                # Nothing more is ready: show what we have, then sleep.
                out.flush()
                pipe.wait()
            elif chunk:
                # Cut the chunk into frames and print them; stop at `exit`.
                if not handle_frames(decoder.feed(chunk), out, options):
                    return finish(out, 0)
            else:
                # End of file: deliver a fragment, then open the pipe again.
                if not handle_frames(decoder.finish(), out, options):
                    return finish(out, 0)
                out.flush()
                if options.once:
                    return finish(out, 0)
                pipe.reopen()
        # A stop signal.  If the bytes read end in the middle of a frame,
        # read the rest of that frame and nothing more, and take it as at
        # end of file (PROTOCOL.md 4.8), so no message is cut.  Then write
        # out all that was read, and exit 130 or 143.
        if decoder.mid_frame():
            rest = pipe.read_rest_of_frame()
            if handle_frames(decoder.feed(rest), out, options):
                handle_frames(decoder.finish(), out, options)
        return finish(out, 0)
    except (fifo.PipeError, output.OutputError) as err:
        report.report(str(err))
        return 1


def handle_frames(frames: framing.Frames, out: output.Output,
                  options: cli.Options) -> bool:
    """Print the messages of one chunk; False once `exit` was among them."""
    for event in frames.events:
        if isinstance(event, framing.TooLong):
            # Let the messages before it reach the screen first.
            out.flush()
            report.report(f"{options.pipe}: discarded a frame of {event.length} "
                          f"bytes, over the {framing.MESSAGE_MAX}-byte limit")
        elif not handle_message(event, out, options.raw):
            return False
    if frames.plain:
        # Ordinary frames only (see FrameDecoder.feed): with --raw they are
        # the output as they stand; otherwise a prefix goes before each, all
        # at once by bytes.replace() in C rather than one message at a time.
        if options.raw:
            out.write(frames.plain)
        else:
            lines = frames.plain[:-1].replace(b"\n", b"\nReceived: ")
            out.write(b"".join([b"Received: ", lines, b"\n"]))
    return True


def finish(out: output.Output, status: int) -> int:
    """Write out what is buffered; the exit status, 130/143 after a signal."""
    out.flush()
    if signals.stop_status():
        out.flush_before_exit()
        return signals.stop_status()
    return status


if __name__ == "__main__":
    sys.exit(main())
