"""The public pages: home (the province's progress), factor library, rules library."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.domain.regions import REGIONS
from tanji.services.catalog import readers_of
from tanji.services.factors import factor_detail, search_factors
from tanji.services.progress import Progress, footprint_progress, progress_stamp
from tanji.services.rules import get_entry, list_rules, parse_ref
from tanji.web.deps import SessionDep
from tanji.web.security import MaybeActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()

SEARCH_LIMIT = 50


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Marks a message for the catalogues; the template translates it when shown."""
    return message


#: The sectors of the shipped rules, by product category code (any other category is
#: shown by its code: categories are data).
SECTOR_NAMES = {
    "lithium-battery": N_("Lithium-ion batteries"),
    "battery": N_("Batteries"),
    "pv-module-csi": N_("Crystalline-silicon PV modules"),
    "steel": N_("Steel"),
    "wind-turbine": N_("Wind-power equipment"),
    "textile": N_("Textiles"),
    "transmission-equipment": N_("Power transmission and distribution equipment"),
    "green-building-material": N_("Green building materials"),
    "other": N_("Other products"),
}


#: The home page's progress is recomputed when results or certificates change, and at
#: least this often (an organisation's region or demo flag changing is seen then).
PROGRESS_SECONDS = 60.0


def _progress(request: Request, session: SessionDep) -> Progress:
    """The province's progress, kept per process while :func:`progress_stamp` holds:
    computing it reads every result's document (the home page's cost)."""
    stamp = progress_stamp(session)
    state = request.app.state
    cached = getattr(state, "home_progress", None)
    moment = time.monotonic()
    if cached is not None and cached[0] == stamp and moment < cached[1]:
        progress: Progress = cached[2]
        return progress
    progress = footprint_progress(session)
    state.home_progress = (stamp, moment + PROGRESS_SECONDS, progress)
    return progress


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    progress = _progress(request, session)
    context = {"progress": progress, "sector_names": SECTOR_NAMES, "regions": REGIONS}
    return render(request, "home.html", context)


def _search(
    session: SessionDep,
    actor: MaybeActorDep,
    q: str = "",
    geography: str = "",
    database: str = "",
) -> dict[str, object]:
    """The factor search both pages share (a dependency: the same query parameters)."""
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


SearchDep = Annotated[dict[str, object], Depends(_search)]


@router.get("/factors")
def factors(request: Request, search: SearchDep) -> HTMLResponse:
    return render(request, "factors.html", search)


@router.get("/factors/_results")
def factor_results(request: Request, search: SearchDep) -> HTMLResponse:
    """The htmx partial: the result list only, swapped in as the user types."""
    return render(request, "partials/factor_results.html", search)


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
