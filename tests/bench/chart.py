"""chart.py: make bench's results as an SVG chart, drawn by hand (no
packages): messages per second of every row at the first message size,
and latency p50 and p99 of every pair, each on a logarithmic scale since
the rows span several orders of magnitude.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import contenders as cs
import report

if TYPE_CHECKING:
    from bench import Results, Workload

WIDTH = 900
LABEL_WIDTH = 330
BAR_HEIGHT = 18
GAP = 6
PAIR_COLOUR = "#2b6cb0"
REFERENCE_COLOUR = "#a0aec0"
P99_COLOUR = "#f6ad55"


def text(x: float, y: float, content: str, anchor: str = "start", size: int = 12,
         weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def panel(title: str, unit: str, rows: list[tuple[str, float, str]], top: float,
          extra: dict[str, float] | None = None) -> tuple[list[str], float]:
    """Horizontal bars on a log scale; rows are (label, value, colour).
    extra: a second, lighter bar behind a row (p99 behind p50)."""
    values = [v for _, v, _ in rows] + list((extra or {}).values())
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    span = WIDTH - LABEL_WIDTH - 90

    def x(value: float) -> float:
        return LABEL_WIDTH + span * math.log10(value / low) / math.log10(high / low)

    parts = [text(10, top + 16, title, size=15, weight="bold")]
    y = top + 30
    decade = low
    while decade <= high:  # grid lines, one per power of ten
        parts.append(f'<line x1="{x(decade):.1f}" y1="{y}" x2="{x(decade):.1f}" '
                     f'y2="{y + len(rows) * (BAR_HEIGHT + GAP)}" stroke="#e2e8f0"/>')
        parts.append(text(x(decade), y + len(rows) * (BAR_HEIGHT + GAP) + 14,
                          f"{decade:,.0f}", anchor="middle", size=10))
        decade *= 10
    for label, value, colour in rows:
        if extra and label in extra:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{x(extra[label]) - LABEL_WIDTH:.1f}" '
                         f'height="{BAR_HEIGHT}" fill="{P99_COLOUR}"/>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(1.0, x(value) - LABEL_WIDTH):.1f}" '
                     f'height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(text(LABEL_WIDTH - 8, y + 13, label, anchor="end"))
        shown = extra[label] if extra and label in extra else value
        parts.append(text(x(shown) + 6, y + 13, f"{value:,.0f} {unit}"))
        y += BAR_HEIGHT + GAP
    return parts, y + 30


def svg(results: Results, loads: list[Workload], everyone: list[cs.Contender]) -> str:
    work = loads[0]
    by_rate = report.rates(results, work, everyone)
    ordered = sorted(everyone, key=lambda c: -by_rate[c.name])
    throughput = [(c.name, by_rate[c.name], PAIR_COLOUR if c.is_pair else REFERENCE_COLOUR)
                  for c in ordered]
    parts, y = panel(f"Throughput, {work.messages:,} messages of {work.size} bytes "
                     "(blue: our pairs; grey: reference points)", "msgs/s", throughput, 0)
    p50 = {name: report.percentile(s, 0.5) for name, s in results.latency.items()}
    p99 = {name: report.percentile(s, 0.99) for name, s in results.latency.items()}
    latency = [(name, value, REFERENCE_COLOUR if "→ cat" in name or "file" in name
                else PAIR_COLOUR) for name, value in p50.items()]
    more, y = panel("Latency, one line at a time: p50 (orange behind it: p99)", "µs",
                    latency, y, extra=p99)
    parts += more
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y:.0f}" '
            f'viewBox="0 0 {WIDTH} {y:.0f}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(parts) + "\n</svg>\n")
