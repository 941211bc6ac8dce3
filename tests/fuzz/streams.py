"""Random byte streams for the differential fuzzer, biased towards the
places where implementations of PROTOCOL.md section 2 tend to differ.

A stream is a list of pieces, each a line and its ending, so that a stream
that makes programs disagree can be shrunk a piece at a time. Lines are
mostly ordinary, but often: empty, `exit` and its near misses, 4094 to 4097
bytes long (the limit and its neighbours, with and without a CR), NUL,
invalid UTF-8, lone CRs. Endings are LF, CR LF, CR CR LF, two LFs, or none
(the line runs into the next one, or is the unterminated last line).
"""

import random

MESSAGE_MAX = 4095

# Near misses of `exit`: only the exact four bytes stop a subscriber.
EXIT_LIKE = [b"exit", b"Exit", b" exit", b"exit ", b"exit\r", b"exi", b"exit\x00", b"exitexit"]

# Bytes that are not plain ASCII text: NUL, invalid and partial UTF-8, CR.
ODD_BYTES = [b"\x00", b"\xff", b"\xfe", b"\xc3", b"\x28", b"\x80", b"\xe2\x82", b"\r", b" ", b"\t", b"a"]

TEXT = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:-"

ENDINGS = [(b"\n", 60), (b"\r\n", 15), (b"\r\r\n", 5), (b"\n\n", 5), (b"", 15)]


def _text(rng: random.Random, length: int) -> bytes:
    return bytes(rng.choice(TEXT) for _ in range(length))


def _long_line(rng: random.Random) -> bytes:
    """A line at or near the limit; sometimes far over it."""
    length = rng.choice([MESSAGE_MAX - 1, MESSAGE_MAX, MESSAGE_MAX + 1, MESSAGE_MAX + 2,
                         MESSAGE_MAX, MESSAGE_MAX + 1, 8191, 8192, 10000])
    fill = bytes([rng.choice(TEXT)]) * length
    if rng.random() < 0.3:  # a CR at the end: the limit must not count it
        fill = fill[:-1] + b"\r"
    return fill


def _odd_line(rng: random.Random) -> bytes:
    return b"".join(rng.choice(ODD_BYTES) for _ in range(rng.randint(1, 12)))


def random_line(rng: random.Random) -> bytes:
    kind = rng.choices(["text", "empty", "exit", "long", "odd", "cr", "utf8"],
                       weights=[40, 12, 3, 10, 20, 8, 7])[0]
    if kind == "text":
        return _text(rng, rng.randint(1, 40))
    if kind == "empty":
        return b""
    if kind == "exit":
        return rng.choice(EXIT_LIKE)
    if kind == "long":
        return _long_line(rng)
    if kind == "odd":
        return _odd_line(rng)
    if kind == "cr":
        return rng.choice([b"\r", b"\r\r", b"a\rb", b"\rx", b"x\r"])
    return rng.choice(["héllo wörld", "日本語", "🙂 smile", "café"]).encode()


def random_ending(rng: random.Random) -> bytes:
    endings, weights = zip(*ENDINGS)
    return rng.choices(endings, weights=weights)[0]


def random_stream(rng: random.Random) -> list[bytes]:
    """The pieces of one stream: 1 to 24 lines with their endings."""
    return [random_line(rng) + random_ending(rng) for _ in range(rng.randint(1, 24))]
