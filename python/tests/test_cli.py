"""Tests for the command line: the parsing table, the texts, the launchers."""

from __future__ import annotations

import subprocess
import tempfile
import unittest
from argparse import Namespace
from typing import List, Optional, Tuple, Union
from unittest import mock

from fifo_pubsub import cli, report

from .support import BIN, PROGRAMS, PYTHON, REPO, TIMEOUT, run

PROTOCOL = REPO / "shared" / "PROTOCOL.md"
DEFAULT = "/tmp/mypipe"


def options(pipe: str = DEFAULT, once: bool = False, raw: bool = False,
            subscriber: bool = True) -> Namespace:
    return Namespace(pipe=pipe, once=once, raw=raw) if subscriber else Namespace(pipe=pipe)


# The outcome of a command line: the options, or (status, what stderr got).
Outcome = Union[Namespace, Tuple[int, str]]


def parse(argv: List[str], pipe_path: Optional[str], subscriber: bool) -> Outcome:
    """cli.parse_args() in this process, its exit and stderr caught
    (--help and --version are run as programs instead, in CommandLine)."""
    environ = {} if pipe_path is None else {"PIPE_PATH": pipe_path}
    with tempfile.TemporaryFile() as err, \
            mock.patch.object(report, "ERR_FD", err.fileno()), \
            mock.patch.object(report, "_program", "prog"):
        try:
            return cli.parse_args("prog", argv, environ, DEFAULT, subscriber)
        except SystemExit as exit:
            err.seek(0)
            return int(exit.code or 0), err.read().decode()


class ParseArgs(unittest.TestCase):
    # (argv, PIPE_PATH or None, expected options, or the start of the error line)
    subscriber_table: List[Tuple[List[str], Optional[str], Union[Namespace, str]]] = [
        ([], None, options()),
        ([], "", options()),                          # empty counts as unset
        ([], "/tmp/env", options("/tmp/env")),
        (["-p", "/a"], "/tmp/env", options("/a")),    # option beats env
        (["--pipe", "/a"], None, options("/a")),
        (["--pipe=/a"], None, options("/a")),
        (["--pipe=/a=b"], None, options("/a=b")),
        (["-p/a"], None, options("/a")),
        (["-p", "/a", "--pipe", "/b"], None, options("/b")),  # last wins
        (["--pipe=/a", "-p", "/b", "--once"], None, options("/b", True)),
        (["--once", "--raw"], None, options(once=True, raw=True)),
        (["--raw", "--raw"], None, options(raw=True)),
        (["-p", "-"], None, options("-")),
        (["--pipe=--once"], None, options("--once")),
        (["--bogus"], None, "prog: unrecognized arguments: --bogus"),
        (["-x"], None, "prog: unrecognized arguments: -x"),
        (["--pipe"], None, "prog: argument -p/--pipe: expected one argument"),
        (["-p"], None, "prog: argument -p/--pipe: expected one argument"),
        (["-p", "--once"], None, "prog: argument -p/--pipe: expected one argument"),
        (["-p", ""], None, "prog: argument -p/--pipe: needs a path"),
        (["--pipe="], None, "prog: argument -p/--pipe: needs a path"),
        (["--raw=yes"], None, "prog: argument --raw: ignored explicit argument 'yes'"),
        (["--pi", "/a"], None, "prog: unrecognized arguments: --pi /a"),  # no abbreviations
        (["stray"], None, "prog: unrecognized arguments: stray"),
        (["-"], None, "prog: unrecognized arguments: -"),
    ]
    publisher_table: List[Tuple[List[str], Optional[str], Union[Namespace, str]]] = [
        ([], None, options(subscriber=False)),
        (["-p", "/a"], "/tmp/env", options("/a", subscriber=False)),
        (["--once"], None, "prog: unrecognized arguments: --once"),
        (["--raw"], None, "prog: unrecognized arguments: --raw"),
    ]

    def check_table(self, table: List[Tuple[List[str], Optional[str], Union[Namespace, str]]],
                    subscriber: bool) -> None:
        for argv, env_value, expected in table:
            with self.subTest(argv=argv, env=env_value, subscriber=subscriber):
                got = parse(argv, env_value, subscriber)
                if isinstance(expected, str):
                    # A usage error: status 2, one line naming the bad option.
                    self.assertIsInstance(got, tuple)
                    status, err = got   # type: ignore[misc]
                    self.assertEqual(status, 2)
                    self.assertTrue(err.startswith(expected), err)
                    self.assertEqual(err.count("\n"), 1)
                    self.assertTrue(err.endswith("\n"))
                else:
                    self.assertEqual(got, expected)

    def test_subscriber(self) -> None:
        self.check_table(self.subscriber_table, True)

    def test_publisher(self) -> None:
        self.check_table(self.publisher_table, False)


