"""``/api/v1/admission``: submit shared data, review it, verify it, see who depends on a
new database version and recompute them (docs/admission.md). The services decide who may
do what; a refused step answers 409 with every reason, not the actor's step 403."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import quote

from fastapi import Path, Query, Response

from tanji.services.admission import (
    databases,
    decisions,
    exchange,
    propagation,
    reviews,
    submissions,
)
from tanji.web.admission_jobs import start_propagation
from tanji.web.api.admission_schemas import (
    AdmittedRead,
    Created,
    DatabaseList,
    DatabaseRead,
    DependentList,
    DependentRead,
    JobStarted,
    PropagationCreate,
    RejectWrite,
    ReviewWrite,
    SubmissionCreate,
    SubmissionDetail,
    SubmissionList,
    SubmissionRead,
)
from tanji.web.deps import Id, SessionDep
from tanji.web.jobs import JobsDep, job_url
from tanji.web.routing import Router
from tanji.web.security import ActorDep, MaybeActorDep

router = Router(prefix="/admission", tags=["admission"])


@router.get("/databases")
def list_databases(session: SessionDep) -> DatabaseList:
    """The background databases that take submissions, with their rules of review."""
    found = databases.list_background_databases(session)
    return DatabaseList(count=len(found), data=[DatabaseRead.of(d) for d in found])


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition for ``filename`` (an ASCII fallback and the UTF-8 name)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return {
        "Content-Disposition": f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(filename)}"
    }


_NAME = Path(min_length=1, max_length=200, description="The database's name")
_VERSION = Path(min_length=1, max_length=50, description="A version label, e.g. 1")


@router.get(
    "/databases/{name}/versions/{version}/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The export (a zip)"}},
)
def export_version(
    session: SessionDep,
    actor: MaybeActorDep,
    name: str = _NAME,
    version: str = _VERSION,
    format: Literal["jsonld", "ilcd", "tidas"] = "jsonld",
) -> Response:
    """A factor database version for national or peer exchange: openLCA JSON-LD, ILCD
    (XML datasets) or TIDAS (TianGong JSON), each factor with its source; the file reads
    back through the data import. A database you may not read answers 404."""
    found = exchange.export_for(session, actor, name, version, format)
    return Response(
        found.content,
        media_type=found.media_type,
        headers=attachment(found.filename),
    )


@router.post("/submissions", status_code=201)
def submit(body: SubmissionCreate, session: SessionDep, actor: ActorDep) -> Created:
    """Submit a record with its evidence (base64; each file's SHA-256 is kept)."""
    files = body.files()
    return Created(
        id=submissions.submit(session, actor, body.database_id, body.record.value(), files)
    )


@router.get("/submissions")
def list_submissions(session: SessionDep, actor: ActorDep) -> SubmissionList:
    """The submissions your organisation takes part in (submitter, reviewer, department)."""
    found = submissions.list_submissions(session, actor)
    return SubmissionList(count=len(found), data=[SubmissionRead.of(s) for s in found])


@router.get("/submissions/{submission_id}")
def get_submission(
    submission_id: Id, session: SessionDep, actor: MaybeActorDep
) -> SubmissionDetail:
    """A submission as you may see it (others: admitted records, confidential fields
    withheld)."""
    return SubmissionDetail.of(submissions.submission(session, actor, submission_id))


@router.post("/submissions/{submission_id}/reviews", status_code=201)
def review(submission_id: Id, body: ReviewWrite, session: SessionDep, actor: ActorDep) -> Created:
    """Your organisation's review (registered reviewer, no conflict of interest)."""
    return Created(id=reviews.review(session, actor, submission_id, body.value(actor.org_id)))


@router.post("/submissions/{submission_id}/admit")
def admit(submission_id: Id, session: SessionDep, actor: ActorDep) -> AdmittedRead:
    """The competent department admits: a new version of the target database."""
    admitted = decisions.admit(session, actor, submission_id)
    return AdmittedRead(
        submission_id=admitted.submission_id, database=admitted.database,
        version=admitted.version, factor_ref=admitted.factor_ref,
    )  # fmt: skip


@router.post("/submissions/{submission_id}/reject", status_code=204)
def reject(submission_id: Id, body: RejectWrite, session: SessionDep, actor: ActorDep) -> None:
    """The competent department rejects, with its reasons."""
    decisions.reject(session, actor, submission_id, body.reasons)


@router.get("/affected")
def affected(
    session: SessionDep,
    actor: ActorDep,
    database: str = Query(max_length=200),
    version: str | None = Query(default=None, max_length=50),
) -> DependentList:
    """The products whose latest footprint pins a record the version changes (yours, or
    all of them for those who publish)."""
    found = propagation.affected_for(session, actor, database, version)
    return DependentList(
        database=database, version=version, count=len(found),
        data=[DependentRead.of(d) for d in found],
    )  # fmt: skip


@router.post("/propagation", status_code=202)
def propagate(
    body: PropagationCreate, actor: ActorDep, session: SessionDep, jobs: JobsDep
) -> JobStarted:
    """Recompute every dependent footprint (a job on Dask); follow it at ``url``."""
    job = start_propagation(session, jobs, actor, body.database, body.version)
    return JobStarted(job_id=job.id, url=job_url(job))
