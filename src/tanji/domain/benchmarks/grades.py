"""A product's grade against its category's values, with the probability behind it.

The grade reads the point footprint x against the values in force (lower is better):

    leading                 x ≤ leading
    better than baseline    leading < x ≤ baseline
    within limit            baseline < x ≤ limit
    over the limit          x > limit

A footprint is uncertain, so beside the grade stands, for each value v, the probability
that the product is truly at or below it, estimated from its Monte Carlo samples
x⁽¹⁾…x⁽ᴺ⁾ as P(X ≤ v) ≈ #{k : x⁽ᵏ⁾ ≤ v} / N. Without samples (a calculation run with no
Monte Carlo) the probabilities are absent, never guessed.

A missing value (a category with no limit set) is skipped: the grade is the best class
whose bound is known and met; with no value at all there is no grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from tanji.domain.benchmarks.references import Kind

__all__ = ["Grade", "GradeResult", "grade"]


class Grade(StrEnum):
    LEADING = "leading"
    BETTER_THAN_BASELINE = "better-than-baseline"
    WITHIN_LIMIT = "within-limit"
    OVER_LIMIT = "over-limit"


_BY_KIND = {
    Kind.LEADING: Grade.LEADING,
    Kind.BASELINE: Grade.BETTER_THAN_BASELINE,
    Kind.LIMIT: Grade.WITHIN_LIMIT,
}


@dataclass(frozen=True)
class GradeResult:
    grade: Grade | None
    total: float
    probabilities: Mapping[Kind, float]  # P(true footprint ≤ value), from Monte Carlo
    iterations: int  # 0 when no Monte Carlo samples were given


def grade(
    total: float,
    values: Mapping[Kind, float],
    samples: NDArray[np.float64] | None = None,
) -> GradeResult:
    """The grade of ``total`` against ``values`` and, with ``samples``, P(X ≤ value)."""
    found: Grade | None = None
    for kind in Kind:  # leading, baseline, limit: the first bound met is the grade
        if kind in values and total <= values[kind]:
            found = _BY_KIND[kind]
            break
    if found is None and Kind.LIMIT in values:
        found = Grade.OVER_LIMIT
    # Above every value known with no limit set: "over the limit" would be invented,
    # so there is no grade.
    probabilities: dict[Kind, float] = {}
    n = 0
    if samples is not None and samples.size:
        n = int(samples.size)
        for kind, v in values.items():
            probabilities[kind] = float(np.count_nonzero(samples <= v)) / n
    return GradeResult(found, total, probabilities, n)