class CommandLine(unittest.TestCase):
    def test_usage_matches_protocol_document(self) -> None:
        text = PROTOCOL.read_text()
        for role, subscriber, heading in (
                ("publisher", False, "publisher (`PROG` is its name):"),
                ("subscriber", True, "For a subscriber:")):
            with self.subTest(role):
                block = text.split(heading, 1)[1].split("```", 2)[1]
                expected = block[1:].replace("PROG", f"python-{role}")
                self.assertEqual(cli.usage(f"python-{role}", DEFAULT, subscriber),
                                 expected)

    def test_help_and_version(self) -> None:
        for prog in PROGRAMS:
            subscriber = prog.endswith("subscriber")
            for argv, expected in (
                    (["-h", "--bogus"], cli.usage(prog, DEFAULT, subscriber).encode()),
                    (["--version", "stray"], f"{prog} 1.0.0\n".encode()),
                    (["--help"], cli.usage(prog, DEFAULT, subscriber).encode()),
                    (["--version"], f"{prog} 1.0.0\n".encode())):
                with self.subTest(prog, argv=argv):
                    result = run(prog, *argv)
                    self.assertEqual((result.returncode, result.stdout, result.stderr),
                                     (0, expected, b""))

    def test_help_into_a_full_standard_output(self) -> None:
        with open("/dev/full", "wb") as full:
            result = subprocess.run([str(BIN / "python-subscriber"), "--help"],
                                    stdout=full, stderr=subprocess.PIPE,
                                    timeout=TIMEOUT)
        self.assertEqual((result.returncode, result.stderr),
                         (1, b"python-subscriber: standard output: "
                             b"No space left on device\n"))

    def test_usage_errors(self) -> None:
        # argparse's own words, on one line that starts with the program's
        # name and names the bad option; status 2, nothing on stdout.
        cases = [
            (["--bogus"], "unrecognized arguments: --bogus"),
            (["-p"], "argument -p/--pipe: expected one argument"),
            (["--pipe="], "argument -p/--pipe: needs a path, not an empty string"),
            (["extra"], "unrecognized arguments: extra"),
        ]
        for prog in PROGRAMS:
            for argv, message in cases:
                with self.subTest(prog, argv=argv):
                    result = run(prog, *argv)
                    self.assertEqual((result.returncode, result.stdout, result.stderr),
                                     (2, b"", f"{prog}: {message}\n".encode()))

    def test_non_utf8_argument_is_echoed_as_bytes(self) -> None:
        result = subprocess.run([str(BIN / "python-subscriber"), b"\xff\xfe"],
                                capture_output=True, timeout=TIMEOUT)
        self.assertEqual((result.returncode, result.stderr),
                         (2, b"python-subscriber: unrecognized arguments: \xff\xfe\n"))

    def test_launchers_and_programs_run_from_any_directory(self) -> None:
        # bin/python-X is `python3 python/X.py`, nothing more.
        for prog in PROGRAMS:
            script = REPO / "python" / f"{prog.split('-')[1]}.py"
            for command in ([str(BIN / prog)], ["python3", str(script)],
                            [PYTHON, str(script)]):
                with self.subTest(command):
                    result = subprocess.run([*command, "--version"], cwd="/",
                                            capture_output=True, timeout=TIMEOUT)
                    self.assertEqual((result.returncode, result.stdout, result.stderr),
                                     (0, f"{prog} 1.0.0\n".encode(), b""))

    def test_launchers_are_plain(self) -> None:
        for prog in PROGRAMS:
            with self.subTest(prog):
                text = (BIN / prog).read_text()
                self.assertIn(f'exec python3 "$(dirname -- "$0")/../python/'
                              f'{prog.split("-")[1]}.py" "$@"', text)
                for unwanted in ("block-signal", " -S ", "/usr/bin/python3", "9<"):
                    self.assertNotIn(unwanted, text)

    def test_runtime_error_on_bad_path(self) -> None:
        for prog in PROGRAMS:
            with self.subTest(prog):
                result = run(prog, "--pipe", "/nonexistent-dir/pipe")
                self.assertEqual((result.returncode, result.stdout, result.stderr),
                                 (1, b"", f"{prog}: /nonexistent-dir/pipe: "
                                          "No such file or directory\n".encode()))


if __name__ == "__main__":
    unittest.main()
