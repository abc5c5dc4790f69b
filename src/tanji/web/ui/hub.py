"""Service hub pages (issue 17): the public directory of service providers and a
service's page with the request form (R5.3); the provider's workspace (its services, the
requests it received) and an enterprise's sent requests; the policy and training
section, public to read, with forms for the departments and the operator (R5.2, S2).
Handlers parse forms and call the services (:mod:`tanji.services.hub`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from tanji.domain.hub import POLICY_KINDS, SERVICE_CATEGORIES
from tanji.domain.regions import JIANGSU, JIANGSU_CITIES, region_name
from tanji.services.errors import ConflictError, InvalidInputError, PermissionDeniedError
from tanji.services.hub import policy, providers
from tanji.web.deps import Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.markdown import render_markdown
from tanji.web.security import ActorDep, MaybeActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()
MAX_ID = 2**63 - 1


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    """Mark a msgid for extraction; it is translated when shown."""
    return message


CATEGORY_LABELS = {
    "consulting": N_("Low-carbon consulting"), "testing": N_("Testing and inspection"),
    "certification": N_("Label certification"), "green-design": N_("Green design"),
    "finance": N_("Financial services"), "legal": N_("Legal and trade services"),
}  # fmt: skip
KIND_LABELS = {
    "notice": N_("Notice"), "policy": N_("Rules and policies"),
    "training": N_("Training course"), "event": N_("Event"),
}  # fmt: skip
STATUS_LABELS = {"open": N_("Open"), "answered": N_("Answered"), "closed": N_("Closed")}
_AT_MOST = re.compile(r"^At most (\d+) characters\.$")


def _words(request: Request, errors: dict[str, str] | None = None) -> dict[str, Any]:
    language = language_of(request)
    gettext = translations(language).gettext

    def say(message: str) -> str:
        found = _AT_MOST.match(message)
        if found:
            return gettext("At most %(n)s characters.") % {"n": found.group(1)}
        return gettext(message)

    return {
        "categories": SERVICE_CATEGORIES, "category_labels": CATEGORY_LABELS,
        "kinds": POLICY_KINDS, "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
        "cities": (JIANGSU, *JIANGSU_CITIES),
        "city_name": lambda code: region_name(code, language),
        "errors": {field: say(m) for field, m in (errors or {}).items()},
    }  # fmt: skip


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _refused(error: InvalidInputError | ConflictError) -> dict[str, str]:
    if isinstance(error, InvalidInputError):
        return dict(error.fields or {}) or {"form": str(error)}
    return {"form": "Changed meanwhile by someone else; reload the page and try again."}


# --- the directory and a service ------------------------------------------------------


@router.get("/providers")
def directory(
    request: Request,
    session: SessionDep,
    category: Annotated[str, Query(max_length=40)] = "",
    city: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """The public directory of service providers' services (no login)."""
    errors: dict[str, str] = {}
    try:
        found = providers.directory(session, category=category, city=city, text=q)
    except InvalidInputError as error:
        found, errors = [], dict(error.fields or {})
    context = _words(request, errors) | {
        "services": found, "category": category, "city": city, "q": q,
    }  # fmt: skip
    return render(request, "hub/directory.html", context, status_code=422 if errors else 200)


