"""Request dependencies, named so handler signatures read as English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request

from tanji.bootstrap import App

__all__ = ["AppDep", "SessionDep", "current_app"]


def current_app(request: Request) -> App:
    """The composition root of this process (set by the lifespan or by ``create_app``)."""
    app: App = request.app.state.tanji
    return app


def _session(app: Annotated[App, Depends(current_app)]) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on error."""
    with app.unit_of_work() as uow:
        yield uow.session


AppDep = Annotated[App, Depends(current_app)]
SessionDep = Annotated[Session, Depends(_session)]
