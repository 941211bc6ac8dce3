"""SIGPIPE ignored; SIGINT and SIGTERM turned into a clean stop.

SIGPIPE is ignored so that a vanished reader shows up as an EPIPE error that
the program handles (a publisher waits for the next subscriber, a subscriber
reports its broken standard output) instead of killing it silently.

A publisher holds nothing that a stop signal could lose, so it exits at once
with 128 + the signal's number (130, 143).  A subscriber must first write out
what it has taken from the pipe (shared/PROTOCOL.md, section 4, step 8), so
its handler only records the signal; a byte written into a wake-up pipe
(signal.set_wakeup_fd) wakes the poll() it sleeps in, whether it waits for
the FIFO or for room on standard output.  Python would otherwise restart an
interrupted poll() (PEP 475) and sleep on.
"""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Optional

_stop_status = 0    # 128 + the first stop signal's number; 0 until one comes
_stop_count = 0     # how many stop signals have come
_wakeup = -1        # read end of the wake-up pipe, -1 for a publisher


def install(*, exit_at_once: bool) -> None:
    """Ignore SIGPIPE; exit at SIGINT/SIGTERM, or record them (exit_at_once=False)."""
    global _wakeup
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if not exit_at_once and _wakeup < 0:
        read_end, write_end = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        _wakeup = read_end
    handler = _exit_now if exit_at_once else _record
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def stop_status() -> int:
    """130 or 143 once SIGINT or SIGTERM has come; 0 before."""
    return _stop_status


def stop_count() -> int:
    """How many stop signals have come (a second one means: give up now)."""
    return _stop_count


def wakeup_fd() -> int:
    """A descriptor that poll() finds readable once a stop signal has come."""
    return _wakeup


def clear_wakeup() -> None:
    """Empty the wake-up pipe, so that poll() wakes again only at the next signal."""
    try:
        while os.read(_wakeup, 64):
            pass
    except BlockingIOError:
        pass


def _exit_now(signum: int, frame: Optional[FrameType]) -> None:
    os._exit(128 + signum)


def _record(signum: int, frame: Optional[FrameType]) -> None:
    global _stop_status, _stop_count
    if not _stop_status:
        _stop_status = 128 + signum
    _stop_count += 1
