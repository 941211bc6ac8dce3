"""Tests for framing.py and lines.py: the decoder, the line reader and the
batch, against the rules of shared/PROTOCOL.md and every golden vector, in
any split, through the programs' own handle_message() and write_message()."""

from __future__ import annotations

import os
import tempfile
import threading
import unittest
from typing import List, Tuple
from unittest import mock

from fifo_pubsub import framing, lines, output, report
from fifo_pubsub.framing import FRAME_MAX, MESSAGE_MAX, FrameDecoder, Overlong
from fifo_pubsub.lines import LineReader

from .support import import_program
from .vectors import Vector, chunks_at, load_vectors, split_points

subscriber = import_program("subscriber")
publisher = import_program("publisher")
VECTORS = load_vectors()
FAKE_PIPE = "/tmp/some pipe"


def too_long(length: int) -> str:
    return f"{FAKE_PIPE}: discarded a frame of {length} bytes, over the 4095-byte limit"


def decode(chunks: List[bytes]) -> List[object]:
    """The messages, and the error lines of overlong frames, in order."""
    got: List[object] = []
    decoder = FrameDecoder(FAKE_PIPE)
    with mock.patch.object(report, "report", got.append):
        for chunk in chunks:
            decoder.feed(chunk)
            while (message := decoder.next_message()) is not None:
                got.append(message)
            assert len(decoder._held.data) <= FRAME_MAX
        decoder.finish()
        while (message := decoder.next_message()) is not None:
            got.append(message)
    return got


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
        ("one over", b"x" * 4096 + b"\nok\n", [too_long(4096), b"ok"]),
        ("one over crlf", b"x" * 4096 + b"\r\nok\n", [too_long(4096), b"ok"]),
        ("overlong cr counted once", b"x" * 5000 + b"\r\r\n", [too_long(5001)]),
        ("overlong fragment", b"ok\n" + b"y" * 5000, [b"ok", too_long(5000)]),
        ("overlong fragment ending in cr", b"y" * 5000 + b"\r", [too_long(5000)]),
        ("overlong all cr", b"\r" * 6000 + b"\n", [too_long(5999)]),
        ("resync after overlong", b"a" * 10000 + b"\nafter\n",
         [too_long(10000), b"after"]),
        ("many", b"".join(b"m%d\n" % i for i in range(3000)),
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

    def test_overlong_frame_is_not_held(self) -> None:
        decoder = FrameDecoder(FAKE_PIPE)
        for _ in range(100):
            decoder.feed(b"z" * 1000)
            self.assertIsNone(decoder.next_message())
            self.assertLessEqual(len(decoder._held.data), FRAME_MAX)
        self.assertEqual(decode([b"z" * 1000] * 100 + [b"\n"]), [too_long(100_000)])

    def test_output_is_flushed_before_the_error_line(self) -> None:
        order: List[str] = []
        decoder = FrameDecoder(FAKE_PIPE, lambda: order.append("flush"))
        with mock.patch.object(report, "report", order.append):
            decoder.feed(b"ok\n" + b"x" * 5000 + b"\n")
            self.assertEqual(decoder.next_message(), b"ok")
            self.assertIsNone(decoder.next_message())
        self.assertEqual(order, ["flush", too_long(5000)])

    def test_mid_frame_says_whether_a_frame_is_begun(self) -> None:
        decoder = FrameDecoder(FAKE_PIPE)
        self.assertFalse(decoder.mid_frame())
        decoder.feed(b"one\nth")
        self.assertTrue(decoder.mid_frame())
        self.assertEqual(decoder.next_message(), b"one")
        decoder.feed(b"ree\n")
        self.assertEqual(decoder.next_message(), b"three")
        self.assertFalse(decoder.mid_frame())
        decoder.feed(b"x" * (FRAME_MAX + 1))    # overlong: counted, not held
        self.assertEqual(len(decoder._held.data), 0)
        self.assertTrue(decoder.mid_frame())
        decoder.finish()
        self.assertFalse(decoder.mid_frame())

    def test_overlong_counts_without_memory(self) -> None:
        self.assertEqual(len(Overlong(10**12)), 10**12)


def subscriber_output(vector: Vector, chunks: List[bytes], raw: bool) -> Tuple[bytes, bytes]:
    """What the subscriber's own handle_message() prints for these chunks of
    the pipe, with its loop's steps (as with --once)."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        out = output.Output(out_file.fileno())
        with mock.patch.object(report, "ERR_FD", err_file.fileno()):
            report.set_program(subscriber.PROG)
            frames = FrameDecoder(FAKE_PIPE, out.flush)
            step = framing.GO_ON
            for chunk in [*chunks, None]:
                if chunk is None:
                    frames.finish()
                else:
                    frames.feed(chunk)
                while step is framing.GO_ON and (message := frames.next_message()) is not None:
                    step = subscriber.handle_message(out, message, raw)
                if step is framing.STOP:
                    break
            out.flush()
        out_file.seek(0)
        err_file.seek(0)
        return out_file.read(), err_file.read()


class GoldenVectorsThroughTheSubscriber(unittest.TestCase):
    def check(self, vector: Vector, chunks: List[bytes]) -> None:
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
    """Stands for fifo.Writer: a batch, and a record of each write."""

    def __init__(self) -> None:
        self.batch = bytearray()
        self.writes: List[bytes] = []

    def send(self) -> None:
        if self.batch:
            self.writes.append(bytes(self.batch))
        self.batch.clear()


def publish(chunks: List[bytes]) -> Tuple[bytes, List[str], List[bytes], int]:
    """The publisher's loop over these chunks of standard input, through its
    own write_message(): (pipe bytes, error lines, writes, lines rejected)."""
    read_end, write_end = os.pipe()
    writer = FakeWriter()
    errors: List[str] = []

    def feed() -> None:
        for chunk in chunks:
            os.write(write_end, chunk)
        os.close(write_end)

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    reader = LineReader(read_end, b"> ")
    with mock.patch.object(report, "report", errors.append):
        while (message := reader.next(writer)) is not None:  # type: ignore[arg-type]
            publisher.write_message(writer, message)
            if message == framing.EXIT:
                break
        writer.send()
    thread.join(5)
    os.close(read_end)
    return b"".join(writer.writes), errors, writer.writes, reader.rejected


class GoldenVectorsThroughThePublisher(unittest.TestCase):
    def check(self, vector: Vector, chunks: List[bytes]) -> None:
        pipe, errors, writes, rejected = publish(chunks)
        self.assertEqual(pipe, vector.pipe)
        expected = vector.publisher_err("P", FAKE_PIPE).decode()
        self.assertEqual("".join(f"P: {e}\n" for e in errors), expected)
        self.assertEqual(rejected, len(errors))
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
        writer = FakeWriter()
        publisher.write_message(writer, b"ab")
        publisher.write_message(writer, b"x" * 4093)
        writer.send()
        self.assertEqual(writer.writes, [b"ab\n", b"x" * 4093 + b"\n"])

    def test_4096_bytes_go_as_one_write(self) -> None:
        writer = FakeWriter()
        publisher.write_message(writer, b"a")
        publisher.write_message(writer, b"x" * 4093)
        writer.send()
        self.assertEqual(writer.writes, [b"a\n" + b"x" * 4093 + b"\n"])

    def test_frames_are_packed_whole_into_full_writes(self) -> None:
        frames = b"".join(b"%07d\n" % i for i in range(3000))    # 8-byte frames
        pipe, errors, writes, _ = publish([b"abc\n" + frames])
        self.assertEqual((pipe, errors), (b"abc\n" + frames, []))
        self.assertEqual([len(w) for w in writes[:2]], [4092, 4096])
        self.assertTrue(all(w.endswith(b"\n") and len(w) <= FRAME_MAX
                            for w in writes))

    def test_unusual_lines_amid_ordinary_ones(self) -> None:
        # Empty, CR only, CRLF, ending in CR, too long, the longest, `exit`.
        ordinary = [b"%07d" % i for i in range(600)]
        longest = b"m" * MESSAGE_MAX
        lines = (ordinary[:100] + [b"", b"\r", b"crlf\r", b"cr\r\r",
                                     b"x" * 5000, longest]
                 + ordinary[100:] + [b"exit", b"after"])
        pipe, errors, writes, rejected = publish([b"\n".join(lines) + b"\n"])
        sent = ordinary[:100] + [b"crlf", longest] + ordinary[100:] + [b"exit"]
        self.assertEqual(pipe, b"".join(line + b"\n" for line in sent))
        self.assertEqual(errors, [
            "line 104: message ends with a carriage return, which a frame "
            "cannot carry; not sent",
            "line 105: message of 5000 bytes is over the 4095-byte limit; not sent"])
        self.assertEqual(rejected, 2)
        self.assertTrue(all(w.endswith(b"\n") and len(w) <= FRAME_MAX
                            for w in writes))


class LineReading(unittest.TestCase):
    def lines(self, data: bytes) -> Tuple[List[Tuple[int, bytes]], List[str]]:
        errors: List[str] = []
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            reader, got = LineReader(f.fileno(), b"> "), []
            with mock.patch.object(report, "report", errors.append):
                while (line := reader.next(FakeWriter())) is not None:  # type: ignore[arg-type]
                    got.append((reader.line_number, line))
        return got, errors

    def test_numbers_count_empty_lines(self) -> None:
        self.assertEqual(self.lines(b"a\n\r\n\nb\r\nc"),
                         ([(1, b"a"), (4, b"b"), (5, b"c")], []))

    def test_long_line_is_counted_not_kept(self) -> None:
        self.assertEqual(self.lines(b"x" * 200_000 + b"\r\nok\n"), ([(2, b"ok")], [
            "line 1: message of 200000 bytes is over the 4095-byte limit; not sent"]))

    def test_the_batch_goes_out_before_each_read(self) -> None:
        read_end, write_end = os.pipe()
        writer = FakeWriter()
        reader = LineReader(read_end, b"> ")
        try:
            os.write(write_end, b"one\n")
            self.assertEqual(reader.next(writer), b"one")   # type: ignore[arg-type]
            publisher.write_message(writer, b"one")
            self.assertEqual(writer.writes, [])
            os.write(write_end, b"two\n")
            self.assertEqual(reader.next(writer), b"two")   # type: ignore[arg-type]
            self.assertEqual(writer.writes, [b"one\n"])    # sent before the read
        finally:
            os.close(read_end)
            os.close(write_end)

    def test_read_error(self) -> None:
        fd = os.open("/", os.O_RDONLY)
        try:
            with self.assertRaises(lines.InputError) as caught:
                LineReader(fd, b"> ").next(FakeWriter())  # type: ignore[arg-type]
        finally:
            os.close(fd)
        self.assertEqual(str(caught.exception), "standard input: Is a directory")


if __name__ == "__main__":
    unittest.main()
