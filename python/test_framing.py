"""Tests for framing.FrameDecoder: the shared framing rules, in any split."""

from __future__ import annotations

import unittest

from framing import MAX_FRAME, MAX_MESSAGE, Discarded, FrameDecoder
from vectors import chunks_at, split_points


def decode(chunks: list[bytes]) -> list[object]:
    decoder = FrameDecoder()
    events: list[object] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
        assert decoder.buffered <= MAX_FRAME
    events.extend(decoder.finish())
    return events


class DecoderRules(unittest.TestCase):
    """Each rule of shared/PROTOCOL.md section 2, fed whole and byte by byte."""

    cases = [
        ("one frame", b"abc\n", [b"abc"]),
        ("two frames", b"a\nb\n", [b"a", b"b"]),
        ("crlf", b"abc\r\n", [b"abc"]),
        ("only one cr removed", b"abc\r\r\n", [b"abc\r"]),
        ("cr elsewhere is data", b"a\rb\n\rc\n", [b"a\rb", b"\rc"]),
        ("empty frames skipped", b"\n\r\n\nx\n\n", [b"x"]),
        ("spaces kept", b"  a b  \n\t\n", [b"  a b  ", b"\t"]),
        ("nul and bad utf-8", b"\x00\n\xff\xfe\n", [b"\x00", b"\xff\xfe"]),
        ("fragment at eof", b"a\nbc", [b"a", b"bc"]),
        ("fragment ending in cr", b"bc\r", [b"bc"]),
        ("fragment of one cr", b"\r", []),
        ("nothing", b"", []),
        ("exit is just a message here", b"exit\n", [b"exit"]),
        ("max message", b"x" * MAX_MESSAGE + b"\n", [b"x" * MAX_MESSAGE]),
        ("max message crlf", b"x" * MAX_MESSAGE + b"\r\n", [b"x" * MAX_MESSAGE]),
        ("one over", b"x" * 4096 + b"\nok\n", [Discarded(4096), b"ok"]),
        ("one over crlf", b"x" * 4096 + b"\r\nok\n", [Discarded(4096), b"ok"]),
        ("overlong cr counted once", b"x" * 5000 + b"\r\r\n",
         [Discarded(5001)]),
        ("overlong fragment", b"ok\n" + b"y" * 5000, [b"ok", Discarded(5000)]),
        ("overlong fragment ending in cr", b"y" * 5000 + b"\r",
         [Discarded(5000)]),
        ("overlong all cr", b"\r" * 6000 + b"\n", [Discarded(5999)]),
        ("resync after overlong", b"a" * 10000 + b"\nafter\n",
         [Discarded(10000), b"after"]),
    ]

    def test_whole(self) -> None:
        for label, data, expected in self.cases:
            with self.subTest(label):
                self.assertEqual(decode([data]), expected)

    def test_byte_by_byte(self) -> None:
        for label, data, expected in self.cases:
            with self.subTest(label):
                chunks = [data[i:i + 1] for i in range(len(data))]
                self.assertEqual(decode(chunks), expected)

    def test_every_single_cut(self) -> None:
        for label, data, expected in self.cases:
            if len(data) > 200:
                continue
            for cut in range(1, len(data)):
                with self.subTest(label, cut=cut):
                    self.assertEqual(decode(chunks_at(data, [cut])), expected)

    def test_cuts_around_the_limit(self) -> None:
        for label, data, expected in self.cases:
            for cuts in split_points(len(data)):
                with self.subTest(label, cuts=cuts[:3]):
                    self.assertEqual(decode(chunks_at(data, cuts)), expected)


class DecoderMemory(unittest.TestCase):
    def test_overlong_frame_is_not_held(self) -> None:
        decoder = FrameDecoder()
        for _ in range(100):
            self.assertEqual(list(decoder.feed(b"z" * 1000)), [])
            self.assertLessEqual(decoder.buffered, MAX_FRAME)
        self.assertEqual(list(decoder.feed(b"\n")), [Discarded(100_000)])
        self.assertEqual(decoder.buffered, 0)

    def test_decoder_is_reusable_after_finish(self) -> None:
        decoder = FrameDecoder()
        self.assertEqual(list(decoder.feed(b"abc")), [])
        self.assertEqual(list(decoder.finish()), [b"abc"])
        self.assertEqual(list(decoder.finish()), [])
        self.assertEqual(list(decoder.feed(b"def\n")), [b"def"])

    def test_stopping_early_drops_the_rest(self) -> None:
        decoder = FrameDecoder()
        events = decoder.feed(b"one\nexit\ntwo\n")
        self.assertEqual(next(events), b"one")
        self.assertEqual(next(events), b"exit")
        events.close()


if __name__ == "__main__":
    unittest.main()
