"""The admission pages (docs/admission.md): background databases, submitting shared
data with its evidence, a submission with its reviews and checks (review, admit, reject
forms for those whose step it is), the products a new version affects and the report of
their recomputation.

Handlers read the request and call :mod:`tanji.services.admission`, which decides who
may do what; a refused step comes back as the page's problem, in the reader's language.
A change runs in its own unit of work, committed before the handler answers with its
redirect: the request's session commits only after the response is sent, and a browser
that follows the redirect at once must find the change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Query
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.admission import (
    AdmissionError,
    BackgroundRecord,
    EvidenceKind,
    Quantity,
    Recommendation,
    RecordKind,
    Review,
    summarize,
)
from tanji.domain.factors import DomainError, PefQuality
from tanji.services.admission import (
    databases,
    decisions,
    exchange,
    propagation,
    reviews,
    submissions,
)
from tanji.services.admission._common import AdmissionRefusedError
from tanji.services.admission.submissions import EvidenceFile
from tanji.services.errors import InvalidInputError
from tanji.web.admission_jobs import start_propagation
from tanji.web.api.admission import attachment
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of
from tanji.web.jobs import JobsDep, job_url
from tanji.web.reasons import reasons_message
from tanji.web.routing import Router
from tanji.web.security import ActorDep, MaybeActorDep, current_actor, verify_csrf
from tanji.web.ui.templating import render

__all__ = ["router"]

router = Router(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(current_actor), Depends(verify_csrf)],
)

#: How many evidence files the submission form offers.
EVIDENCE_SLOTS = 4


def _problem(request: Request, error: Exception) -> str:
    reasons = getattr(error, "reasons", None)
    if reasons:
        return reasons_message(reasons, language_of(request))
    return str(error)


@router.get("/admission")
def index(request: Request, session: SessionDep, actor: MaybeActorDep) -> HTMLResponse:
    context: dict[str, Any] = {
        "databases": databases.list_background_databases(session),
        "submissions": submissions.list_submissions(session, actor) if actor else [],
    }
    return render(request, "admission/index.html", context)


def _submit_form(
    request: Request, session: SessionDep, values: dict[str, Any], problem: str = "",
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "databases": databases.list_background_databases(session),
        "kinds": [k.value for k in RecordKind],
        "evidence_kinds": [k.value for k in EvidenceKind],
        "slots": range(EVIDENCE_SLOTS),
        "values": values,
        "problem": problem,
    }
    return render(request, "admission/submit.html", context, status_code=status_code)


@router.get("/admission/submit")
def submit_form(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    return _submit_form(request, session, {"year": "2024", "geography": "CN-JS", "unit": "kg"})


def _quantities(text: str) -> tuple[Quantity, ...]:
    """One quantity a line: ``name; amount; unit; evidence file, evidence file``."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) < 3:
            raise InvalidInputError(
                f"quantities, line {number}: expected 'name; amount; unit; evidence files'"
            )
        try:
            amount = float(parts[1])
        except ValueError:
            raise InvalidInputError(
                f"quantities, line {number}: {parts[1]!r} is not a number"
            ) from None
        files = tuple(
            f.strip() for f in (parts[3] if len(parts) > 3 else "").split(",") if f.strip()
        )
        found.append(Quantity(parts[0], amount, parts[2], files))
    return tuple(found)


def _number(values: dict[str, Any], name: str) -> float:
    try:
        return float(values.get(name) or "")
    except ValueError:
        raise InvalidInputError(f"{name}: expected a number, got {values.get(name)!r}") from None


def _record(values: dict[str, Any]) -> BackgroundRecord:
    dqr = PefQuality(*(int(values.get(k) or 0) or None for k in ("ter", "ger", "tir", "p")))
    gsd = values.get("gsd") or ""
    return BackgroundRecord(
        kind=RecordKind(values.get("kind") or "emission_factor"),
        code=str(values.get("code") or ""),
        name_zh=str(values.get("name_zh") or ""),
        name_en=str(values.get("name_en") or ""),
        unit=str(values.get("unit") or ""),
        geography=str(values.get("geography") or ""),
        product=str(values.get("product") or ""),
        year=int(_number(values, "year")),
        co2e=_number(values, "co2e"),
        gsd=_number(values, "gsd") if gsd else None,
        dqr=dqr,
        quantities=_quantities(str(values.get("quantities") or "")),
        result_id=int(values["result_id"]) if values.get("result_id") else None,
        confidential=frozenset(
            c.strip() for c in str(values.get("confidential") or "").split(",") if c.strip()
        ),
        notes=str(values.get("notes") or ""),
    )


@router.post("/admission/submit")
async def submit(request: Request, session: SessionDep, actor: ActorDep, app: AppDep) -> Response:
    form = await request.form()
    try:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        files = []
        for slot in range(EVIDENCE_SLOTS):
            upload = form.get(f"file{slot}")
            if isinstance(upload, StarletteUpload) and upload.filename:
                files.append(
                    EvidenceFile(
                        upload.filename,
                        str(form.get(f"kind{slot}") or "other"),
                        await upload.read(),
                        upload.content_type or "application/octet-stream",
                        str(form.get(f"calibrates{slot}") or ""),
                    )
                )
    finally:
        await form.close()  # the uploads' temporary files
    try:
        record = _record(values)
        with app.unit_of_work() as uow:  # committed before the browser follows the redirect
            submission_id = submissions.submit(
                uow.session, actor, int(values.get("database_id") or 0), record, files
            )
    except (
        AdmissionError,
        AdmissionRefusedError,
        DomainError,
        InvalidInputError,
        ValueError,
    ) as error:
        return _submit_form(request, session, values, _problem(request, error), 422)
    return RedirectResponse(f"/admission/submissions/{submission_id}", status_code=303)


