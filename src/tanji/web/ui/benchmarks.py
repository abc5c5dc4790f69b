"""Benchmark pages: category values, a product's grade and diagnosis, the 碳效码, and the
department's overview. Who may see or set what is the services' decision
(:mod:`tanji.services.benchmarks`); pages parse forms and show what the services return.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.benchmarks import Grade, Kind, Level, LeverKind
from tanji.domain.factors import DomainError
from tanji.domain.problems import Problem
from tanji.domain.products import DEFAULT_STAGES
from tanji.domain.regions import JIANGSU_CITIES
from tanji.engine import EngineError
from tanji.io.errors import DataFormatError
from tanji.services.benchmarks import diagnosis, efficiency, grades, references
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.products import get_product
from tanji.web.conflicts import form_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.problems import say, say_all
from tanji.web.ui.result_charts import gas_label
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    """Mark a msgid for extraction; it is translated when shown."""
    return message


KIND_LABELS = {
    Kind.LEADING.value: N_("Leading value"),
    Kind.BASELINE.value: N_("Baseline value"),
    Kind.LIMIT.value: N_("Limit value"),
}
GRADE_LABELS = {
    Grade.LEADING.value: N_("Leading"),
    Grade.BETTER_THAN_BASELINE.value: N_("Better than baseline"),
    Grade.WITHIN_LIMIT.value: N_("Within the limit"),
    Grade.OVER_LIMIT.value: N_("Over the limit"),
    "ungraded": N_("Not graded"),
}
LEVEL_LABELS = {
    Level.LOW.value: N_("Low carbon"),
    Level.MEDIUM.value: N_("Medium carbon"),
    Level.HIGH.value: N_("High carbon"),
}
LEVER_LABELS = {
    LeverKind.RENEWABLE.value: N_("More green power (contract)"),
    LeverKind.ONSITE_PV.value: N_("On-site PV"),
    LeverKind.RECYCLED.value: N_("Recycled content"),
    LeverKind.SUPPLIER.value: N_("Another supplier or material"),
    LeverKind.TRANSPORT.value: N_("Transport mode shift"),
    LeverKind.EFFICIENCY.value: N_("Process efficiency"),
}
CITY_NAMES = {c.code: (c.name_zh, c.name_en) for c in JIANGSU_CITIES}
_FORM_ERRORS = (InvalidInputError, ConflictError, PermissionDeniedError)
#: The department's settings forms: a refusal for want of permission is a 403 page.
_SETTING_ERRORS = (InvalidInputError, ConflictError)
#: Why a working model may not compute (yet): shown in the grade block, not as an error page.
_CALCULATION_ERRORS = (DomainError, EngineError, DataFormatError, InvalidInputError)


def _labels(request: Request) -> dict[str, Any]:
    gettext = translations(language_of(request)).gettext
    zh = language_of(request) == "zh"
    return {
        "kind_label": lambda k: gettext(KIND_LABELS.get(k) or k),
        "grade_label": lambda g: gettext(GRADE_LABELS.get(g or "ungraded") or str(g)),
        "level_label": lambda x: gettext(LEVEL_LABELS.get(x) or x),
        "lever_label": lambda x: gettext(LEVER_LABELS.get(x) or x),
        "city_name": lambda c: CITY_NAMES.get(c, (c, c))[0 if zh else 1],
        "kinds": [k.value for k in Kind],
        "say": lambda message: say(message, gettext),
        "stage_name": lambda stage: _STAGE_NAMES.get(stage, (stage, stage))[0 if zh else 1],
        "gas_name": lambda gas: gas_label(gas, gettext),
    }


#: The default life-cycle stages by id, (zh, en), for the diagnosis' hotspots.
_STAGE_NAMES = {s.id: (s.name.zh or s.name.en, s.name.en or s.name.zh) for s in DEFAULT_STAGES}


def _this_year() -> int:
    return date.today().year


def _errors(request: Request, error: Exception) -> dict[str, str]:
    fields = dict(getattr(error, "fields", {}) or {}) or {"form": str(error)}
    return say_all(fields, translations(language_of(request)).gettext)


@router.get("/benchmarks")
def index(
    request: Request, actor: ActorDep, session: SessionDep, year: int | None = Query(None)
) -> HTMLResponse:
    year = year or _this_year()
    context: dict[str, Any] = {"categories": references.known_categories(session), "year": year}
    if actor.can("benchmark.oversee"):
        context["distribution"] = grades.grade_distribution(session, actor, year)
        context["efficiencies"] = efficiency.efficiency_overview(session, actor, year)
        context["efficiencies_before"] = efficiency.efficiency_overview(session, actor, year - 1)
    return render(request, "benchmarks/index.html", context | _labels(request))


def _values_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    category: str,
    declared_unit: str,
    year: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    policy: dict[str, str] | None = None,
) -> HTMLResponse:
    """The category's values page; ``policy`` (the policy form as typed) says the errors
    are the policy form's, shown there."""
    values = references.category_values(session, category, declared_unit, year)
    context = {
        "v": values,
        "current_rows": [(k.value, values.current.values.get(k)) for k in Kind],
        "history_rows": [(y, [y.values.get(k) for k in Kind]) for y in values.history],
        "pcts": [values.policy.percentiles[k] for k in Kind],
        "can_set": actor.can("benchmark.set"),
        "errors": errors or {} if policy is None else {},
        "policy_errors": errors or {} if policy is not None else {},
        "policy_values": policy or {},
        "year": year,
    }
    return render(request, "benchmarks/values.html", context | _labels(request),
                  status_code=status_code)  # fmt: skip


