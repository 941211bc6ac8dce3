"""contenders.py: what make bench runs, and how each run is checked.

Every publisher x subscriber pair in bin/, and the reference points beside
them: the raw limit of a FIFO, the same bytes in 4096-byte writes, a writer
that makes one write() per message, a regular file used as the channel, and
the tutorial's design. Helper programs (tests/bench/*.c) are built into
build/bench/ by build_helpers().
"""

from __future__ import annotations

import glob
import os
import subprocess
from dataclasses import dataclass
from typing import Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The tutorial's designs are the ones make bugs shows; they live with it.
SOURCES = {name: os.path.join(ROOT, "examples", "bugs", "tutorial")
           for name in ("tutorial_writer", "tutorial_reader")}
HELPERS = ("measure", "naive_writer", "tutorial_writer", "tutorial_reader", "file_follower")
HELPER_DIR = os.path.join(ROOT, "build", "bench")

# How a run's output is checked:
RECEIVED = "received"  # "Received: " and each message, exactly
COUNT = "count"  # wc -l printed the number of messages
SAME = "same"  # the input itself, byte for byte
TUTORIAL = "tutorial"  # counted: lost and merged messages


@dataclass
class Contender:
    name: str  # the table's row
    legend: str  # what it is, for the results' notes
    writer: Sequence[str]  # {channel} stands for the FIFO (or file)
    reader: Sequence[str]
    check: str
    is_pair: bool = False
    channel_is_file: bool = False

    def argv(self, which: Sequence[str], channel: str, messages: int) -> list[str]:
        return [arg.format(channel=channel, messages=messages) for arg in which]


def helper(name: str) -> str:
    return os.path.join(HELPER_DIR, name)


def build_helpers() -> None:
    """Compile the helper programs, when their source is newer."""
    os.makedirs(HELPER_DIR, exist_ok=True)
    compiler = os.environ.get("CC", "cc")
    for name in HELPERS:
        source, binary = os.path.join(SOURCES.get(name, HERE), name + ".c"), helper(name)
        if os.path.exists(binary) and os.path.getmtime(binary) >= os.path.getmtime(source):
            continue
        command = [compiler, "-std=c11", "-O2", "-Wall", "-Wextra", "-o", binary, source]
        # measure adds its own memory to what it measures: static, it is least.
        if name != "measure" or subprocess.run(command + ["-static"]).returncode != 0:
            subprocess.run(command, check=True)


def shell(script: str) -> list[str]:
    """A shell that execs one standard tool, the FIFO opened by redirection."""
    return ["sh", "-c", script, "sh", "{channel}", "{messages}"]


WC_READER = shell('exec wc -l < "$1"')

REFERENCES = [
    Contender(
        "raw limit: cat → wc -l",
        "`cat file > fifo` and `wc -l < fifo`: cat writes 64 KiB at a time, "
        "wc counts lines and prints nothing else. The fastest a FIFO carries these bytes.",
        shell('exec cat > "$1"'),
        WC_READER,
        COUNT,
    ),
    Contender(
        "4096-byte writes: dd bs=4096 → wc -l",
        "the same bytes written 4096 at a time (`dd bs=4096`), the most one write() "
        "may carry under the protocol (PIPE_BUF): the ceiling for any publisher.",
        shell('exec dd bs=4096 status=none > "$1"'),
        WC_READER,
        COUNT,
    ),
    Contender(
        "one write() per message → wc -l",
        "tests/bench/naive_writer.c: reads lines with getline() and gives each one "
        "its own write(), as a first port of the tutorial does.",
        [helper("naive_writer"), "{channel}"],
        WC_READER,
        COUNT,
    ),
    Contender(
        "regular file: cat >> file → polling reader",
        "a regular file as the channel: `cat file >> channel`, and "
        "tests/bench/file_follower.c reading what the file gains, polling every "
        "millisecond at end of file (as `tail -f` polls), copying it to its output.",
        shell('exec cat >> "$1"'),
        [helper("file_follower"), "{channel}", "{messages}"],
        SAME,
        channel_is_file=True,
    ),
    Contender(
        "tutorial's design: open, write, close per message",
        "examples/bugs/tutorial/tutorial_writer.c and tutorial_reader.c: the writer opens the "
        "FIFO, writes one message without a newline and closes it, per message; the "
        "reader reads to end of file per open and takes it all as one message.",
        [helper("tutorial_writer"), "{channel}"],
        [helper("tutorial_reader"), "{channel}"],
        TUTORIAL,
    ),
]
RAW, DD, NAIVE, FILE, TUTORIAL_DESIGN = (c.name for c in REFERENCES)


def language(program: str) -> str:
    return os.path.basename(program).rsplit("-", 1)[0]


def pairs(bin_dir: str) -> list[Contender]:
    publishers = sorted(glob.glob(os.path.join(bin_dir, "*-publisher")))
    subscribers = sorted(glob.glob(os.path.join(bin_dir, "*-subscriber")))
    return [
        Contender(
            f"{language(pub)} → {language(sub)}",
            "",
            [pub, "--pipe", "{channel}"],
            [sub, "--once", "--pipe", "{channel}"],
            RECEIVED,
            is_pair=True,
        )
        for pub in publishers
        for sub in subscribers
    ]