def _detail(
    request: Request, session: SessionDep, actor: Any, submission_id: int, problem: str = "",
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    view = submissions.submission(session, actor, submission_id)
    context = {
        "view": view,
        "problem": problem,
        "recommendations": [r.value for r in Recommendation],
        "can_review": actor is not None and "reviewer" in view.roles,
        "can_decide": actor is not None and "department" in view.roles,
        # a missing traceability link, in the reader's language
        "missing_text": lambda reason: reasons_message([reason], language_of(request)),
    }
    return render(request, "admission/submission.html", context, status_code=status_code)


@router.get("/admission/submissions/{submission_id}")
def submission(
    request: Request, submission_id: Id, session: SessionDep, actor: MaybeActorDep
) -> HTMLResponse:
    return _detail(request, session, actor, submission_id)


@router.post("/admission/submissions/{submission_id}/review")
def review(
    request: Request,
    submission_id: Id,
    session: SessionDep,
    actor: ActorDep,
    app: AppDep,
    completeness: Annotated[int, Form(ge=1, le=5)],
    representativeness: Annotated[int, Form(ge=1, le=5)],
    consistency: Annotated[int, Form(ge=1, le=5)],
    ter: Annotated[int, Form(ge=1, le=5)],
    ger: Annotated[int, Form(ge=1, le=5)],
    tir: Annotated[int, Form(ge=1, le=5)],
    p: Annotated[int, Form(ge=1, le=5)],
    recommendation: Annotated[Recommendation, Form()],
    summary: Annotated[str, Form(max_length=5000)],
    comment_field: Annotated[str, Form(max_length=200)] = "",
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    comments = {comment_field.strip(): comment.strip()} if comment_field.strip() else {}
    try:
        given = Review(actor.org_id, completeness, representativeness, consistency,
                       PefQuality(ter, ger, tir, p), recommendation, summary, comments)  # fmt: skip
        with app.unit_of_work() as uow:
            reviews.review(uow.session, actor, submission_id, given)
    except (AdmissionError, AdmissionRefusedError) as error:
        return _detail(request, session, actor, submission_id, _problem(request, error), 409)
    return RedirectResponse(f"/admission/submissions/{submission_id}", status_code=303)


@router.post("/admission/submissions/{submission_id}/admit")
def admit(
    request: Request, submission_id: Id, session: SessionDep, actor: ActorDep, app: AppDep
) -> Response:
    try:
        with app.unit_of_work() as uow:
            decisions.admit(uow.session, actor, submission_id)
    except AdmissionRefusedError as error:
        return _detail(request, session, actor, submission_id, _problem(request, error), 409)
    return RedirectResponse(f"/admission/submissions/{submission_id}", status_code=303)


@router.post("/admission/submissions/{submission_id}/reject")
def reject(
    request: Request,
    submission_id: Id,
    session: SessionDep,
    actor: ActorDep,
    app: AppDep,
    reasons: Annotated[str, Form(max_length=10000)] = "",
) -> Response:
    try:
        with app.unit_of_work() as uow:
            decisions.reject(uow.session, actor, submission_id, reasons.splitlines())
    except AdmissionRefusedError as error:
        return _detail(request, session, actor, submission_id, _problem(request, error), 409)
    return RedirectResponse(f"/admission/submissions/{submission_id}", status_code=303)


@router.get("/admission/submissions/{submission_id}/evidence/{evidence_id}")
def evidence(submission_id: Id, evidence_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    row, content = submissions.read_evidence(session, actor, submission_id, evidence_id)
    return Response(
        content,
        media_type=row.media_type,
        headers={"Content-Disposition": f'attachment; filename="{row.name}"'},
    )


@router.get("/admission/affected")
def affected(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    database: Annotated[str, Query(max_length=200)] = "",
    version: Annotated[str, Query(max_length=50)] = "",
) -> HTMLResponse:
    found = propagation.affected_for(session, actor, database, version or None) if database else []
    context = {
        "database": database,
        "version": version,
        "dependents": found,
        "databases": databases.list_background_databases(session),
        "can_propagate": actor.can("admission.propagate"),
        "runs": propagation.runs_for(session, actor),
    }
    return render(request, "admission/affected.html", context)


@router.post("/admission/propagation")
def propagate(
    actor: ActorDep,
    session: SessionDep,
    jobs: JobsDep,
    database: Annotated[str, Form(max_length=200)],
    version: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    job = start_propagation(session, jobs, actor, database, version or None)
    return RedirectResponse(job_url(job), status_code=303)


@router.get("/admission/runs/{run_id}")
def run(request: Request, run_id: Id, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    name, version, changes, failures = propagation.run_for(session, actor, run_id)
    context = {
        "database": name,
        "version": version,
        "changes": changes,
        "failures": failures,
        "summary": summarize(changes),
    }
    return render(request, "admission/run.html", context)


@router.get("/admission/databases/{name}")
def database_page(
    request: Request, name: str, session: SessionDep, actor: MaybeActorDep
) -> HTMLResponse:
    """A factor database's versions, each downloadable for national or peer exchange."""
    versions = exchange.exportable_versions(session, actor, name)
    return render(request, "admission/database.html", {"name": name, "versions": versions})


@router.get("/admission/databases/{name}/versions/{version}/export")
def export(
    name: str,
    version: str,
    session: SessionDep,
    actor: MaybeActorDep,
    format: Annotated[str, Query(max_length=10)] = "jsonld",
) -> Response:
    found = exchange.export_for(session, actor, name, version, format)
    return Response(found.content, media_type=found.media_type, headers=attachment(found.filename))
