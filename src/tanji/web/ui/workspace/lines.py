"""The line forms (add, edit, delete a line) and the pickers they use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tanji.domain.accounts import Actor
from tanji.services import product_calculation, products
from tanji.services.catalog import readers_of
from tanji.services.factors import factor_detail, search_factors
from tanji.services.footprints import supplier_footprints
from tanji.services.product_lines import (
    InlineFactor,
    Instrument,
    LineInput,
    line_input,
)
from tanji.services.product_lock import StaleVersionError
from tanji.web.conflicts import form_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep
from tanji.web.ui.problems import say_all
from tanji.web.ui.templating import render
from tanji.web.ui.workspace._common import (
    FORM_ERRORS,
    PICKER_LIMIT,
    conflict,
    form_context,
    form_errors,
    form_float,
    form_int,
    form_text,
    is_htmx,
    model_context,
    render_product,
    router,
    see,
)

# --- line forms --------------------------------------------------------------------------


def _instruments(form: FormData, errors: dict[str, str]) -> tuple[Instrument, ...]:
    out = []
    for i in range(10):
        kind = form_text(form, f"market_{i}_instrument")
        if not kind:
            continue
        ids = tuple(
            x.strip() for x in form_text(form, f"market_{i}_ids").replace("，", ",").split(",")
        )
        out.append(
            Instrument(
                kind,
                tuple(x for x in ids if x),
                form_text(form, f"market_{i}_evidence"),
                form_float(form, f"market_{i}_mwh", errors),
            )
        )
    return tuple(out)


def _line_from_form(form: FormData) -> tuple[LineInput, dict[str, str]]:
    """The line a form describes, and the fields that are not even numbers."""
    errors: dict[str, str] = {}
    kind = form_text(form, "kind", "factor")
    inline = None
    if kind == "inline" or (kind == "transport" and form_text(form, "inline_publisher")):
        inline = InlineFactor(
            unit=form_text(form, "inline_unit", "t*km" if kind == "transport" else ""),
            co2e_kg=form_float(form, "inline_co2e", errors) or 0.0,
            publisher=form_text(form, "inline_publisher"),
            title=form_text(form, "inline_title"),
            name=form_text(form, "inline_name"),
            year=form_int(form, "inline_year", errors),
            url=form_text(form, "inline_url"),
        )
    line = LineInput(
        id=form_text(form, "id"),
        stage=form_text(form, "stage"),
        kind=kind,
        name=form_text(form, "name"),
        amount=form_float(form, "amount", errors),
        unit=form_text(form, "unit"),
        process=form_text(form, "process"),
        data=form_text(form, "data", "secondary"),
        evidence=form_text(form, "evidence"),
        factor=form_text(form, "factor"),
        inline=inline,
        activity=form_text(form, "activity"),
        supplier=form_text(form, "supplier"),
        gas=form_text(form, "gas"),
        geography=form_text(form, "geography", "CN-JS"),
        year=form_int(form, "year", errors),
        basis=form_text(form, "basis"),
        instruments=_instruments(form, errors),
        mode=form_text(form, "mode", "road"),
        mass_t=form_float(form, "mass_t", errors),
        distance_km=form_float(form, "distance_km", errors),
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
    context = form_context(product, report)
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
            return conflict(request, session, app, actor, product_id, error)
        except FORM_ERRORS as error:
            session.rollback()
            errors = form_errors(request, error)
    if not errors:
        if is_htmx(request):
            context = model_context(session, app, actor, product_id)
            context["cleared"] = context["oob_version"] = True
            return render(request, "workspace/_model.html", context)
        return see(f"/workspace/products/{product_id}")
    if not errors.keys() - {"form"} and "form" not in errors:
        errors["form"] = "The line could not be saved."
    if is_htmx(request):
        product = products.get_product(session, actor, product_id)
        report = product_calculation.findings(session, app.backgrounds, actor, product_id)
        context = form_context(product, report)
        context["form"] = _form(line, line_id, errors, version or product.version)
        response = render(request, "workspace/_line_form.html", context)
        response.headers["HX-Retarget"] = "#line-form"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    extra = {"form": _form(line, line_id, errors, version)}
    return render_product(request, session, app, actor, product_id, extra, status_code=422)


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
        return conflict(request, session, app, actor, product_id, error)
    if is_htmx(request):
        context = model_context(session, app, actor, product_id)
        context["oob_version"] = True
        return render(request, "workspace/_model.html", context)
    return see(f"/workspace/products/{product_id}")


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
