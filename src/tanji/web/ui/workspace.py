"""The enterprise workspace pages: products, their model (lines by stage), findings,
Excel and YAML round trips, calculation.

Handlers only read the request and call :mod:`tanji.services.products`. A line form
that does not pass is an expected outcome: it is shown again with each problem next to
its field (htmx swaps it in place; without htmx the page is rendered with it). Other
errors go to :mod:`tanji.web.errors` like everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import File, Form, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.factors import DomainError
from tanji.domain.problems import Problem
from tanji.engine import EngineError
from tanji.io.errors import DataFormatError
from tanji.services import product_calculation, products
from tanji.services.catalog import readers_of
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
    ServiceError,
)
from tanji.services.factors import factor_detail, search_factors
from tanji.services.footprints import supplier_footprints
from tanji.services.product_facts import BOUNDARIES, ProductFacts, facts_of
from tanji.services.product_lines import (
    INSTRUMENTS,
    LINE_KINDS,
    PLACEHOLDER_PUBLISHER,
    SHIPPED_TRANSPORT,
    TRANSPORT_MODES,
    InlineFactor,
    Instrument,
    LineInput,
    line_input,
    line_kind,
)
from tanji.services.product_lock import StaleVersionError
from tanji.services.supply.requests import line_statuses
from tanji.web.calculation_jobs import submit_calculation
from tanji.web.conflicts import conflict_message, form_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of, translations
from tanji.web.jobs import JobsDep, job_url
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.certification.product import certification_context
from tanji.web.ui.problems import say, say_all
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()

PICKER_LIMIT = 12
GRIDS = ("CN-JS", "CN-EAST", "CN")
GASES = ("CO2", "CH4-fossil", "N2O", "SF6", "NF3", "HFC-134a", "HFC-32", "HFC-125", "CO2-biogenic")
#: What a form shows next to its fields instead of an error page.
_FORM_ERRORS = (InvalidInputError, ConflictError, DataFormatError)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a calculation may fail with: shown on the product page, never a dead-end page.
_CALCULATION_ERRORS = (DomainError, EngineError, ServiceError, DataFormatError)


def _form_errors(request: Request, error: Exception) -> dict[str, str]:
    """A refused change's problems by field (``form`` for the whole), in the reader's
    language where the services gave a known problem."""
    fields = dict(getattr(error, "fields", {}) or {}) or {"form": str(error)}
    return say_all(fields, translations(language_of(request)).gettext)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _conflict(
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
    if _htmx(request):
        response = render(request, "workspace/_conflict.html", extra, status_code=409)
        response.headers["HX-Retarget"] = "#conflict"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return _page(request, session, app, actor, product_id, extra, status_code=409)


# --- the product list --------------------------------------------------------------------


#: Where each kind of organisation's people land (their own work, not a product
#: workspace): a department on the government's desk, a body on its cases, an
#: association on the shared databases and their reviews, a service provider on its
#: organisation's page, the platform operator on the organisations it admits.
#: Enterprises land here, on their products.
HOMES = {
    OrgKind.DEPARTMENT_PROVINCE: "/desk",
    OrgKind.DEPARTMENT_CITY: "/desk",
    OrgKind.CERTIFICATION_BODY: "/certification",
    OrgKind.ASSOCIATION: "/admission",
    OrgKind.SERVICE_PROVIDER: "/account",
    OrgKind.PLATFORM_ADMIN: "/admin/organisations",
}


@router.get("/workspace", response_model=None)
def workspace(
    request: Request, session: SessionDep, actor: ActorDep, view: str = ""
) -> HTMLResponse | RedirectResponse:
    """An enterprise's products; any other organisation goes to its own home (a service
    provider or the operator may still open the product list: ``?view=products``)."""
    home = HOMES.get(actor.org_kind)
    may_list = actor.can("product.write") or actor.is_platform_admin
    if home is not None and not (view == "products" and may_list):
        return _see(home)
    found = products.list_products(session, actor)
    context = _index_context(found, {}, {}, all_orgs=actor.is_platform_admin)
    return render(request, "workspace/index.html", context)


def _index_context(
    found: list[products.ProductSummary],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    all_orgs: bool = False,
) -> dict[str, Any]:
    return {
        "products": found,
        # The operator sees every organisation's products: then each row says whose.
        "with_organisation": all_orgs or len({p.organisation for p in found}) > 1,
        "templates": products.TEMPLATES,
        "values": values,
        "errors": errors,
    }


@router.post("/workspace/products")
def create(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    template: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    name_zh: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    declared_unit: Annotated[str, Form()] = "",
    output: Annotated[str, Form()] = "",
) -> Response:
    values = {"template": template, "code": code, "name_zh": name_zh, "name_en": name_en,
              "declared_unit": declared_unit, "output": output}  # fmt: skip
    try:
        product = products.create_product(
            session, actor, template=template, code=code, name_zh=name_zh, name_en=name_en,
            declared_unit=declared_unit or None, output=output or None,
        )  # fmt: skip
    except _FORM_ERRORS as error:
        session.rollback()
        errors = _form_errors(request, error)
        found = products.list_products(session, actor)
        context = _index_context(found, values, errors, all_orgs=actor.is_platform_admin)
        return render(request, "workspace/index.html", context, status_code=422)
    return _see(f"/workspace/products/{product.id}")


# --- one product -------------------------------------------------------------------------


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


def _model_context(
    session: SessionDep, app: AppDep, actor: Actor, product_id: int
) -> dict[str, Any]:
    product = products.get_product(session, actor, product_id)
    report = product_calculation.findings(session, app.backgrounds, actor, product_id)
    return {
        **_form_context(product, report),
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


def _page(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    extra: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        context = _model_context(session, app, actor, product_id)
    except DataFormatError:
        return _unreadable(request, session, actor, product_id, extra, status_code)
    context.update(certification_context(request, session, actor, product_id))
    context.update(extra or {})
    context.setdefault("form", None)
    context.setdefault("facts_form", None)
    return render(request, "workspace/product.html", context, status_code=status_code)


def _unreadable(
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


@router.get("/workspace/products/{product_id}")
def product_page(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> HTMLResponse:
    failed = request.query_params.get("calculation") == "failed"
    return _page(request, session, app, actor, product_id, {"calculation_failed": failed})


@router.get("/workspace/products/{product_id}/_model")
def model_partial(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> HTMLResponse:
    """The stages, lines and findings (htmx refreshes them after each change)."""
    context = _model_context(session, app, actor, product_id)
    context["oob_version"] = True
    return render(request, "workspace/_model.html", context)


# --- line forms --------------------------------------------------------------------------


def _float(form: FormData, name: str, errors: dict[str, str]) -> float | None:
    text = str(form.get(name) or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors[name] = Problem("number-expected")
        return None


def _int(form: FormData, name: str, errors: dict[str, str]) -> int | None:
    value = _float(form, name, errors)
    if value is not None and value != int(value):
        errors[name] = "expected a whole number"
        return None
    return int(value) if value is not None else None


def _text(form: FormData, name: str, default: str = "") -> str:
    return str(form.get(name) or default).strip()


def _instruments(form: FormData, errors: dict[str, str]) -> tuple[Instrument, ...]:
    out = []
    for i in range(10):
        kind = _text(form, f"market_{i}_instrument")
        if not kind:
            continue
        ids = tuple(x.strip() for x in _text(form, f"market_{i}_ids").replace("，", ",").split(","))
        out.append(
            Instrument(
                kind,
                tuple(x for x in ids if x),
                _text(form, f"market_{i}_evidence"),
                _float(form, f"market_{i}_mwh", errors),
            )
        )
    return tuple(out)


def _line_from_form(form: FormData) -> tuple[LineInput, dict[str, str]]:
    """The line a form describes, and the fields that are not even numbers."""
    errors: dict[str, str] = {}
    kind = _text(form, "kind", "factor")
    inline = None
    if kind == "inline" or (kind == "transport" and _text(form, "inline_publisher")):
        inline = InlineFactor(
            unit=_text(form, "inline_unit", "t*km" if kind == "transport" else ""),
            co2e_kg=_float(form, "inline_co2e", errors) or 0.0,
            publisher=_text(form, "inline_publisher"),
            title=_text(form, "inline_title"),
            name=_text(form, "inline_name"),
            year=_int(form, "inline_year", errors),
            url=_text(form, "inline_url"),
        )
    line = LineInput(
        id=_text(form, "id"),
        stage=_text(form, "stage"),
        kind=kind,
        name=_text(form, "name"),
        amount=_float(form, "amount", errors),
        unit=_text(form, "unit"),
        process=_text(form, "process"),
        data=_text(form, "data", "secondary"),
        evidence=_text(form, "evidence"),
        factor=_text(form, "factor"),
        inline=inline,
        activity=_text(form, "activity"),
        supplier=_text(form, "supplier"),
        gas=_text(form, "gas"),
        geography=_text(form, "geography", "CN-JS"),
        year=_int(form, "year", errors),
        basis=_text(form, "basis"),
        instruments=_instruments(form, errors),
        mode=_text(form, "mode", "road"),
        mass_t=_float(form, "mass_t", errors),
        distance_km=_float(form, "distance_km", errors),
    )
    return line, errors


def _form(
    line: LineInput | None,
    editing: str | None,
    errors: Mapping[str, str],
    version: int | None = None,
) -> dict[str, Any]:
    """The line form's context; ``version``: the product's version the form was read
    at (an edit sends it back)."""
    line = line or LineInput(id="", stage="raw_materials", kind="factor")
    return {"line": line, "editing": editing, "errors": errors, "version": version}


def _form_context(
    product: products.WorkspaceProduct, report: product_calculation.FindingsReport
) -> dict[str, Any]:
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


@router.get("/workspace/products/{product_id}/lines/_form")
def line_form(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    line_id: str = "",
    fresh: bool = False,
) -> HTMLResponse:
    """The add/edit form: for a line (``line_id``), or re-drawn from the values sent
    (another kind chosen, a factor picked) — htmx sends the form's fields as the query."""
    product = products.get_product(session, actor, product_id)
    report = product_calculation.findings(session, app.backgrounds, actor, product_id)
    editing = line_id or None
    line: LineInput | None = None
    errors: dict[str, str] = {}
    if fresh and line_id:
        specs = [s for s in product.document.get("lines", []) if s.get("id") == line_id]
        line = line_input(specs[0]) if specs else None
    elif not fresh:
        line, errors = _line_from_form(FormData(request.query_params))
    # Re-drawn from the values sent: keep the version the form was first read at.
    version = None if fresh else form_version(request.query_params.get("version"))
    context = _form_context(product, report)
    context["form"] = _form(line, editing, errors, version or product.version)
    return render(request, "workspace/_line_form.html", context)


