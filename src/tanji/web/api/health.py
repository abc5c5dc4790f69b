from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from tanji import __version__
from tanji.web.api.schemas import Health
from tanji.web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> Health:
    """The service is up and its store answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__)
