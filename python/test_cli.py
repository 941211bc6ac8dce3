"""Tests for the command line: the parsing table and the exact texts."""

from __future__ import annotations

import os
import subprocess
import sys
import unittest
from pathlib import Path

from subscriber import PIPE_NAME, PROG, USAGE, Options, UsageError, parse_args

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "subscriber.py"
LAUNCHER = HERE / "python-subscriber"
PROTOCOL = HERE.parent / "shared" / "PROTOCOL.md"

MISSING = "option '--pipe' needs a path (try --help)"


class ParseArgs(unittest.TestCase):
    # (argv, PIPE_PATH or None, expected Options or the UsageError text)
    table: list[tuple[list[str], str | None, Options | str]] = [
        ([], None, Options(PIPE_NAME)),
        ([], "", Options(PIPE_NAME)),                 # empty counts as unset
        ([], "/tmp/env", Options("/tmp/env")),
        (["-p", "/a"], "/tmp/env", Options("/a")),    # option beats env
        (["--pipe", "/a"], None, Options("/a")),
        (["--pipe=/a"], None, Options("/a")),
        (["--pipe=/a=b"], None, Options("/a=b")),
        (["-p", "/a", "--pipe", "/b"], None, Options("/b")),  # last wins
        (["--pipe=/a", "-p", "/b", "--once"], None, Options("/b", True)),
        (["--once"], None, Options(PIPE_NAME, True)),
        (["--once", "--once"], None, Options(PIPE_NAME, True)),
        (["-p", "--once"], None, Options("--once")),  # a value is a value
        (["-p", "-"], None, Options("-")),
        (["-h"], None, Options(PIPE_NAME, action="help")),
        (["--help"], None, Options(PIPE_NAME, action="help")),
        (["--version"], None, Options(PIPE_NAME, action="version")),
        (["--help", "--bogus"], None, Options(PIPE_NAME, action="help")),
        (["--version", "stray"], None, Options(PIPE_NAME, action="version")),
        (["--bogus", "--help"], None, "unknown option '--bogus' (try --help)"),
        (["-x"], None, "unknown option '-x' (try --help)"),
        (["-p/a"], None, "unknown option '-p/a' (try --help)"),
        (["--pipe"], None, MISSING),
        (["-p"], None, MISSING),
        (["-p", ""], None, MISSING),
        (["--pipe", ""], None, MISSING),
        (["--pipe="], None, MISSING),
        (["--once=yes"], None, "unknown option '--once=yes' (try --help)"),
        (["--help=x"], None, "unknown option '--help=x' (try --help)"),
        (["--pi", "/a"], None, "unknown option '--pi' (try --help)"),
        (["--"], None, "unknown option '--' (try --help)"),
        (["stray"], None, "unexpected argument 'stray' (try --help)"),
        (["-"], None, "unexpected argument '-' (try --help)"),
        ([""], None, "unexpected argument '' (try --help)"),
        (["--once", "x", "--bogus"], None,
         "unexpected argument 'x' (try --help)"),
    ]

    def test_table(self) -> None:
        for argv, env_value, expected in self.table:
            environ = {} if env_value is None else {"PIPE_PATH": env_value}
            with self.subTest(argv=argv, env=env_value):
                if isinstance(expected, str):
                    with self.assertRaises(UsageError) as caught:
                        parse_args(argv, environ)
                    self.assertEqual(str(caught.exception), expected)
                else:
                    self.assertEqual(parse_args(argv, environ), expected)


def run(argv: list[str], program: Path = SCRIPT) -> subprocess.CompletedProcess:
    command = [str(program), *argv] if program == LAUNCHER else \
        [sys.executable, str(program), *argv]
    env = {k: v for k, v in os.environ.items() if k != "PIPE_PATH"}
    return subprocess.run(command, capture_output=True, timeout=20, env=env,
                          stdin=subprocess.DEVNULL)


class CommandLine(unittest.TestCase):
    def test_usage_matches_protocol_document(self) -> None:
        text = PROTOCOL.read_text()
        block = text.split("For a subscriber:", 1)[1].split("```", 2)[1]
        expected = block[1:].replace("PROG", PROG)   # drop the fence's LF
        self.assertEqual(USAGE, expected)

    def test_help(self) -> None:
        for flag in ("-h", "--help"):
            with self.subTest(flag):
                result = run([flag, "--bogus"])
                self.assertEqual(result.returncode, 0)
                self.assertEqual(result.stdout, USAGE.encode())
                self.assertEqual(result.stderr, b"")

    def test_version(self) -> None:
        result = run(["--version"])
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout, b"python-subscriber 1.0.0\n")
        self.assertEqual(result.stderr, b"")

    def test_usage_errors(self) -> None:
        cases = [
            (["--bogus"], "unknown option '--bogus' (try --help)"),
            (["-p"], MISSING),
            (["--pipe="], MISSING),
            (["extra"], "unexpected argument 'extra' (try --help)"),
        ]
        for argv, message in cases:
            with self.subTest(argv=argv):
                result = run(argv)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stdout, b"")
                self.assertEqual(result.stderr, f"{PROG}: {message}\n".encode())

    def test_non_utf8_argument_is_echoed_as_bytes(self) -> None:
        result = subprocess.run([sys.executable, str(SCRIPT), b"\xff\xfe"],
                                capture_output=True, timeout=20)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         b"python-subscriber: unexpected argument '\xff\xfe'"
                         b" (try --help)\n")

    def test_launcher_runs_from_any_directory(self) -> None:
        self.assertTrue(os.access(LAUNCHER, os.X_OK))
        result = subprocess.run([str(LAUNCHER), "--version"], cwd="/",
                                capture_output=True, timeout=20)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout, b"python-subscriber 1.0.0\n")

    def test_runtime_error_on_bad_path(self) -> None:
        result = run(["--once", "--pipe", "/nonexistent-dir/pipe"])
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, b"")
        self.assertEqual(result.stderr,
                         b"python-subscriber: /nonexistent-dir/pipe: "
                         b"No such file or directory\n")


if __name__ == "__main__":
    unittest.main()
