from __future__ import annotations

from fastapi import Query

from tanji.services.catalog import readers_of
from tanji.services.factors import factor_detail, search_factors
from tanji.web.api.schemas import FactorDetailRead, FactorHitRead, FactorList
from tanji.web.deps import SessionDep
from tanji.web.routing import Router
from tanji.web.security import MaybeActorDep

router = Router(prefix="/factors", tags=["factors"])


@router.get("")
def list_factors(
    session: SessionDep,
    actor: MaybeActorDep,
    q: str = "",
    geography: str | None = None,
    database: str | None = Query(None, description="Only this database's factors"),
    limit: int = Query(50, ge=1, le=500),
) -> FactorList:
    """Search the factor library: every word must match (names, codes, places). Public
    databases for anyone; shared ones and your organisation's own when signed in."""
    hits = search_factors(
        session,
        q,
        geography=geography or None,
        database=database or None,
        limit=limit,
        readers=readers_of(session, actor),
    )
    return FactorList(count=len(hits), data=[FactorHitRead.of(h) for h in hits])


@router.get("/{ref:path}")
def get_factor(ref: str, session: SessionDep, actor: MaybeActorDep) -> FactorDetailRead:
    """One factor, ``DATABASE:CODE`` (the latest version) or ``DATABASE:CODE@VERSION``
    (a database you may not read answers 404)."""
    return FactorDetailRead.of(factor_detail(session, ref, readers_of(session, actor)))
