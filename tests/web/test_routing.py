"""Routes: a plain endpoint and the end of its request's transaction share one trip to
the thread pool (tanji.web.routing), and what that changes keeps its guarantees."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tanji.bootstrap import App
from tanji.db.models import ProductRow
from tanji.web.app import create_app
from tanji.web.deps import SessionDep
from tanji.web.observability import logs
from tanji.web.routing import Router

from .conftest import new_enterprise, token_for


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to the thread pool meanwhile."""
    sent: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        named = getattr(function, "func", function)  # a functools.partial's function
        sent.append(getattr(named, "__name__", None) or repr(named))
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return sent


def test_an_authenticated_read_makes_two_trips_to_the_thread_pool(
    tanji_app: App, trips: list[str]
) -> None:
    """Who is asking (the token's query) and the endpoint with its commit: two trips,
    where FastAPI alone makes four (the answer's validation and the commit again)."""
    member = new_enterprise(tanji_app)
    bearer = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    with TestClient(create_app(tanji_app)) as client:
        assert client.get("/api/v1/products", headers=bearer).status_code == 200  # token use
        trips.clear()
        answer = client.get("/api/v1/products", headers=bearer)
    assert answer.status_code == 200
    assert answer.json()["count"] == 0
    assert len(trips) == 2, trips


def test_a_write_is_committed_before_its_answer_and_a_failure_rolls_back(
    tanji_app: App, trips: list[str]
) -> None:
    """An endpoint that writes, then fails, leaves nothing; one that writes and returns
    has committed when its answer arrives — each with the one trip of its endpoint."""
    router = Router()
    codes = [f"routing-{os.urandom(4).hex()}" for _ in range(2)]
    member = new_enterprise(tanji_app)

    def add(session: SessionDep, code: str) -> None:
        session.add(ProductRow(org_id=member.actor.org_id, code=code, document="{}"))
        session.flush()

    @router.post("/kept")
    def kept(session: SessionDep) -> dict[str, str]:
        add(session, codes[0])
        return {"code": codes[0]}

    @router.post("/failed")
    def failed(session: SessionDep) -> dict[str, str]:
        add(session, codes[1])
        raise RuntimeError("after the write")

    web = FastAPI()
    web.state.tanji = tanji_app
    web.include_router(router)
    with TestClient(web, raise_server_exceptions=False) as client:
        assert client.post("/kept").json() == {"code": codes[0]}
        assert trips == ["_call"]  # endpoint and commit, one trip
        with tanji_app.unit_of_work() as uow:  # a new connection sees it
            found = uow.session.scalar(select(ProductRow.code).where(ProductRow.code == codes[0]))
        assert found == codes[0]
        assert client.post("/failed").status_code == 500
    with tanji_app.unit_of_work() as uow:
        assert uow.session.scalar(select(ProductRow).where(ProductRow.code == codes[1])) is None


def test_request_ids_are_unique_and_a_forked_process_draws_its_own_prefix() -> None:
    ids = logs._RequestIds()
    first, second = ids.next(), ids.next()
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
    assert first[:16] == second[:16]
    ids.reseed()  # what a forked child runs (os.register_at_fork)
    theirs = ids.next()
    assert re.fullmatch(r"[0-9a-f]{32}", theirs)
    assert theirs[:16] != first[:16]
