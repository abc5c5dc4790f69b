"""Green supply chain pages (issue 17): the lead firm's requests, coverage and
reminders (``/supply``), the supplier's inbox (``/supply/inbox``) and one request with
its answer forms (``/supply/requests/{id}``). Who may see or do what is the services'
decision (:mod:`tanji.services.supply`); pages parse forms and show what they return.

Each change runs in its own unit of work: a refused change writes nothing, and the
page shows the problem next to its field in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import BackgroundTasks
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.services import products
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError, ServiceError
from tanji.services.rules import list_rules
from tanji.services.supply import answers, coverage, requests
from tanji.services.supply.requests import RequestInput
from tanji.web.deps import AppDep, Id
from tanji.web.i18n import language_of, translations
from tanji.web.mails import mail_enabled, public_base, send_later
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    return message


INVITE_SUBJECT = N_("Tanji: %(lead)s asks for a product carbon footprint")
INVITE_BODY = N_(
    "%(lead)s asks you for the carbon footprint of %(product)s by %(due)s, on Tanji, "
    "Jiangsu's product carbon footprint platform. Sign in (or register your enterprise) "
    "with this e-mail address and open: %(link)s"
)
#: The services' field messages, as msgids (shown in the reader's language).
MESSAGES = (
    N_("Give the supplier's unified social credit code or its e-mail address (one of them)."),
    N_("Not an e-mail address."),
    N_("Not a valid unified social credit code (18 characters, as on the business licence)."),
    N_("No active enterprise with this code on the platform; invite the supplier by e-mail instead."),  # noqa: E501
    N_("This is your own organisation."),
    N_("Choose the product whose line the answer feeds."),
    N_("No such product in your workspace."),
    N_("Choose a line of the product's model."),
    N_("A number, 0 or more."),
    N_("Required: the product you buy (up to 200 characters)."),
    N_("Required: the declared unit, e.g. 1 kg or 1 kWh (up to 40 characters)."),
    N_("No such accounting rule in the rules library."),
    N_("The due date is in the past."),
    N_("The due date is more than three years away."),
    N_("The note is longer than 2,000 characters."),
    N_("This request is no longer open: it was answered or declined."),
    N_("A reminder was sent less than a day ago."),
    N_("This request was already answered or declined."),
    N_("Choose one of your own footprints."),
    N_("Choose a PACT file (JSON)."),
    N_("The file is larger than 1 MB; a PACT footprint is a few kB."),
    N_("Required: why you decline (up to 2,000 characters)."),
    N_("The request names no line of your models."),
    N_("A request of your own organisation cannot be answered by it."),
    N_("A request of your own organisation cannot be claimed by it."),
    N_("Give a date as YYYY-MM-DD."),
    N_("The footprint's declared unit does not convert to the one the request asks."),
    N_("The model no longer has this line."),
    N_("The line's unit does not convert to the footprint's declared unit; change the line's unit."),  # noqa: E501
    N_("The person who asked can no longer change the model; link it by hand."),
)  # fmt: skip
#: A PACT file's problems are named by the reader (technical, in English); the
#: sentence around them is translated.
PACT_PREFIX = "Not a usable PACT footprint: "
_PACT_PREFIX = N_("Not a usable PACT footprint:")


def _gettext(request: Request) -> Any:
    return translations(language_of(request)).gettext


def _say(request: Request, fields: Mapping[str, str]) -> dict[str, str]:
    gettext = _gettext(request)
    out = {}
    for name, text in fields.items():
        if text.startswith(PACT_PREFIX):
            out[name] = f"{gettext(_PACT_PREFIX)} {text.removeprefix(PACT_PREFIX)}"
        else:
            out[name] = gettext(text)
    return out


def _error_fields(request: Request, error: ServiceError) -> dict[str, str]:
    fields = getattr(error, "fields", None) or {"": str(error)}
    return _say(request, fields)


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _number(form: FormData, name: str, problems: dict[str, str]) -> float | None:
    text = _text(form, name).replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems[name] = "A number, 0 or more."
        return None


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _lines(app: AppDep, actor: Actor) -> list[tuple[str, str]]:
    """(value, label) of every line of the organisation's models, for the form."""
    out = []
    with app.unit_of_work() as uow:
        for summary in products.list_products(uow.session, actor):
            product = products.get_product(uow.session, actor, summary.id)
            if product.org_id != actor.org_id:
                continue
            for line in product.document.get("lines", []):
                label = f"{summary.code} · {line.get('id')}"
                if line.get("name"):
                    label += f" ({line['name']})"
                out.append((f"{summary.id}:{line.get('id')}", label))
    return out


