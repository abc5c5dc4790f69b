"""Throttling of failed sign-ins and rate limits, with their counts kept in
:class:`Counters`: the process's memory, or the store shared by every worker process.

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

Design note: with several worker processes (PostgreSQL) the counts live in the store
(:class:`tanji.services.auth.throttle_store.StoreCounters`, table ``throttle_counters``),
so a source gets the budget once, not once per process; a write per counted attempt,
and only on the guarded requests (sign-in, registration, resets, invitations,
calculations, uploads), never on plain reads. One SQLite process keeps them in memory
(:class:`MemoryCounters`). The clock is wall time (shared by the processes) and an
argument (tests move it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Counters", "FailureThrottle", "MemoryCounters", "RateLimit"]

Clock = Callable[[], float]
#: A key's state: up to three numbers (a throttle's own meaning).
State = tuple[float, float, float]
Change = Callable[[State | None], tuple[State | None, float]]


class Counters(Protocol):
    """Where throttles keep their state, keyed by (throttle name, key)."""

    def read(self, name: str, key: Hashable) -> State | None: ...

    def change(self, name: str, key: Hashable, change: Change) -> float:
        """Apply ``change`` to the key's state atomically (``None``: absent; a new
        ``None``: forget it); returns what ``change`` returned beside the state."""
        ...


class MemoryCounters:
    """Counters in this process's memory (bounded: a spray of keys starts afresh)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._states: dict[tuple[str, Hashable], State] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def read(self, name: str, key: Hashable) -> State | None:
        with self._lock:
            return self._states.get((name, key))

    def change(self, name: str, key: Hashable, change: Change) -> float:
        with self._lock:
            new, result = change(self._states.get((name, key)))
            if new is None:
                self._states.pop((name, key), None)
            else:
                if len(self._states) >= self._limit:
                    self._states.clear()
                self._states[(name, key)] = new
            return result


@dataclass
class FailureThrottle:
    """Progressive delays after repeated failures from one key."""

    free: int = 5
    base: float = 1.0
    cap: float = 300.0
    window: float = 900.0
    clock: Clock = time.time
    name: str = "failures"
    counters: Counters = field(default_factory=MemoryCounters, repr=False)

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure."""
        if failures < self.free:
            return 0.0
        return float(min(self.cap, self.base * 2 ** (failures - self.free)))

    def retry_after(self, key: Hashable) -> float:
        """Seconds ``key`` must still wait before its next attempt (0: go ahead)."""
        state = self.counters.read(self.name, key)
        moment = self.clock()
        if state is None:
            return 0.0
        count, first, last = state
        if moment - first > self.window:
            return 0.0
        return max(0.0, last + self.delay(int(count)) - moment)

    def failure(self, key: Hashable) -> None:
        moment = self.clock()

        def add(state: State | None) -> tuple[State | None, float]:
            if state is None or moment - state[1] > self.window:
                return (1.0, moment, moment), 0.0
            return (state[0] + 1.0, state[1], moment), 0.0

        self.counters.change(self.name, key, add)

    def success(self, key: Hashable) -> None:
        self.counters.change(self.name, key, lambda state: (None, 0.0))


@dataclass
class RateLimit:
    """A token bucket per key: ``per_minute`` a minute, ``burst`` at most at once."""

    per_minute: float
    burst: int
    clock: Clock = time.time
    name: str = "rate"
    counters: Counters = field(default_factory=MemoryCounters, repr=False)

    def take(self, key: Hashable) -> float:
        """Take one token for ``key``: 0 when allowed, else the seconds until one is
        free (nothing is taken then)."""
        rate = self.per_minute / 60.0
        moment = self.clock()

        def spend(state: State | None) -> tuple[State | None, float]:
            tokens, at = (float(self.burst), moment) if state is None else state[:2]
            tokens = min(float(self.burst), tokens + max(0.0, moment - at) * rate)
            if tokens >= 1.0:
                return (tokens - 1.0, moment, 0.0), 0.0
            return (tokens, moment, 0.0), (1.0 - tokens) / rate

        return self.counters.change(self.name, key, spend)
