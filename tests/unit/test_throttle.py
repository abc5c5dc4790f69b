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
