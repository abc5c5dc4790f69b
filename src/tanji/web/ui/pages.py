"""The public pages: home (the province's progress), factor library, rules library."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.services.factors import factor_detail, search_factors
from tanji.services.progress import footprint_progress
from tanji.services.rules import get_entry, list_rules, parse_ref
from tanji.web.deps import SessionDep
from tanji.web.security import current_actor, verify_csrf
from tanji.web.ui.templating import render

__all__ = ["router"]

router = APIRouter(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    # Every page knows who is signed in (the header shows it); every change is CSRF-checked.
    dependencies=[Depends(current_actor), Depends(verify_csrf)],
)

SEARCH_LIMIT = 50


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    progress = footprint_progress(session)
    return render(request, "home.html", {"progress": progress})


def _search(session: SessionDep, q: str, geography: str) -> dict[str, object]:
    hits = search_factors(session, q, geography=geography or None, limit=SEARCH_LIMIT)
    return {"hits": hits, "q": q, "geography": geography, "limit": SEARCH_LIMIT}


@router.get("/factors")
def factors(
    request: Request, session: SessionDep, q: str = "", geography: str = ""
) -> HTMLResponse:
    return render(request, "factors.html", _search(session, q, geography))


@router.get("/factors/_results")
def factor_results(
    request: Request, session: SessionDep, q: str = "", geography: str = ""
) -> HTMLResponse:
    """The htmx partial: the result list only, swapped in as the user types."""
    return render(request, "partials/factor_results.html", _search(session, q, geography))


@router.get("/factors/{ref:path}")
def factor(request: Request, ref: str, session: SessionDep) -> HTMLResponse:
    return render(request, "factor.html", {"detail": factor_detail(session, ref)})


@router.get("/rules")
def rules(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "rules.html", {"entries": list_rules(session)})


@router.get("/rules/{ref}")
def rule(request: Request, ref: str, session: SessionDep) -> HTMLResponse:
    return render(request, "rule.html", {"entry": get_entry(session, *parse_ref(ref))})
