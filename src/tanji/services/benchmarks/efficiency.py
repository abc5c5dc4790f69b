"""The enterprise's 碳效码: its energy report, the method in force, the industry average.

The enterprise's editors report a year's energy use (each carrier with a factor of the
library, ``DB:CODE``), value added (10,000 CNY, income method), zero-carbon generation
and sinks (:func:`report_energy`); the department sets the method's bounds and the
industry averages with their source (:func:`set_method`, :func:`set_industry_average`).
:func:`enterprise_efficiency` computes L, the level, K and the grade; the factors' CO2
(not CO2e: the method counts CO2) come from the library with their sources.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from tanji.db.models import (
    BenchmarkEfficiencyMethodRow,
    BenchmarkEnergyReportRow,
    BenchmarkIndustryAverageRow,
    OrganisationRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.benchmarks import (
    ZHEJIANG_METHOD,
    BenchmarkError,
    CarbonEfficiency,
    EfficiencyMethod,
    EnergyUse,
    carbon_efficiency,
)
from tanji.domain.factors import EmissionFactor
from tanji.domain.problems import Problem, problem_of
from tanji.domain.units import UnitError, convert
from tanji.services.audit import audit
from tanji.services.catalog import readers_of_org
from tanji.services.desk.progress import city_of
from tanji.services.errors import NotFoundError, PermissionDeniedError, invalid_field
from tanji.services.factors import factor_detail
from tanji.services.permissions import require

__all__ = [
    "EfficiencyView",
    "EnergyLine",
    "IndustryAverage",
    "efficiency_overview",
    "enterprise_efficiency",
    "list_industry_averages",
    "method_in_force",
    "report_energy",
    "set_industry_average",
    "set_method",
]


@dataclass(frozen=True)
class EnergyLine:
    carrier: str
    amount: float
    unit: str
    factor: str  # DB:CODE of the library


@dataclass(frozen=True)
class IndustryAverage:
    industry: str
    name: str
    year: int
    value: float
    source: str
    illustrative: bool


@dataclass(frozen=True)
class EfficiencyView:
    org_id: int
    org_name: str
    region: str
    year: int
    industry: str
    uses: tuple[EnergyUse, ...]
    average: IndustryAverage | None
    result: CarbonEfficiency
    method: EfficiencyMethod
    grid_factor: str
    illustrative: bool


def _co2_per_unit(factor: EmissionFactor) -> float:
    co2 = sum(g.kg for g in factor.gases if g.gas == "CO2")
    if co2:
        return co2
    return float(factor.co2e or 0.0)


def _factor(session: Session, org_id: int, ref: str, where: str) -> tuple[EmissionFactor, str]:
    try:
        detail = factor_detail(session, ref, readers_of_org(session, org_id))
    except NotFoundError as error:
        raise invalid_field(where, str(error)) from None
    return detail.factor, detail.ref


def _use(session: Session, org_id: int, line: EnergyLine, i: int) -> EnergyUse:
    factor, ref = _factor(session, org_id, line.factor, f"energy[{i}].factor")
    try:
        amount = convert(line.amount, line.unit, factor.unit)
    except UnitError as error:
        raise invalid_field(f"energy[{i}].unit", f"{line.carrier}: {error}") from None
    s = factor.source
    source = f"{ref}: {s.publisher}, {s.title}" + (f", {s.year}" if s.year else "")
    return EnergyUse(line.carrier, amount, factor.unit, _co2_per_unit(factor), source)


def method_in_force(session: Session) -> EfficiencyMethod:
    """The newest method the department set, else Zhejiang's published one."""
    row = session.scalar(
        select(BenchmarkEfficiencyMethodRow).order_by(BenchmarkEfficiencyMethodRow.id.desc())
    )
    if row is None:
        return ZHEJIANG_METHOD
    return EfficiencyMethod(
        (row.level_low, row.level_high), (row.k1, row.k2, row.k3, row.k4), row.source
    )


