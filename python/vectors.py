"""Load the golden test vectors from shared/vectors/ (used by the tests).

For a case NAME the pipe carries NAME.pipe if that file exists (a stdin case,
where a publisher produced those bytes), else NAME.in (a raw case, written
straight into the pipe).  NAME.out is what a subscriber run with --once prints.
NAME.err, for a raw case only, is what the subscriber prints on standard
error, with {prog} and {pipe} standing for the program name and pipe path;
in a stdin case it belongs to the publisher and is none of our business.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VECTOR_DIR = Path(__file__).resolve().parent.parent / "shared" / "vectors"


@dataclass
class Vector:
    name: str
    pipe: bytes      # what the pipe carries
    out: bytes       # expected standard output
    err: str         # expected standard error, placeholders not yet filled
    raw: bool

    def expected_err(self, prog: str, pipe: str) -> bytes:
        text = self.err.replace("{prog}", prog).replace("{pipe}", pipe)
        return text.encode("utf-8", "surrogateescape")


def load_vectors() -> list[Vector]:
    vectors = []
    for out_file in sorted(VECTOR_DIR.glob("*.out")):
        name = out_file.stem
        pipe_file = VECTOR_DIR / f"{name}.pipe"
        raw = not pipe_file.exists()
        carried = (VECTOR_DIR / f"{name}.in") if raw else pipe_file
        err_file = VECTOR_DIR / f"{name}.err"
        err = err_file.read_text() if raw and err_file.exists() else ""
        vectors.append(Vector(name, carried.read_bytes(), out_file.read_bytes(),
                              err, raw))
    if not vectors:
        raise RuntimeError(f"no test vectors found in {VECTOR_DIR}")
    return vectors


def split_points(size: int) -> list[list[int]]:
    """Interesting ways to cut `size` bytes into chunks (lists of cut offsets)."""
    cuts = {1, 2, 3, 5, 6, 7, size // 2, size - 2, size - 1,
            4094, 4095, 4096, 4097, 8191, 8192, 8193}
    plans = [[c] for c in sorted(cuts) if 0 < c < size]
    # Cuts every n bytes, for a few n that do not line up with the frames.
    for step in (3, 7, 1000, 4093):
        if step < size:
            plans.append(list(range(step, size, step)))
    return plans


def chunks_at(data: bytes, cuts: list[int]) -> list[bytes]:
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:])]
