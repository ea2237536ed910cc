"""Handing freed memory back to the system while a big room is busy, and keeping the garbage
collector's pauses short.

glibc's malloc keeps the pages of freed chunks in the middle of its heap resident. A join storm
interleaves thousands of short-lived payloads (two ~17 KB snapshots per joiner, each copied three
times on its way out) with long-lived per-socket objects, so the holes stay: at 2,000 joins the
heap held ~100 MB free but resident (mallinfo2), a third of the process. `malloc_trim(0)` gives
whole free pages inside the heap back; the ticker calls `release()` while sockets are connected,
at most every MEMORY_TRIM_INTERVAL seconds (a trim of a 300 MB heap takes a few milliseconds).
Elsewhere than glibc it does nothing.

CPython's full (generation 2) collection walks every tracked object. Start-up leaves ~130,000 of
them (modules, the app, SQLAlchemy's mappers, the safeguarding model), and a join storm makes
~300,000 more, so on this machine each full collection paused the whole gevent process for
0.2–0.7 s, seven times during 2,000 joins: 2.2 s of the server's 8 s of CPU (docs/performance.md).
`settle_heap` runs once before serving: it freezes start-up's objects (they live as long as
the process; `gc.freeze`, as CPython's docs advise for servers) and sets a full collection every
GC_FULL_EVERY middle ones. The default, 10, is CPython's own spacing; 100 shortened a 2,000-join
storm by a quarter, but the 5,000-resident runs' tails were no better with it (docs/performance.md).
Young objects are collected as often as before, so short-lived cycles go as quickly.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
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


def settle_heap(full_every: int) -> None:
    """Once, just before serving: collect, freeze what start-up made, and take a full collection
    every `full_every` middle-generation ones (0: leave CPython's defaults alone)."""
    if full_every <= 0:
        return
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, full_every)
    log.info("garbage collector: %s start-up objects frozen, a full collection every %s middle ones",
             gc.get_freeze_count(), full_every)


def heap_figures() -> dict:
    """What /healthz reports of the collector: objects frozen at start-up, collections per generation."""
    return {"frozen": gc.get_freeze_count(), "collections": [g["collections"] for g in gc.get_stats()]}
