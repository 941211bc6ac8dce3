"""Tests for framing.py: the decoder, the line reader and the batch, against
the rules of shared/PROTOCOL.md and every golden vector, in any split."""

from __future__ import annotations

import os
import tempfile
import unittest
from unittest import mock

import framing
import output
import report
from framing import FRAME_MAX, MESSAGE_MAX, Batch, Check, FrameDecoder, LineReader, TooLong
from support import import_program
from vectors import Vector, chunks_at, load_vectors, split_points

subscriber = import_program("subscriber")
publisher = import_program("publisher")
VECTORS = load_vectors()
FAKE_PIPE = "/tmp/some pipe"


def decode(chunks: list[bytes]) -> list[object]:
    decoder = FrameDecoder()
    events: list[object] = []
    for chunk in chunks:
        frames = decoder.feed(chunk)
        events.extend(frames.events)
        if frames.plain:    # the fast path's promise: ordinary frames only
            assert frames.plain.endswith(b"\n")
            plain = frames.plain[:-1].split(b"\n")
            assert all(0 < len(m) <= MESSAGE_MAX and m != b"exit"
                       and not m.endswith(b"\r") for m in plain)
            events.extend(plain)
        assert decoder.buffered <= FRAME_MAX
    events.extend(decoder.finish().events)
    return events


class DecoderRules(unittest.TestCase):
    """Each rule of PROTOCOL.md section 2, fed whole, byte by byte, and cut."""

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
        ("exit is a message here", b"a\nexit\nb\n", [b"a", b"exit", b"b"]),
        ("max message", b"x" * MESSAGE_MAX + b"\n", [b"x" * MESSAGE_MAX]),
        ("max message crlf", b"x" * MESSAGE_MAX + b"\r\n", [b"x" * MESSAGE_MAX]),
        ("one over", b"x" * 4096 + b"\nok\n", [TooLong(4096), b"ok"]),
        ("one over crlf", b"x" * 4096 + b"\r\nok\n", [TooLong(4096), b"ok"]),
        ("overlong cr counted once", b"x" * 5000 + b"\r\r\n", [TooLong(5001)]),
        ("overlong fragment", b"ok\n" + b"y" * 5000, [b"ok", TooLong(5000)]),
        ("overlong fragment ending in cr", b"y" * 5000 + b"\r", [TooLong(5000)]),
        ("overlong all cr", b"\r" * 6000 + b"\n", [TooLong(5999)]),
        ("resync after overlong", b"a" * 10000 + b"\nafter\n",
         [TooLong(10000), b"after"]),
        ("many plain", b"".join(b"m%d\n" % i for i in range(3000)),
         [b"m%d" % i for i in range(3000)]),
    ]

    def test_whole(self) -> None:
        for label, data, expected in self.cases:
            with self.subTest(label):
                self.assertEqual(decode([data]), expected)

    def test_byte_by_byte(self) -> None:
        for label, data, expected in self.cases:
            with self.subTest(label):
                self.assertEqual(decode([data[i:i + 1] for i in range(len(data))]),
                                 expected)

    def test_every_single_cut(self) -> None:
        for label, data, expected in self.cases:
            for cut in range(1, min(len(data), 200)):
                with self.subTest(label, cut=cut):
                    self.assertEqual(decode(chunks_at(data, [cut])), expected)

    def test_cuts_around_the_limit(self) -> None:
        for label, data, expected in self.cases:
            for cuts in split_points(len(data)):
                with self.subTest(label, cuts=cuts[:3]):
                    self.assertEqual(decode(chunks_at(data, cuts)), expected)

    def test_fast_path_is_taken_for_ordinary_frames(self) -> None:
        frames = FrameDecoder().feed(b"one\ntwo\nthree\n")
        self.assertEqual(frames.events, [])
        self.assertEqual(frames.plain, b"one\ntwo\nthree\n")
        for unusual in (b"a\r\n", b"a\n\nb\n", b"\na\n", b"a\nexit\n", b"exit\na\n",
                        b"x" * 4096 + b"\n", b"a\n" * 3000 + b"x" * 4096 + b"\n"):
            with self.subTest(unusual[:10]):
                self.assertEqual(FrameDecoder().feed(unusual).plain, b"")

    def test_overlong_frame_is_not_held(self) -> None:
        decoder = FrameDecoder()
        for _ in range(100):
            self.assertEqual(decoder.feed(b"z" * 1000).events, [])
            self.assertLessEqual(decoder.buffered, FRAME_MAX)
        self.assertEqual(decoder.feed(b"\n").events, [TooLong(100_000)])
        self.assertEqual(decoder.buffered, 0)

    def test_mid_frame_says_whether_a_frame_is_begun(self) -> None:
        decoder = FrameDecoder()
        self.assertFalse(decoder.mid_frame())
        decoder.feed(b"one\nth")
        self.assertTrue(decoder.mid_frame())
        self.assertEqual(decoder.feed(b"ree\n").events, [b"three"])
        self.assertFalse(decoder.mid_frame())
        decoder.feed(b"x" * (FRAME_MAX + 1))    # overlong: counted, not held
        self.assertEqual(decoder.buffered, 0)
        self.assertTrue(decoder.mid_frame())
        self.assertEqual(decoder.finish().events, [TooLong(FRAME_MAX + 1)])
        self.assertFalse(decoder.mid_frame())


def subscriber_output(vector: Vector, chunks: list[bytes], raw: bool) -> tuple[bytes, bytes]:
    """What the subscriber's own code prints for these chunks of the pipe."""
    options = subscriber.cli.Options(FAKE_PIPE, once=True, raw=raw)
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        out = output.Output(out_file.fileno())
        with mock.patch.object(report, "ERR_FD", err_file.fileno()):
            report.set_program(subscriber.PROG)
            decoder = FrameDecoder()
            going = all(subscriber.handle_frames(decoder.feed(c), out, options)
                        for c in chunks)
            if going:
                subscriber.handle_frames(decoder.finish(), out, options)
            out.flush()
        out_file.seek(0)
        err_file.seek(0)
        return out_file.read(), err_file.read()


class GoldenVectorsThroughTheSubscriber(unittest.TestCase):
    def check(self, vector: Vector, chunks: list[bytes]) -> None:
        for raw, expected in ((False, vector.out), (True, vector.out_raw)):
            out, err = subscriber_output(vector, chunks, raw)
            self.assertEqual(out, expected, f"raw={raw}")
            self.assertEqual(err, vector.subscriber_err(subscriber.PROG, FAKE_PIPE))

    def test_whole(self) -> None:
        for vector in VECTORS:
            with self.subTest(vector.name):
                self.check(vector, [vector.pipe])

    def test_byte_by_byte(self) -> None:
        for vector in VECTORS:
            if len(vector.pipe) < 30000:
                with self.subTest(vector.name):
                    self.check(vector, [vector.pipe[i:i + 1]
                                        for i in range(len(vector.pipe))])

    def test_split(self) -> None:
        for vector in VECTORS:
            for cuts in split_points(len(vector.pipe)):
                with self.subTest(vector.name, cuts=cuts[:3]):
                    self.check(vector, chunks_at(vector.pipe, cuts))


