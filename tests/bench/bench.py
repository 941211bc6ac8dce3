"""make bench: throughput, latency and resources of every publisher x
subscriber pair, beside the reference points (contenders.py), in one run.

Every contender runs once per round, the rounds one after another and the
contenders in a different order in each, so that whatever the machine does
meanwhile (other jobs, frequency changes) hits all of them alike; each
figure is the median of the rounds (BENCH_RUNS, 3 by default). The table
goes to standard output and to build/bench/results.md, the chart to
build/bench/results.svg; with SAVE=1 they replace the committed
tests/bench/results.md and results.svg instead.

BENCH_QUICK=1 runs a tiny version (2,000 messages, one round, 20 latency
lines) that checks the harness and counts messages, never timings, and
writes no results file.

Exit status: 1 when any message was lost or changed on its way through a
pair or a reference point that must not lose any (the tutorial's design is
measured, not judged), or a program failed; a missed target is reported
as MISS and does not change the exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field

import chart
import contenders as cs
import report
import runs

QUICK = os.environ.get("BENCH_QUICK") == "1"
SAVE = os.environ.get("SAVE") == "1"
RUNS = int(os.environ.get("BENCH_RUNS", "1" if QUICK else "3"))
# (message size in bytes with its LF, messages; messages for the tutorial's design)
SIZES = [(64, 2_000, 200), (1024, 500, 100)] if QUICK else [
    (64, 1_000_000, 20_000),
    (1024, 200_000, 20_000),
]
LATENCY_LINES = 20 if QUICK else 1_000  # per round
LATENCY_WARMUP = 2 if QUICK else 20  # first lines of each session, not counted
IDLE_SECONDS = 0.5 if QUICK else 3.0
TIMEOUT = 60 if QUICK else 300


@dataclass
class Outcome:
    """One throughput run: its time and what the output check found."""

    seconds: float
    exits: list[runs.Exit]
    lost: int = 0
    merged: int = 0
    problem: str = ""  # a lost or changed message, a failed program


@dataclass
class Workload:
    size: int
    messages: int
    input: str
    expected: str  # what a subscriber prints for the input
    tutorial_messages: int
    tutorial_input: str


def message(number: int, size: int) -> bytes:
    """Message number `number`, size - 1 bytes, unique in its first 8."""
    head = b"%08d " % number
    body = (b"abcdefghijklmnopqrstuvwxyz0123456789" * (size // 36 + 1))[: size - 1 - len(head)]
    return head + body


def make_workload(workdir: str, size: int, count: int, tutorial_count: int) -> Workload:
    lines = [message(i, size) + b"\n" for i in range(count)]
    paths = [os.path.join(workdir, f"{name}-{size}") for name in ("input", "expected", "tutorial")]
    for path, data in zip(paths, (lines, [b"Received: " + l for l in lines], lines[:tutorial_count])):
        with open(path, "wb") as f:
            f.write(b"".join(data))
    return Workload(size, count, paths[0], paths[1], tutorial_count, paths[2])


def fresh_fifo(workdir: str) -> str:
    path = os.path.join(workdir, "pipe")
    if os.path.lexists(path):
        os.unlink(path)
    os.mkfifo(path, 0o600)
    return path


def fresh_file(workdir: str) -> str:
    path = os.path.join(workdir, "channel")
    with open(path, "wb"):
        pass
    return path


def send_exit(fifo: str) -> None:
    """Stop the tutorial's reader the tutorial's way: an "exit" message,
    if a reader has the FIFO open now."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        os.write(fd, b"exit")
    except OSError:
        pass
    finally:
        os.close(fd)


def same_file(a: str, b: str) -> bool:
    return subprocess.run(["cmp", "-s", a, b]).returncode == 0


def count_lost(output: str, expected: str) -> int:
    with open(output, "rb") as out, open(expected, "rb") as exp:
        return len(set(exp.read().splitlines()) - set(out.read().splitlines()))