async def _change(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    line_id: str | None,
) -> Response:
    """Read the form here; check, save and render in a worker thread (the findings
    compute the model: never on the event loop)."""
    form = await request.form()
    return await run_in_threadpool(
        _save_line, request, session, app, actor, product_id, line_id, form
    )


def _save_line(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    line_id: str | None,
    form: FormData,
) -> Response:
    line, errors = _line_from_form(form)
    errors = say_all(errors, translations(language_of(request)).gettext)
    # An add applies to the current version (adds commute); an edit names its version.
    version = form_version(str(form.get("version") or "")) if line_id is not None else None
    if not errors:
        try:
            if line_id is None:
                products.add_line(session, actor, product_id, line)
            else:
                products.edit_line(
                    session, actor, product_id, line_id, line, expected_version=version
                )
        except StaleVersionError as error:
            return _conflict(request, session, app, actor, product_id, error)
        except _FORM_ERRORS as error:
            session.rollback()
            errors = _form_errors(request, error)
    if not errors:
        if _htmx(request):
            context = _model_context(session, app, actor, product_id)
            context["cleared"] = context["oob_version"] = True
            return render(request, "workspace/_model.html", context)
        return _see(f"/workspace/products/{product_id}")
    if not errors.keys() - {"form"} and "form" not in errors:
        errors["form"] = "The line could not be saved."
    if _htmx(request):
        product = products.get_product(session, actor, product_id)
        report = product_calculation.findings(session, app.backgrounds, actor, product_id)
        context = _form_context(product, report)
        context["form"] = _form(line, line_id, errors, version or product.version)
        response = render(request, "workspace/_line_form.html", context)
        response.headers["HX-Retarget"] = "#line-form"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    extra = {"form": _form(line, line_id, errors, version)}
    return _page(request, session, app, actor, product_id, extra, status_code=422)


