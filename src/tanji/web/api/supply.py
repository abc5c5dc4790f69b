"""Green supply chains: footprint requests, answers, coverage (issue 17).

Permissions and tenants are the services' (:mod:`tanji.services.supply`); a handler
parses, calls one service function and shapes the answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, UploadFile

from tanji.services.supply import answers, coverage, requests
from tanji.services.supply.requests import RequestInput
from tanji.web.api.supply_schemas import (
    AnswerWrite,
    CoverageRead,
    DeclineWrite,
    OwnFootprintList,
    RequestList,
    RequestRead,
    RequestWrite,
)
from tanji.web.deps import Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(prefix="/supply", tags=["supply chains"])

_ONE: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such request, or not yours (as lead firm or supplier)"},
}
_STEP: dict[int | str, dict[str, Any]] = {
    **_ONE,
    403: {"description": "Your role or organisation kind may not do this"},
    409: {"description": "The request is no longer open, or was reminded lately"},
    422: {"description": "A field is wrong (named in `fields`)"},
}


@router.get("/requests")
def outbox(session: SessionDep, actor: ActorDep) -> RequestList:
    """The requests your organisation sent as lead firm, newest first."""
    found = requests.outbox(session, actor)
    return RequestList(count=len(found), data=[RequestRead.of(r, "lead") for r in found])


@router.post("/requests", status_code=201, responses=_STEP)
def ask(body: RequestWrite, session: SessionDep, actor: ActorDep) -> RequestRead:
    """Ask a supplier for a product's footprint (the supplier is told)."""
    made = requests.request_footprint(session, actor, RequestInput(**body.model_dump()))
    return RequestRead.of(made, "lead")


@router.get("/inbox")
def inbox(session: SessionDep, actor: ActorDep) -> RequestList:
    """The requests addressed to your organisation (or to your e-mail address)."""
    found = requests.inbox(session, actor)
    return RequestList(count=len(found), data=[RequestRead.of(r, "supplier") for r in found])


@router.get("/requests/{request_id}", responses=_ONE)
def one(request_id: Id, session: SessionDep, actor: ActorDep) -> RequestRead:
    """One request, as your side (lead firm or supplier) sees it."""
    found, side = requests.request_of(session, actor, request_id)
    return RequestRead.of(found, "lead" if side == "lead" else "supplier")


@router.post("/requests/{request_id}/claim", responses=_STEP)
def claim(request_id: Id, session: SessionDep, actor: ActorDep) -> RequestRead:
    """A request sent to your e-mail address becomes your organisation's."""
    return RequestRead.of(requests.claim(session, actor, request_id), "supplier")


@router.post("/requests/{request_id}/answer", responses=_STEP)
def answer(request_id: Id, body: AnswerWrite, session: SessionDep, actor: ActorDep) -> RequestRead:
    """Answer with one of your own footprints (certified if its certificate is in force)."""
    done = answers.answer_with_result(session, actor, request_id, body.result_id)
    return RequestRead.of(done, "supplier")


@router.post("/requests/{request_id}/pact", responses=_STEP)
def answer_pact(
    request_id: Id,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="A PACT ProductFootprint (JSON, up to 1 MB)")],
) -> RequestRead:
    """Answer with a PACT file."""
    data = file.file.read(answers.MAX_PACT_BYTES + 1)
    done = answers.answer_with_pact(session, actor, request_id, data, file.filename or "")
    return RequestRead.of(done, "supplier")


@router.post("/requests/{request_id}/decline", responses=_STEP)
def decline(
    request_id: Id, body: DeclineWrite, session: SessionDep, actor: ActorDep
) -> RequestRead:
    """Decline, saying why."""
    return RequestRead.of(answers.decline(session, actor, request_id, body.reason), "supplier")


@router.post("/requests/{request_id}/remind", responses=_STEP)
def remind(request_id: Id, session: SessionDep, actor: ActorDep) -> RequestRead:
    """Chase an open request (at most once a day)."""
    return RequestRead.of(requests.remind(session, actor, request_id), "lead")


@router.post("/requests/{request_id}/link", responses=_STEP)
def link(request_id: Id, session: SessionDep, actor: ActorDep) -> RequestRead:
    """Link an answered request into your model line by hand (when it could not be
    linked at once)."""
    return RequestRead.of(answers.link_answer(session, actor, request_id), "lead")


@router.get("/footprints")
def own(session: SessionDep, actor: ActorDep) -> OwnFootprintList:
    """Your own footprints, with their certificates' status (to answer with)."""
    return OwnFootprintList.of(answers.own_footprints(session, actor))


@router.get("/coverage")
def chain(session: SessionDep, actor: ActorDep) -> CoverageRead:
    """Your supply chain's coverage by supplier data, and what is missing."""
    return CoverageRead.of(coverage.supply_chain(session, actor))
