"""Run one publisher or one subscriber over a FIFO of its own, every
process under a deadline, and return what it showed (model.Outcome).

- A subscriber runs with --once (and --raw when asked); the fuzzer writes
  the stream raw into the pipe, in random chunks, then closes it.
- A publisher gets the stream on standard input, through a pipe in random
  chunks; `cat` reads the FIFO, so its output is exactly the pipe bytes.

Standard output and error go to files, never to pipes that nobody reads,
so a program that prints a lot cannot stall the fuzzer. A process still
running at its deadline is killed and its status reported as TIMED_OUT.
Error lines are normalised: the program's name becomes `{prog}` and the
pipe's path `{pipe}`. The publisher's notice that it waits for a subscriber
is left out, since whether it comes depends on who opens the FIFO first.
"""

import errno
import os
import random
import select
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from model import Outcome

TIMED_OUT = -1000  # the status of a run killed at its deadline


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


def _chunks(data: bytes, rng: random.Random) -> list[bytes]:
    """data cut at random points: a frame may be split across writes."""
    chunks, at = [], 0
    while at < len(data):
        size = rng.choice([1, 2, 3, 7, 64, 512, 4096, 5000, 65536])
        chunks.append(data[at:at + size])
        at += size
    return chunks


def _write_all(fd: int, data: bytes, rng: random.Random, deadline: Deadline) -> None:
    """Write data into a non-blocking descriptor, in random chunks, until it
    is all written, the reader goes away, or the deadline passes."""
    for chunk in _chunks(data, rng):
        while chunk:
            _, writable, _ = select.select([], [fd], [], deadline.left())
            if not writable:
                return
            try:
                chunk = chunk[os.write(fd, chunk):]
            except BlockingIOError:
                continue
            except BrokenPipeError:  # the reader stopped, at `exit`
                return


def _wait(process: subprocess.Popen, deadline: Deadline) -> int:
    try:
        return process.wait(timeout=deadline.left())
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended in the meantime
            pass
        process.wait()
        return TIMED_OUT


def _normalise(stderr: bytes, prog: str, pipe: Path) -> bytes:
    text = stderr.replace(str(pipe).encode(), b"{pipe}").replace(prog.encode(), b"{prog}")
    notice = b"{prog}: {pipe}: waiting for a subscriber"
    return b"".join(line for line in text.splitlines(keepends=True) if line.rstrip(b"\n") != notice)


def _open_writer(pipe: Path, reader: subprocess.Popen, deadline: Deadline) -> int | None:
    """Open the FIFO for writing once the reader has it open (without ever
    blocking in open()); None if the reader exits or the deadline passes."""
    while deadline.left() > 0 and reader.poll() is None:
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
        time.sleep(0.002)
    return None


def run_subscriber(program: Path, flags: list[str], pipe_bytes: bytes,
                   rng: random.Random, seconds: float) -> Outcome:
    deadline = Deadline(seconds)
    with tempfile.TemporaryDirectory(prefix="fuzz-sub.") as scratch:
        pipe = Path(scratch) / "pipe"
        os.mkfifo(pipe, 0o600)
        with open(Path(scratch) / "out", "w+b") as out, open(Path(scratch) / "err", "w+b") as err:
            process = subprocess.Popen([str(program), "--pipe", str(pipe), *flags],
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                       start_new_session=True)
            fd = _open_writer(pipe, process, deadline)
            if fd is not None:
                _write_all(fd, pipe_bytes, rng, deadline)
                os.close(fd)
            status = _wait(process, deadline)
            out.seek(0)
            err.seek(0)
            return Outcome(out.read(), _normalise(err.read(), program.name, pipe), status)


def _feed(process: subprocess.Popen, stdin: bytes, rng: random.Random, deadline: Deadline) -> None:
    assert process.stdin is not None
    fd = process.stdin.fileno()
    os.set_blocking(fd, False)
    _write_all(fd, stdin, rng, deadline)
    process.stdin.close()


def _release(pipe: Path) -> None:
    """If cat still waits in open() (no publisher ever opened the FIFO),
    open and close the write end so that it meets end of file."""
    try:
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as error:
        if error.errno != errno.ENXIO:  # ENXIO: cat is gone already
            raise


def run_publisher(program: Path, stdin: bytes, rng: random.Random,
                  seconds: float) -> tuple[bytes, Outcome]:
    """The bytes that reached the pipe, and the publisher's outcome."""
    deadline = Deadline(seconds)
    with tempfile.TemporaryDirectory(prefix="fuzz-pub.") as scratch:
        pipe = Path(scratch) / "pipe"
        os.mkfifo(pipe, 0o600)
        files = {name: open(Path(scratch) / name, "w+b") for name in ("pipe-bytes", "out", "err")}
        try:
            cat = subprocess.Popen(["cat", str(pipe)], stdin=subprocess.DEVNULL,
                                   stdout=files["pipe-bytes"], start_new_session=True)
            process = subprocess.Popen([str(program), "--pipe", str(pipe)], stdin=subprocess.PIPE,
                                       stdout=files["out"], stderr=files["err"],
                                       start_new_session=True)
            _feed(process, stdin, rng, deadline)
            status = _wait(process, deadline)
            _release(pipe)
            cat_status = _wait(cat, deadline)
            for file in files.values():
                file.seek(0)
            pipe_bytes = files["pipe-bytes"].read()
            if cat_status != 0:
                pipe_bytes += b"\n[cat exited with status %d]" % cat_status
            return pipe_bytes, Outcome(files["out"].read(),
                                       _normalise(files["err"].read(), program.name, pipe), status)
        finally:
            for file in files.values():
                file.close()