def _overview(
    request: Request,
    app: AppDep,
    actor: Actor,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    invited: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    with app.unit_of_work() as uow:
        session = uow.session
        context: dict[str, Any] = {
            "sent": requests.outbox(session, actor),
            "chain": coverage.supply_chain(session, actor),
            "inbox_count": sum(1 for r in requests.inbox(session, actor) if r.open),
            "rules": [(e.ref, e.rule.title) for e in list_rules(session)],
        }
    context |= {
        "lines": _lines(app, actor) if actor.can("supply.request") else [],
        "can_request": actor.can("supply.request"),
        "values": values or {},
        "errors": errors or {},
        "invited": invited,
        "language": language_of(request),
    }
    return render(request, "supply/index.html", context, status_code=status_code)


@router.get("/supply")
def overview(request: Request, app: AppDep, actor: ActorDep) -> HTMLResponse:
    """The lead firm's supply chain: coverage, what is missing, its requests, a form."""
    return _overview(request, app, actor)


@router.post("/supply/requests", response_model=None)
async def ask(request: Request, app: AppDep, actor: ActorDep, tasks: BackgroundTasks) -> Response:
    form = await request.form()
    values = {k: _text(form, k) for k in form if k != "csrf_token"}
    problems: dict[str, str] = {}
    try:
        due = date.fromisoformat(_text(form, "due_date"))
    except ValueError:
        problems["due_date"] = "Give a date as YYYY-MM-DD."
        due = date.today()
    product_id, _, line_id = _text(form, "customer_line").partition(":")
    given = RequestInput(
        product_name=_text(form, "product_name"), declared_unit=_text(form, "declared_unit"),
        due_date=due, supplier_uscc=_text(form, "supplier_uscc"),
        supplier_email=_text(form, "supplier_email"), rule=_text(form, "rule"),
        note=_text(form, "note"),
        customer_product_id=int(product_id) if product_id.isdigit() else None,
        customer_line_id=line_id, mass_kg=_number(form, "mass_kg", problems),
        spend_cny=_number(form, "spend_cny", problems),
    )  # fmt: skip
    try:
        if problems:
            raise InvalidInputError(" ".join(problems.values()), fields=problems)
        with app.unit_of_work() as uow:
            made = requests.request_footprint(uow.session, actor, given)
    except (InvalidInputError, ConflictError) as error:
        errors = _error_fields(request, error) | _say(request, problems)
        return _overview(request, app, actor, values=values, errors=errors, status_code=422)
    if made.supplier_email:
        link = f"{public_base(request)}/supply/inbox"
        if mail_enabled(request):
            send_later(
                request, tasks, made.supplier_email, INVITE_SUBJECT, INVITE_BODY,
                lead=made.lead_name, product=made.product_name, due=made.due_date.isoformat(),
                link=link,
            )  # fmt: skip
        else:
            return _see(f"/supply/requests/{made.id}?invite=1")
    return _see(f"/supply/requests/{made.id}")


@router.get("/supply/inbox")
def inbox(request: Request, app: AppDep, actor: ActorDep) -> HTMLResponse:
    """The requests addressed to your organisation (and to your e-mail address)."""
    with app.unit_of_work() as uow:
        found = requests.inbox(uow.session, actor)
    return render(request, "supply/inbox.html", {"found": found})


def _detail(
    request: Request,
    app: AppDep,
    actor: Actor,
    request_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    with app.unit_of_work() as uow:
        found, side = requests.request_of(uow.session, actor, request_id)
        own = answers.own_footprints(uow.session, actor) if side == "supplier" else []
    context = {
        "r": found,
        "side": side,
        "own": own,
        "errors": errors or {},
        "link_problem": _gettext(request)(found.link_problem) if found.link_problem else "",
        "can_answer": actor.can("supply.answer"),
        "can_request": actor.can("supply.request"),
        "invite_link": f"{public_base(request)}/supply/inbox"
        if request.query_params.get("invite") and side == "lead" and found.supplier_email
        else "",
    }
    return render(request, "supply/request.html", context, status_code=status_code)


@router.get("/supply/requests/{request_id}")
def one(request: Request, request_id: Id, app: AppDep, actor: ActorDep) -> HTMLResponse:
    return _detail(request, app, actor, request_id)


async def _act(request: Request, app: AppDep, actor: Actor, request_id: int, what: str) -> Response:
    form = await request.form()
    try:
        with app.unit_of_work() as uow:
            session = uow.session
            if what == "answer":
                chosen = _text(form, "result_id")
                if not chosen.isdigit():
                    raise InvalidInputError(
                        "", fields={"result_id": "Choose one of your own footprints."}
                    )
                answers.answer_with_result(session, actor, request_id, int(chosen))
            elif what == "pact":
                upload = form.get("file")
                data = b""
                name = "pact.json"
                if isinstance(upload, UploadFile):
                    data = await upload.read(answers.MAX_PACT_BYTES + 1)
                    name = upload.filename or name
                answers.answer_with_pact(session, actor, request_id, data, name)
            elif what == "decline":
                answers.decline(session, actor, request_id, _text(form, "reason"))
            elif what == "remind":
                requests.remind(session, actor, request_id)
            elif what == "link":
                answers.link_answer(session, actor, request_id)
            elif what == "claim":
                requests.claim(session, actor, request_id)
    except (InvalidInputError, ConflictError) as error:
        status = 409 if isinstance(error, ConflictError) else 422
        errors = _error_fields(request, error)
        return _detail(request, app, actor, request_id, errors=errors, status_code=status)
    back = form.get("back")
    if back == "supply":
        return _see("/supply#missing")
    return _see(f"/supply/requests/{request_id}")


@router.post("/supply/requests/{request_id}/{what}", response_model=None)
async def act(
    request: Request, request_id: Id, what: str, app: AppDep, actor: ActorDep
) -> Response:
    """answer, pact, decline (the supplier); remind, link (the lead firm); claim."""
    if what not in ("answer", "pact", "decline", "remind", "link", "claim"):
        raise NotFoundError(f"No such step {what!r}.")
    return await _act(request, app, actor, request_id, what)
