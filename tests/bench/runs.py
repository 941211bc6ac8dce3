"""runs.py: one measured run of each kind make bench takes.

- throughput(): a writer and a reader started together, timed until both
  have exited, with each one's peak memory and CPU time from wait4();
- latency(): one line at a time into a writer, timed until the reader
  prints it, the next line sent only then;
- idle_cpu(): the CPU time a waiting reader uses while nothing comes.

Programs are started with os.posix_spawn(), so that nothing but the
program itself runs in the child, and reaped with os.wait4(), whose
resource usage is the program's own. A run that takes longer than its
timeout is killed and reported as failed, never waited for.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Union

HELPER_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "build", "bench")

# What a spawned program gets on a standard stream: a file path (opened in
# the child; never a FIFO, whose open would block the spawn), or a
# descriptor of ours to duplicate.
Stream = Union[str, int]


@dataclass
class Exit:
    """How one program ended, and what it used."""

    argv: Sequence[str]
    status: int  # exit status, or minus the signal that killed it
    max_rss_kib: int
    cpu_seconds: float


@dataclass
class Trial:
    seconds: float
    exits: list[Exit]
    timed_out: bool = False


def spawn(argv: Sequence[str], stdin: Stream, stdout: Stream, stderr: Stream) -> int:
    actions = []
    for fd, stream, flags in (
        (0, stdin, os.O_RDONLY),
        (1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        (2, stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND),
    ):
        if isinstance(stream, int):
            actions.append((os.POSIX_SPAWN_DUP2, stream, fd))
        else:
            actions.append((os.POSIX_SPAWN_OPEN, fd, stream, flags, 0o600))
    return os.posix_spawnp(argv[0], list(argv), dict(os.environ), file_actions=actions)


class Watchdog:
    """Kills the given processes when the timeout passes first."""

    def __init__(self, pids: Sequence[int], timeout: float) -> None:
        self.fired = False
        self.pids = list(pids)
        self.timer = threading.Timer(timeout, self._fire)
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cancel(self) -> None:
        self.timer.cancel()


def measured(argv: Sequence[str], report: str) -> list[str]:
    """argv run through tests/bench/measure.c, which writes its status, peak
    memory and CPU time to the file report."""
    return [os.path.join(HELPER_DIR, "measure"), report, *argv]


def read_report(argv: Sequence[str], report: str) -> Exit:
    try:
        with open(report) as f:
            status, rss, user, system = (int(field) for field in f.read().split())
    except (OSError, ValueError):
        return Exit(argv, -1, 0, 0.0)  # measure itself was killed
    return Exit(argv, status, rss, (user + system) / 1e6)


def reap(pid: int, argv: Sequence[str]) -> Exit:
    _, status, usage = os.wait4(pid, 0)
    return Exit(
        argv=argv,
        status=os.waitstatus_to_exitcode(status),
        max_rss_kib=usage.ru_maxrss,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


def throughput(
    writer: Sequence[str],
    reader: Sequence[str],
    input_path: str,
    output_path: str,
    stderr_path: str,
    timeout: float,
) -> Trial:
    """The writer reads input_path; the reader writes output_path."""
    reports = [output_path + ".writer", output_path + ".reader"]
    start = time.perf_counter()
    reader_pid = spawn(measured(reader, reports[1]), os.devnull, output_path, stderr_path)
    writer_pid = spawn(measured(writer, reports[0]), input_path, os.devnull, stderr_path)
    watchdog = Watchdog([reader_pid, writer_pid], timeout)
    os.wait4(writer_pid, 0)
    os.wait4(reader_pid, 0)
    seconds = time.perf_counter() - start
    watchdog.cancel()
    exits = [read_report(writer, reports[0]), read_report(reader, reports[1])]
    return Trial(seconds, exits, watchdog.fired)


def writer_then_stop(
    writer: Sequence[str],
    reader: Sequence[str],
    input_path: str,
    output_path: str,
    stderr_path: str,
    stop: Callable[[], None],
    timeout: float,
) -> Trial:
    """Like throughput(), for a reader that never exits on its own (the
    tutorial's): timed until the writer exits, then stop() is called until
    the reader has exited."""
    reports = [output_path + ".writer", output_path + ".reader"]
    start = time.perf_counter()
    reader_pid = spawn(measured(reader, reports[1]), os.devnull, output_path, stderr_path)
    writer_pid = spawn(measured(writer, reports[0]), input_path, os.devnull, stderr_path)
    watchdog = Watchdog([reader_pid, writer_pid], timeout)
    os.wait4(writer_pid, 0)
    seconds = time.perf_counter() - start
    while not watchdog.fired and os.wait4(reader_pid, os.WNOHANG)[0] == 0:
        stop()
        time.sleep(0.02)
    if watchdog.fired:
        os.wait4(reader_pid, 0)
    watchdog.cancel()
    exits = [read_report(writer, reports[0]), read_report(reader, reports[1])]
    return Trial(seconds, exits, watchdog.fired)


@dataclass
class LatencyRun:
    samples_us: list[float] = field(default_factory=list)
    exits: list[Exit] = field(default_factory=list)
    error: str = ""


def _read_until(fd: int, buffer: bytearray, wanted: int, deadline: float) -> bool:
    """Read from fd into buffer until it holds `wanted` bytes."""
    while len(buffer) < wanted:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return False
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        buffer += chunk
    return True


def latency(
    writer: Optional[Sequence[str]],
    reader: Sequence[str],
    lines: Sequence[bytes],
    reply: Callable[[bytes], bytes],
    stop: bytes,
    append_to: Optional[str] = None,
    timeout: float = 10.0,
) -> LatencyRun:
    """Send each line (with its LF) into the writer's standard input, or
    append it to the file append_to when there is no writer, and time how
    long until the reader prints reply(line). Then send `stop` (if any),
    close the writer's input and wait for both to exit."""
    run = LatencyRun()
    out_read, out_write = os.pipe()
    reader_pid = spawn(reader, os.devnull, out_write, os.devnull)
    os.close(out_write)
    pids, argvs = [reader_pid], [reader]
    if writer is not None:
        in_read, send_fd = os.pipe()
        pids.append(spawn(writer, in_read, os.devnull, os.devnull))
        argvs.append(writer)
        os.close(in_read)
    else:
        assert append_to is not None
        send_fd = os.open(append_to, os.O_WRONLY | os.O_APPEND)
    watchdog = Watchdog(pids, timeout + 5 * len(lines) / 1000)
    buffer = bytearray()
    for line in lines:
        expected = reply(line)
        start = time.perf_counter_ns()
        os.write(send_fd, line)
        if not _read_until(out_read, buffer, len(expected), time.monotonic() + timeout):
            run.error = f"no reply to {line[:20]!r}"
            break
        run.samples_us.append((time.perf_counter_ns() - start) / 1000)
        if bytes(buffer) != expected:
            run.error = f"sent {line[:20]!r}, got {bytes(buffer[:30])!r}"
            break
        buffer.clear()
    try:
        if stop and not run.error:
            os.write(send_fd, stop)
    except BrokenPipeError:
        run.error = run.error or "the writer went away"
    os.close(send_fd)
    while select.select([out_read], [], [], timeout)[0] and os.read(out_read, 65536):
        pass  # the reader's last words ("Exiting..."), until it exits
    os.close(out_read)
    run.exits = [reap(pid, argv) for pid, argv in zip(pids, argvs)]
    watchdog.cancel()
    if watchdog.fired:
        run.error = run.error or "timed out"
    return run


def _cpu_ns(pid: int) -> int:
    """Time on a CPU so far, in nanoseconds (/proc/PID/schedstat)."""
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0])


def idle_cpu(readers: dict[str, Sequence[str]], settle: float, seconds: float) -> dict[str, float]:
    """Start every reader with nothing to read; after `settle` seconds of
    start-up, measure the CPU seconds each uses over `seconds` more."""
    pids = {name: spawn(argv, os.devnull, os.devnull, os.devnull) for name, argv in readers.items()}
    time.sleep(settle)
    before = {name: _cpu_ns(pid) for name, pid in pids.items()}
    time.sleep(seconds)
    used = {name: (_cpu_ns(pid) - before[name]) / 1e9 for name, pid in pids.items()}
    for name, pid in pids.items():
        os.kill(pid, signal.SIGTERM)
        reap(pid, readers[name])
    return used
