"""The government's desk (issue 17): the annual work plan and progress by sector, city,
year and status. Permissions and the city scope are the services'
(:mod:`tanji.services.desk`)."""

from __future__ import annotations

from datetime import date

from fastapi import Path, Query

from tanji.services.desk import plans, progress
from tanji.web.api.desk_schemas import PlanList, PlanOut, PlanWrite, ProgressOut, StatisticsOut
from tanji.web.deps import SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(tags=["desk"])

PlanYear = Path(ge=2020, le=2100, description="the plan's year")


@router.get("/desk/plans")
def list_plans(actor: ActorDep, session: SessionDep) -> PlanList:
    """Every year's work plan, newest first (departments and the operator)."""
    found = plans.list_plans(session, actor)
    return PlanList(count=len(found), data=[PlanOut.of(p) for p in found])


@router.get("/desk/plans/{year}")
def get_plan(actor: ActorDep, session: SessionDep, year: int = PlanYear) -> PlanOut:
    """The work plan of ``year`` (404 when none was set)."""
    return PlanOut.of(plans.get_plan(session, actor, year))


@router.put("/desk/plans/{year}")
def set_plan(
    body: PlanWrite, actor: ActorDep, session: SessionDep, year: int = PlanYear
) -> PlanOut:
    """The provincial department sets the year's focus sectors and targets by city; a
    change names the ``version`` it read (409 when the plan changed since)."""
    saved = plans.set_plan(
        session, actor, year=year, focus_sectors=body.focus_sectors,
        city_targets=body.city_targets, province_target=body.province_target,
        document=body.document, version=body.version,
    )  # fmt: skip
    return PlanOut.of(saved)


@router.get("/desk/progress")
def get_progress(
    actor: ActorDep,
    session: SessionDep,
    year: int | None = Query(
        None, ge=2000, le=2100, description="up to the end of (default: this year)"
    ),
    include_demo: bool = Query(False, description="show demo organisations (never counted)"),
    city: str = Query("", max_length=20, description="drill down to a city (region code)"),
    category: str = Query("", max_length=80, description="drill down to a sector"),
    status: str = Query(
        "", max_length=30, description="self-declared, in-certification or certified"
    ),
    org: int | None = Query(None, ge=1, le=2**63 - 1, description="drill down to an enterprise"),
) -> ProgressOut:
    """Products by status, city, sector and year against the goals and the plan, and
    the enterprises and products of the drill-down. A city department sees its city."""
    view = progress.desk_view(
        session, actor, year or date.today().year, include_demo=include_demo,
        city=city, category=category, status=status, org=org,
    )  # fmt: skip
    return ProgressOut.of(view)


@router.get("/desk/certification-statistics")
def statistics(actor: ActorDep, session: SessionDep) -> StatisticsOut:
    """Certification cases by state and certificates by status in the caller's scope."""
    s = progress.certification_statistics(session, actor)
    return StatisticsOut(
        cases_by_state=s.cases_by_state,
        certificates_by_status=s.certificates_by_status,
        certificates_granted=sum(s.certificates_by_status.values()),
        valid_by_category=s.by_category,
    )
