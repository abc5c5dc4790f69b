"""What the workspace's pages share: the router, form errors, redirects, the stale-edit
answer and the product page's context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.domain.factors import DomainError
from tanji.domain.problems import Problem
from tanji.engine import EngineError
from tanji.io.errors import DataFormatError
from tanji.services import product_calculation, products
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    ServiceError,
)
from tanji.services.product_lines import (
    INSTRUMENTS,
    LINE_KINDS,
    PLACEHOLDER_PUBLISHER,
    SHIPPED_TRANSPORT,
    TRANSPORT_MODES,
    line_kind,
)
from tanji.services.product_lock import StaleVersionError
from tanji.services.supply.requests import line_statuses
from tanji.web.conflicts import conflict_message
from tanji.web.deps import AppDep, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import page_router
from tanji.web.ui.certification.product import certification_context
from tanji.web.ui.problems import say, say_all
from tanji.web.ui.templating import render

router = page_router()

PICKER_LIMIT = 12
GRIDS = ("CN-JS", "CN-EAST", "CN")
GASES = ("CO2", "CH4-fossil", "N2O", "SF6", "NF3", "HFC-134a", "HFC-32", "HFC-125", "CO2-biogenic")
#: What a form shows next to its fields instead of an error page.
FORM_ERRORS = (InvalidInputError, ConflictError, DataFormatError)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a calculation may fail with: shown on the product page, never a dead-end page.
CALCULATION_ERRORS = (DomainError, EngineError, ServiceError, DataFormatError)


def form_errors(request: Request, error: Exception) -> dict[str, str]:
    """A refused change's problems by field (``form`` for the whole), in the reader's
    language where the services gave a known problem."""
    fields = dict(getattr(error, "fields", {}) or {}) or {"form": str(error)}
    return say_all(fields, translations(language_of(request)).gettext)


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it swaps the answer into the page)."""
    return request.headers.get("hx-request") == "true"


def see(url: str) -> RedirectResponse:
    """A 303 to ``url`` (after a form's POST)."""
    return RedirectResponse(url, status_code=303)


def conflict(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    error: StaleVersionError,
) -> Response:
    """A change refused as stale (409): the message names the changes made since and
    offers to reload; htmx puts it at the top of the page, the form stays as filled."""
    session.rollback()
    extra = {"conflict": conflict_message(error, language_of(request)), "product_id": product_id}
    if is_htmx(request):
        response = render(request, "workspace/_conflict.html", extra, status_code=409)
        response.headers["HX-Retarget"] = "#conflict"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_product(request, session, app, actor, product_id, extra, status_code=409)


def _stages(
    product: products.WorkspaceProduct, report: product_calculation.FindingsReport
) -> list[Any]:
    """(stage id, zh name, en name, its lines) in the model's order."""
    model = product.model
    rule = report.rule
    out = []
    for stage in model.stages:
        rule_stage = rule.stage(stage.id) if rule else None
        name = rule_stage.name if rule_stage else stage.name
        lines = [spec for spec in product.document.get("lines", []) if spec["stage"] == stage.id]
        out.append((stage.id, name, lines))
    return out


def _processes(report: product_calculation.FindingsReport) -> list[tuple[str, Any]]:
    if report.rule is None:
        return []
    return [(p.id, p.name) for s in report.rule.stages for p in s.processes]


def model_context(
    session: SessionDep, app: AppDep, actor: Actor, product_id: int
) -> dict[str, Any]:
    """The model partial's context: the product's lines by stage and its findings."""
    product = products.get_product(session, actor, product_id)
    report = product_calculation.findings(session, app.backgrounds, actor, product_id)
    return {
        **form_context(product, report),
        "report": report,
        "placeholder_publisher": PLACEHOLDER_PUBLISHER,
        "versions": products.versions(session, actor, product_id),
        "line_kind": line_kind,
        "can_write": actor.can("product.write") and product.org_id == actor.org_id,
        "can_calculate": actor.can("result.calculate"),
        "max_iterations": product_calculation.MAX_ITERATIONS,
        # green supply chains: the request feeding each line, with its status
        "supply_lines": line_statuses(session, actor, product_id),
    }


def render_product(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    extra: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The product's page, with ``extra`` in its context (a form, a conflict)."""
    try:
        context = model_context(session, app, actor, product_id)
    except DataFormatError:
        return render_unreadable(request, session, actor, product_id, extra, status_code)
    context.update(certification_context(request, session, actor, product_id))
    context.update(extra or {})
    context.setdefault("form", None)
    context.setdefault("facts_form", None)
    return render(request, "workspace/product.html", context, status_code=status_code)


def render_unreadable(
    request: Request,
    session: SessionDep,
    actor: Actor,
    product_id: int,
    extra: Mapping[str, Any] | None,
    status_code: int,
) -> HTMLResponse:
    """The page of a product whose stored document fails the model checks: the problem,
    the model file to download or replace, and deletion — never an error page."""
    session.rollback()
    summary, problem, org_id = products.unreadable(session, actor, product_id)
    context = {
        "s": summary,
        "problem": say(problem, translations(language_of(request)).gettext),
        "can_write": actor.can("product.write") and org_id == actor.org_id,
        **(extra or {}),
    }
    return render(request, "workspace/unreadable.html", context, status_code=status_code)


def form_float(form: FormData, name: str, errors: dict[str, str]) -> float | None:
    """A number field of the form (``None`` when empty; a problem in ``errors``)."""
    text = str(form.get(name) or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors[name] = Problem("number-expected")
        return None


def form_int(form: FormData, name: str, errors: dict[str, str]) -> int | None:
    """A whole-number field of the form (``None`` when empty; a problem in ``errors``)."""
    value = form_float(form, name, errors)
    if value is not None and value != int(value):
        errors[name] = "expected a whole number"
        return None
    return int(value) if value is not None else None


def form_text(form: FormData, name: str, default: str = "") -> str:
    """A text field of the form, stripped (``default`` when absent)."""
    return str(form.get(name) or default).strip()


def form_context(
    product: products.WorkspaceProduct, report: product_calculation.FindingsReport
) -> dict[str, Any]:
    """What the line form needs to show: the stages, kinds, modes and choices."""
    return {
        "product": product,
        "stages": _stages(product, report),
        "processes": _processes(report),
        "kinds": LINE_KINDS,
        "modes": TRANSPORT_MODES,
        "shipped_transport": SHIPPED_TRANSPORT,
        "instruments": INSTRUMENTS,
        "grids": GRIDS,
        "gases": GASES,
    }