@router.get("/benchmarks/values")
def values_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    category: str = Query(max_length=80),
    declared_unit: str = Query(max_length=80),
    year: int | None = Query(None, ge=2000, le=2100),
) -> HTMLResponse:
    return _values_page(request, session, actor, category, declared_unit, year or _this_year())


@router.post("/benchmarks/official-values")
def set_official(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    category: Annotated[str, Form(max_length=80)],
    declared_unit: Annotated[str, Form(max_length=80)],
    year: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    value: Annotated[str, Form()],
    document: Annotated[str, Form(max_length=2000)] = "",
    illustrative: Annotated[str, Form()] = "",
) -> Response:
    try:
        try:
            number = float(value)
        except ValueError:
            raise InvalidInputError("value", fields={"value": "a number"}) from None
        references.set_official_value(
            session, actor, category=category, declared_unit=declared_unit, year=year,
            kind=kind, value=number, document=document, illustrative=bool(illustrative),
        )  # fmt: skip
    except _FORM_ERRORS as error:
        session.rollback()
        return _values_page(request, session, actor, category, declared_unit, year,
                            _errors(request, error), 422)  # fmt: skip
    query = f"category={category}&declared_unit={declared_unit}&year={year}"
    return RedirectResponse(f"/benchmarks/values?{query}", status_code=303)


@router.get("/workspace/products/{product_id}/grade")
def grade_fragment(
    request: Request,
    product_id: Id,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
    year: int | None = Query(None, ge=2000, le=2100),
) -> HTMLResponse:
    """The grade block of the product page (loaded by htmx, or opened alone); a model
    that does not compute yet says so in the block (the findings list why)."""
    try:
        found = grades.product_grade(
            session, app.backgrounds, actor, product_id, year or _this_year()
        )
    except _CALCULATION_ERRORS as error:
        context = {"problem": str(error), "product_id": product_id}
        return render(request, "benchmarks/_grade_missing.html", context)
    return render(request, "benchmarks/_grade.html", {"g": found} | _labels(request))


@router.get("/workspace/products/{product_id}/diagnosis")
def diagnosis_page(
    request: Request,
    product_id: Id,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
    seed: int = Query(0, ge=0, le=2**32 - 1),
) -> HTMLResponse:
    found = diagnosis.diagnose(session, app.backgrounds, actor, product_id, seed=seed)
    grade = grades.product_grade(session, app.backgrounds, actor, product_id, _this_year())
    product = get_product(session, actor, product_id)
    levers = [(r, json.dumps(_lever_json(r.lever), ensure_ascii=False)) for r in found.levers]
    context = {
        "d": found, "g": grade, "levers": levers, "product": product,
        "can_write": actor.can("product.write"), "errors": {},
    }  # fmt: skip
    return render(request, "benchmarks/diagnosis.html", context | _labels(request))


def _lever_json(lever: Any) -> dict[str, Any]:
    return {
        "kind": lever.kind.value, "line": lever.line, "share": lever.share, "kwh": lever.kwh,
        "factor": lever.factor, "mode": lever.mode, "label": lever.label,
        "cost_cny": lever.cost_cny,
    }  # fmt: skip


