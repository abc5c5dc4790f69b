"""Benchmarks (category values, grades, distributions), diagnosis and 碳效码.

Permissions and tenants are the services' (:mod:`tanji.services.benchmarks`); a
handler parses, calls one service function and shapes the answer.
"""

from __future__ import annotations

from datetime import date

from fastapi import Query

from tanji.services.benchmarks import diagnosis, efficiency, grades, references
from tanji.web.api.benchmark_schemas import (
    CategoryList,
    CategoryValuesRead,
    DiagnosisRead,
    DiagnosisRequest,
    DistributionList,
    EfficiencyList,
    EfficiencyRead,
    EnergyReportWrite,
    GradeRead,
    IndustryAverageWrite,
    KeepLeverRequest,
    KeptRead,
    MethodWrite,
    OfficialValueWrite,
    PolicyWrite,
    SavedRead,
)
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(tags=["benchmarks"])

Year = Query(None, ge=2000, le=2100, description="the year (default: this year)")


def _year(year: int | None) -> int:
    return year if year is not None else date.today().year


@router.get("/benchmarks/categories")
def categories(actor: ActorDep, session: SessionDep) -> CategoryList:
    """Categories and declared units with certificates, official values or a rule."""
    found = references.known_categories(session)
    return CategoryList(
        count=len(found), data=[{"category": c, "declared_unit": u} for c, u in found]
    )


@router.get("/benchmarks/values")
def values(
    actor: ActorDep,
    session: SessionDep,
    category: str = Query(max_length=80),
    declared_unit: str = Query(max_length=80),
    year: int | None = Year,
) -> CategoryValuesRead:
    """Leading, baseline and limit values of a category (official ones win), their
    bootstrap intervals, how many certified footprints are still needed, the history
    by year and the rules' external references."""
    return CategoryValuesRead.of(
        references.category_values(session, category, declared_unit, _year(year))
    )


@router.post("/benchmarks/official-values", status_code=201)
def set_official(body: OfficialValueWrite, actor: ActorDep, session: SessionDep) -> SavedRead:
    """The competent department sets a value with the document that sets it."""
    return SavedRead(id=references.set_official_value(session, actor, **body.model_dump()))


@router.post("/benchmarks/policies", status_code=201)
def set_policy(body: PolicyWrite, actor: ActorDep, session: SessionDep) -> SavedRead:
    """The department sets a category's percentiles, minimum sample and maximum DQR."""
    b = body
    return SavedRead(
        id=references.set_policy(
            session, actor, category=b.category, declared_unit=b.declared_unit,
            leading=b.leading_percentile, baseline=b.baseline_percentile,
            limit=b.limit_percentile, min_sample=b.min_sample, max_dqr=b.max_dqr,
        )
    )  # fmt: skip


@router.get("/benchmarks/distribution")
def distribution(actor: ActorDep, session: SessionDep, year: int | None = Year) -> DistributionList:
    """Departments: every enterprise product's latest footprint graded, by category and city."""
    return DistributionList.of(grades.grade_distribution(session, actor, _year(year)))


@router.get("/benchmarks/products/{product_id}/grade")
def grade(
    product_id: Id,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
    year: int | None = Year,
    iterations: int = Query(1000, ge=0, le=5000),
    seed: int = Query(0, ge=0, le=2**32 - 1),
) -> GradeRead:
    """The product's grade with P(true footprint ≤ each value) from Monte Carlo."""
    found = grades.product_grade(
        session, app.backgrounds, actor, product_id, _year(year), iterations=iterations, seed=seed
    )
    return GradeRead.of(found)


@router.post("/benchmarks/products/{product_id}/diagnosis")
def diagnose(
    product_id: Id, body: DiagnosisRequest, actor: ActorDep, session: SessionDep, app: AppDep
) -> DiagnosisRead:
    """Hotspots and levers (the suggested ones when none are given), ranked by expected
    reduction with paired Monte Carlo intervals; with costs, the MAC order."""
    levers = (
        [diagnosis.lever_from(x.model_dump()) for x in body.levers]
        if body.levers is not None
        else None
    )
    found = diagnosis.diagnose(
        session, app.backgrounds, actor, product_id, levers,
        iterations=body.iterations, seed=body.seed,
    )  # fmt: skip
    return DiagnosisRead.of(found)


@router.post("/benchmarks/products/{product_id}/diagnosis/keep")
def keep(
    product_id: Id, body: KeepLeverRequest, actor: ActorDep, session: SessionDep, app: AppDep
) -> KeptRead:
    """Keep a lever's variant as the product's working model (its next version)."""
    lever = diagnosis.lever_from(body.lever.model_dump())
    version = diagnosis.keep_lever(session, app.backgrounds, actor, product_id, lever, body.version)
    return KeptRead(product_id=product_id, version=version)


@router.get("/efficiency")
def own_efficiency(actor: ActorDep, session: SessionDep, year: int | None = Year) -> EfficiencyRead:
    """Your enterprise's 碳效码 (the newest report, or that of ``year``)."""
    return EfficiencyRead.of(efficiency.enterprise_efficiency(session, actor, None, year))


@router.get("/efficiency/overview")
def overview(actor: ActorDep, session: SessionDep, year: int | None = Year) -> EfficiencyList:
    """Departments: every enterprise's 碳效码 of the year."""
    found = efficiency.efficiency_overview(session, actor, _year(year))
    return EfficiencyList(count=len(found), data=[EfficiencyRead.of(v) for v in found])


@router.get("/efficiency/organisations/{org_id}")
def org_efficiency(
    org_id: Id, actor: ActorDep, session: SessionDep, year: int | None = Year
) -> EfficiencyRead:
    """An enterprise's 碳效码: its own people, departments and the platform."""
    return EfficiencyRead.of(efficiency.enterprise_efficiency(session, actor, org_id, year))


@router.post("/efficiency/reports", status_code=201)
def report(body: EnergyReportWrite, actor: ActorDep, session: SessionDep) -> EfficiencyRead:
    """Report a year's energy use and value added; answers with the 碳效码."""
    data = body.model_dump()
    energy = data.pop("energy")
    return EfficiencyRead.of(efficiency.report_energy(session, actor, energy=energy, **data))


@router.post("/efficiency/method", status_code=201)
def set_method(body: MethodWrite, actor: ActorDep, session: SessionDep) -> SavedRead:
    """The department sets the 碳效码 bounds in force, with their source."""
    return SavedRead(
        id=efficiency.set_method(
            session, actor, level_bounds=body.level_bounds, grade_bounds=body.grade_bounds,
            source=body.source,
        )
    )  # fmt: skip


@router.post("/efficiency/industry-averages", status_code=201)
def set_average(body: IndustryAverageWrite, actor: ActorDep, session: SessionDep) -> SavedRead:
    """The department sets an industry's average L for a year, with its source."""
    return SavedRead(id=efficiency.set_industry_average(session, actor, **body.model_dump()))
