#!/usr/bin/env python3
"""readme_blocks.py README OUTDIR: cut README.md's shell blocks into scripts.

Every fenced block whose language is `sh` is a command a reader is told to
run. Comment lines directly above its fence may say more about it:

    <!-- readme-test: skip: REASON -->   not run here, and why
    <!-- readme-test: expect: TEXT -->   TEXT must show in its output
    <!-- readme-test: stop: K -->        terminal K runs until the reader
                                         stops it (Ctrl-C) once the others
                                         are done: a server such as a broker

Inside a block, lines `# terminal 1`, `# terminal 2`, ... split it into the
commands of separate terminals, which run side by side: every terminal but
the last in the background, in order, then the last in the foreground.

For block number N this writes OUTDIR/N.line (its line in README.md),
OUTDIR/N.skip (the reason, when skipped), OUTDIR/N.expect (one text a line),
OUTDIR/N.stop (terminal numbers, one a line) and OUTDIR/N.tK.sh for each
terminal K (just N.t1.sh without markers).
"""

from __future__ import annotations

import pathlib
import re
import sys

NOTE = re.compile(r"^<!-- readme-test: (skip|expect|stop): (.*) -->$")
TERMINAL = re.compile(r"^# terminal ([0-9]+)$")


def main(readme: str, outdir: str) -> int:
    lines = pathlib.Path(readme).read_text(encoding="utf-8").splitlines()
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    number = 0
    i = 0
    while i < len(lines):
        if lines[i] != "```sh":
            i += 1
            continue
        number += 1
        notes: list[tuple[str, str]] = []
        j = i - 1
        while j >= 0 and NOTE.match(lines[j]):
            key, value = NOTE.match(lines[j]).groups()  # type: ignore[union-attr]
            notes.insert(0, (key, value))
            j -= 1
        end = lines.index("```", i + 1)
        body = lines[i + 1:end]
        (out / f"{number}.line").write_text(f"{i + 1}\n")
        for key, value in notes:
            name = f"{number}.{key}"
            with open(out / name, "a", encoding="utf-8") as f:
                f.write(value + "\n")
        terminals: dict[int, list[str]] = {}
        current = 1
        for line in body:
            match = TERMINAL.match(line)
            if match:
                current = int(match.group(1))
                continue
            terminals.setdefault(current, []).append(line)
        for k, commands in sorted(terminals.items()):
            (out / f"{number}.t{k}.sh").write_text("\n".join(commands) + "\n")
        i = end + 1
    print(number)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
