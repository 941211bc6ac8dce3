"""Helpers shared by the tests: programs as child processes, FIFO writers.

Everything that could block has a timeout, so that a test fails instead of
hanging when a program does not do what it should.
"""

from __future__ import annotations

import contextlib
import importlib.util
import errno
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BIN = REPO / "bin"          # bin/python-*, which make builds
PROGRAMS = ("python-publisher", "python-subscriber")
TIMEOUT = 20.0


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without PIPE_PATH (a test names its own pipe)."""
    env = {k: v for k, v in os.environ.items() if k != "PIPE_PATH"}
    env.update(extra)
    return env


def wait_for(predicate: Callable[[], bool], what: str,
             timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


@contextlib.contextmanager
def connected_writer(path: str, timeout: float = TIMEOUT) -> Iterator[int]:
    """A blocking descriptor writing into the FIFO once a reader has it open.

    The open is non-blocking and retried, so that no reader means a
    TimeoutError rather than a test that hangs in open().
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as err:
            if err.errno not in (errno.ENXIO, errno.ENOENT):
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reader on {path}") from None
            time.sleep(0.01)
    try:
        os.set_blocking(fd, True)
        yield fd
    finally:
        os.close(fd)


def send(path: str, *payloads: bytes) -> None:
    """One publisher: connect, write each payload, disconnect."""
    with connected_writer(path) as fd:
        for payload in payloads:
            os.write(fd, payload)


def open_reader(path: str) -> int:
    """A non-blocking read descriptor on the FIFO: a subscriber that is there."""
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def read_to_eof(fd: int, timeout: float = TIMEOUT) -> bytes:
    """All that writers put into the FIFO until the last one closes it.

    A FIFO opened for reading shows end of file until a writer has come, so
    b"" counts only after some writer was seen.
    """
    data = bytearray()
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + timeout
    seen_writer = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"FIFO still open after {bytes(data[-80:])!r}")
        if not poller.poll(min(left, 0.05) * 1000):
            continue
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            seen_writer = True
            continue
        if chunk:
            seen_writer = True
            data += chunk
        elif seen_writer:
            return bytes(data)
        else:
            time.sleep(0.01)    # no writer yet


def read_fifo(path: str, timeout: float = TIMEOUT) -> bytes:
    """Open the FIFO for reading and read it to end of file."""
    fd = open_reader(path)
    try:
        return read_to_eof(fd, timeout)
    finally:
        os.close(fd)


class Program:
    """bin/python-* (through its launcher) running as a child process."""

    def __init__(self, name: str, *args: str, stdin: int | None = subprocess.DEVNULL,
                 stdout: int = subprocess.PIPE, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / name), *args], stdin=stdin, stdout=stdout,
            stderr=subprocess.PIPE, env=clean_env() if env is None else env, cwd=cwd)
        self._out = bytearray()
        self._err = bytearray()

    def read_until(self, expected: bytes, timeout: float = TIMEOUT) -> bytes:
        """Read standard output until it holds `expected` (so it was flushed)."""
        assert self.proc.stdout is not None
        return _read_until(self.proc.stdout.fileno(), self._out, expected, timeout)

    def read_err_until(self, expected: bytes, timeout: float = TIMEOUT) -> bytes:
        """Read standard error until it holds `expected`."""
        assert self.proc.stderr is not None
        return _read_until(self.proc.stderr.fileno(), self._err, expected, timeout)

    def finish(self, timeout: float = TIMEOUT) -> tuple[int, bytes, bytes]:
        """Wait for the exit: (status, stdout, stderr)."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        return (self.proc.returncode, bytes(self._out) + (out or b""),
                bytes(self._err) + (err or b""))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def _read_until(fd: int, buffer: bytearray, expected: bytes,
                timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    while expected not in buffer:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"read {bytes(buffer)!r}, not {expected!r}")
        data = os.read(fd, 65536)
        if not data:
            raise EOFError(f"closed at {bytes(buffer)!r}")
        buffer += data
    return bytes(buffer)


class ScratchDir(unittest.TestCase):
    """A test with a temporary directory, its FIFO path, and programs to end."""

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.path = os.path.join(self.dir, "pipe")
        self.programs: list[Program] = []

    def tearDown(self) -> None:
        for program in self.programs:
            program.kill()
        self.tmp.cleanup()

    def start(self, name: str, *args: str, **kwargs: object) -> Program:
        program = Program(name, *args, **kwargs)  # type: ignore[arg-type]
        self.programs.append(program)
        return program

    def fresh_pipe(self) -> None:
        if os.path.lexists(self.path):
            os.unlink(self.path)


def run(name: str, *args: str, stdin: int | None = subprocess.DEVNULL,
        cwd: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a program to its end (for the command line tests)."""
    return subprocess.run([str(BIN / name), *args], capture_output=True,
                          timeout=TIMEOUT, env=clean_env(), stdin=stdin, cwd=cwd)


PYTHON = sys.executable


def edited_copy(directory: str, program: str, old: str, new: str) -> str:
    """A copy of python/PROGRAM (and the package beside it) in `directory`,
    `old` replaced by `new` in it once: a learner's edit.  Its path."""
    copy = os.path.join(directory, "python")
    shutil.copytree(REPO / "python" / "fifo_pubsub", os.path.join(copy, "fifo_pubsub"))
    text = (REPO / "python" / program).read_text()
    if text.count(old) != 1:
        raise ValueError(f"{old!r} is not once in {program}")
    path = os.path.join(copy, program)
    with open(path, "w") as f:
        f.write(text.replace(old, new))
    return path


def import_program(name: str) -> ModuleType:
    """Import python/publisher.py or python/subscriber.py for their functions.

    Importing sets the program's SIGINT handler; the test runner gets its
    own back, so that Ctrl-C still stops the tests.
    """
    spec = importlib.util.spec_from_file_location(name, REPO / "python" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return module