def _service_page(
    request: Request,
    session: SessionDep,
    actor: Any,
    service_id: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _words(request, errors) | {
        "s": providers.get_service(session, service_id),
        "may_request": actor is not None and actor.can("service.request"),
        "sent": request.query_params.get("sent") == "1",
    }  # fmt: skip
    return render(request, "hub/service.html", context, status_code=status_code)


@router.get("/providers/services/{service_id}")
def service_page(
    request: Request, service_id: Id, session: SessionDep, actor: MaybeActorDep
) -> HTMLResponse:
    """A service: what the provider offers, and the request form for enterprises."""
    return _service_page(request, session, actor, service_id)


@router.post("/providers/services/{service_id}/request", response_model=None)
def send_request(
    request: Request,
    service_id: Id,
    session: SessionDep,
    actor: ActorDep,
    message: Annotated[str, Form(max_length=4000)] = "",
    contact: Annotated[str, Form(max_length=400)] = "",
) -> HTMLResponse | RedirectResponse:
    """An enterprise sends a request through the platform."""
    try:
        providers.send_request(session, actor, service_id, message=message, contact=contact)
    except InvalidInputError as error:
        session.rollback()
        return _service_page(request, session, actor, service_id, _refused(error), 422)
    return _see(f"/providers/services/{service_id}?sent=1")


@router.get("/providers/requests")
def sent_requests(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """The requests your enterprise sent, with the providers' answers."""
    context = _words(request) | {"sent": providers.requests_sent(session, actor)}
    return render(request, "hub/sent.html", context)


# --- the provider's workspace ---------------------------------------------------------


def _workspace(
    request: Request,
    session: SessionDep,
    actor: Any,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _words(request, errors) | {
        "mine": providers.my_services(session, actor),
        "received": providers.requests_received(session, actor),
    }  # fmt: skip
    return render(request, "hub/provider.html", context, status_code=status_code)


@router.get("/provider")
def provider_home(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """A service provider's workspace: its services and the requests it received."""
    return _workspace(request, session, actor)


def _kept(
    request: Request, session: SessionDep, actor: Any, change: Callable[[], object], anchor: str
) -> HTMLResponse | RedirectResponse:
    try:
        change()
    except (InvalidInputError, ConflictError) as error:
        session.rollback()
        status = 409 if isinstance(error, ConflictError) else 422
        return _workspace(request, session, actor, _refused(error), status)
    return _see(f"/provider#{anchor}")


@router.post("/provider/services", response_model=None)
def add_service(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    category: Annotated[str, Form(max_length=40)] = "",
    city: Annotated[str, Form(max_length=20)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    contact: Annotated[str, Form(max_length=400)] = "",
) -> HTMLResponse | RedirectResponse:
    """List a new service."""
    return _kept(
        request, session, actor,
        lambda: providers.offer_service(
            session, actor, category=category, city=city, title=title, description=description,
            contact=contact,
        ),
        "services",
    )  # fmt: skip


@router.post("/provider/services/{service_id}", response_model=None)
def edit_service(
    request: Request,
    service_id: Id,
    session: SessionDep,
    actor: ActorDep,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    category: Annotated[str, Form(max_length=40)] = "",
    city: Annotated[str, Form(max_length=20)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    contact: Annotated[str, Form(max_length=400)] = "",
    active: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Change a service (or take it off the directory)."""
    return _kept(
        request, session, actor,
        lambda: providers.update_service(
            session, actor, service_id, version=version, category=category, city=city,
            title=title, description=description, contact=contact, active=active,
        ),
        "services",
    )  # fmt: skip


@router.post("/provider/requests/{request_id}/answer", response_model=None)
def answer(
    request: Request,
    request_id: Id,
    session: SessionDep,
    actor: ActorDep,
    reply: Annotated[str, Form(max_length=4000)] = "",
    close: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    """Answer a request (and close it)."""
    return _kept(
        request, session, actor,
        lambda: providers.answer_request(session, actor, request_id, reply=reply, close=close),
        "requests",
    )  # fmt: skip


# --- policy and training --------------------------------------------------------------


@router.get("/policy")
def policy_list(
    request: Request,
    session: SessionDep,
    actor: MaybeActorDep,
    kind: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """Notices, rules and policies, training courses and events (no login)."""
    chosen = kind if kind in POLICY_KINDS else ""
    context = _words(request) | {
        "items": policy.list_items(session, kind=chosen or None), "kind": chosen,
        "may_publish": actor is not None and actor.can("policy.publish"),
    }  # fmt: skip
    return render(request, "hub/policy_list.html", context)


def _form_page(
    request: Request,
    item: policy.PolicyItem | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _words(request, errors) | {"item": item, "v": values}
    return render(request, "hub/policy_form.html", context, status_code=status_code)


@router.get("/policy/new")
def policy_new(request: Request, actor: ActorDep) -> HTMLResponse:
    """The form that publishes an item (the departments, the operator)."""
    if not actor.can("policy.publish"):
        raise PermissionDeniedError("'policy.publish' is not allowed for you.")
    return _form_page(request, None, {"kind": "notice"})


@router.get("/policy/{item_id}")
def policy_page(
    request: Request, item_id: Id, session: SessionDep, actor: MaybeActorDep
) -> HTMLResponse:
    """One item, its Markdown rendered safely; English where the publisher wrote it."""
    item = policy.get_item(session, item_id)
    english = language_of(request) == "en" and bool(item.body_en)
    context = _words(request) | {
        "item": item, "body_html": render_markdown(item.body_en if english else item.body),
        "english_body": english,
        "may_edit": actor is not None and actor.can("policy.publish"),
    }  # fmt: skip
    return render(request, "hub/policy_item.html", context)


def _policy_form(
    kind: Annotated[str, Form(max_length=20)] = "",
    title: Annotated[str, Form(max_length=300)] = "",
    title_en: Annotated[str, Form(max_length=300)] = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    body: Annotated[str, Form(max_length=100_000)] = "",
    body_en: Annotated[str, Form(max_length=100_000)] = "",
    source: Annotated[str, Form(max_length=2000)] = "",
    starts_on: Annotated[date | None, Form()] = None,
    ends_on: Annotated[date | None, Form()] = None,
    location: Annotated[str, Form(max_length=300)] = "",
    illustrative: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """A policy item's fields as its form (publish and update) sends them."""
    return {
        "kind": kind, "title": title, "title_en": title_en, "summary": summary, "body": body,
        "body_en": body_en, "source": source, "starts_on": starts_on, "ends_on": ends_on,
        "location": location, "illustrative": illustrative,
    }  # fmt: skip


PolicyForm = Annotated[dict[str, Any], Depends(_policy_form)]


@router.post("/policy", response_model=None)
def policy_publish(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    values: PolicyForm,
) -> HTMLResponse | RedirectResponse:
    """Publish an item."""
    try:
        item_id = policy.publish_item(session, actor, **values)
    except InvalidInputError as error:
        session.rollback()
        return _form_page(request, None, values, _refused(error), 422)
    return _see(f"/policy/{item_id}")


@router.get("/policy/{item_id}/edit")
def policy_edit(
    request: Request, item_id: Id, session: SessionDep, actor: ActorDep
) -> HTMLResponse:
    """The form that changes an item."""
    item = policy.get_item(session, item_id)
    if not actor.can("policy.publish"):
        raise PermissionDeniedError("'policy.publish' is not allowed for you.")
    values = {name: getattr(item, name) for name in policy.FIELDS}
    return _form_page(request, item, values)


@router.post("/policy/{item_id}", response_model=None)
def policy_update(
    request: Request,
    item_id: Id,
    session: SessionDep,
    actor: ActorDep,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    values: PolicyForm,
) -> HTMLResponse | RedirectResponse:
    """Change an item (name the version you read)."""
    try:
        policy.update_item(session, actor, item_id, version=version, **values)
    except (InvalidInputError, ConflictError) as error:
        session.rollback()
        item = policy.get_item(session, item_id)
        status = 409 if isinstance(error, ConflictError) else 422
        return _form_page(request, item, values, _refused(error), status)
    return _see(f"/policy/{item_id}")
