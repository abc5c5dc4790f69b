from __future__ import annotations

from tanji.services.progress import footprint_progress
from tanji.web.api.schemas import ProgressRead
from tanji.web.deps import SessionDep
from tanji.web.routing import Router

router = Router(tags=["progress"])


@router.get("/progress")
def progress(session: SessionDep) -> ProgressRead:
    """Saved product footprints against the province's 2025 and 2030 targets."""
    return ProgressRead.of(footprint_progress(session))
