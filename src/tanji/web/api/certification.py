"""Certification (API v1): the registry of bodies, applications and every step of a
case, evidence files, certificates, statistics for the competent department, and the
in-app notifications.

Who may do what is the services' (the permission table, the process table, tenant
isolation); handlers read the request and call one service each.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import File, Form, Query, UploadFile
from fastapi.responses import Response

from tanji.domain.certification import CaseState
from tanji.services.certification import bodies, cases, evidence, notifications, views
from tanji.services.certification._common import today
from tanji.services.certification.actions import take_action
from tanji.services.certification.certificates import public_certificate
from tanji.services.certification.evidence import MAX_EVIDENCE_BYTES, Document
from tanji.services.errors import invalid_field
from tanji.web.api.certification_schemas import (
    BlacklistCreate,
    BlacklistLift,
    BodyRead,
    BodyStatusUpdate,
    CaseList,
    CaseRead,
    CaseSummaryRead,
    CertificateRead,
    NoticeList,
    NoticeRead,
    StatisticsRead,
    StepCreate,
    StepDone,
)
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["read_documents", "router"]

router = Router(tags=["certification"])
_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not your step (the process table names who takes it)"},
    404: {"description": "No such case, or not yours"},
    409: {"description": "The process refused the step; `reasons` carry the message keys"},
}


def read_documents(files: list[UploadFile], kinds: list[str]) -> list[Document]:
    """The uploaded files with their kinds (``kinds[i]`` for ``files[i]``)."""
    if len(kinds) != len(files):
        raise invalid_field("kinds", "Give one kind per file, in the same order.")
    out = []
    for upload, kind in zip(files, kinds, strict=True):
        content = upload.file.read(MAX_EVIDENCE_BYTES + 1)
        out.append(
            Document(
                kind, upload.filename or "", upload.content_type or "application/octet-stream",
                content,
            )
        )  # fmt: skip
    return out


@router.get("/certification/bodies")
def list_bodies(session: SessionDep, actor: ActorDep) -> list[BodyRead]:
    """The registry of certification bodies: approval, scope, credit score, standing."""
    day = today()
    return [BodyRead.of(b, day) for b in views.bodies_for(session, actor)]


@router.post("/certification/bodies/{org_id}/status", status_code=204)
def set_status(org_id: Id, change: BodyStatusUpdate, session: SessionDep, actor: ActorDep) -> None:
    """Suspend, revoke or reactivate a body (the competent department, the operator)."""
    bodies.set_body_status(session, actor, org_id, change.status, reason=change.reason)


@router.post("/certification/bodies/{org_id}/blacklist", status_code=201)
def blacklist(
    org_id: Id, entry: BlacklistCreate, session: SessionDep, actor: ActorDep
) -> dict[str, int]:
    """Put a body on the blacklist with the reason and the authority that decided."""
    entry_id = bodies.blacklist_body(
        session, actor, org_id, reason=entry.reason, authority=entry.authority,
        listed_on=entry.listed_on,
    )  # fmt: skip
    return {"entry_id": entry_id}


@router.post("/certification/blacklist/{entry_id}/lift", status_code=204)
def lift(entry_id: Id, lift: BlacklistLift, session: SessionDep, actor: ActorDep) -> None:
    """End a blacklist entry, recording the appeal or decision that ended it."""
    bodies.lift_blacklist(session, actor, entry_id, appeal=lift.appeal)


@router.get("/certification/cases")
def list_cases(
    session: SessionDep,
    actor: ActorDep,
    state: Annotated[CaseState | None, Query(description="Only cases in this state")] = None,
) -> CaseList:
    """The body's cases, the enterprise's applications, or all (for those who oversee)."""
    found = views.list_cases(session, actor, state=state.value if state else None)
    return CaseList(count=len(found), cases=[CaseSummaryRead.of(c) for c in found])


@router.post("/certification/cases", status_code=201, responses=_REFUSED)
def apply(
    session: SessionDep,
    actor: ActorDep,
    result_id: Annotated[int, Form(ge=1, description="Your footprint result")],
    body_org_id: Annotated[int, Form(ge=1, description="The certification body")],
    management_system_since: Annotated[date, Form(description="The system runs since")],
    files: Annotated[list[UploadFile], File(description="The application's documents")],
    kinds: Annotated[list[str], Form(description="Each file's kind, in order")],
    certification_type: Annotated[str, Form()] = "footprint",
) -> CaseRead:
    """认证委托: apply for certification of a footprint result, with the documents."""
    case_id = cases.apply_for_certification(
        session, actor, result_id=result_id, body_org_id=body_org_id,
        certification_type=certification_type, management_system_since=management_system_since,
        documents=read_documents(files, kinds),
    )  # fmt: skip
    return CaseRead.of(views.case_view(session, actor, case_id))


@router.get("/certification/cases/{case_id}", responses=_REFUSED)
def get_case(case_id: Id, session: SessionDep, actor: ActorDep) -> CaseRead:
    """One case: state, findings, history, evidence, team, and the steps open to you."""
    return CaseRead.of(views.case_view(session, actor, case_id))


@router.get("/certification/cases/{case_id}/footprint", responses=_REFUSED)
def get_footprint(
    case_id: Id,
    session: SessionDep,
    actor: ActorDep,
    result_id: Annotated[int | None, Query(ge=1, description="A revised result")] = None,
) -> dict[str, object]:
    """The footprint under verification (the result document: lines, sources, pins).
    The body reads it only while the case is open; every read is audited."""
    detail = views.case_footprint(session, actor, case_id, result_id)
    return {"id": detail.summary.id, "total": detail.summary.total, "result": detail.result}


@router.post("/certification/cases/{case_id}/steps/{action}", responses=_REFUSED)
def step(
    case_id: Id, action: str, given: StepCreate, session: SessionDep, app: AppDep, actor: ActorDep
) -> StepDone:
    """Take one step of the process (accept, not-accept, plan, raise-finding,
    answer-finding, close-finding, complete-document-review, complete-inspection,
    record-recomputation, complete-verification, grant, refuse, start-surveillance,
    complete-surveillance, suspend, reinstate, withdraw, cancel)."""
    returned = take_action(session, app.backgrounds, actor, case_id, action, given.input())
    value = returned if isinstance(returned, str | float | int) else None
    return StepDone(case=CaseRead.of(views.case_view(session, actor, case_id)), returned=value)


@router.post("/certification/cases/{case_id}/evidence", status_code=201, responses=_REFUSED)
def add_evidence(
    case_id: Id,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="The file (stored with its SHA-256)")],
    kind: Annotated[str, Form(description="Its kind")] = "other",
) -> dict[str, int]:
    """Add a file to an open case (the applicant's or the body's people)."""
    (document,) = read_documents([file], [kind])
    return {"evidence_id": evidence.add_evidence(session, actor, case_id, document)}


@router.get(
    "/certification/evidence/{evidence_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **_REFUSED},
)
def get_evidence(evidence_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    """An evidence file (checked against its SHA-256; every read audited)."""
    found = evidence.read_evidence(session, actor, evidence_id)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{found.id}"',
            "X-Content-SHA256": found.sha256,
        },
    )


@router.get("/certification/statistics")
def get_statistics(session: SessionDep, actor: ActorDep) -> StatisticsRead:
    """信息报送: cases by state, certificates by status, per body and category."""
    return StatisticsRead.of(views.statistics(session, actor))


@router.get("/certificates/{number}", responses={404: {"description": "No such certificate"}})
def get_certificate(number: str, session: SessionDep) -> CertificateRead:
    """A certificate, public: its status and its body's standing today."""
    return CertificateRead.of(public_certificate(session, number))


@router.get("/notifications")
def list_notices(session: SessionDep, actor: ActorDep) -> NoticeList:
    """Your notifications (steps that wait on you or your organisation), newest first."""
    found = notifications.notices(session, actor)
    return NoticeList(
        unread=notifications.unread_count(session, actor),
        notices=[NoticeRead.of(n) for n in found],
    )


@router.post("/notifications/{notice_id}/read", status_code=204)
def read_notice(notice_id: Id, session: SessionDep, actor: ActorDep) -> None:
    notifications.mark_read(session, actor, notice_id)


@router.post("/notifications/read-all", status_code=204)
def read_all(session: SessionDep, actor: ActorDep) -> None:
    notifications.mark_all_read(session, actor)
