"""The public pages: home (the province's progress), factor library, rules library."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.services.factors import factor_detail, search_factors
from tanji.services.imports import readers_of
from tanji.services.progress import footprint_progress
from tanji.services.rules import get_entry, list_rules, parse_ref
from tanji.web.deps import SessionDep
from tanji.web.security import MaybeActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()

SEARCH_LIMIT = 50


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    progress = footprint_progress(session)
    return render(request, "home.html", {"progress": progress})


def _search(
    session: SessionDep, actor: MaybeActorDep, q: str, geography: str, database: str
) -> dict[str, object]:
    hits = search_factors(
        session,
        q,
        geography=geography or None,
        database=database or None,
        limit=SEARCH_LIMIT,
        readers=readers_of(session, actor),
    )
    return {
        "hits": hits, "q": q, "geography": geography, "database": database, "limit": SEARCH_LIMIT,
    }  # fmt: skip


@router.get("/factors")
def factors(
    request: Request,
    session: SessionDep,
    actor: MaybeActorDep,
    q: str = "",
    geography: str = "",
    database: str = "",
) -> HTMLResponse:
    return render(request, "factors.html", _search(session, actor, q, geography, database))


@router.get("/factors/_results")
def factor_results(
    request: Request,
    session: SessionDep,
    actor: MaybeActorDep,
    q: str = "",
    geography: str = "",
    database: str = "",
) -> HTMLResponse:
    """The htmx partial: the result list only, swapped in as the user types."""
    context = _search(session, actor, q, geography, database)
    return render(request, "partials/factor_results.html", context)


@router.get("/factors/{ref:path}")
def factor(request: Request, ref: str, session: SessionDep, actor: MaybeActorDep) -> HTMLResponse:
    detail = factor_detail(session, ref, readers_of(session, actor))
    return render(request, "factor.html", {"detail": detail})


@router.get("/rules")
def rules(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "rules.html", {"entries": list_rules(session)})


@router.get("/rules/{ref}")
def rule(request: Request, ref: str, session: SessionDep) -> HTMLResponse:
    return render(request, "rule.html", {"entry": get_entry(session, *parse_ref(ref))})
