"""The case pages: the enterprise's application form, the case page with a form for
every step the process table opens to the reader, evidence upload and download.

A refused step is an expected outcome: the case page is shown again (409) with the
reasons in the reader's language next to the step's form, nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.domain.certification import DocumentKind
from tanji.domain.certification.case import REQUIRED_DOCUMENTS
from tanji.services.certification import cases, evidence, views
from tanji.services.certification._common import CertificationRefusedError
from tanji.services.certification.actions import StepInput, take_action
from tanji.services.certification.evidence import MAX_EVIDENCE_BYTES, Document
from tanji.services.errors import InvalidInputError, PermissionDeniedError, invalid_field
from tanji.services.results import result_detail
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.certification.pages import words
from tanji.web.ui.result_charts import line_rows
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()
#: The documents in the order the form asks for them.
DOCUMENT_ORDER = [k.value for k in DocumentKind]


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _problems(request: Request, error: Exception) -> list[str]:
    gettext = translations(language_of(request)).gettext
    if isinstance(error, CertificationRefusedError):
        return words(request)["say_reasons"](error.reasons)  # type: ignore[no-any-return]
    fields = getattr(error, "fields", None) or {}
    return [f"{name}: {message}" for name, message in fields.items()] or [gettext(str(error))]


# --- applying ---------------------------------------------------------------------------


def _apply_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    result_id: int,
    problems: list[str],
    values: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    detail = result_detail(session, actor, result_id)
    registry = views.bodies_for(session, actor)
    context = words(request) | {
        "d": detail, "registry": registry, "problems": problems, "values": values,
        "document_order": DOCUMENT_ORDER, "required": {k.value for k in REQUIRED_DOCUMENTS},
        "max_mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
    }  # fmt: skip
    return render(request, "certification/apply.html", context, status_code=status_code)


@router.get("/certification/apply")
def apply_form(
    request: Request, session: SessionDep, actor: ActorDep, result_id: int
) -> HTMLResponse:
    """认证委托: choose a body and hand in the documents for one footprint result."""
    return _apply_page(request, session, actor, result_id, [], {})


async def _documents(form: FormData) -> list[Document]:
    out = []
    for kind in DOCUMENT_ORDER:
        for upload in form.getlist(f"doc-{kind}"):
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read(MAX_EVIDENCE_BYTES + 1)
                media = upload.content_type or "application/octet-stream"
                out.append(Document(kind, upload.filename, media, content))
    return out


@router.post("/certification/apply", response_model=None)
async def apply_submit(
    request: Request, session: SessionDep, actor: ActorDep
) -> HTMLResponse | RedirectResponse:
    async with request.form() as form:  # closes the uploaded files' temporary files
        return await _apply(request, session, actor, form)


async def _apply(
    request: Request, session: SessionDep, actor: Actor, form: FormData
) -> HTMLResponse | RedirectResponse:
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    result_id = int(values.get("result_id") or 0)
    try:
        since = date.fromisoformat(values.get("management_system_since") or "")
    except ValueError:
        since = None
    try:
        case_id = cases.apply_for_certification(
            session, actor, result_id=result_id, body_org_id=int(values.get("body_org_id") or 0),
            certification_type=values.get("certification_type") or "footprint",
            management_system_since=since, documents=await _documents(form),
        )  # fmt: skip
    except (CertificationRefusedError, InvalidInputError) as error:
        session.rollback()
        problems = _problems(request, error)
        return _apply_page(request, session, actor, result_id, problems, values, 409)
    return _see(f"/certification/cases/{case_id}")


# --- the case -------------------------------------------------------------------------


def _case_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    case_id: int,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = views.case_view(session, actor, case_id)
    footprint = None
    lines: list[dict[str, Any]] = []
    if view.may_read_footprint and request.query_params.get("footprint") != "hide":
        footprint = views.case_footprint(session, actor, case_id)
        lines = line_rows(footprint, language_of(request))
    context = words(request) | {
        "v": view, "s": view.summary, "footprint": footprint, "lines": lines,
        "problems": [], "failed_action": None, "today": date.today(),
    }  # fmt: skip
    context.update(extra or {})
    return render(request, "certification/case.html", context, status_code=status_code)


@router.get("/certification/cases/{case_id}")
def case_page(request: Request, case_id: Id, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """One case: where it stands, what waits on whom, findings, history, evidence, the
    footprint under verification (while open), and the forms for the reader's steps."""
    return _case_page(request, session, actor, case_id)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _step_input(form: FormData) -> StepInput:
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    deadline = values.get("deadline") or ""
    try:
        due = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        raise invalid_field("deadline", f"{deadline!r} is not a date (YYYY-MM-DD).") from None
    return StepInput(
        reason=values.get("reason", ""),
        team=tuple(int(v) for v in form.getlist("team") if isinstance(v, str) and v.isdigit()),
        decision_maker=_int(values.get("decision_maker")),
        text=values.get("text", ""),
        kind=values.get("kind", "nonconformity"),
        deadline=due,
        finding=_int(values.get("finding")),
        answer=values.get("answer", ""),
        result_id=_int(values.get("result_id")),
        standard=values.get("standard") or cases.DEFAULT_STANDARD,
    )


@router.post("/certification/cases/{case_id}/steps/{action}", response_model=None)
async def step(
    request: Request, case_id: Id, action: str, session: SessionDep, app: AppDep, actor: ActorDep
) -> HTMLResponse | RedirectResponse:
    """Take one step; a refusal shows the page again with the reasons."""
    async with request.form() as form:
        pass  # a step carries no files; the text fields stay readable
    try:
        take_action(session, app.backgrounds, actor, case_id, action, _step_input(form))
    except (CertificationRefusedError, InvalidInputError, PermissionDeniedError) as error:
        session.rollback()
        extra = {"problems": _problems(request, error), "failed_action": action}
        status = 403 if isinstance(error, PermissionDeniedError) else 409
        return _case_page(request, session, actor, case_id, extra, status)
    return _see(f"/certification/cases/{case_id}#history")


@router.post("/certification/cases/{case_id}/evidence", response_model=None)
async def add_evidence(
    request: Request, case_id: Id, session: SessionDep, actor: ActorDep
) -> HTMLResponse | RedirectResponse:
    async with request.form() as form:
        return await _add_evidence(request, session, actor, case_id, form)


async def _add_evidence(
    request: Request, session: SessionDep, actor: Actor, case_id: int, form: FormData
) -> HTMLResponse | RedirectResponse:
    upload = form.get("file")
    kind = str(form.get("kind") or "other")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid_field("file", "Choose a file.")
        content = await upload.read(MAX_EVIDENCE_BYTES + 1)
        media = upload.content_type or "application/octet-stream"
        evidence.add_evidence(
            session, actor, case_id, Document(kind, upload.filename, media, content)
        )
    except (CertificationRefusedError, InvalidInputError) as error:
        session.rollback()
        extra = {"problems": _problems(request, error), "failed_action": "evidence"}
        return _case_page(request, session, actor, case_id, extra, 409)
    return _see(f"/certification/cases/{case_id}#evidence")


@router.get("/certification/evidence/{evidence_id}", response_class=Response)
def evidence_file(evidence_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    """An evidence file (checked against its SHA-256; the read is audited)."""
    found = evidence.read_evidence(session, actor, evidence_id)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{found.id}"',
            "X-Content-SHA256": found.sha256,
        },
    )