def check_tutorial(outcome: Outcome, output: str, work: Workload) -> None:
    """Each line printed is one read-to-end-of-file: one message, or
    several run together."""
    received: set[bytes] = set()
    length = work.size - 1
    with open(output, "rb") as out:
        for line in out.read().splitlines():
            blob = line.removeprefix(b"Received: ")
            parts = len(blob) // length
            received.update(blob[i * length : i * length + 8] for i in range(parts))
            if parts > 1:
                outcome.merged += parts
    outcome.lost = work.tutorial_messages - len(received)


def check(c: cs.Contender, outcome: Outcome, work: Workload, output: str, errors: str) -> None:
    for ended in outcome.exits:
        if ended.status != 0:
            outcome.problem = f"{os.path.basename(ended.argv[0])} exited with status {ended.status}"
    with open(errors, "rb") as f:
        unexpected = [
            line
            for line in f.read().decode(errors="replace").splitlines()
            if not line.endswith(": waiting for a subscriber") and not line.startswith("failed ")
        ]
    if unexpected:
        outcome.problem = outcome.problem or f"on standard error: {unexpected[0]}"
    if c.check == cs.TUTORIAL:
        check_tutorial(outcome, output, work)
    elif c.check == cs.COUNT:
        with open(output, "rb") as f:
            counted = f.read().strip()
        if counted != str(work.messages).encode():
            outcome.problem = f"wc -l counted {counted.decode(errors='replace')!r}"
            outcome.lost = work.messages - int(counted or b"0")
    elif not same_file(output, work.expected if c.check == cs.RECEIVED else work.input):
        outcome.lost = count_lost(output, work.expected if c.check == cs.RECEIVED else work.input)
        outcome.problem = outcome.problem or f"{outcome.lost} messages lost, or changed"


def run_throughput(c: cs.Contender, work: Workload, workdir: str) -> Outcome:
    channel = fresh_file(workdir) if c.channel_is_file else fresh_fifo(workdir)
    tutorial = c.check == cs.TUTORIAL
    messages = work.tutorial_messages if tutorial else work.messages
    writer, reader = c.argv(c.writer, channel, messages), c.argv(c.reader, channel, messages)
    output, errors = os.path.join(workdir, "output"), os.path.join(workdir, "errors")
    with open(errors, "wb"):
        pass
    source = work.tutorial_input if tutorial else work.input
    if tutorial:
        trial = runs.writer_then_stop(
            writer, reader, source, output, errors, lambda: send_exit(channel), TIMEOUT
        )
    else:
        trial = runs.throughput(writer, reader, source, output, errors, TIMEOUT)
    outcome = Outcome(trial.seconds, trial.exits)
    check(c, outcome, work, output, errors)
    if trial.timed_out:
        outcome.problem = f"timed out after {TIMEOUT} s"
    return outcome


@dataclass
class LatencyContender:
    name: str
    writer: list[str] | None
    reader: list[str]
    prefix: bytes  # what the reader prints before each line
    stop: bytes
    channel_is_file: bool = False


def latency_contenders(pairs: list[cs.Contender]) -> list[LatencyContender]:
    return [
        LatencyContender(
            "cat → cat", cs.shell('exec cat > "$1"'), ["cat", "{channel}"], b"", b""
        ),
        LatencyContender(
            "regular file: append → polling reader",
            None,
            [cs.helper("file_follower"), "{channel}", "{messages}"],
            b"",
            b"",
            channel_is_file=True,
        ),
    ] + [
        LatencyContender(p.name, list(p.writer), [a for a in p.reader if a != "--once"],
                         b"Received: ", b"exit\n")
        for p in pairs
    ]


