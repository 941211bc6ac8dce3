"""Tests for the command line: the parsing table, the texts, the launchers."""

from __future__ import annotations

import os
import subprocess
import unittest

import cli
from cli import Options, UsageError, read_args
from support import HERE, TIMEOUT, run

PROTOCOL = HERE.parent / "shared" / "PROTOCOL.md"
DEFAULT = "/tmp/mypipe"
MISSING = "option '--pipe' needs a path (try --help)"
PROGRAMS = ("python-publisher", "python-subscriber")


class ParseArgs(unittest.TestCase):
    # (argv, PIPE_PATH or None, expected Options or the UsageError text)
    subscriber_table: list[tuple[list[str], str | None, Options | str]] = [
        ([], None, Options(DEFAULT)),
        ([], "", Options(DEFAULT)),                   # empty counts as unset
        ([], "/tmp/env", Options("/tmp/env")),
        (["-p", "/a"], "/tmp/env", Options("/a")),    # option beats env
        (["--pipe", "/a"], None, Options("/a")),
        (["--pipe=/a"], None, Options("/a")),
        (["--pipe=/a=b"], None, Options("/a=b")),
        (["-p", "/a", "--pipe", "/b"], None, Options("/b")),  # last wins
        (["--pipe=/a", "-p", "/b", "--once"], None, Options("/b", True)),
        (["--once", "--raw"], None, Options(DEFAULT, True, True)),
        (["--raw", "--raw"], None, Options(DEFAULT, raw=True)),
        (["-p", "--once"], None, Options("--once")),  # a value is a value
        (["-p", "-"], None, Options("-")),
        (["-h"], None, Options(DEFAULT, action="help")),
        (["--help"], None, Options(DEFAULT, action="help")),
        (["--version"], None, Options(DEFAULT, action="version")),
        (["--help", "--bogus"], None, Options(DEFAULT, action="help")),
        (["--version", "stray"], None, Options(DEFAULT, action="version")),
        (["--bogus", "--help"], None, "unknown option '--bogus' (try --help)"),
        (["-x"], None, "unknown option '-x' (try --help)"),
        (["-p/a"], None, "unknown option '-p/a' (try --help)"),
        (["--pipe"], None, MISSING),
        (["-p"], None, MISSING),
        (["-p", ""], None, MISSING),
        (["--pipe="], None, MISSING),
        (["--raw=yes"], None, "unknown option '--raw=yes' (try --help)"),
        (["--pi", "/a"], None, "unknown option '--pi' (try --help)"),
        (["--"], None, "unknown option '--' (try --help)"),
        (["stray"], None, "unexpected argument 'stray' (try --help)"),
        (["-"], None, "unexpected argument '-' (try --help)"),
        ([""], None, "unexpected argument '' (try --help)"),
    ]
    publisher_table: list[tuple[list[str], str | None, Options | str]] = [
        ([], None, Options(DEFAULT)),
        (["-p", "/a"], "/tmp/env", Options("/a")),
        (["--once"], None, "unknown option '--once' (try --help)"),
        (["--raw"], None, "unknown option '--raw' (try --help)"),
        (["--version", "--raw"], None, Options(DEFAULT, action="version")),
    ]

    def check_table(self, table: list[tuple[list[str], str | None, Options | str]],
                    subscriber: bool) -> None:
        for argv, env_value, expected in table:
            environ = {} if env_value is None else {"PIPE_PATH": env_value}
            with self.subTest(argv=argv, env=env_value, subscriber=subscriber):
                if isinstance(expected, str):
                    with self.assertRaises(UsageError) as caught:
                        read_args(argv, environ, DEFAULT, subscriber)
                    self.assertEqual(str(caught.exception), expected)
                else:
                    self.assertEqual(read_args(argv, environ, DEFAULT, subscriber),
                                     expected)

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
                    (["--help"], cli.usage(prog, DEFAULT, subscriber).encode()),
                    (["--version"], f"{prog} 1.0.0\n".encode())):
                with self.subTest(prog, argv=argv):
                    result = run(prog, *argv)
                    self.assertEqual((result.returncode, result.stdout, result.stderr),
                                     (0, expected, b""))

    def test_help_into_a_full_standard_output(self) -> None:
        with open("/dev/full", "wb") as full:
            result = subprocess.run([str(HERE / "python-subscriber"), "--help"],
                                    stdout=full, stderr=subprocess.PIPE,
                                    timeout=TIMEOUT)
        self.assertEqual((result.returncode, result.stderr),
                         (1, b"python-subscriber: standard output: "
                             b"No space left on device\n"))

    def test_usage_errors(self) -> None:
        cases = [
            (["--bogus"], "unknown option '--bogus' (try --help)"),
            (["-p"], MISSING),
            (["--pipe="], MISSING),
            (["extra"], "unexpected argument 'extra' (try --help)"),
        ]
        for prog in PROGRAMS:
            for argv, message in cases:
                with self.subTest(prog, argv=argv):
                    result = run(prog, *argv)
                    self.assertEqual((result.returncode, result.stdout, result.stderr),
                                     (2, b"", f"{prog}: {message}\n".encode()))

    def test_non_utf8_argument_is_echoed_as_bytes(self) -> None:
        result = subprocess.run([str(HERE / "python-subscriber"), b"\xff\xfe"],
                                capture_output=True, timeout=TIMEOUT)
        self.assertEqual((result.returncode, result.stderr),
                         (2, b"python-subscriber: unexpected argument '\xff\xfe'"
                             b" (try --help)\n"))

    def test_launchers_run_from_any_directory_and_from_bin(self) -> None:
        for prog in PROGRAMS:
            bin_copy = HERE.parent / "bin" / prog
            for launcher in (HERE / prog, bin_copy):
                if not launcher.exists():
                    continue    # bin/ is made by make
                with self.subTest(str(launcher)):
                    self.assertTrue(os.access(launcher, os.X_OK))
                    result = subprocess.run([str(launcher), "--version"], cwd="/",
                                            capture_output=True, timeout=TIMEOUT)
                    self.assertEqual(result.stdout, f"{prog} 1.0.0\n".encode())

    def test_standard_input_a_directory(self) -> None:
        # Python itself cannot start with a directory on descriptor 0; the
        # launchers see to it that the programs do.
        for prog in PROGRAMS:
            with self.subTest(prog):
                fd = os.open("/", os.O_RDONLY)
                try:
                    result = run(prog, "--version", stdin=fd)
                finally:
                    os.close(fd)
                self.assertEqual((result.returncode, result.stdout, result.stderr),
                                 (0, f"{prog} 1.0.0\n".encode(), b""))

    def test_runtime_error_on_bad_path(self) -> None:
        for prog in PROGRAMS:
            with self.subTest(prog):
                result = run(prog, "--pipe", "/nonexistent-dir/pipe")
                self.assertEqual((result.returncode, result.stdout, result.stderr),
                                 (1, b"", f"{prog}: /nonexistent-dir/pipe: "
                                          "No such file or directory\n".encode()))


if __name__ == "__main__":
    unittest.main()
