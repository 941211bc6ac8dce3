"""Load the golden test vectors from shared/vectors/ (used by the tests).

For a case NAME the pipe carries NAME.pipe if that file exists (a stdin case:
NAME.in is a publisher's standard input, NAME.pipe what it writes), else
NAME.in (a raw case, written straight into the pipe).  NAME.out is what a
subscriber run with --once prints, NAME.out-raw the same with --raw.  NAME.err
is what the publisher (stdin case) or the subscriber (raw case) prints on
standard error, with {prog} and {pipe} standing for the program name and pipe
path; with it, a publisher exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VECTOR_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "vectors"


@dataclass
class Vector:
    name: str
    pipe: bytes      # what the pipe carries
    out: bytes       # expected standard output
    err: str         # expected standard error, placeholders not yet filled
    raw: bool
    out_raw: bytes   # expected standard output with --raw
    stdin: bytes     # a publisher's standard input (stdin cases)

    def subscriber_err(self, prog: str, pipe: str) -> bytes:
        """What a subscriber prints on standard error for this pipe."""
        return _fill(self.err if self.raw else "", prog, pipe)

    def publisher_err(self, prog: str, pipe: str) -> bytes:
        """What a publisher prints on standard error for this input."""
        return _fill("" if self.raw else self.err, prog, pipe)


def _fill(text: str, prog: str, pipe: str) -> bytes:
    text = text.replace("{prog}", prog).replace("{pipe}", pipe)
    return text.encode("utf-8", "surrogateescape")


def load_vectors() -> list[Vector]:
    vectors = []
    for out_file in sorted(VECTOR_DIR.glob("*.out")):
        name = out_file.stem
        pipe_file = VECTOR_DIR / f"{name}.pipe"
        raw = not pipe_file.exists()
        carried = (VECTOR_DIR / f"{name}.in") if raw else pipe_file
        err_file = VECTOR_DIR / f"{name}.err"
        err = err_file.read_text() if err_file.exists() else ""
        out_raw = (VECTOR_DIR / f"{name}.out-raw").read_bytes()
        stdin = (VECTOR_DIR / f"{name}.in").read_bytes()
        vectors.append(Vector(name, carried.read_bytes(), out_file.read_bytes(),
                              err, raw, out_raw, stdin))
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