def list_industry_averages(session: Session) -> list[IndustryAverage]:
    """Every industry average the department set, newest year first (public: they are
    the benchmark everyone's grade is computed against, with their source)."""
    rows = session.scalars(
        select(BenchmarkIndustryAverageRow).order_by(
            BenchmarkIndustryAverageRow.year.desc(),
            BenchmarkIndustryAverageRow.industry,
            BenchmarkIndustryAverageRow.id.desc(),
        )
    )
    return [IndustryAverage(r.industry, r.name, r.year, r.value, r.source, r.illustrative)
            for r in rows]  # fmt: skip


def _average(session: Session, industry: str, year: int) -> IndustryAverage | None:
    row = session.scalar(
        select(BenchmarkIndustryAverageRow)
        .where(
            BenchmarkIndustryAverageRow.industry == industry,
            BenchmarkIndustryAverageRow.year <= year,
        )
        .order_by(BenchmarkIndustryAverageRow.year.desc(), BenchmarkIndustryAverageRow.id.desc())
    )
    if row is None:
        return None
    return IndustryAverage(row.industry, row.name, row.year, row.value, row.source,
                           row.illustrative)  # fmt: skip


def _report(session: Session, org_id: int, year: int | None) -> BenchmarkEnergyReportRow:
    query = select(BenchmarkEnergyReportRow).where(BenchmarkEnergyReportRow.org_id == org_id)
    if year is not None:
        query = query.where(BenchmarkEnergyReportRow.year == year)
    row = session.scalar(
        query.order_by(BenchmarkEnergyReportRow.year.desc(), BenchmarkEnergyReportRow.id.desc())
    )
    if row is None:
        raise NotFoundError(
            "no energy report yet" + (f" for {year}" if year else "")
            + ": report the year's energy use and value added first"
        )  # fmt: skip
    return row


def _view(session: Session, row: BenchmarkEnergyReportRow) -> EfficiencyView:
    org = session.get(OrganisationRow, row.org_id)
    assert org is not None
    lines = [EnergyLine(**x) for x in json.loads(row.energy)]
    uses = tuple(_use(session, row.org_id, line, i) for i, line in enumerate(lines))
    grid = 0.0
    if row.zero_carbon_kwh and row.grid_factor:
        factor, _ = _factor(session, row.org_id, row.grid_factor, "grid_factor")
        grid = _co2_per_unit(factor) * convert(1.0, "kWh", factor.unit)
    average = _average(session, row.industry, row.year)
    method = method_in_force(session)
    result = carbon_efficiency(
        uses,
        row.value_added,
        average.value if average else None,
        zero_carbon_kwh=row.zero_carbon_kwh,
        grid_kg_per_kwh=grid,
        sinks_t=row.sinks_t,
        method=method,
    )
    return EfficiencyView(
        org.id, org.name, org.region, row.year, row.industry, uses, average, result, method,
        row.grid_factor, row.illustrative or bool(average and average.illustrative),
    )  # fmt: skip


def enterprise_efficiency(
    session: Session, actor: Actor, org_id: int | None = None, year: int | None = None
) -> EfficiencyView:
    """An enterprise's 碳效码 (its own; departments and the platform see every one)."""
    target = org_id if org_id is not None else actor.org_id
    if target != actor.org_id and not actor.can("benchmark.oversee"):
        raise PermissionDeniedError("you may see your own organisation's 碳效码 only")
    view = _view(session, _report(session, target, year))
    city = city_of(session, actor)
    if target != actor.org_id and city is not None and view.region != city:
        raise PermissionDeniedError("a city department sees its own city's enterprises only")
    return view


def efficiency_overview(session: Session, actor: Actor, year: int) -> list[EfficiencyView]:
    """Every enterprise's 碳效码 of ``year`` (departments)."""
    require(actor, "benchmark.oversee")
    city = city_of(session, actor)  # a city department sees its own city only
    rows = session.scalars(
        select(BenchmarkEnergyReportRow)
        .join(OrganisationRow, OrganisationRow.id == BenchmarkEnergyReportRow.org_id)
        .where(
            BenchmarkEnergyReportRow.year == year,
            OrganisationRow.kind == OrgKind.ENTERPRISE.value,
            OrganisationRow.region == city if city is not None else true(),
        )
        .order_by(BenchmarkEnergyReportRow.id.desc())
    ).all()
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.org_id not in seen:
            seen.add(row.org_id)
            out.append(_view(session, row))
    return sorted(out, key=lambda v: (v.region, v.org_name))


