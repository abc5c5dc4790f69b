"""The operator's list of reported fake labels."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from tanji.services.labels import reports
from tanji.web.deps import Id, SessionDep
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


@router.get("/admin/label-reports")
def label_reports(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    return render(request, "labels/reports.html", {"reports": reports.fake_reports(session, actor)})


@router.post("/admin/label-reports/{report_id}/reviewed")
def reviewed(report_id: Id, session: SessionDep, actor: ActorDep) -> RedirectResponse:
    reports.mark_reviewed(session, actor, report_id)
    return RedirectResponse("/admin/label-reports", status_code=303)
