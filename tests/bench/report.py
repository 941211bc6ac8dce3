"""report.py: make bench's results as Markdown, and its targets.

Each throughput figure is the median of the rounds; peak memory is the
largest of them. Ratios compare messages per second with the raw limit
(`cat` into `wc -l`) and with the tutorial's design, at the same message
size.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Callable

import contenders as cs

if TYPE_CHECKING:  # only for the annotations; bench imports this module
    from bench import Outcome, Results, Workload

RAW_SHARE_C = 0.5  # c -> c and go -> c, of the raw limit
RAW_SHARE_SLOW = 0.2  # into python or go subscribers, from the python publisher
TUTORIAL_TIMES = 20  # every pair, over the tutorial's design
LATENCY_TIMES = 1.5  # every pair's p50, over cat -> cat
C_SUBSCRIBER_RSS_KIB = 2048


def rate(outcomes: list[Outcome], messages: int) -> float:
    return messages / statistics.median(o.seconds for o in outcomes)


def messages_of(work: Workload, name: str) -> int:
    return work.tutorial_messages if name == cs.TUTORIAL_DESIGN else work.messages


def rates(results: Results, work: Workload, everyone: list[cs.Contender]) -> dict[str, float]:
    return {
        c.name: rate(results.throughput[(work.size, c.name)], messages_of(work, c.name))
        for c in everyone
    }


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def command_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        return out.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(l.split(":", 1)[1].strip() for l in info if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Linux {platform.release()}, "
        f"Python {sys.version.split()[0]}, {command_line(['go', 'version'])}, "
        f"{command_line([os.environ.get('CC', 'cc'), '--version'])}"
    )


def throughput_table(results: Results, work: Workload, everyone: list[cs.Contender]) -> list[str]:
    by_rate = rates(results, work, everyone)
    raw, tutorial = by_rate[cs.RAW], by_rate[cs.TUTORIAL_DESIGN]
    lines = [
        f"### {work.messages:,} messages of {work.size} bytes "
        f"(the tutorial's design: {work.tutorial_messages:,})",
        "",
        "| | msgs/s | MB/s | × raw | × tutorial | lost | merged "
        "| writer RSS KiB | reader RSS KiB | writer CPU s/M msgs | reader CPU s/M msgs |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in everyone:
        outcomes = results.throughput[(work.size, c.name)]
        messages = messages_of(work, c.name)
        per_sec = by_rate[c.name]
        lost = max(o.lost for o in outcomes) if c.name != cs.TUTORIAL_DESIGN else int(
            statistics.median(o.lost for o in outcomes))
        merged = int(statistics.median(o.merged for o in outcomes))
        cells = [
            f"**{c.name}**" if c.is_pair else c.name,
            f"{per_sec:,.0f}",
            f"{per_sec * work.size / 1e6:,.1f}",
            f"{per_sec / raw:.3f}",
            f"{per_sec / tutorial:,.1f}",
            f"{lost:,}",
            f"{merged:,}",
        ]
        for side in (0, 1):
            cells.append(f"{max(o.exits[side].max_rss_kib for o in outcomes):,}")
        for side in (0, 1):
            cpu = statistics.median(o.exits[side].cpu_seconds for o in outcomes)
            cells.append(f"{cpu / messages * 1e6:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def latency_table(results: Results) -> list[str]:
    base = percentile(results.latency["cat → cat"], 0.5)
    lines = ["| | p50 µs | p99 µs | p50 × cat → cat | lines |", "|---|--:|--:|--:|--:|"]
    for name, samples in results.latency.items():
        p50 = percentile(samples, 0.5)
        lines.append(
            f"| {name} | {p50:,.0f} | {percentile(samples, 0.99):,.0f} | "
            f"{p50 / base:.2f} | {len(samples):,} |"
        )
    return lines + [""]


def targets(results: Results, loads: list[Workload], everyone: list[cs.Contender]) -> list[str]:
    checks: list[tuple[str, str, bool]] = []

    def hold(text: str, value: str, passed: bool) -> None:
        checks.append((text, value, passed))

    pairs = [c for c in everyone if c.is_pair]
    for work in loads[:1]:  # the million 64-byte messages; 1024 bytes is in the table
        by_rate = rates(results, work, everyone)
        raw, tutorial = by_rate[cs.RAW], by_rate[cs.TUTORIAL_DESIGN]
        size = f"{work.size} B"
        share: Callable[[str], float] = lambda name: by_rate[name] / raw
        for name in ("c → c", "go → c"):
            if name in by_rate:
                hold(f"{name} ≥ {RAW_SHARE_C} × raw ({size})", f"{share(name):.3f}",
                     share(name) >= RAW_SHARE_C)
        for p in pairs:
            if p.name.endswith("→ python") or p.name.endswith("→ go") or p.name.startswith("python →"):
                hold(f"{p.name} ≥ {RAW_SHARE_SLOW} × raw ({size})", f"{share(p.name):.3f}",
                     share(p.name) >= RAW_SHARE_SLOW)
        for p in pairs:
            lost = max(o.lost for o in results.throughput[(work.size, p.name)])
            times = by_rate[p.name] / tutorial
            hold(f"{p.name} ≥ {TUTORIAL_TIMES} × the tutorial's design, 0 lost ({size})",
                 f"{times:,.1f}×, {lost} lost", times >= TUTORIAL_TIMES and lost == 0)
    base = percentile(results.latency["cat → cat"], 0.5)
    for p in pairs:
        p50 = percentile(results.latency[p.name], 0.5)
        hold(f"{p.name} latency p50 ≤ {LATENCY_TIMES} × cat → cat", f"{p50 / base:.2f}×",
             p50 <= LATENCY_TIMES * base)
    rss = max(o.exits[1].max_rss_kib for (size, name), outcomes in results.throughput.items()
              if name.endswith("→ c") for o in outcomes)
    hold(f"c-subscriber peak RSS ≤ {C_SUBSCRIBER_RSS_KIB} KiB", f"{rss:,} KiB",
         rss <= C_SUBSCRIBER_RSS_KIB)
    lines = [f"- {'PASS' if ok else 'MISS'}: {text}: {value}" for text, value, ok in checks]
    by_rate = rates(results, loads[0], everyone)
    if "c → c" in by_rate:
        # Writes of at most PIPE_BUF bytes, which the protocol requires,
        # usually cost something against cat's 64 KiB writes; on a busy
        # machine the two swap places from run to run, so say which it was.
        dd_ratio = by_rate[cs.DD] / by_rate[cs.RAW]
        cost = ("that is what writes of at most PIPE_BUF bytes, which the protocol requires, "
                "cost against cat's 64 KiB writes" if dd_ratio < 1 else
                "in this run cat's 64 KiB writes were no faster than dd's 4096-byte ones, "
                "so the raw limit is a noisy reference")
        lines.append(
            f"- (note: `dd bs=4096` reaches {dd_ratio:.2f} × raw: {cost}; c → c carries "
            f"{by_rate['c → c'] / by_rate[cs.DD]:.2f} × what dd does, while also printing "
            "every message.)"
        )
    return lines


def render(results: Results, loads: list[Workload], everyone: list[cs.Contender], *, quick: bool,
           runs: int, latency_lines: int, idle_seconds: float, workdir: str,
           elapsed: float) -> str:
    fs = "tmpfs" if workdir.startswith("/dev/shm") else "the temporary directory"
    lines = [
        "# make bench" + (" (BENCH_QUICK=1: counts only, timings mean nothing)" if quick else ""),
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}.",
        "",
        f"Median of {runs} rounds, contenders interleaved; input and output files on {fs}; "
        f"{elapsed:.0f} s in all. A missed target (MISS) does not fail `make bench`; "
        "a lost or changed message does (exit status 1).",
        "",
        "Each publisher reads the input file on its standard input; each subscriber (`--once`) "
        "writes `Received: MESSAGE` lines to a file, checked byte for byte. "
        "msgs/s and MB/s count the input (message and newline). CPU is user + system seconds "
        "per million messages; RSS is the peak over the rounds.",
        "",
        "## Throughput",
        "",
    ]
    for work in loads:
        lines += throughput_table(results, work, everyone)
    lines += ["Reference points:", ""]
    lines += [f"- {c.name}: {c.legend}" for c in everyone if not c.is_pair]
    lines += [
        "- the tutorial's rate counts the messages its writer sent, delivered or not; "
        "lost is how many never printed, merged how many came printed together with another "
        "(medians of the rounds).",
        "",
        "## Latency",
        "",
        f"One 64-byte line at a time into the writer, the next sent when the reader has printed "
        f"it; {latency_lines} lines a round, the first {2 if quick else 20} of each left out "
        "(start-up). cat → cat is the same harness with `cat` on both ends of the FIFO.",
        "",
    ]
    lines += latency_table(results)
    lines += [
        "## An idle subscriber",
        "",
        f"CPU seconds used over {idle_seconds:g} s waiting on a FIFO no publisher opens "
        "(after 1 s to start up):",
        "",
        "| | CPU seconds |",
        "|---|--:|",
    ]
    lines += [f"| {name} | {cpu:.3f} |" for name, cpu in results.idle.items()]
    lines += [""]
    if not quick:
        lines += ["## Targets", "", f"From the {loads[0].messages:,} messages of "
                  f"{loads[0].size} bytes; the other size's ratios are in its table.", ""]
        lines += targets(results, loads, everyone) + [""]
    return "\n".join(lines)
