"""Routes whose synchronous endpoint and the end of its request's transaction share one
trip to the thread pool.

FastAPI runs a plain ``def`` endpoint in the thread pool, validates its answer in the
pool again, and the request's transaction (:data:`~tanji.web.deps.SessionDep`) ends in a
third trip. Each trip wakes a thread and hands the GIL over; under load (50 clients on
two cores) the hand-overs, not the work, made the slowest answers slow (issue 19).

A :class:`Route` turns such an endpoint into a coroutine that makes one trip: the
endpoint runs, and then, in the same thread, its request's transaction commits (or, if
the endpoint raised, nothing happens there: the session dependency rolls back as
before). FastAPI then sees a coroutine endpoint and validates the answer without another
trip. Generator endpoints (streamed answers) and ``async def`` endpoints are left as they
are.

Design note: the answer is validated after the commit (it was validated before, inside
the transaction). An answer that fails its own schema is a bug of the platform that
answers 500 either way; what it changed is then kept, as for any answer already sent.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from anyio import to_thread
from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from tanji.web.deps import end_in_this_thread

__all__ = ["Route", "Router"]


class Route(APIRoute):
    """An API route whose plain ``def`` endpoint makes one trip to the thread pool."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _one_trip(endpoint), **kwargs)


class Router(APIRouter):
    """An :class:`~fastapi.APIRouter` whose routes are :class:`Route`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", Route)
        super().__init__(**kwargs)


def _one_trip(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    plain = not (
        inspect.iscoroutinefunction(endpoint)
        or inspect.isgeneratorfunction(endpoint)
        or inspect.isasyncgenfunction(endpoint)
    )
    if not plain:
        return endpoint

    @functools.wraps(endpoint)  # FastAPI reads the signature through __wrapped__
    async def trip(**arguments: Any) -> Any:
        return await to_thread.run_sync(functools.partial(_call, endpoint, arguments))

    return trip


def _call(endpoint: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    answer = endpoint(**arguments)
    for value in arguments.values():
        if isinstance(value, Session):
            end_in_this_thread(value)
    return answer
