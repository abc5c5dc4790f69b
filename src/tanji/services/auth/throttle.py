"""Throttling of failed sign-ins and rate limits, kept in the process's memory.

**Sign-in failures** are counted per *source*, never per account alone — a hard lock
on an account would let anyone lock anyone out (the finding of issue 19). Two keys per
attempt: the client address, and the (address, e-mail) pair. After ``free`` failures
within ``window`` each further attempt from that key must wait ``base · 2^(n − free)``
seconds (capped at ``cap``) after the last failure: progressive delays, answered at
once with 429 and ``Retry-After`` rather than by holding a worker. A success clears the
pair's count. The account's owner, coming from elsewhere, is never held up.

**Rate limits** (login, registration, password-reset requests, calculations, uploads)
are token buckets: ``per_minute`` tokens a minute, up to ``burst`` at once, per key
(the client address, or the acting person).

Design note: in process memory, so each worker process keeps its own counts — with
``N`` workers a source gets up to ``N`` times the budget; the limits are set with that
slack. The alternative, a shared store (PostgreSQL rows or Redis), costs a write per
attempt on the hot path; docs/security.md records the choice. The clock is an argument
(tests move it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

__all__ = ["FailureThrottle", "RateLimit"]

Clock = Callable[[], float]


@dataclass
class _Failures:
    count: int = 0
    first: float = 0.0
    last: float = 0.0


@dataclass
class FailureThrottle:
    """Progressive delays after repeated failures from one key."""

    free: int = 5
    base: float = 1.0
    cap: float = 300.0
    window: float = 900.0
    clock: Clock = time.monotonic
    _seen: dict[Hashable, _Failures] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure."""
        if failures < self.free:
            return 0.0
        return float(min(self.cap, self.base * 2 ** (failures - self.free)))

    def retry_after(self, key: Hashable) -> float:
        """Seconds ``key`` must still wait before its next attempt (0: go ahead)."""
        with self._lock:
            entry = self._seen.get(key)
            moment = self.clock()
            if entry is None or moment - entry.first > self.window:
                return 0.0
            return max(0.0, entry.last + self.delay(entry.count) - moment)

    def failure(self, key: Hashable) -> None:
        with self._lock:
            moment = self.clock()
            entry = self._seen.get(key)
            if entry is None or moment - entry.first > self.window:
                entry = self._seen[key] = _Failures(0, moment, moment)
            entry.count += 1
            entry.last = moment
            if len(self._seen) > 100_000:  # bounded memory under a spray of addresses
                self._forget_old(moment)

    def success(self, key: Hashable) -> None:
        with self._lock:
            self._seen.pop(key, None)

    def _forget_old(self, moment: float) -> None:
        for old in [k for k, v in self._seen.items() if moment - v.first > self.window]:
            del self._seen[old]


@dataclass
class RateLimit:
    """A token bucket per key: ``per_minute`` a minute, ``burst`` at most at once."""

    per_minute: float
    burst: int
    clock: Clock = time.monotonic
    _buckets: dict[Hashable, tuple[float, float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, key: Hashable) -> float:
        """Take one token for ``key``: 0 when allowed, else the seconds until one is
        free (nothing is taken then)."""
        rate = self.per_minute / 60.0
        with self._lock:
            moment = self.clock()
            tokens, at = self._buckets.get(key, (float(self.burst), moment))
            tokens = min(float(self.burst), tokens + (moment - at) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, moment)
                if len(self._buckets) > 100_000:
                    self._buckets.clear()  # a spray of keys: start afresh, bounded
                return 0.0
            self._buckets[key] = (tokens, moment)
            return (1.0 - tokens) / rate
