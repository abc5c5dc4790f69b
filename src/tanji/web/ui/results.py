"""The result pages: one footprint result with its charts, its report files, and two
results side by side. Signed-in people only; who may read which result is decided by
:mod:`tanji.services.results`."""

from __future__ import annotations

from fastapi import Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tanji.services.errors import NotFoundError
from tanji.services.results import (
    REPORT_FORMATS,
    compare_results,
    render_report,
    result_detail,
)
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.result_charts import (
    chart_data,
    compare_chart_data,
    gas_label,
    gas_rows,
    line_rows,
    stage_rows,
)
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


@router.get("/workspace/results/compare")
def compare(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    a: int = Query(),
    b: int = Query(),
) -> HTMLResponse:
    comparison = compare_results(session, actor, a, b)
    language = language_of(request)
    gettext = translations(language).gettext
    gas_names = {row["key"]: gas_label(row["key"], gettext) for row in comparison.table["gases"]}
    context = {
        "c": comparison,
        "chart": compare_chart_data(comparison, language),
        "gas_names": gas_names,
    }
    return render(request, "results/compare.html", context)


@router.get("/workspace/results/{result_id}")
def result_page(
    request: Request, result_id: Id, actor: ActorDep, session: SessionDep
) -> HTMLResponse:
    detail = result_detail(session, actor, result_id)
    language = language_of(request)
    gettext = translations(language).gettext
    context = {
        "d": detail,
        "r": detail.result,
        "stages": stage_rows(detail, language),
        "gases": gas_rows(detail.result, gettext),
        "lines": line_rows(detail, language),
        "chart": chart_data(detail, language, gettext),
        "formats": list(REPORT_FORMATS),
    }
    return render(request, "results/result.html", context)


@router.get("/workspace/results/{result_id}/report.{fmt}")
def report_file(
    request: Request,
    result_id: Id,
    fmt: str,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
) -> Response:
    """The report in the page's language (``?lang=`` or the language cookie)."""
    if fmt not in REPORT_FORMATS:
        raise NotFoundError(f"no report format {fmt!r} (pdf, xlsx or html)")
    language = language_of(request)
    report = render_report(session, app.backgrounds, actor, result_id, fmt, language)
    return Response(
        report.content,
        media_type=report.media_type,
        headers={"Content-Disposition": f'attachment; filename="{report.filename}"'},
    )
