"""Registry forms: the competent department registers a body (CNCA approval number,
scope, pilot qualification); a body's admins keep its certification staff and declare
consultancy (impartiality). The pages that show the forms are in :mod:`.pages`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from tanji.services.certification import bodies, registry
from tanji.services.errors import InvalidInputError, invalid_field
from tanji.web.deps import Id, SessionDep
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.certification import pages

__all__ = ["router"]

router = page_router()


def _fields(error: InvalidInputError) -> dict[str, str]:
    return dict(error.fields or {}) or {"form": str(error)}


def _kept(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    org_id: int,
    change: Callable[[], Any],
    anchor: str,
) -> HTMLResponse | RedirectResponse:
    try:
        change()
    except InvalidInputError as error:
        session.rollback()
        return pages.body_page_with(request, session, actor, org_id, _fields(error), 422)
    return RedirectResponse(f"/certification/bodies/{org_id}#{anchor}", status_code=303)


@router.post("/certification/bodies", response_model=None)
def register(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    org_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    approval_number: Annotated[str, Form(max_length=80)] = "",
    categories: Annotated[list[str] | None, Form()] = None,
    types: Annotated[list[str] | None, Form()] = None,
    pilot_qualified: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Enter a certification-body organisation in the registry (audited)."""
    scope = [(c, t) for c in categories or [] for t in types or []]
    try:
        if not scope:
            raise invalid_field("scope", "Choose at least one category and one certification type.")
        bodies.register_body(
            session, actor, org_id, approval_number=approval_number, scope=scope,
            pilot_qualified=pilot_qualified,
        )  # fmt: skip
    except InvalidInputError as error:
        session.rollback()
        return pages.oversee_page(request, session, actor, _fields(error), 422)
    return RedirectResponse(f"/certification/bodies/{org_id}", status_code=303)


@router.post("/certification/bodies/{org_id}/staff", response_model=None)
def add_staff(
    request: Request,
    org_id: Id,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    qualification: Annotated[str, Form(max_length=200)] = "",
    experience_since: Annotated[date | None, Form()] = None,
    full_time: Annotated[bool, Form()] = False,
    user_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
) -> HTMLResponse | RedirectResponse:
    """Add a certification person (counted against the minimum when qualified)."""

    def change() -> None:
        if experience_since is None:
            raise invalid_field("experience_since", "Give the date the experience began.")
        bodies.add_staff(
            session, actor, org_id, name=name, qualification=qualification,
            experience_since=experience_since, full_time=full_time, user_id=user_id,
        )  # fmt: skip

    return _kept(request, session, actor, org_id, change, "staff")


@router.post("/certification/bodies/{org_id}/staff/{staff_id}/active", response_model=None)
def staff_active(
    request: Request,
    org_id: Id,
    staff_id: Id,
    session: SessionDep,
    actor: ActorDep,
    active: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Take a person off the active staff, or back on."""
    return _kept(
        request, session, actor, org_id,
        lambda: registry.set_staff_active(session, actor, org_id, staff_id, active=active),
        "staff",
    )  # fmt: skip


@router.post("/certification/bodies/{org_id}/declarations", response_model=None)
def declare(
    request: Request,
    org_id: Id,
    session: SessionDep,
    actor: ActorDep,
    uscc: Annotated[str, Form(max_length=40)] = "",
    started_on: Annotated[date | None, Form()] = None,
    ended_on: Annotated[date | None, Form()] = None,
    staff_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
) -> HTMLResponse | RedirectResponse:
    """Declare consultancy given to an enterprise (by the body or one of its staff)."""

    def change() -> None:
        if org_id != actor.org_id:
            raise invalid_field("form", "Declare for your own organisation.")
        if started_on is None:
            raise invalid_field("started_on", "Give the date the consultancy began.")
        registry.declare_for_credit_code(
            session, actor, uscc, started_on=started_on, ended_on=ended_on, staff_id=staff_id
        )

    return _kept(request, session, actor, org_id, change, "declarations")
