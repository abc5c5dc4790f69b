"""The government's desk (issue 17): the work plan, progress by city, sector, year and
status with a chart, the drill-down to enterprises, certification statistics, benchmark
distributions and the Excel export. Who may see which city is the services' decision
(:mod:`tanji.services.desk`); the handlers parse and show.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.domain.desk import DeskStatus
from tanji.domain.regions import JIANGSU_CITIES, REGIONS
from tanji.io.tables_xlsx import Sheet, tables_workbook
from tanji.services.benchmarks import grades
from tanji.services.desk import plans, progress
from tanji.services.errors import ConflictError, InvalidInputError
from tanji.web.deps import SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.benchmarks import GRADE_LABELS
from tanji.web.ui.certification import text as certification_text
from tanji.web.ui.pages import SECTOR_NAMES
from tanji.web.ui.problems import say_all
from tanji.web.ui.templating import render

__all__ = ["STATUS_LABELS", "router"]

router = page_router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    return message


STATUS_LABELS = {
    DeskStatus.SELF_DECLARED.value: N_("Self-declared"),
    DeskStatus.IN_CERTIFICATION.value: N_("In certification"),
    DeskStatus.CERTIFIED.value: N_("Certified"),
}
_YEAR = Query(None, ge=2000, le=2100)


def _this_year() -> int:
    return date.today().year


def _words(request: Request) -> dict[str, Any]:
    language = language_of(request)
    gettext = translations(language).gettext

    def city_name(code: str | None) -> str:
        region = REGIONS.get(code or "")
        return region.name(language) if region is not None else (code or "")

    def sector_name(code: str | None) -> str:
        code = code or ""
        return gettext(SECTOR_NAMES[code]) if code in SECTOR_NAMES else code

    return {
        "city_name": city_name,
        "sector_name": sector_name,
        "status_label": lambda s: gettext(STATUS_LABELS.get(s) or str(s)),
        "grade_label": lambda g: gettext(GRADE_LABELS.get(g) or str(g)),
        "statuses": [s.value for s in DeskStatus],
        "cities": [c.code for c in JIANGSU_CITIES],
        "sector_choices": [c for c in SECTOR_NAMES if c != "other"],
        "states": certification_text.STATES,
        "certificate_status": certification_text.CERTIFICATE_STATUS,
    }


def _chart(view: progress.DeskView, words: dict[str, Any], gettext: Any) -> dict[str, Any]:
    """The chart's data island: cities × statuses, targets, all labels translated."""
    rows = view.by_city
    return {
        "categories": [words["city_name"](t.key) for t in rows],
        "series": [
            {"name": gettext(STATUS_LABELS[s]), "data": [t.of(s) for t in rows]}
            for s in words["statuses"]
        ],
        "targets": [t.target for t in rows],
        "labels": {"target": gettext("Target of the plan"), "products": gettext("Products")},
    }


def _page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    year: int,
    demo: bool,
    filters: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = progress.desk_view(session, actor, year, include_demo=demo, **filters)
    words = _words(request)
    gettext = translations(language_of(request)).gettext
    distribution = [
        row
        for row in grades.grade_distribution(session, actor, year)
        if view.scope is None or row.city == view.scope
    ]
    query = {"year": str(year), **({"demo": "1"} if demo else {}),
             **{k: str(v) for k, v in filters.items() if v}}  # fmt: skip
    context = {
        "v": view,
        "year": year,
        "demo": demo,
        "can_plan": actor.can("desk.plan"),
        "chart": _chart(view, words, gettext),
        "stats": progress.certification_statistics(session, actor),
        "distribution": distribution,
        "export_url": "/desk/export.xlsx?" + urlencode({k: v for k, v in query.items() if v}),
        "errors": errors or {},
        "values": values,
    }
    return render(request, "desk/index.html", context | words, status_code=status_code)


@router.get("/desk")
def desk(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    year: int | None = _YEAR,
    demo: str = Query("", max_length=1),
    city: str = Query("", max_length=20),
    category: str = Query("", max_length=80),
    status: str = Query("", max_length=30),
    org: int | None = Query(None, ge=1, le=2**63 - 1),
) -> HTMLResponse:
    filters: dict[str, Any] = {"city": city, "category": category, "status": status, "org": org}
    return _page(request, session, actor, year or _this_year(), bool(demo), filters)


