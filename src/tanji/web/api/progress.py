from __future__ import annotations

from fastapi import APIRouter

from tanji.services.progress import footprint_progress
from tanji.web.api.schemas import ProgressRead
from tanji.web.deps import SessionDep

router = APIRouter(tags=["progress"])


@router.get("/progress")
def progress(session: SessionDep) -> ProgressRead:
    """Saved product footprints against the province's 2025 and 2030 targets."""
    return ProgressRead.of(footprint_progress(session))