@router.post("/workspace/products/{product_id}/diagnosis/keep")
def keep(
    request: Request,
    product_id: Id,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
    lever: Annotated[str, Form(max_length=4000)],
    version: Annotated[str, Form()] = "",
) -> Response:
    try:
        spec = json.loads(lever)
    except json.JSONDecodeError:
        raise InvalidInputError("lever: not JSON", fields={"lever": "JSON"}) from None
    diagnosis.keep_lever(
        session, app.backgrounds, actor, product_id, diagnosis.lever_from(spec),
        form_version(version) or 0,
    )  # fmt: skip
    return RedirectResponse(f"/workspace/products/{product_id}", status_code=303)


def _efficiency_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = None
    try:
        view = efficiency.enterprise_efficiency(session, actor)
    except NotFoundError:
        view = None
    context = {
        "e": view,
        "can_report": actor.can("efficiency.report"),
        "errors": errors or {},
        "values": values or {},
        "year": _this_year() - 1,
    }
    return render(request, "benchmarks/efficiency.html", context | _labels(request),
                  status_code=status_code)  # fmt: skip


@router.get("/workspace/efficiency")
def efficiency_page(request: Request, actor: ActorDep, session: SessionDep) -> HTMLResponse:
    return _efficiency_page(request, session, actor)


@router.get("/benchmarks/efficiency/{org_id}")
def org_efficiency_page(
    request: Request,
    org_id: Id,
    actor: ActorDep,
    session: SessionDep,
    year: int | None = Query(None, ge=2000, le=2100),
) -> HTMLResponse:
    """An enterprise's 碳效码 as the department sees it."""
    view = efficiency.enterprise_efficiency(session, actor, org_id, year)
    context = {"e": view, "can_report": False, "errors": {}, "values": {}, "year": view.year}
    return render(request, "benchmarks/efficiency.html", context | _labels(request))


