"""Reference values of a product category: leading, baseline and limit (标杆值、基准值、限定值).

Two ways a category gets its values (R2.4):

1. **Computed** from the platform's certified footprints of the category and declared
   unit for one year: the chosen percentiles (by default leading = 20th, baseline = 50th,
   limit = 80th) of the footprints whose data quality is good enough (DQR ≤ the category's
   maximum), once at least ``min_sample`` of them exist; each value with a bootstrap
   confidence interval.
2. **Set officially** by the competent department, with the document that sets them. An
   official value always wins over the computed one, and says so (:func:`resolve`).

Percentile: the linear interpolation of the order statistics (Hyndman & Fan 1996,
definition 7; NumPy's default ``method="linear"``): for sorted x₁ ≤ … ≤ xₙ and p in
[0, 100], h = (n − 1)·p/100 and Q(p) = x⌊h⌋+1 + (h − ⌊h⌋)·(x⌊h⌋+2 − x⌊h⌋+1).

Bootstrap: the percentile interval of Efron & Tibshirani (1993, ch. 13): B resamples of
size n drawn with replacement, the statistic on each, and the (1−c)/2 and (1+c)/2
quantiles of the B statistics. Randomness is an argument (a seed or a Generator).

Design note: percentiles rather than a mean ± k·σ, because footprints of a category are
skewed (a few plants on coal power) and the policy's three values are positions in the
distribution ("the best fifth", "the median", "four in five pass"), not distances from
a mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from tanji.domain.benchmarks.errors import BenchmarkError
from tanji.domain.problems import Problem

__all__ = [
    "DEFAULT_POLICY",
    "CategoryPolicy",
    "ComputedValues",
    "FootprintSample",
    "Kind",
    "OfficialValue",
    "ReferenceValue",
    "Resolved",
    "bootstrap_interval",
    "compute_values",
    "percentile",
    "resolve",
]

FloatArray = NDArray[np.float64]


class Kind(StrEnum):
    """The three values of R2.4, from the most demanding to the least."""

    LEADING = "leading"  # 标杆值
    BASELINE = "baseline"  # 基准值
    LIMIT = "limit"  # 限定值


@dataclass(frozen=True)
class CategoryPolicy:
    """How a category's values are computed: percentiles, sample size, data quality."""

    percentiles: Mapping[Kind, float] = field(
        default_factory=lambda: {Kind.LEADING: 20.0, Kind.BASELINE: 50.0, Kind.LIMIT: 80.0}
    )
    min_sample: int = 10
    max_dqr: float = 3.0  # PEF "good" or better (DQR ≤ 3)
    bootstrap: int = 2000
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if set(self.percentiles) != set(Kind):
            raise BenchmarkError(Problem("bench-percentiles-missing"))
        p = [self.percentiles[k] for k in Kind]
        if not all(0.0 <= v <= 100.0 for v in p):
            raise BenchmarkError(Problem("bench-percentiles-range", values=p))
        if not p[0] <= p[1] <= p[2]:
            raise BenchmarkError(Problem("bench-percentiles-order", values=p))
        if self.min_sample < 3:
            raise BenchmarkError(Problem("bench-min-sample", value=self.min_sample))
        if not 1.0 <= self.max_dqr <= 5.0:
            raise BenchmarkError(Problem("bench-max-dqr", value=self.max_dqr))
        if self.bootstrap < 100:
            raise BenchmarkError(Problem("bench-bootstrap", value=self.bootstrap))
        if not 0.5 <= self.confidence < 1.0:
            raise BenchmarkError(Problem("bench-confidence", value=self.confidence))


DEFAULT_POLICY = CategoryPolicy()


@dataclass(frozen=True)
class FootprintSample:
    """One certified footprint of the category (per declared unit)."""

    value: float
    dqr: float | None
    year: int
    certificate: str = ""


@dataclass(frozen=True)
class ReferenceValue:
    """A computed value with its bootstrap interval."""

    kind: Kind
    percentile: float
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class ComputedValues:
    """What the certified footprints of one year give: values, or how many are missing."""

    year: int
    used: int  # footprints that passed the data-quality minimum
    excluded: int  # footprints left out for their data quality
    needed: int  # more certified footprints needed (0 when enough)
    values: tuple[ReferenceValue, ...] = ()

    def get(self, kind: Kind) -> ReferenceValue | None:
        return next((v for v in self.values if v.kind is kind), None)


@dataclass(frozen=True)
class OfficialValue:
    """A value set by the competent department, with the document that sets it."""

    kind: Kind
    value: float
    year: int
    document: str
    set_by: str = ""
    illustrative: bool = False

    def __post_init__(self) -> None:
        if not self.document.strip():
            raise BenchmarkError(Problem("bench-document"))
        if not (self.value > 0 and np.isfinite(self.value)):
            raise BenchmarkError(Problem("bench-value", value=self.value))


def percentile(values: Sequence[float] | FloatArray, p: float) -> float:
    """The p-th percentile by linear interpolation (Hyndman & Fan definition 7)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if x.size == 0:
        raise BenchmarkError("percentile of no values")
    h = (x.size - 1) * p / 100.0
    lo = int(np.floor(h))
    hi = min(lo + 1, x.size - 1)
    return float(x[lo] + (h - lo) * (x[hi] - x[lo]))


def bootstrap_interval(
    values: Sequence[float] | FloatArray,
    p: float,
    rng: np.random.Generator | int | None,
    resamples: int = 2000,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """The percentile-bootstrap interval of the p-th percentile (Efron & Tibshirani)."""
    x = np.asarray(values, dtype=np.float64)
    generator = np.random.default_rng(rng)
    draws = x[generator.integers(0, x.size, size=(resamples, x.size))]
    stats = np.percentile(draws, p, axis=1, method="linear")
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(stats, [tail, 100.0 - tail], method="linear")
    return float(low), float(high)


def compute_values(
    samples: Sequence[FootprintSample],
    year: int,
    policy: CategoryPolicy = DEFAULT_POLICY,
    rng: np.random.Generator | int | None = 0,
) -> ComputedValues:
    """The category's values for ``year`` from its certified footprints of that year."""
    of_year = [s for s in samples if s.year == year]
    good = [s.value for s in of_year if s.dqr is not None and s.dqr <= policy.max_dqr]
    excluded = len(of_year) - len(good)
    if len(good) < policy.min_sample:
        return ComputedValues(year, len(good), excluded, policy.min_sample - len(good))
    generator = np.random.default_rng(rng)
    values = []
    for kind in Kind:
        p = policy.percentiles[kind]
        low, high = bootstrap_interval(good, p, generator, policy.bootstrap, policy.confidence)
        values.append(ReferenceValue(kind, p, percentile(good, p), low, high))
    return ComputedValues(year, len(good), excluded, 0, tuple(values))


@dataclass(frozen=True)
class Resolved:
    """The value that counts for one kind, and where it comes from."""

    kind: Kind
    value: float
    basis: str  # "official" | "computed"
    official: OfficialValue | None = None
    computed: ReferenceValue | None = None


def resolve(
    computed: ComputedValues | None, official: Sequence[OfficialValue]
) -> dict[Kind, Resolved]:
    """Per kind, the value that counts: the official one when set, else the computed."""
    out: dict[Kind, Resolved] = {}
    for kind in Kind:
        calc = computed.get(kind) if computed is not None else None
        chosen = next((o for o in official if o.kind is kind), None)
        if chosen is not None:
            out[kind] = Resolved(kind, chosen.value, "official", chosen, calc)
        elif calc is not None:
            out[kind] = Resolved(kind, calc.value, "computed", None, calc)
    return out