@router.post("/workspace/products/{product_id}/lines")
async def add_line(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> Response:
    return await _change(request, session, app, actor, product_id, None)


@router.post("/workspace/products/{product_id}/lines/{line_id}")
async def edit_line(
    request: Request,
    product_id: Id,
    line_id: str,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
) -> Response:
    return await _change(request, session, app, actor, product_id, line_id)


@router.post("/workspace/products/{product_id}/lines/{line_id}/delete")
def delete_line(
    request: Request,
    product_id: Id,
    line_id: str,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    version: Annotated[str, Form()] = "",
) -> Response:
    try:
        products.delete_line(
            session, actor, product_id, line_id, expected_version=form_version(version)
        )
    except StaleVersionError as error:
        return _conflict(request, session, app, actor, product_id, error)
    if _htmx(request):
        context = _model_context(session, app, actor, product_id)
        context["oob_version"] = True
        return render(request, "workspace/_model.html", context)
    return _see(f"/workspace/products/{product_id}")


# --- the product's facts ----------------------------------------------------------------


def _facts_from_form(form: FormData) -> tuple[ProductFacts, dict[str, str]]:
    """The facts a form describes, and the fields that are not even numbers."""
    errors: dict[str, str] = {}
    texts = {
        f.name: _text(form, f.name)
        for f in fields(ProductFacts)
        if f.name != "functional_unit_declared_units"
    }
    texts["boundary"] = texts["boundary"] or "cradle-to-gate"
    count = _float(form, "functional_unit_declared_units", errors)
    return ProductFacts(**texts, functional_unit_declared_units=count), errors


def _facts_form(
    facts: ProductFacts, errors: Mapping[str, str], version: int | None
) -> dict[str, Any]:
    return {"facts": facts, "errors": errors, "version": version}


@router.get("/workspace/products/{product_id}/facts/_form")
def facts_form(
    request: Request, product_id: Id, session: SessionDep, actor: ActorDep
) -> HTMLResponse:
    """The facts card as a form, filled from the working document."""
    product = products.get_product(session, actor, product_id)
    context = {
        "product": product,
        "facts_form": _facts_form(facts_of(product.document), {}, product.version),
        "boundaries": BOUNDARIES,
    }
    return render(request, "workspace/_facts.html", context)


@router.post("/workspace/products/{product_id}/facts")
async def edit_facts(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> Response:
    """Save the facts; the page reloads (the name, findings and lines may all change).
    A form that does not pass comes back with each problem next to its field."""
    form = await request.form()
    return await run_in_threadpool(_save_facts, request, session, app, actor, product_id, form)


def _save_facts(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: Actor,
    product_id: int,
    form: FormData,
) -> Response:
    facts, errors = _facts_from_form(form)
    errors = say_all(errors, translations(language_of(request)).gettext)
    version = form_version(str(form.get("version") or ""))
    if not errors:
        try:
            products.update_facts(session, actor, product_id, facts, expected_version=version)
        except StaleVersionError as error:
            return _conflict(request, session, app, actor, product_id, error)
        except _FORM_ERRORS as error:
            session.rollback()
            errors = _form_errors(request, error)
    if not errors:
        return _redirect(request, f"/workspace/products/{product_id}")
    extra = {"facts_form": _facts_form(facts, errors, version), "boundaries": BOUNDARIES}
    if _htmx(request):
        # 200, so htmx swaps the form in place of the one sent.
        product = products.get_product(session, actor, product_id)
        return render(request, "workspace/_facts.html", {"product": product, **extra})
    return _page(request, session, app, actor, product_id, extra, status_code=422)


# --- pickers and helpers -----------------------------------------------------------------


def _form_url(product: int, line_id: str) -> str:
    """The line form a picker's choice re-draws (built here, never taken from the query)."""
    query = f"?{urlencode({'line_id': line_id})}" if line_id else ""
    return f"/workspace/products/{product}/lines/_form{query}"


@router.get("/workspace/_factor-picker")
def factor_picker(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    product: int,
    line_id: str = "",
    q: str = "",
) -> HTMLResponse:
    """Library factors matching ``q``, each with its source, year and data quality."""
    readers = readers_of(session, actor)
    hits = search_factors(session, q, limit=PICKER_LIMIT, readers=readers) if q.strip() else []
    details = [factor_detail(session, hit.ref, readers) for hit in hits]
    context = {
        "hits": list(zip(hits, details, strict=True)),
        "q": q,
        "target": "factor",
        "form_url": _form_url(product, line_id),
    }
    return render(request, "workspace/_factor_picker.html", context)


@router.get("/workspace/_supplier-picker")
def supplier_picker(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    product: int,
    line_id: str = "",
    q: str = "",
) -> HTMLResponse:
    """Verified supplier footprints on the platform (PACT imports and published results)."""
    words = q.lower().split()
    found = [
        s
        for s in supplier_footprints(session)
        if (s.verified or s.claimed_verifier)
        and all(w in f"{s.product_id} {s.product_name} {s.company}".lower() for w in words)
    ][:PICKER_LIMIT]
    context = {"suppliers": found, "q": q, "form_url": _form_url(product, line_id)}
    return render(request, "workspace/_supplier_picker.html", context)


@router.get("/workspace/_tkm")
def tonne_kilometres(
    request: Request, actor: ActorDep, mass_t: str = "", distance_km: str = ""
) -> HTMLResponse:
    """mass × distance, shown beside a transport leg as it is typed."""
    try:
        tkm: float | None = float(mass_t) * float(distance_km)
    except ValueError:
        tkm = None
    return render(request, "workspace/_tkm.html", {"tkm": tkm})


# --- files -------------------------------------------------------------------------------


def _download(content: bytes | str, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/workspace/products/{product_id}/model.yaml")
def download_yaml(product_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    name, text = products.model_yaml(session, actor, product_id)
    return _download(text, "application/yaml; charset=utf-8", name)


@router.get("/workspace/products/{product_id}/template.xlsx")
def download_template(
    request: Request, product_id: Id, session: SessionDep, actor: ActorDep
) -> Response:
    """The workbook in the page's language (``?lang=``, else the reader's cookie)."""
    name, content = products.activity_template(session, actor, product_id, language_of(request))
    return _download(content, XLSX, name)


@router.post("/workspace/products/{product_id}/document")
def upload_yaml(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form()] = "",
) -> Response:
    """Replace the model by a file, parsed in a worker thread (a sync handler) within
    the limits of docs/web.md."""
    limit(request, "upload", actor.user_id)
    content = file.file.read()
    try:
        products.update_document(
            session, actor, product_id, content, file.filename or "",
            expected_version=form_version(version),
        )  # fmt: skip
    except StaleVersionError as error:
        return _conflict(request, session, app, actor, product_id, error)
    except _FORM_ERRORS as error:
        session.rollback()
        extra = {"yaml_error": str(error)}
        return _page(request, session, app, actor, product_id, extra, status_code=422)
    return _see(f"/workspace/products/{product_id}")


@router.post("/workspace/products/{product_id}/activity-data")
def upload_activity_data(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form()] = "",
) -> Response:
    """Apply a filled workbook, read in a worker thread (a sync handler) within the
    limits of docs/web.md."""
    limit(request, "upload", actor.user_id)
    content = file.file.read()
    try:
        report = products.fill_activity_data(
            session, actor, product_id, content, file.filename or "activity-data.xlsx",
            expected_version=form_version(version),
        )  # fmt: skip
    except StaleVersionError as error:
        return _conflict(request, session, app, actor, product_id, error)
    status = 200 if report.applied else 422
    return _page(request, session, app, actor, product_id, {"excel": report}, status_code=status)


# --- calculate, delete -------------------------------------------------------------------


@router.post("/workspace/products/{product_id}/calculate")
def calculate(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    jobs: JobsDep,
    iterations: Annotated[str, Form()] = "0",
    seed: Annotated[str, Form()] = "",
) -> Response:
    """Compute and save; a Monte Carlo runs as a job with its progress shown."""
    limit(request, "calculate", actor.user_id)
    errors: dict[str, str] = {}
    form = FormData({"iterations": iterations, "seed": seed})
    count = _int(form, "iterations", errors) or 0
    chosen_seed = _int(form, "seed", errors)
    if errors:
        products.get_product(session, actor, product_id)  # 404 first
        shown = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return _page(request, session, app, actor, product_id,
                     {"calculation_error": shown}, status_code=422)  # fmt: skip
    products.get_product(session, actor, product_id)  # 404 now, not in the job
    try:
        product_calculation.check_calculation(count, chosen_seed)  # refused now, not in the job
        if count == 0:
            saved = product_calculation.calculate_product(
                session, app.backgrounds, actor, product_id
            )
            return _redirect(request, f"/workspace/results/{saved.result_id}")
    except _CALCULATION_ERRORS as error:
        if isinstance(error, PermissionDeniedError):
            raise  # (the product itself was found above: a missing dataset is shown)
        # The product page with the problem and the findings that name the line to fix.
        session.rollback()
        if _htmx(request):
            return _redirect(request, f"/workspace/products/{product_id}?calculation=failed")
        said = say(str(error), translations(language_of(request)).gettext)
        return _page(request, session, app, actor, product_id,
                     {"calculation_error": said}, status_code=422)  # fmt: skip

    job = submit_calculation(session, jobs, actor, product_id, count, chosen_seed)
    return _redirect(request, job_url(job))


def _redirect(request: Request, url: str) -> Response:
    if _htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return _see(url)


@router.post("/workspace/products/{product_id}/delete")
def delete_product(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    version: Annotated[str, Form()] = "",
) -> Response:
    try:
        products.delete_product(session, actor, product_id, expected_version=form_version(version))
    except StaleVersionError as error:
        return _conflict(request, session, app, actor, product_id, error)
    return _see("/workspace")
