"""Inter-comparison (S4): a new record against existing ones of the same product and
geography.

Two tests, each flagging the new value for the reviewers:

- **interquartile fences** (Tukey): with Q1, Q3 the quartiles of the existing values
  and IQR = Q3 − Q1, a value outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] is an outlier. Needs
  at least :data:`MIN_FOR_FENCES` existing values (quartiles of fewer say little);
- **beyond both uncertainties**: the new value lies outside an existing record's 95 %
  interval and that record's value outside the new one's. A lognormal with geometric
  standard deviation g has the 95 % interval [v/g², v·g²] (the ecoinvent convention,
  Weidema et al. 2013, *Overview and methodology*, §10.2). A pair where either side
  has no uncertainty is not assessed.

Quartiles are the "inclusive" method of :func:`statistics.quantiles` (linear
interpolation between order statistics, NumPy's default).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MIN_FOR_FENCES", "Comparable", "Comparison", "compare"]

MIN_FOR_FENCES = 4


@dataclass(frozen=True)
class Comparable:
    """An existing record: its reference (database:code@version), value and GSD."""

    ref: str
    value: float
    gsd: float | None = None


@dataclass(frozen=True)
class Comparison:
    value: float
    comparables: tuple[Comparable, ...]
    q1: float | None
    q3: float | None
    low_fence: float | None
    high_fence: float | None
    outside_fences: bool
    disagreeing: tuple[str, ...]  # refs of records beyond both uncertainties

    @property
    def outlier(self) -> bool:
        return self.outside_fences or bool(self.disagreeing)


def _interval(value: float, gsd: float) -> tuple[float, float]:
    return value / gsd**2, value * gsd**2


def compare(value: float, gsd: float | None, comparables: Sequence[Comparable]) -> Comparison:
    """Compare ``value`` (with its GSD) with ``comparables``."""
    values = [c.value for c in comparables]
    q1 = q3 = low = high = None
    outside = False
    if len(values) >= MIN_FOR_FENCES:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        iqr = q3 - q1
        low, high = q1 - 1.5 * iqr, q3 + 1.5 * iqr
        outside = not low <= value <= high
    disagreeing = []
    if gsd is not None:
        own_low, own_high = _interval(value, gsd)
        for c in comparables:
            if c.gsd is None:
                continue
            low_c, high_c = _interval(c.value, c.gsd)
            if not low_c <= value <= high_c and not own_low <= c.value <= own_high:
                disagreeing.append(c.ref)
    return Comparison(value, tuple(comparables), q1, q3, low, high, outside, tuple(disagreeing))
