"""Per-source throttling with progressive delays, and token-bucket rate limits."""

from __future__ import annotations

from dataclasses import dataclass

from tanji.services.auth.throttle import FailureThrottle, RateLimit


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_are_free_then_delays_double_up_to_the_cap() -> None:
    clock = Clock()
    throttle = FailureThrottle(free=3, base=1.0, cap=8.0, window=900.0, clock=clock)
    for _ in range(2):
        throttle.failure("a")
    assert throttle.retry_after("a") == 0.0
    waits = []
    for _ in range(6):
        throttle.failure("a")
        waits.append(throttle.retry_after("a"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert throttle.retry_after("b") == 0.0  # another source is not held up
    clock.now += 8.0
    assert throttle.retry_after("a") == 0.0  # the delay has passed
    clock.now += 900.0
    throttle.failure("a")
    assert throttle.retry_after("a") == 0.0  # an old streak is forgotten
    throttle.success("a")
    assert throttle.retry_after("a") == 0.0


def test_a_rate_limit_allows_the_burst_then_the_rate() -> None:
    clock = Clock()
    bucket = RateLimit(per_minute=6, burst=3, clock=clock)
    assert [bucket.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.take("k")
    assert wait == 10.0  # one token every 10 s
    assert bucket.take("other") == 0.0
    clock.now += 10.0
    assert bucket.take("k") == 0.0
    assert bucket.take("k") > 0.0


def test_counters_in_the_store_are_shared_and_atomic(store_url: str) -> None:
    """Two throttles over one store (two worker processes) see one count; concurrent
    failures are all counted; the keys are kept as digests only."""
    import threading

    from sqlalchemy import create_engine, select

    from tanji.db.base import Base
    from tanji.db.models import ThrottleCounterRow
    from tanji.services.auth.throttle_store import StoreCounters

    engine = create_engine(store_url)
    Base.metadata.create_all(engine, tables=[ThrottleCounterRow.__table__])  # type: ignore[list-item]
    clock = Clock()
    one = FailureThrottle(free=3, clock=clock, counters=StoreCounters(engine))
    other = FailureThrottle(free=3, clock=clock, counters=StoreCounters(engine))
    threads = [threading.Thread(target=one.failure, args=("10.0.0.1",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other.retry_after("10.0.0.1") == 2.0  # 4 failures, 3 free: 1 · 2^(4 − 3)
    bucket = RateLimit(per_minute=6, burst=2, clock=clock, counters=StoreCounters(engine))
    twin = RateLimit(per_minute=6, burst=2, clock=clock, counters=StoreCounters(engine))
    assert [bucket.take("k"), twin.take("k")] == [0.0, 0.0]
    assert twin.take("k") == 10.0
    one.success("10.0.0.1")
    assert other.retry_after("10.0.0.1") == 0.0
    with engine.connect() as connection:
        keys = connection.scalars(select(ThrottleCounterRow.key)).all()
    assert all(len(k) == 64 and "10.0.0.1" not in k for k in keys)
    engine.dispose()
