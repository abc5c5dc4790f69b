"""The product list, one product's page, its facts, calculation and deletion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any

from fastapi import Form
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor, OrgKind
from tanji.services import product_calculation, products
from tanji.services.errors import (
    PermissionDeniedError,
)
from tanji.services.product_facts import BOUNDARIES, ProductFacts, facts_of
from tanji.services.product_lock import StaleVersionError
from tanji.web.calculation_jobs import submit_calculation
from tanji.web.conflicts import form_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of, translations
from tanji.web.jobs import JobsDep, job_url
from tanji.web.security import ActorDep
from tanji.web.ui.problems import say, say_all
from tanji.web.ui.templating import render
from tanji.web.ui.workspace._common import (
    CALCULATION_ERRORS,
    FORM_ERRORS,
    conflict,
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
        return see(home)
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
    except FORM_ERRORS as error:
        session.rollback()
        errors = form_errors(request, error)
        found = products.list_products(session, actor)
        context = _index_context(found, values, errors, all_orgs=actor.is_platform_admin)
        return render(request, "workspace/index.html", context, status_code=422)
    return see(f"/workspace/products/{product.id}")


@router.get("/workspace/products/{product_id}")
def product_page(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> HTMLResponse:
    failed = request.query_params.get("calculation") == "failed"
    return render_product(request, session, app, actor, product_id, {"calculation_failed": failed})


@router.get("/workspace/products/{product_id}/_model")
def model_partial(
    request: Request, product_id: Id, session: SessionDep, app: AppDep, actor: ActorDep
) -> HTMLResponse:
    """The stages, lines and findings (htmx refreshes them after each change)."""
    context = model_context(session, app, actor, product_id)
    context["oob_version"] = True
    return render(request, "workspace/_model.html", context)


# --- the product's facts ----------------------------------------------------------------


def _facts_from_form(form: FormData) -> tuple[ProductFacts, dict[str, str]]:
    """The facts a form describes, and the fields that are not even numbers."""
    errors: dict[str, str] = {}
    texts = {
        f.name: form_text(form, f.name)
        for f in fields(ProductFacts)
        if f.name != "functional_unit_declared_units"
    }
    texts["boundary"] = texts["boundary"] or "cradle-to-gate"
    count = form_float(form, "functional_unit_declared_units", errors)
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
            return conflict(request, session, app, actor, product_id, error)
        except FORM_ERRORS as error:
            session.rollback()
            errors = form_errors(request, error)
    if not errors:
        return _redirect(request, f"/workspace/products/{product_id}")
    extra = {"facts_form": _facts_form(facts, errors, version), "boundaries": BOUNDARIES}
    if is_htmx(request):
        # 200, so htmx swaps the form in place of the one sent.
        product = products.get_product(session, actor, product_id)
        return render(request, "workspace/_facts.html", {"product": product, **extra})
    return render_product(request, session, app, actor, product_id, extra, status_code=422)


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
    count = form_int(form, "iterations", errors) or 0
    chosen_seed = form_int(form, "seed", errors)
    if errors:
        products.get_product(session, actor, product_id)  # 404 first
        shown = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return render_product(request, session, app, actor, product_id,
                     {"calculation_error": shown}, status_code=422)  # fmt: skip
    products.get_product(session, actor, product_id)  # 404 now, not in the job
    try:
        product_calculation.check_calculation(count, chosen_seed)  # refused now, not in the job
        if count == 0:
            saved = product_calculation.calculate_product(
                session, app.backgrounds, actor, product_id
            )
            return _redirect(request, f"/workspace/results/{saved.result_id}")
    except CALCULATION_ERRORS as error:
        if isinstance(error, PermissionDeniedError):
            raise  # (the product itself was found above: a missing dataset is shown)
        # The product page with the problem and the findings that name the line to fix.
        session.rollback()
        if is_htmx(request):
            return _redirect(request, f"/workspace/products/{product_id}?calculation=failed")
        said = say(str(error), translations(language_of(request)).gettext)
        return render_product(request, session, app, actor, product_id,
                     {"calculation_error": said}, status_code=422)  # fmt: skip

    job = submit_calculation(session, jobs, actor, product_id, count, chosen_seed)
    return _redirect(request, job_url(job))


def _redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return see(url)


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
        return conflict(request, session, app, actor, product_id, error)
    return see("/workspace")
