"""The province's annual work plan: set by the provincial department, read by every
department (a city department reads its own city's target).

One function per intention; the caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import DeskWorkPlanRow
from tanji.domain.accounts import Actor
from tanji.domain.desk import WorkPlan, plan_problems
from tanji.services.audit import audit
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError
from tanji.services.permissions import require

__all__ = ["PlanRead", "get_plan", "list_plans", "plan_of", "set_plan"]


@dataclass(frozen=True)
class PlanRead:
    """A stored plan and the version an edit must name."""

    plan: WorkPlan
    version: int


def _read(row: DeskWorkPlanRow) -> PlanRead:
    targets = {str(k): int(v) for k, v in json.loads(row.city_targets).items()}
    plan = WorkPlan(
        year=row.year,
        focus_sectors=tuple(json.loads(row.focus_sectors)),
        city_targets=targets,
        province_target=row.province_target,
        document=row.document,
    )
    return PlanRead(plan, row.version)


def plan_of(session: Session, year: int) -> PlanRead | None:
    """The plan of ``year`` as stored (no permission check: for the services' own use)."""
    row = session.scalar(select(DeskWorkPlanRow).where(DeskWorkPlanRow.year == year))
    return _read(row) if row is not None else None


def get_plan(session: Session, actor: Actor, year: int) -> PlanRead:
    """The plan of ``year``; 404 when none was set."""
    require(actor, "desk.read")
    found = plan_of(session, year)
    if found is None:
        raise NotFoundError(f"No work plan for {year} yet.")
    return found


def list_plans(session: Session, actor: Actor) -> list[PlanRead]:
    """Every year's plan, newest first."""
    require(actor, "desk.read")
    rows = session.scalars(select(DeskWorkPlanRow).order_by(DeskWorkPlanRow.year.desc()))
    return [_read(row) for row in rows]


def set_plan(
    session: Session,
    actor: Actor,
    *,
    year: int,
    focus_sectors: Sequence[str],
    city_targets: Mapping[str, int],
    province_target: int | None = None,
    document: str = "",
    version: int | None = None,
) -> PlanRead:
    """Set (or change) the plan of ``year``. Changing an existing plan names the
    ``version`` read (409 when someone changed it since); the first plan of a year
    needs none."""
    require(actor, "desk.plan")
    plan = WorkPlan(
        year=year,
        focus_sectors=tuple(s.strip() for s in focus_sectors if s.strip()),
        city_targets={k: v for k, v in city_targets.items() if v},
        province_target=province_target,
        document=document.strip(),
    )
    problems = plan_problems(plan)
    if problems:
        raise InvalidInputError(
            "; ".join(f"{k}: {v}" for k, v in problems.items()), fields=problems
        )
    row = session.scalar(select(DeskWorkPlanRow).where(DeskWorkPlanRow.year == year))
    before = None
    if row is None:
        row = DeskWorkPlanRow(year=year, version=1)
        session.add(row)
    else:
        if version is None or version != row.version:
            raise ConflictError(
                f"The {year} work plan was changed since you read it (version {row.version}); "
                "reload it and make your change again."
            )
        before = {"sectors": json.loads(row.focus_sectors), "targets": json.loads(row.city_targets)}
        row.version += 1
    row.focus_sectors = json.dumps(list(plan.focus_sectors), ensure_ascii=False)
    row.city_targets = json.dumps(dict(sorted(plan.city_targets.items())))
    row.province_target = plan.province_target
    row.document = plan.document
    row.set_by_org_id = actor.org_id
    row.set_by = actor.user_id
    session.flush()
    after = {
        "year": year,
        "sectors": list(plan.focus_sectors),
        "targets": dict(plan.city_targets),
        "province_target": plan.province_target,
    }
    audit(session, actor, "desk.plan", "desk_work_plan", row.id, before, after)
    return _read(row)
