"""Certification pages by role — the body's workspace (its cases by state with
deadlines), the enterprise's applications, the competent department's overview (bodies,
cases, statistics) — and the registry entry of a body, the notifications and the public
certificate page. Handlers read the request and call the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from tanji.domain.accounts import Actor
from tanji.domain.certification import CaseState, CertificationType, CreditFindingKind
from tanji.services import accounts
from tanji.services.certification import bodies, notifications, registry, views
from tanji.services.certification._common import today
from tanji.services.certification.certificates import public_certificate
from tanji.services.certification.surveillance import upcoming_surveillance
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.web.deps import Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.certification import text
from tanji.web.ui.templating import render

__all__ = ["body_page_with", "oversee_page", "router", "words"]

router = page_router()
OVERSEE, WORK = "certification.oversee", "certification.work"


def words(request: Request) -> dict[str, Any]:
    """What every certification template needs: the labels and the reasons' translator."""
    gettext = translations(language_of(request)).gettext
    return {
        "states": text.STATES, "actions_text": text.ACTIONS, "roles_text": text.ROLES,
        "documents_text": text.DOCUMENTS, "finding_kinds": text.FINDING_KINDS,
        "finding_status": text.FINDING_STATUS, "certificate_status": text.CERTIFICATE_STATUS,
        "body_status": text.BODY_STATUS,
        "say_reasons": lambda reasons: text.say_reasons(reasons, gettext),
        "notice_text": lambda n: text.notice_text(n.kind, n.params, gettext),
    }  # fmt: skip


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _by_state(found: list[views.CaseSummary]) -> list[tuple[str, list[views.CaseSummary]]]:
    """The cases grouped by state, in the process's order."""
    return [
        (state.value, [c for c in found if c.state == state.value])
        for state in CaseState
        if any(c.state == state.value for c in found)
    ]


