from __future__ import annotations

from fastapi import APIRouter, Query

from tanji.services.factors import factor_detail, search_factors
from tanji.web.api.schemas import FactorDetailRead, FactorHitRead, FactorList
from tanji.web.deps import SessionDep

router = APIRouter(prefix="/factors", tags=["factors"])


@router.get("")
def list_factors(
    session: SessionDep,
    q: str = "",
    geography: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> FactorList:
    """Search the public factor library: every word must match (names, codes, places)."""
    hits = search_factors(session, q, geography=geography or None, limit=limit)
    return FactorList(count=len(hits), data=[FactorHitRead.of(h) for h in hits])


@router.get("/{ref:path}")
def get_factor(ref: str, session: SessionDep) -> FactorDetailRead:
    """One factor, ``DATABASE:CODE`` (the latest version) or ``DATABASE:CODE@VERSION``."""
    return FactorDetailRead.of(factor_detail(session, ref))
