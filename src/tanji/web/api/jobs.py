"""Long work in progress (see :mod:`tanji.web.jobs`)."""

from __future__ import annotations

from tanji.web.api.result_schemas import JobRead
from tanji.web.jobs import JobsDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}")
def get_job(job_id: str, actor: ActorDep, jobs: JobsDep) -> JobRead:
    """A job's status and progress; only the person who submitted it may see it."""
    return JobRead.of(jobs.get(actor, job_id))
