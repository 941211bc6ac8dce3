"""PROTOCOL.md sections 2-5 written as plainly as possible, with the whole
input in memory: what a publisher must put into the pipe for a given
standard input, and what a subscriber run with --once must print for given
pipe bytes. The differential fuzzer holds every program to it as well as to
the other programs, so that a mistake all three languages share still shows.

Error lines use `{prog}` and `{pipe}` for the program's name and the pipe's
path, as the golden vectors' .err files do.
"""

from typing import NamedTuple

MESSAGE_MAX = 4095


class Outcome(NamedTuple):
    """What one program run shows: stdout, stderr, exit status."""

    stdout: bytes
    stderr: bytes
    status: int


def lines(data: bytes) -> list[bytes]:
    """Cut data at each LF; bytes after the last LF are a line too."""
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return parts


def without_cr(line: bytes) -> bytes:
    """A reader removes one CR before the LF (section 2)."""
    return line[:-1] if line.endswith(b"\r") else line


def publisher(stdin: bytes) -> tuple[bytes, Outcome]:
    """The pipe bytes and the publisher's outcome for this standard input."""
    pipe, stderr, status = b"", b"", 0
    for number, line in enumerate(lines(stdin), start=1):
        message = without_cr(line)
        if not message:
            continue
        if len(message) > MESSAGE_MAX:
            stderr += (b"{prog}: line %d: message of %d bytes is over the 4095-byte limit; not sent\n"
                       % (number, len(message)))
            status = 1
        elif message.endswith(b"\r"):
            stderr += (b"{prog}: line %d: message ends with a carriage return, "
                       b"which a frame cannot carry; not sent\n" % number)
            status = 1
        else:
            pipe += message + b"\n"
            if message == b"exit":
                break
    return pipe, Outcome(b"", stderr, status)


def subscriber(pipe: bytes, raw: bool) -> Outcome:
    """What `SUB --once` (and `--raw`) prints for these pipe bytes."""
    stdout, stderr = b"", b""
    for line in lines(pipe):
        message = without_cr(line)
        if not message:
            continue
        if len(message) > MESSAGE_MAX:
            stderr += (b"{prog}: {pipe}: discarded a frame of %d bytes, over the 4095-byte limit\n"
                       % len(message))
        elif message == b"exit":
            stdout += b"exit\n" if raw else b"Exiting...\n"
            break
        else:
            stdout += (message + b"\n") if raw else (b"Received: " + message + b"\n")
    return Outcome(stdout, stderr, 0)