@router.post("/workspace/efficiency")
async def report(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    energy = [
        {"carrier": values.get(f"carrier_{i}", ""), "amount": values.get(f"amount_{i}", ""),
         "unit": values.get(f"unit_{i}", ""), "factor": values.get(f"factor_{i}", "")}
        for i in range(3)
        if values.get(f"amount_{i}", "").strip()
    ]  # fmt: skip
    try:
        efficiency.report_energy(
            session,
            actor,
            year=_int(values.get("year", ""), "year"),
            industry=values.get("industry", ""),
            value_added=_float(values.get("value_added", ""), "value_added"),
            energy=energy,
            zero_carbon_kwh=_float(values.get("zero_carbon_kwh") or "0", "zero_carbon_kwh"),
            grid_factor=values.get("grid_factor", ""),
            sinks_t=_float(values.get("sinks_t") or "0", "sinks_t"),
        )
    except _FORM_ERRORS as error:
        session.rollback()
        return _efficiency_page(request, session, actor, _errors(request, error), values, 422)
    return RedirectResponse("/workspace/efficiency", status_code=303)


def _float(text: str, name: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        problem = Problem("bench-number", value=repr(text))
        raise InvalidInputError(f"{name}: {problem}", fields={name: problem}) from None


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        problem = Problem("bench-whole-number", value=repr(text))
        raise InvalidInputError(f"{name}: {problem}", fields={name: problem}) from None


# --- the department's forms (issue 16): policies, the 碳效码 method, industry averages --


@router.post("/benchmarks/policies")
def set_policy(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    category: Annotated[str, Form(max_length=80)],
    declared_unit: Annotated[str, Form(max_length=80)],
    year: Annotated[int, Form(ge=2000, le=2100)],
    leading: Annotated[str, Form(max_length=40)] = "",
    baseline: Annotated[str, Form(max_length=40)] = "",
    limit: Annotated[str, Form(max_length=40)] = "",
    min_sample: Annotated[str, Form(max_length=40)] = "",
    max_dqr: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """How the category's values are computed (percentiles, sample size, data quality)."""
    try:
        references.set_policy(
            session, actor, category=category, declared_unit=declared_unit,
            leading=_float(leading, "leading"), baseline=_float(baseline, "baseline"),
            limit=_float(limit, "limit"), min_sample=_int(min_sample, "min_sample"),
            max_dqr=_float(max_dqr, "max_dqr"),
        )  # fmt: skip
    except _SETTING_ERRORS as error:
        session.rollback()
        typed = {"leading": leading, "baseline": baseline, "limit": limit,
                 "min_sample": min_sample, "max_dqr": max_dqr}  # fmt: skip
        return _values_page(request, session, actor, category, declared_unit, year,
                            _errors(request, error), 422, policy=typed)  # fmt: skip
    query = urlencode({"category": category, "declared_unit": declared_unit, "year": year})
    return RedirectResponse(f"/benchmarks/values?{query}#policy", status_code=303)


def _settings_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "method": efficiency.method_in_force(session),
        "averages": efficiency.list_industry_averages(session),
        "can_set": actor.can("benchmark.set"),
        "errors": errors or {},
        "values": values or {},
        "year": _this_year() - 1,
    }
    return render(request, "benchmarks/settings.html", context | _labels(request),
                  status_code=status_code)  # fmt: skip


@router.get("/benchmarks/settings")
def settings_page(request: Request, actor: ActorDep, session: SessionDep) -> HTMLResponse:
    """The 碳效码 bounds in force and the industry averages, with their sources."""
    return _settings_page(request, session, actor)


@router.post("/benchmarks/settings/method")
async def set_method(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        efficiency.set_method(
            session, actor,
            level_bounds=(_float(values.get("level_low", ""), "level_low"),
                          _float(values.get("level_high", ""), "level_high")),
            grade_bounds=(_float(values.get("k1", ""), "k1"), _float(values.get("k2", ""), "k2"),
                          _float(values.get("k3", ""), "k3"), _float(values.get("k4", ""), "k4")),
            source=values.get("source", ""),
        )  # fmt: skip
    except _SETTING_ERRORS as error:
        session.rollback()
        return _settings_page(request, session, actor, _errors(request, error), values, 422)
    return RedirectResponse("/benchmarks/settings#method", status_code=303)


@router.post("/benchmarks/settings/industry-averages")
async def set_average(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        efficiency.set_industry_average(
            session, actor, industry=values.get("industry", ""), name=values.get("name", ""),
            year=_year_of(values.get("year", "")), value=_float(values.get("value", ""), "value"),
            source=values.get("source", ""), illustrative=bool(values.get("illustrative")),
        )  # fmt: skip
    except _SETTING_ERRORS as error:
        session.rollback()
        return _settings_page(request, session, actor, _errors(request, error), values, 422)
    return RedirectResponse("/benchmarks/settings#averages", status_code=303)


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 2000}


def _year_of(text: str) -> int:
    year = _int(text, "year")
    if not 2000 <= year <= 2100:
        raise InvalidInputError("year", fields={"year": Problem("bench-year", value=year)})
    return year


# --- lever costs (the marginal abatement cost curve) --------------------------------------


@router.post("/workspace/products/{product_id}/diagnosis")
async def diagnosis_with_costs(
    request: Request, product_id: Id, actor: ActorDep, session: SessionDep, app: AppDep
) -> HTMLResponse:
    """The diagnosis again with a cost for each lever (CNY over the model's output):
    cost per tonne and the levers cheapest per tonne first."""
    form = await request.form()
    specs = [str(x) for x in form.getlist("lever")][:20]
    costs = [str(x) for x in form.getlist("cost")][:20]
    errors: dict[str, str] = {}
    levers = []
    for i, text in enumerate(specs):
        try:
            spec = json.loads(text)
        except json.JSONDecodeError:
            raise InvalidInputError("lever: not JSON", fields={"lever": "JSON"}) from None
        cost = costs[i].strip().replace(",", "") if i < len(costs) else ""
        if cost:
            try:
                spec["cost_cny"] = float(cost)
            except ValueError:
                errors[f"cost_{i}"] = Problem("bench-number", value=repr(cost))
        levers.append(diagnosis.lever_from(spec))
    found = diagnosis.diagnose(session, app.backgrounds, actor, product_id, levers or None)
    grade = grades.product_grade(session, app.backgrounds, actor, product_id, _this_year())
    product = get_product(session, actor, product_id)
    rows = [(r, json.dumps(_lever_json(r.lever), ensure_ascii=False)) for r in found.levers]
    context = {
        "d": found, "g": grade, "levers": rows, "product": product,
        "can_write": actor.can("product.write"), "errors": _errors(request, InvalidInputError(
            "costs", fields=errors)) if errors else {},
    }  # fmt: skip
    status_code = 422 if errors else 200
    return render(request, "benchmarks/diagnosis.html", context | _labels(request),
                  status_code=status_code)  # fmt: skip
