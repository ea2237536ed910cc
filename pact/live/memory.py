"""Handing freed memory back to the system while a big room is busy.

glibc's malloc keeps the pages of freed chunks in the middle of its heap resident. A join storm
interleaves thousands of short-lived payloads (two ~17 KB snapshots per joiner, each copied three
times on its way out) with long-lived per-socket objects, so the holes stay: at 2,000 joins the
heap held ~100 MB free but resident (mallinfo2), a third of the process. `malloc_trim(0)` gives
whole free pages inside the heap back; the ticker calls `release()` while sockets are connected,
at most every MEMORY_TRIM_INTERVAL seconds (a trim of a 300 MB heap takes a few milliseconds).
Elsewhere than glibc it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import time

log = logging.getLogger(__name__)


class Trimmer:
    """Calls glibc's `malloc_trim(0)` at most every `interval` seconds (never when 0, or off glibc)."""
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._trim = _malloc_trim() if interval > 0 else None

    def release(self) -> None:
        """Trim, if the interval has passed since the last time."""
        if self._trim is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.interval
        self._trim(0)


def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        log.info("malloc_trim is not available here: memory is left to the allocator")
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim
