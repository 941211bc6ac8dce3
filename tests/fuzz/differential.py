#!/usr/bin/env python3
"""The differential fuzzer: the same random streams through every program,
which must all behave the same, byte for byte.

Each stream is used twice:

- written raw into the pipe of every subscriber (bin/*-subscriber), run
  with --once and with --once --raw: standard output, standard error (the
  program's name and the pipe's path normalised) and exit status must be
  the same for every subscriber;
- given as standard input to every publisher (bin/*-publisher), with `cat`
  reading the FIFO: the bytes that reached the pipe, standard output,
  standard error and exit status must be the same for every publisher.

Every result is also compared with model.py, PROTOCOL.md written plainly,
so that a mistake every language shares still shows.

Saved inputs in tests/fuzz/regressions/ are replayed first, on every run:
NAME.pipe as pipe bytes for the subscribers, NAME.stdin as standard input
for the publishers. When programs disagree on a new stream, it is shrunk
(pieces dropped while the disagreement stays), saved there, and the run
fails naming the programs and the file.

    tests/fuzz/differential.py --seconds 60 [--seed N] [--bin DIR]
"""

import argparse
import hashlib
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, NamedTuple

import model
import programs
import streams

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MODEL = "the PROTOCOL.md model"


class Programs(NamedTuple):
    publishers: list[Path]
    subscribers: list[Path]


class Fuzzer:
    def __init__(self, found: Programs, hang: float, seed: int):
        self.found = found
        self.hang = hang
        self.rng = random.Random(seed)
        self.streams = 0
        self.runs = 0

    # ------------------------------------------------------------ checking

    def _in_parallel(self, jobs: dict[str, Callable[[random.Random], object]]) -> dict[str, object]:
        seeds = {name: self.rng.getrandbits(32) for name in jobs}
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = {name: pool.submit(job, random.Random(seeds[name])) for name, job in jobs.items()}
            self.runs += len(jobs)
            return {name: future.result() for name, future in futures.items()}

    def subscribers_disagree(self, pipe_bytes: bytes) -> list[str]:
        """What the subscribers disagree on for these pipe bytes; [] if nothing."""
        problems = []
        for flags in (["--once"], ["--once", "--raw"]):
            results = self._in_parallel({
                sub.name: (lambda rng, sub=sub, flags=flags:
                           programs.run_subscriber(sub, flags, pipe_bytes, rng, self.hang))
                for sub in self.found.subscribers})
            results[MODEL] = model.subscriber(pipe_bytes, raw="--raw" in flags)
            problems += disagreements(" ".join(flags), results)
        return problems

    def publishers_disagree(self, stdin: bytes) -> list[str]:
        """What the publishers disagree on for this standard input; [] if nothing."""
        results = self._in_parallel({
            pub.name: (lambda rng, pub=pub: programs.run_publisher(pub, stdin, rng, self.hang))
            for pub in self.found.publishers})
        results[MODEL] = model.publisher(stdin)
        return disagreements("standard input", results)

    def check(self, kind: str, data: bytes) -> list[str]:
        if kind == "pipe":
            return self.subscribers_disagree(data) if self.found.subscribers else []
        return self.publishers_disagree(data) if self.found.publishers else []

    # ------------------------------------------------------------ shrinking

    def shrink(self, kind: str, pieces: list[bytes], budget: float) -> list[bytes]:
        """Drop pieces one at a time while the programs still disagree.

        An input is never shrunk to nothing: an empty saved input would
        replay as no input at all (and a program that differs on every
        input differs on an empty one too)."""
        deadline = time.monotonic() + budget
        i = 0
        while i < len(pieces) and time.monotonic() < deadline:
            smaller = pieces[:i] + pieces[i + 1:]
            if b"".join(smaller) and self.check(kind, b"".join(smaller)):
                pieces = smaller
            else:
                i += 1
        return pieces


