"""Health: ``/health`` (up, store answers), and the probes an orchestrator or a load
balancer polls — ``/health/live`` (the process answers; touches nothing) and
``/health/ready`` (the store answers and its schema is at the code's migration head:
send traffic). The probes carry no actor and no session: nothing to sign in for, and
nothing a probe storm could lock."""

from __future__ import annotations

from functools import cache
from typing import Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tanji import __version__
from tanji.db.migrate import current_revision, head_revision
from tanji.web.api.schemas import Health
from tanji.web.deps import AppDep, SessionDep
from tanji.web.routing import Router

router = Router(tags=["health"])
probe_router = Router(tags=["health"])


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    """``ready`` when every check is ``ok``; otherwise each failing check says why."""

    status: Literal["ready", "not ready"]
    store: str
    schema_revision: str | None
    head_revision: str


@cache
def _head() -> str:
    return head_revision()  # reads the migration scripts: once per process


@router.get("/health")
def health(session: SessionDep) -> Health:
    """The service is up and its store answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__)


@probe_router.get("/health/live")
def live() -> Liveness:
    """The process answers requests (restart it if not)."""
    return Liveness(status="ok")


@probe_router.get(
    "/health/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: the failing check"}},
)
def ready(app: AppDep) -> Readiness | JSONResponse:
    """The store answers and its schema is at the code's head (else 503 with why)."""
    head = _head()
    try:
        revision = current_revision(app.db)
    except SQLAlchemyError as error:
        answer = Readiness(
            status="not ready",
            store=f"unreachable: {type(getattr(error, 'orig', None) or error).__name__}",
            schema_revision=None,
            head_revision=head,
        )
        return JSONResponse(answer.model_dump(), status_code=503)
    if revision != head:
        answer = Readiness(
            status="not ready",
            store="ok",
            schema_revision=revision,
            head_revision=head,
        )
        return JSONResponse(answer.model_dump(), status_code=503)
    return Readiness(status="ready", store="ok", schema_revision=revision, head_revision=head)
