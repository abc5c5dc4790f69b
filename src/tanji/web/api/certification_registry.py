"""Certification registry (API v1): registering a body, its staff, its consultancy
declarations, and the surveillance due. One service call per handler; who may is the
services' (the permission table, own organisation)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from tanji.services.certification import bodies, registry
from tanji.services.certification.surveillance import upcoming_surveillance
from tanji.web.deps import MAX_ID, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(tags=["certification"])


class ScopeItem(BaseModel):
    category: str = Field(min_length=1, max_length=80, description="a product category slug")
    certification_type: str = Field(description="footprint, low-carbon or carbon-neutral")


class BodyCreate(BaseModel):
    org_id: int = Field(ge=1, le=MAX_ID, description="an organisation of kind certification body")
    approval_number: str = Field(max_length=80, description="the CNCA approval number")
    scope: list[ScopeItem] = Field(min_length=1, max_length=200)
    pilot_qualified: bool = False


class StaffCreate(BaseModel):
    name: str = Field(max_length=200)
    qualification: str = Field(max_length=200)
    experience_since: date = Field(description="when their footprint work began")
    full_time: bool = True
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="a login of the body")


class StaffActive(BaseModel):
    active: bool


class StaffRead(BaseModel):
    id: int
    name: str
    qualification: str
    experience_since: date
    experience_years: int
    full_time: bool
    active: bool
    login: str | None
    counts: bool = Field(description="counts against the minimum of ten today")


class StaffListRead(BaseModel):
    staff: list[StaffRead]
    qualified: int
    minimum: int
    min_years: int


class DeclarationCreate(BaseModel):
    uscc: str = Field(max_length=40, description="the enterprise's unified social credit code")
    started_on: date
    ended_on: date | None = None
    staff_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="a staff member who consulted (else the body)"
    )


class DeclarationRead(BaseModel):
    id: int
    enterprise_org_id: int
    enterprise_name: str
    person: str | None
    started_on: date
    ended_on: date | None
    barred_until: date | None


class SurveillanceRead(BaseModel):
    certificate_id: int
    number: str
    product_name: str
    holder_org_id: int
    holder_name: str
    body_org_id: int
    case_id: int
    due_on: date
    overdue: bool
    days_left: int


@router.post("/certification/bodies", status_code=201)
def register_body(body: BodyCreate, session: SessionDep, actor: ActorDep) -> dict[str, int]:
    """Enter a certification-body organisation in the registry (the competent
    department, the platform operator; audited)."""
    body_id = bodies.register_body(
        session, actor, body.org_id, approval_number=body.approval_number,
        scope=[(s.category, s.certification_type) for s in body.scope],
        pilot_qualified=body.pilot_qualified,
    )  # fmt: skip
    return {"body_id": body_id}


@router.get("/certification/bodies/{org_id}/staff")
def list_staff(org_id: Id, session: SessionDep, actor: ActorDep) -> StaffListRead:
    """A body's certification staff and how many count against the minimum."""
    found = registry.staff_of(session, actor, org_id)
    return StaffListRead(
        staff=[StaffRead(**asdict(s)) for s in found.staff], qualified=found.qualified,
        minimum=found.minimum, min_years=found.min_years,
    )  # fmt: skip


@router.post("/certification/bodies/{org_id}/staff", status_code=201)
def add_staff(
    org_id: Id, person: StaffCreate, session: SessionDep, actor: ActorDep
) -> dict[str, int]:
    """A body's admin adds a certification person (own body only; audited)."""
    staff_id = bodies.add_staff(
        session, actor, org_id, name=person.name, qualification=person.qualification,
        experience_since=person.experience_since, full_time=person.full_time,
        user_id=person.user_id,
    )  # fmt: skip
    return {"staff_id": staff_id}


@router.post("/certification/bodies/{org_id}/staff/{staff_id}/active", status_code=204)
def set_staff_active(
    org_id: Id, staff_id: Id, change: StaffActive, session: SessionDep, actor: ActorDep
) -> None:
    """Take a person off the active staff (they left), or back on."""
    registry.set_staff_active(session, actor, org_id, staff_id, active=change.active)


@router.get("/certification/bodies/{org_id}/declarations")
def list_declarations(org_id: Id, session: SessionDep, actor: ActorDep) -> list[DeclarationRead]:
    """The consultancy an organisation declared (its admins, the overseers)."""
    return [DeclarationRead(**asdict(d)) for d in registry.declarations_of(session, actor, org_id)]


@router.post("/certification/declarations", status_code=201)
def declare(declaration: DeclarationCreate, session: SessionDep, actor: ActorDep) -> dict[str, int]:
    """Declare consultancy given to an enterprise, by your body or one of its staff; the
    body (or person) cannot take that enterprise's cases until two years after it ended."""
    declaration_id = registry.declare_for_credit_code(
        session, actor, declaration.uscc, started_on=declaration.started_on,
        ended_on=declaration.ended_on, staff_id=declaration.staff_id,
    )  # fmt: skip
    return {"declaration_id": declaration_id}


@router.get("/certification/surveillance")
def surveillance_due(
    session: SessionDep,
    actor: ActorDep,
    within_days: Annotated[int, Query(ge=0, le=3660)] = 60,
) -> list[SurveillanceRead]:
    """Certificates of your body (or yours as holder) whose surveillance is due within
    ``within_days`` or overdue; overseers see all."""
    found = upcoming_surveillance(session, actor, within_days=within_days)
    return [SurveillanceRead(**asdict(u)) for u in found]
