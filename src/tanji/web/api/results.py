"""Footprint results: one result, its report file, two results compared."""

from __future__ import annotations

from typing import Literal

from fastapi import Query
from fastapi.responses import Response

from tanji.services.results import compare_results, render_report, result_detail
from tanji.web.api.result_schemas import ComparisonRead, ResultRead
from tanji.web.deps import MAX_ID, AppDep, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(prefix="/results", tags=["results"])

_REPORT_CONTENT: dict[str, dict[str, object]] = {
    "application/pdf": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
    "text/html": {},
}


@router.get("/compare")
def compare(
    actor: ActorDep,
    session: SessionDep,
    a: int = Query(ge=1, le=MAX_ID, description="The result compared against"),
    b: int = Query(ge=1, le=MAX_ID, description="The result compared (differences are b − a)"),
) -> ComparisonRead:
    """Two results side by side: total, life-cycle stages, gases and every line."""
    return ComparisonRead.of(compare_results(session, actor, a, b))


@router.get("/{result_id}")
def get_result(result_id: Id, actor: ActorDep, session: SessionDep) -> ResultRead:
    """A saved footprint result: the result document, the rule, findings and versions.

    Results belong to the organisation that computed them; operator results (computed
    from the command line) are readable by every signed-in user.
    """
    return ResultRead.of(result_detail(session, actor, result_id))


@router.get(
    "/{result_id}/report",
    response_class=Response,
    responses={200: {"content": _REPORT_CONTENT, "description": "The report file"}},
)
def get_report(
    result_id: Id,
    actor: ActorDep,
    session: SessionDep,
    app: AppDep,
    format: Literal["pdf", "xlsx", "html"] = "pdf",
    lang: Literal["zh", "en"] = "zh",
) -> Response:
    """The result's report (ISO 14067 / GB/T 24067 study report), recomputed from its pins."""
    report = render_report(session, app.backgrounds, actor, result_id, format, lang)
    return Response(
        report.content,
        media_type=report.media_type,
        headers={"Content-Disposition": f'attachment; filename="{report.filename}"'},
    )