def disagreements(mode: str, results: dict[str, object]) -> list[str]:
    """Group the programs by result; one line per group that differs from
    the first one (the model's group is named as such)."""
    groups: dict[object, list[str]] = {}
    for name, result in results.items():
        groups.setdefault(result, []).append(name)
    if len(groups) == 1:
        return []
    ordered = sorted(groups.items(), key=lambda item: MODEL not in item[1])
    (first, first_names), rest = ordered[0], ordered[1:]
    lines = []
    for result, names in rest:
        lines.append(f"[{mode}] {', '.join(names)} vs {', '.join(first_names)}: "
                     f"{difference(first, result)}")
    return lines


def difference(expected: object, got: object) -> str:
    """The first field in which got differs from expected, briefly."""
    def fields(result: object) -> dict[str, object]:
        if isinstance(result, model.Outcome):
            return result._asdict()
        pipe_bytes, outcome = result  # a publisher's (pipe bytes, outcome)
        return {"pipe bytes": pipe_bytes, **outcome._asdict()}

    want, have = fields(expected), fields(got)
    for name in want:
        if want[name] == have[name]:
            continue
        if name == "status":
            status = "timed out" if have[name] == programs.TIMED_OUT else str(have[name])
            return f"exit status {status}, not {want[name]}"
        a, b = want[name], have[name]
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        return (f"{name} differ at byte {at} (lengths {len(b)} and {len(a)}): "
                f"{b[max(0, at - 20):at + 40]!r} instead of {a[max(0, at - 20):at + 40]!r}")
    return "results differ"


def find_programs(bin_dir: Path) -> Programs:
    return Programs(sorted(bin_dir.glob("*-publisher")), sorted(bin_dir.glob("*-subscriber")))


def save(regressions: Path, kind: str, data: bytes) -> Path:
    regressions.mkdir(parents=True, exist_ok=True)
    path = regressions / f"{kind}-{hashlib.sha256(data).hexdigest()[:12]}.{kind}"
    path.write_bytes(data)
    return path


def shown(path: Path) -> str:
    """A path as a reader of the output can use it: relative to the repository when inside."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def report(problems: list[str], what: str) -> None:
    print(f"differential: programs disagree on {what}:", file=sys.stderr)
    for line in problems:
        print(f"  {line}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one)")
    parser.add_argument("--bin", type=Path, default=REPO / "bin", help="where the programs are")
    parser.add_argument("--regressions", type=Path, default=HERE / "regressions",
                        help="saved inputs, replayed first")
    parser.add_argument("--hang", type=float, default=20.0,
                        help="seconds a program may run before it counts as hung (default 20)")
    args = parser.parse_args()

    found = find_programs(args.bin)
    if not found.publishers and not found.subscribers:
        print(f"differential: no *-publisher or *-subscriber in {args.bin} (run make first)",
              file=sys.stderr)
        return 1
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    print(f"differential: seed {seed}; publishers: {' '.join(p.name for p in found.publishers)}; "
          f"subscribers: {' '.join(s.name for s in found.subscribers)}")
    fuzzer = Fuzzer(found, args.hang, seed)

    saved = sorted(args.regressions.glob("*.pipe")) + sorted(args.regressions.glob("*.stdin"))
    for path in saved:
        problems = fuzzer.check(path.suffix[1:], path.read_bytes())
        if problems:
            report(problems, f"the saved input {shown(path)}")
            return 1
    print(f"differential: {len(saved)} saved inputs replayed, all programs agree")

    start = time.monotonic()
    while time.monotonic() - start < args.seconds:
        pieces = streams.random_stream(fuzzer.rng)
        fuzzer.streams += 1
        for kind in ("pipe", "stdin"):
            problems = fuzzer.check(kind, b"".join(pieces))
            if problems:
                pieces = fuzzer.shrink(kind, pieces, budget=60.0)
                path = save(args.regressions, kind, b"".join(pieces))
                report(fuzzer.check(kind, b"".join(pieces)) or problems,
                       f"a new input, saved as {shown(path)}")
                return 1
    print(f"differential: {fuzzer.streams} streams, {fuzzer.runs} program runs "
          f"in {time.monotonic() - start:.0f} s; all programs agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