class FakeWriter:
    """Stands for fifo.Writer: records each write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def send(self, batch: Batch) -> None:
        if batch:
            self.writes.append(batch.data())
        batch.clear()


def publish(chunks: list[bytes]) -> tuple[bytes, list[str], list[bytes]]:
    """The publisher's loop body over these chunks of standard input:
    (pipe bytes, error lines, writes)."""
    read_end, write_end = os.pipe()
    writer = FakeWriter()
    errors: list[str] = []
    batch = Batch()

    def feed() -> None:
        for chunk in chunks:
            os.write(write_end, chunk)
        os.close(write_end)

    import threading
    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    lines = LineReader(read_end)
    with mock.patch.object(report, "report", errors.append):
        while True:
            if not lines.has_lines:
                writer.send(batch)
            frames = lines.next_plain_frames(batch.room)
            if frames is not None:
                publisher.write_frames(writer, batch, frames)
                continue
            line = lines.next_line()
            if line is None:
                break
            verdict = framing.check(line)
            if verdict is not Check.OK:
                publisher.refuse(line, verdict, lines.line_number)
                continue
            publisher.write_message(writer, batch, line)
            if line == b"exit":
                break
        writer.send(batch)
    thread.join(5)
    os.close(read_end)
    return b"".join(writer.writes), errors, writer.writes


class GoldenVectorsThroughThePublisher(unittest.TestCase):
    def check(self, vector: Vector, chunks: list[bytes]) -> None:
        pipe, errors, writes = publish(chunks)
        self.assertEqual(pipe, vector.pipe)
        expected = vector.publisher_err("P", FAKE_PIPE).decode()
        self.assertEqual("".join(f"P: {e}\n" for e in errors), expected)
        for write in writes:
            self.assertLessEqual(len(write), FRAME_MAX)
            self.assertTrue(write.endswith(b"\n"))

    def test_whole_and_split(self) -> None:
        for vector in VECTORS:
            if vector.raw:
                continue
            plans = [[], [1], [len(vector.stdin) // 2], *split_points(len(vector.stdin))[:6]]
            for cuts in plans:
                with self.subTest(vector.name, cuts=cuts[:3]):
                    self.check(vector, chunks_at(vector.stdin, cuts))


class Batches(unittest.TestCase):
    def test_4097_bytes_go_as_two_writes(self) -> None:
        # A 3-byte frame and a 4094-byte one: 4097 bytes, one over PIPE_BUF.
        writer, batch = FakeWriter(), Batch()
        publisher.write_message(writer, batch, b"ab")
        publisher.write_message(writer, batch, b"x" * 4093)
        writer.send(batch)
        self.assertEqual(writer.writes, [b"ab\n", b"x" * 4093 + b"\n"])

    def test_4096_bytes_go_as_one_write(self) -> None:
        writer, batch = FakeWriter(), Batch()
        publisher.write_message(writer, batch, b"a")
        publisher.write_message(writer, batch, b"x" * 4093)
        writer.send(batch)
        self.assertEqual(writer.writes, [b"a\n" + b"x" * 4093 + b"\n"])

    def test_bulk_frames_are_cut_at_frame_boundaries(self) -> None:
        frames = b"".join(b"%07d\n" % i for i in range(3000))    # 8-byte frames
        pipe, errors, writes = publish([b"abc\n" + frames])
        self.assertEqual((pipe, errors), (b"abc\n" + frames, []))
        self.assertEqual([len(w) for w in writes[:2]], [4092, 4096])
        self.assertTrue(all(w.endswith(b"\n") and len(w) <= FRAME_MAX
                            for w in writes))

    def test_fast_path_stops_at_unusual_lines(self) -> None:
        # Each kind of line the fast path must leave to next_line(), amid
        # ordinary ones: empty, CR only, CRLF, ending in CR, too long, `exit`.
        ordinary = [b"%07d" % i for i in range(600)]
        longest = b"m" * MESSAGE_MAX
        lines = (ordinary[:100] + [b"", b"\r", b"crlf\r", b"cr\r\r",
                                     b"x" * 5000, longest]
                 + ordinary[100:] + [b"exit", b"after"])
        pipe, errors, writes = publish([b"\n".join(lines) + b"\n"])
        sent = ordinary[:100] + [b"crlf", longest] + ordinary[100:] + [b"exit"]
        self.assertEqual(pipe, b"".join(line + b"\n" for line in sent))
        self.assertEqual(errors, [
            "line 104: message ends with a carriage return, which a frame "
            "cannot carry; not sent",
            "line 105: message of 5000 bytes is over the 4095-byte limit; not sent"])
        self.assertTrue(all(w.endswith(b"\n") and len(w) <= FRAME_MAX
                            for w in writes))


class LineReading(unittest.TestCase):
    def lines(self, data: bytes) -> list[tuple[int, object]]:
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            reader, got = LineReader(f.fileno()), []
            while (line := reader.next_line()) is not None:
                got.append((reader.line_number, line))
        return got

    def test_numbers_count_empty_lines(self) -> None:
        self.assertEqual(self.lines(b"a\n\r\n\nb\r\nc"),
                         [(1, b"a"), (2, b""), (3, b""), (4, b"b"), (5, b"c")])

    def test_long_line_is_counted_not_kept(self) -> None:
        self.assertEqual(self.lines(b"x" * 200_000 + b"\r\nok\n"),
                         [(1, TooLong(200_000)), (2, b"ok")])

    def test_checks(self) -> None:
        self.assertIs(framing.check(b"ok"), Check.OK)
        self.assertIs(framing.check(b""), Check.EMPTY)
        self.assertIs(framing.check(b"x" * 4096), Check.TOO_LONG)
        self.assertIs(framing.check(TooLong(10**9)), Check.TOO_LONG)
        self.assertIs(framing.check(b"bad\r"), Check.ENDS_WITH_CR)

    def test_read_error(self) -> None:
        fd = os.open("/", os.O_RDONLY)
        try:
            with self.assertRaises(framing.InputError) as caught:
                LineReader(fd).next_line()
        finally:
            os.close(fd)
        self.assertEqual(str(caught.exception), "standard input: Is a directory")


if __name__ == "__main__":
    unittest.main()
