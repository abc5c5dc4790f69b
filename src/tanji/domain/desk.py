"""The government's desk: the annual work plan and the statuses progress is counted in.

Jiangsu's plan (S1) has the provincial department set, each year, the one or two focus
sectors (product categories) and a target per city; the province's own goals are about
400 product footprints by 2025 and 1,000 by 2030 (R2.3). A product counts in one status:

- **certified**: a footprint of it has a certificate in force;
- **in certification**: no certificate in force, but a certification case is open;
- **self-declared**: a computed footprint, nothing else.

Plain data and checks only; the services store the plan and count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tanji.domain.problems import Problem
from tanji.domain.regions import JIANGSU_CITIES

__all__ = [
    "GOALS",
    "MAX_FOCUS_SECTORS",
    "MAX_TARGET",
    "DeskStatus",
    "WorkPlan",
    "plan_problems",
]

#: Year → product footprints the province aims for (the plan's 400 by 2025, 1,000 by 2030).
GOALS: tuple[tuple[int, int], ...] = ((2025, 400), (2030, 1000))
#: "Each year, one or two key sectors" (S1).
MAX_FOCUS_SECTORS = 2
#: A city's target above this is a typing mistake, not a plan.
MAX_TARGET = 100_000
_CITIES = frozenset(city.code for city in JIANGSU_CITIES)


class DeskStatus(StrEnum):
    SELF_DECLARED = "self-declared"
    IN_CERTIFICATION = "in-certification"
    CERTIFIED = "certified"


@dataclass(frozen=True)
class WorkPlan:
    """One year's work plan: its focus sectors, its targets by city (region code →
    products), the province's target of the year and the document that sets it."""

    year: int
    focus_sectors: tuple[str, ...]
    city_targets: Mapping[str, int] = field(default_factory=dict)
    province_target: int | None = None
    document: str = ""

    @property
    def total_city_targets(self) -> int:
        return sum(self.city_targets.values())


def plan_problems(plan: WorkPlan) -> dict[str, str]:
    """What is wrong with ``plan``, by field (empty when it may be saved)."""
    problems: dict[str, str] = {}
    if not 2020 <= plan.year <= 2100:
        problems["year"] = Problem("desk-year", value=plan.year)
    sectors = [s.strip() for s in plan.focus_sectors if s.strip()]
    if not 1 <= len(sectors) <= MAX_FOCUS_SECTORS or len(set(sectors)) != len(sectors):
        problems["focus_sectors"] = Problem("desk-sectors", count=len(sectors))
    for code, target in plan.city_targets.items():
        if code not in _CITIES:
            problems[f"target_{code}"] = Problem("desk-city", city=code)
        elif not 0 <= target <= MAX_TARGET:
            problems[f"target_{code}"] = Problem("desk-target", value=target, limit=MAX_TARGET)
    if plan.province_target is not None and not 0 <= plan.province_target <= MAX_TARGET:
        problems["province_target"] = Problem(
            "desk-target", value=plan.province_target, limit=MAX_TARGET
        )
    if len(plan.document) > 2000:
        problems["document"] = Problem("too-long", length=len(plan.document), limit=2000)
    return problems
