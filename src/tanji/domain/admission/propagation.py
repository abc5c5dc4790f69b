"""Change propagation: which pins a new version makes stale, and what changed by how much.

A footprint result pins every record version it used (``factor`` pins
``database:CODE@n``, ``activity`` pins ``database:key@version``). When a database
publishes a new version, a result is *affected* when one of its pins names a record of
that database at another version than the new one holds (or one the new version no
longer holds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Change", "ChangeSummary", "stale_pins", "summarize"]


def _split(ref: str) -> tuple[str, str, str] | None:
    head, _, version = ref.rpartition("@")
    database, _, key = head.partition(":")
    if not (head and database and key):
        return None
    return database, key, version


def stale_pins(
    pins: Iterable[Mapping[str, str]],
    database: str,
    factor_versions: Mapping[str, int] | None = None,
    lci_version: str | None = None,
) -> list[str]:
    """The refs of ``pins`` that ``database``'s new version changes.

    ``factor_versions``: code → factor version in the new database version (a factor
    database); ``lci_version``: the new version label (an LCI database: every activity
    pin of an older version is stale, as its background values may have moved).
    """
    stale = []
    for pin in pins:
        parts = _split(pin.get("ref", ""))
        if parts is None or parts[0] != database:
            continue
        _, key, version = parts
        if pin.get("kind") == "factor" and factor_versions is not None:
            if str(factor_versions.get(key)) != version:
                stale.append(pin["ref"])
        elif pin.get("kind") == "activity" and lci_version is not None and version != lci_version:
            stale.append(pin["ref"])
    return stale


@dataclass(frozen=True)
class Change:
    """One recomputed result: ``before`` (the pinned result) and ``after`` (the new one)."""

    product: str
    org_id: int | None
    old_result_id: int
    new_result_id: int
    before: float
    after: float
    unit: str

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        return None if self.before == 0 else self.delta / abs(self.before)


@dataclass(frozen=True)
class ChangeSummary:
    count: int
    changed: int  # results whose total moved
    largest_relative: float | None
    mean_relative: float | None


def summarize(changes: Sequence[Change], tolerance: float = 1e-12) -> ChangeSummary:
    relatives = [c.relative for c in changes if c.relative is not None]
    moved = sum(1 for c in changes if abs(c.delta) > tolerance * max(1.0, abs(c.before)))
    return ChangeSummary(
        len(changes),
        moved,
        max(relatives, key=abs) if relatives else None,
        sum(relatives) / len(relatives) if relatives else None,
    )