def _number(value: Any, where: str, *, positive: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise invalid_field(where, Problem("bench-number", value=repr(value))) from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise invalid_field(where, Problem("bench-positive" if positive else "bench-non-negative"))
    return x


def report_energy(
    session: Session,
    actor: Actor,
    *,
    year: int,
    industry: str,
    value_added: float,
    energy: Sequence[Mapping[str, Any]],
    zero_carbon_kwh: float = 0.0,
    grid_factor: str = "",
    sinks_t: float = 0.0,
    illustrative: bool = False,
) -> EfficiencyView:
    """Store the enterprise's report for ``year`` (a newer one replaces it in use)."""
    require(actor, "efficiency.report")
    if not 2000 <= year <= 2100:
        raise invalid_field("year", Problem("bench-year", value=year))
    if not industry.strip():
        raise invalid_field("industry", Problem("bench-industry"))
    lines = []
    for i, e in enumerate(energy):
        try:
            line = EnergyLine(str(e["carrier"]), _number(e["amount"], f"energy[{i}].amount"),
                              str(e["unit"]), str(e["factor"]))  # fmt: skip
        except KeyError as missing:
            raise invalid_field(f"energy[{i}]", Problem("bench-missing", name=missing)) from None
        _use(session, actor.org_id, line, i)  # the factor and unit must resolve now
        lines.append(line.__dict__)
    if not lines:
        raise invalid_field("energy", Problem("bench-energy"))
    zero = _number(zero_carbon_kwh, "zero_carbon_kwh")
    if zero and not grid_factor:
        raise invalid_field("grid_factor", Problem("bench-grid-factor"))
    row = BenchmarkEnergyReportRow(
        org_id=actor.org_id,
        year=year,
        industry=industry.strip(),
        value_added=_number(value_added, "value_added", positive=True),
        energy=json.dumps(lines, ensure_ascii=False),
        zero_carbon_kwh=zero,
        grid_factor=grid_factor,
        sinks_t=_number(sinks_t, "sinks_t"),
        illustrative=illustrative,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    view = _view(session, row)
    audit(session, actor, "efficiency.report", "benchmark_energy_report", row.id, None,
          {"year": year, "industry": industry, "value_added": value_added,
           "intensity": view.result.intensity, "grade": view.result.grade})  # fmt: skip
    return view


def set_method(
    session: Session,
    actor: Actor,
    *,
    level_bounds: tuple[float, float],
    grade_bounds: tuple[float, float, float, float],
    source: str,
) -> int:
    """The department sets the 碳效码 bounds in force, with their source."""
    require(actor, "benchmark.set")
    try:
        EfficiencyMethod(level_bounds, grade_bounds, source)
    except BenchmarkError as error:
        raise invalid_field("bounds", problem_of(error)) from None
    row = BenchmarkEfficiencyMethodRow(
        level_low=level_bounds[0], level_high=level_bounds[1], k1=grade_bounds[0],
        k2=grade_bounds[1], k3=grade_bounds[2], k4=grade_bounds[3], source=source,
        set_by_org_id=actor.org_id, set_by=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(session, actor, "benchmark.method", "benchmark_efficiency_method", row.id, None,
          {"level": list(level_bounds), "k": list(grade_bounds), "source": source})  # fmt: skip
    return row.id


def set_industry_average(
    session: Session,
    actor: Actor,
    *,
    industry: str,
    name: str,
    year: int,
    value: float,
    source: str,
    illustrative: bool = False,
) -> int:
    """The department sets an industry's average L for a year, with its source."""
    require(actor, "benchmark.set")
    if not source.strip():
        raise invalid_field("source", Problem("bench-average-source"))
    row = BenchmarkIndustryAverageRow(
        industry=industry.strip(), name=name, year=year,
        value=_number(value, "value", positive=True), source=source.strip(),
        illustrative=illustrative, set_by_org_id=actor.org_id, set_by=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(session, actor, "benchmark.average", "benchmark_industry_average", row.id, None,
          {"industry": industry, "year": year, "value": value, "source": source})  # fmt: skip
    return row.id
