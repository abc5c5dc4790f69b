"""Benchmarks and diagnosis: reference values, grades, 碳效码, reduction levers.

docs/benchmarks-and-diagnosis.md has the formulas and their sources.
"""

from tanji.domain.benchmarks.efficiency import (
    ZHEJIANG_METHOD,
    CarbonEfficiency,
    EfficiencyMethod,
    EnergyUse,
    Level,
    carbon_efficiency,
    grade_of,
    level_of,
)
from tanji.domain.benchmarks.errors import BenchmarkError
from tanji.domain.benchmarks.grades import Grade, GradeResult, grade
from tanji.domain.benchmarks.levers import Lever, LeverKind, apply_lever
from tanji.domain.benchmarks.paired import Difference, difference, sample_footprints
from tanji.domain.benchmarks.references import (
    DEFAULT_POLICY,
    CategoryPolicy,
    ComputedValues,
    FootprintSample,
    Kind,
    OfficialValue,
    Resolved,
    bootstrap_interval,
    compute_values,
    percentile,
    resolve,
)

__all__ = [
    "DEFAULT_POLICY",
    "ZHEJIANG_METHOD",
    "BenchmarkError",
    "CarbonEfficiency",
    "CategoryPolicy",
    "ComputedValues",
    "Difference",
    "EfficiencyMethod",
    "EnergyUse",
    "FootprintSample",
    "Grade",
    "GradeResult",
    "Kind",
    "Level",
    "Lever",
    "LeverKind",
    "OfficialValue",
    "Resolved",
    "apply_lever",
    "bootstrap_interval",
    "carbon_efficiency",
    "compute_values",
    "difference",
    "grade",
    "grade_of",
    "level_of",
    "percentile",
    "resolve",
    "sample_footprints",
]