def run_latency(c: LatencyContender, workdir: str, samples: list[float]) -> str:
    channel = fresh_file(workdir) if c.channel_is_file else fresh_fifo(workdir)
    lines = [message(i, 64) + b"\n" for i in range(LATENCY_LINES)]
    fill = dict(channel=channel, messages=len(lines))
    writer = [a.format(**fill) for a in c.writer] if c.writer else None
    reader = [a.format(**fill) for a in c.reader]
    run = runs.latency(writer, reader, lines, lambda line: c.prefix + line, c.stop,
                       append_to=channel if c.channel_is_file else None)
    samples.extend(run.samples_us[LATENCY_WARMUP:])
    failed = [e for e in run.exits if e.status != 0]
    if failed and not run.error:
        run.error = f"{os.path.basename(failed[0].argv[0])} exited with status {failed[0].status}"
    return run.error


def work_directory() -> str:
    """On tmpfs when there is one: the programs are measured, not a disk."""
    shm = "/dev/shm"
    base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="fifo-bench-", dir=base)


@dataclass
class Results:
    throughput: dict[tuple[int, str], list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    idle: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def measure(workdir: str, bin_dir: str) -> tuple[Results, list[Workload], list[cs.Contender]]:
    pairs = cs.pairs(bin_dir)
    everyone = cs.REFERENCES + pairs
    loads = [make_workload(workdir, size, n, t) for size, n, t in SIZES]
    lat = latency_contenders(pairs)
    results = Results()
    for round_number in range(RUNS):
        print(f"round {round_number + 1} of {RUNS}", file=sys.stderr, flush=True)
        for work in loads:
            shift = (round_number * 5) % len(everyone)
            for c in everyone[shift:] + everyone[:shift]:
                outcome = run_throughput(c, work, workdir)
                results.throughput[(work.size, c.name)].append(outcome)
                if outcome.problem:
                    results.problems.append(f"{c.name}, {work.size} B: {outcome.problem}")
        shift = round_number % len(lat)
        for lc in lat[shift:] + lat[:shift]:
            error = run_latency(lc, workdir, results.latency[lc.name])
            if error:
                results.problems.append(f"latency, {lc.name}: {error}")
    # Every subscriber waiting on a FIFO no publisher opens.
    subscribers = sorted({p.reader[0] for p in pairs})
    idle_readers = {
        os.path.basename(sub): [sub, "--pipe", fresh_named(workdir, number)]
        for number, sub in enumerate(subscribers)
    }
    follower_file = fresh_file(workdir)
    idle_readers["file_follower (polling a regular file)"] = [
        cs.helper("file_follower"), follower_file, "1000000000"]
    results.idle = runs.idle_cpu(idle_readers, settle=1.0, seconds=IDLE_SECONDS)
    return results, loads, everyone


def fresh_named(workdir: str, number: int) -> str:
    path = os.path.join(workdir, f"idle-{number}")
    if not os.path.lexists(path):
        os.mkfifo(path, 0o600)
    return path


def main() -> int:
    os.chdir(cs.ROOT)
    bin_dir = os.path.join(cs.ROOT, "bin")
    cs.build_helpers()
    workdir = work_directory()
    started = time.time()
    try:
        results, loads, everyone = measure(workdir, bin_dir)
        text = report.render(results, loads, everyone, quick=QUICK, runs=RUNS,
                             latency_lines=LATENCY_LINES, idle_seconds=IDLE_SECONDS,
                             workdir=workdir, elapsed=time.time() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(text)
    if not QUICK:
        # build/ by default, so that a run leaves the clone unmodified;
        # SAVE=1 replaces the committed results beside this file.
        out = cs.HERE if SAVE else os.path.join(cs.ROOT, "build", "bench")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "results.md"), "w") as f:
            f.write(text)
        with open(os.path.join(out, "results.svg"), "w") as f:
            f.write(chart.svg(results, loads, everyone))
        shown = os.path.relpath(out, cs.ROOT)
        print(f"written: {shown}/results.md, {shown}/results.svg")
    for problem in results.problems:
        print(f"FAILED: {problem}")
    return 1 if results.problems else 0


if __name__ == "__main__":
    sys.exit(main())
