"""Rate limits and sign-in throttling for the web app (one set per app; the counts in
the store on PostgreSQL, shared by the worker processes, in memory on SQLite).

:class:`Guards` holds the throttles of :mod:`tanji.services.auth.throttle`; the app's
factory makes one (``app.state.guards``) and the handlers ask it before expensive or
guessable work. The limits (docs/security.md):

========================  =========================  ==================================
what                      key                        limit
========================  =========================  ==================================
sign-in attempts          client address             30 a minute, bursts of 30
failed sign-ins           address, and address+email progressive delay after 20 / 5
registration              client address             30 an hour, bursts of 10
password-reset requests   client address             10 an hour, bursts of 5
invitations sent          acting person              60 an hour, bursts of 20
calculations              acting person              30 a minute, bursts of 30
uploads and imports       acting person              20 a minute, bursts of 20
========================  =========================  ==================================

``TANJI_RATE_LIMITS=0`` turns them off (a load test, say).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from starlette.requests import Request

from tanji.services.auth.throttle import Counters, FailureThrottle, RateLimit
from tanji.services.errors import RateLimitedError

__all__ = ["Guards", "guards", "limit", "login_failed", "login_succeeded", "login_wait"]

RATE_LIMITED = "Too many requests of this kind lately; wait a moment and try again."


def _limits() -> dict[str, RateLimit]:
    return {
        "login": RateLimit(per_minute=30, burst=30),
        "register": RateLimit(per_minute=30 / 60, burst=10),
        "reset": RateLimit(per_minute=10 / 60, burst=5),
        "invite": RateLimit(per_minute=1, burst=20),
        "calculate": RateLimit(per_minute=30, burst=30),
        "upload": RateLimit(per_minute=20, burst=20),
    }


@dataclass
class Guards:
    """The app's throttles: failed sign-ins per source, and rate limits by kind."""

    enabled: bool = True
    per_source: FailureThrottle = field(default_factory=lambda: FailureThrottle(free=20))
    per_pair: FailureThrottle = field(default_factory=lambda: FailureThrottle(free=5))
    limits: dict[str, RateLimit] = field(default_factory=_limits)

    def share(self, counters: Counters) -> None:
        """Keep every count in ``counters`` (the store, for several processes)."""
        self.per_source.name, self.per_pair.name = "source", "pair"
        self.per_source.counters = self.per_pair.counters = counters
        for kind, limit in self.limits.items():
            limit.name, limit.counters = f"rate:{kind}", counters

    def take(self, kind: str, key: Hashable) -> None:
        """Spend one request of ``kind`` for ``key``; :class:`RateLimitedError` when
        the budget is spent."""
        if not self.enabled:
            return
        wait = self.limits[kind].take(key)
        if wait > 0:
            raise RateLimitedError(RATE_LIMITED, retry_after=wait)


def guards(request: Request) -> Guards:
    found = getattr(request.app.state, "guards", None)
    if not isinstance(found, Guards):
        found = request.app.state.guards = Guards()
    return found


def _source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(request: Request, kind: str, who: int | None = None) -> None:
    """Rate-limit this request: by the acting person where given, else by address."""
    guards(request).take(kind, (kind, who if who is not None else _source(request)))


def login_wait(request: Request, email: str) -> float:
    """Seconds this source must wait before trying ``email`` again (0: go ahead)."""
    found = guards(request)
    if not found.enabled:
        return 0.0
    source = _source(request)
    pair = (source, email.strip().lower())
    return max(found.per_source.retry_after(source), found.per_pair.retry_after(pair))


def login_failed(request: Request, email: str) -> None:
    found = guards(request)
    source = _source(request)
    found.per_source.failure(source)
    found.per_pair.failure((source, email.strip().lower()))


def login_succeeded(request: Request, email: str) -> None:
    guards(request).per_pair.success((_source(request), email.strip().lower()))