def _int(text: str, name: str, problems: dict[str, str]) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems[name] = N_("a whole number")
        return None


@router.post("/desk/plan", response_model=None)
async def set_plan(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The provincial department sets the year's plan (the form posts every field)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 2000}
    problems: dict[str, str] = {}
    year = _int(values.get("year", ""), "year", problems) or _this_year()
    targets = {
        city.code: _int(values.get(f"target_{city.code}", ""), f"target_{city.code}", problems) or 0
        for city in JIANGSU_CITIES
    }
    province_target = _int(values.get("province_target", ""), "province_target", problems)
    version = _int(values.get("version", ""), "version", problems)
    try:
        if problems:
            raise InvalidInputError("the plan", fields=problems)
        plans.set_plan(
            session, actor, year=year,
            focus_sectors=[values.get("sector_1", ""), values.get("sector_2", "")],
            city_targets=targets, province_target=province_target,
            document=values.get("document", ""), version=version,
        )  # fmt: skip
    except (InvalidInputError, ConflictError) as error:
        session.rollback()
        gettext = translations(language_of(request)).gettext
        fields = dict(getattr(error, "fields", {}) or {}) or {"form": str(error)}
        errors = {k: gettext(v) for k, v in say_all(fields, gettext).items()}
        status_code = 409 if isinstance(error, ConflictError) else 422
        return _page(request, session, actor, year, False, {}, errors=errors, values=values,
                     status_code=status_code)  # fmt: skip
    return RedirectResponse(f"/desk?year={year}#plan", status_code=303)


@router.get("/desk/export.xlsx")
def export(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    year: int | None = _YEAR,
    demo: str = Query("", max_length=1),
    city: str = Query("", max_length=20),
    category: str = Query("", max_length=80),
    status: str = Query("", max_length=30),
    org: int | None = Query(None, ge=1, le=2**63 - 1),
) -> Response:
    """The desk's tables as one workbook: by city, by sector, by year, the products."""
    year = year or _this_year()
    view = progress.desk_view(session, actor, year, include_demo=bool(demo), city=city,
                              category=category, status=status, org=org)  # fmt: skip
    words = _words(request)
    gettext = translations(language_of(request)).gettext
    labels = [gettext(STATUS_LABELS[s]) for s in words["statuses"]]

    def tally_rows(rows: Any, name: Any, with_target: bool = False) -> list[list[Any]]:
        out = []
        for t in rows:
            row = [name(t.key), *(t.of(s) for s in words["statuses"]), t.products]
            if with_target:
                row += [t.target, t.share]
            out.append(row)
        return out

    total = gettext("Total")
    sheets = [
        Sheet(gettext("By city"),
              [gettext("City"), *labels, total, gettext("Target of the plan"), gettext("Share")],
              tally_rows(view.by_city, words["city_name"], True)),
        Sheet(gettext("By sector"), [gettext("Sector"), *labels, total],
              tally_rows(view.by_category, words["sector_name"])),
        Sheet(gettext("By year"), [gettext("Year"), *labels, total],
              tally_rows(view.by_year, str)),
        Sheet(gettext("Products"),
              [gettext("Enterprise"), gettext("City"), gettext("Sector"), gettext("Product"),
               gettext("Product code"), gettext("Status"), gettext("Year"),
               gettext("Footprint"), gettext("Unit"), gettext("Illustrative (demo)")],
              [[p.org_name, words["city_name"](p.region), words["sector_name"](p.category),
                p.name_zh if language_of(request) == "zh" else p.name_en, p.code,
                gettext(STATUS_LABELS[p.status.value]), p.year, p.total,
                f"{p.unit} / {p.per}", gettext("yes") if p.demo else ""]
               for p in view.products]),
    ]  # fmt: skip
    name = f"tanji-desk-{year}{'-' + view.scope if view.scope else ''}.xlsx"
    return Response(
        tables_workbook(sheets),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
