"""The carbon efficiency code (碳效码) of an industrial enterprise, by Zhejiang's method.

Zhejiang's method (规上工业企业碳效等级评价方法, the method the province's 碳效码 applies;
standardised as DB33/T 1347—2023 《工业企业碳效综合评估和分级赋码规范》, in force
from 2024-01-15):

- **L**, carbon emissions per unit of value added (t CO2 per 10,000 CNY):
  L = E / VA, where E is the CO2 from the enterprise's total energy use in the period
  *less* the CO2 avoided by its zero-carbon electricity generation (hydro, wind, PV, …)
  *and less* sinks and storage (碳汇、碳封存), and VA the value added of the same period
  by the income method (收入法).
- **Level** (碳效水平) from L against the province's bounds: L ≤ 0.6 low carbon (低碳),
  0.6 < L ≤ 2.0 medium (中碳), L > 2.0 high carbon (高碳).
- **Grade** (碳效等级) 1–5 from K = L / L̄, L̄ the industry's average L in the same
  period: K ≤ 0.6 → 1, ≤ 0.8 → 2, ≤ 1.2 → 3, ≤ 2.0 → 4, > 2.0 → 5 (each bound belongs
  to the better grade).

The bounds are data (:class:`EfficiencyMethod`), set by the competent department with
their source; :data:`ZHEJIANG_METHOD` holds the published ones. The zero-carbon
generation is converted with the grid factor the enterprise's energy use takes (the
method says "折算", converted, without naming a factor; the choice is the caller's and
is shown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tanji.domain.benchmarks.errors import BenchmarkError
from tanji.domain.problems import Problem

__all__ = [
    "ZHEJIANG_METHOD",
    "ZHEJIANG_SOURCE",
    "CarbonEfficiency",
    "EfficiencyMethod",
    "EnergyUse",
    "Level",
    "carbon_efficiency",
    "emissions",
    "grade_of",
    "level_of",
]

ZHEJIANG_SOURCE = (
    "浙江省《规上工业企业碳效等级评价方法》(单位增加值碳排放量 L；碳效水平 0.6/2.0 吨/万元；"
    "碳效值 K 等级 0.6/0.8/1.2/2.0), as read in the copy at m.yzwku.com/doc/493133.html; "
    "standardised as DB33/T 1347—2023 《工业企业碳效综合评估和分级赋码规范》 "
    "(浙江省地方标准, in force 2024-01-15; the standard's text itself was not read)"
)


class Level(StrEnum):
    LOW = "low"  # 低碳
    MEDIUM = "medium"  # 中碳
    HIGH = "high"  # 高碳


@dataclass(frozen=True)
class EfficiencyMethod:
    """The bounds of a 碳效码 method: two on L (t CO2/10⁴ CNY), four on K."""

    level_bounds: tuple[float, float]
    grade_bounds: tuple[float, float, float, float]
    source: str

    def __post_init__(self) -> None:
        pairs = (("level_bounds", self.level_bounds), ("grade_bounds", self.grade_bounds))
        for name, bounds in pairs:
            finite = all(b > 0 and math.isfinite(b) for b in bounds)
            if not finite or list(bounds) != sorted(set(bounds)):
                raise BenchmarkError(Problem(f"bench-{name}", bounds=bounds))
        if not self.source.strip():
            raise BenchmarkError(Problem("bench-method-source"))


ZHEJIANG_METHOD = EfficiencyMethod((0.6, 2.0), (0.6, 0.8, 1.2, 2.0), ZHEJIANG_SOURCE)


@dataclass(frozen=True)
class EnergyUse:
    """One energy carrier used in the period, with its CO2 factor and the factor's source."""

    carrier: str
    amount: float
    unit: str
    kg_co2_per_unit: float
    source: str

    def __post_init__(self) -> None:
        if not (self.amount >= 0 and math.isfinite(self.amount)):
            raise BenchmarkError(Problem("bench-amount", carrier=self.carrier, value=self.amount))
        if not (self.kg_co2_per_unit >= 0 and math.isfinite(self.kg_co2_per_unit)):
            raise BenchmarkError(
                Problem("bench-energy-factor", carrier=self.carrier, value=self.kg_co2_per_unit)
            )

    @property
    def tonnes(self) -> float:
        return self.amount * self.kg_co2_per_unit / 1000.0


@dataclass(frozen=True)
class CarbonEfficiency:
    gross: float  # t CO2 from energy use
    zero_carbon: float  # t CO2 avoided by zero-carbon generation (deducted)
    sinks: float  # t CO2 of sinks and storage (deducted)
    emissions: float  # t CO2 = gross − zero_carbon − sinks (not below zero)
    value_added: float  # 10,000 CNY
    intensity: float  # L, t CO2 per 10,000 CNY
    level: Level
    industry_average: float | None
    k: float | None
    grade: int | None  # 1 (best) … 5
    source: str


def level_of(intensity: float, method: EfficiencyMethod = ZHEJIANG_METHOD) -> Level:
    """Low, medium or high carbon: L ≤ first bound, ≤ second bound, above."""
    low, high = method.level_bounds
    if intensity <= low:
        return Level.LOW
    return Level.MEDIUM if intensity <= high else Level.HIGH


def grade_of(k: float, method: EfficiencyMethod = ZHEJIANG_METHOD) -> int:
    """Grade 1–5 of K = L / industry average: 1 + the number of bounds K exceeds."""
    return 1 + sum(1 for bound in method.grade_bounds if k > bound)


def emissions(
    uses: Sequence[EnergyUse],
    zero_carbon_kwh: float = 0.0,
    grid_kg_per_kwh: float = 0.0,
    sinks_t: float = 0.0,
) -> tuple[float, float, float, float]:
    """(gross, zero-carbon deduction, sinks, net) in t CO2, as the method counts them."""
    if zero_carbon_kwh < 0 or sinks_t < 0 or grid_kg_per_kwh < 0:
        raise BenchmarkError(Problem("bench-deductions"))
    gross = sum(u.tonnes for u in uses)
    avoided = zero_carbon_kwh * grid_kg_per_kwh / 1000.0
    return gross, avoided, sinks_t, max(gross - avoided - sinks_t, 0.0)


def carbon_efficiency(
    uses: Sequence[EnergyUse],
    value_added: float,
    industry_average: float | None,
    *,
    zero_carbon_kwh: float = 0.0,
    grid_kg_per_kwh: float = 0.0,
    sinks_t: float = 0.0,
    method: EfficiencyMethod = ZHEJIANG_METHOD,
) -> CarbonEfficiency:
    """L, the level and — with the industry average — K and the grade 1–5."""
    if not (value_added > 0 and math.isfinite(value_added)):
        raise BenchmarkError(Problem("bench-value-added", value=value_added))
    if industry_average is not None and not (industry_average > 0):
        raise BenchmarkError(Problem("bench-industry-average", value=industry_average))
    gross, avoided, sinks, net = emissions(uses, zero_carbon_kwh, grid_kg_per_kwh, sinks_t)
    intensity = net / value_added
    k = intensity / industry_average if industry_average is not None else None
    return CarbonEfficiency(
        gross=gross,
        zero_carbon=avoided,
        sinks=sinks,
        emissions=net,
        value_added=value_added,
        intensity=intensity,
        level=level_of(intensity, method),
        industry_average=industry_average,
        k=k,
        grade=grade_of(k, method) if k is not None else None,
        source=method.source,
    )