@router.get("/certification")
def home(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """A body's workspace, an enterprise's applications, or the department's overview."""
    if actor.can(OVERSEE):
        return oversee_page(request, session, actor, {})
    found = views.list_cases(session, actor)
    context: dict[str, Any] = words(request) | {"cases": found, "groups": _by_state(found)}
    context["surveillance"] = upcoming_surveillance(session, actor)
    if actor.can(WORK) or actor.org_kind.value == "certification-body":
        try:
            context["profile"] = bodies.body_profile(session, actor, actor.org_id)
        except NotFoundError:
            context["profile"] = None
        return render(request, "certification/body_home.html", context)
    return render(request, "certification/enterprise_home.html", context)


def oversee_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    """The competent department's overview, with the form that registers a body."""
    found = views.list_cases(session, actor)
    context = words(request) | {
        "cases": found, "groups": _by_state(found),
        "registry": views.bodies_for(session, actor), "stats": views.statistics(session, actor),
        "unregistered": registry.unregistered_bodies(session, actor),
        "categories": registry.scope_categories(session),
        "types": [t.value for t in CertificationType], "errors": errors,
        "surveillance": upcoming_surveillance(session, actor),
    }  # fmt: skip
    return render(request, "certification/oversee.html", context, status_code=status_code)


@router.get("/certification/bodies/{org_id}")
def body_page(request: Request, org_id: Id, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """A body's registry entry: approval, scope, staff, credit, blacklist, standing."""
    return body_page_with(request, session, actor, org_id, {})


def body_page_with(
    request: Request,
    session: SessionDep,
    actor: Actor,
    org_id: int,
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    profile = bodies.body_profile(session, actor, org_id)
    entries = bodies.blacklist_entries(session, actor, org_id)
    context = words(request) | {
        "profile": profile, "org_id": org_id, "entries": entries, "errors": errors,
        "may_oversee": actor.can(OVERSEE), "credit_kinds": [k.value for k in CreditFindingKind],
        "today": today(), "staff_list": registry.staff_of(session, actor, org_id),
    }  # fmt: skip
    keeps = actor.org_id == org_id and actor.can("certification.body")
    context["may_keep"] = keeps
    if keeps or actor.can(OVERSEE):
        context["declarations"] = registry.declarations_of(session, actor, org_id)
    if keeps:
        context["members"] = accounts.members(session, actor, org_id)
    return render(request, "certification/body.html", context, status_code=status_code)


def _oversight(
    request: Request, session: SessionDep, actor: Actor, org_id: int, change: Any
) -> HTMLResponse | RedirectResponse:
    try:
        change()
    except InvalidInputError as error:
        session.rollback()
        fields = dict(error.fields or {}) or {"form": str(error)}
        return body_page_with(request, session, actor, org_id, fields, status_code=422)
    return _see(f"/certification/bodies/{org_id}")


@router.post("/certification/bodies/{org_id}/status", response_model=None)
def body_status(
    request: Request,
    org_id: Id,
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Suspend, revoke or reactivate a body (the department, the operator; audited)."""
    return _oversight(
        request, session, actor, org_id,
        lambda: bodies.set_body_status(session, actor, org_id, status, reason=reason),
    )  # fmt: skip


@router.post("/certification/bodies/{org_id}/blacklist", response_model=None)
def body_blacklist(
    request: Request,
    org_id: Id,
    session: SessionDep,
    actor: ActorDep,
    reason: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Put a body on the blacklist with the reason and the deciding authority."""
    return _oversight(
        request, session, actor, org_id,
        lambda: bodies.blacklist_body(session, actor, org_id, reason=reason, authority=authority),
    )  # fmt: skip


@router.post("/certification/bodies/{org_id}/blacklist/{entry_id}/lift", response_model=None)
def body_lift(
    request: Request,
    org_id: Id,
    entry_id: Id,
    session: SessionDep,
    actor: ActorDep,
    appeal: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Lift a blacklist entry, recording the appeal or decision."""
    return _oversight(
        request, session, actor, org_id,
        lambda: bodies.lift_blacklist(session, actor, entry_id, appeal=appeal),
    )  # fmt: skip


@router.post("/certification/bodies/{org_id}/credit", response_model=None)
def body_credit(
    request: Request,
    org_id: Id,
    session: SessionDep,
    actor: ActorDep,
    kind: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    found_on: Annotated[date | None, Form()] = None,
) -> HTMLResponse | RedirectResponse:
    """Record a finding against a body's credit."""
    return _oversight(
        request, session, actor, org_id,
        lambda: bodies.record_credit_finding(
            session, actor, org_id, kind, note=note, found_on=found_on
        ),
    )  # fmt: skip


@router.get("/notifications")
def notices(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """The steps that wait on you or your organisation, newest first."""
    context = words(request) | {"notices": notifications.notices(session, actor)}
    return render(request, "certification/notifications.html", context)


@router.post("/notifications/read-all")
def notices_read(session: SessionDep, actor: ActorDep) -> RedirectResponse:
    notifications.mark_all_read(session, actor)
    return _see("/notifications")


@router.post("/notifications/{notice_id}/open")
def notice_open(notice_id: Id, session: SessionDep, actor: ActorDep) -> RedirectResponse:
    """Mark the notice read and go to its case."""
    notifications.mark_read(session, actor, notice_id)
    found = next((n for n in notifications.notices(session, actor) if n.id == notice_id), None)
    if found is not None and found.kind == "service-request":
        return _see("/provider#requests")
    case_id = found.case_id if found else None
    supply = found.params.get("supply_request") if found else None
    if supply is not None:  # a green-supply-chain notice: its request
        return _see(f"/supply/requests/{int(supply)}")
    if found is not None and found.kind.startswith("contact-"):  # the public directory's
        return _see("/directory/contacts")
    return _see(f"/certification/cases/{case_id}" if case_id else "/notifications")


@router.get("/certificates/{number}")
def certificate_page(request: Request, number: str, session: SessionDep) -> HTMLResponse:
    """A certificate, public: its status and its issuing body's standing today."""
    found = public_certificate(session, number)
    return render(request, "certification/certificate.html", words(request) | {"c": found})
