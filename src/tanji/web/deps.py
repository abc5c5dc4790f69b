"""Request dependencies, named so handler signatures read as English."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import BackgroundTasks, Depends, Path
from sqlalchemy.orm import Session
from starlette.requests import Request

from tanji.bootstrap import App
from tanji.db.session import UnitOfWork
from tanji.services.certification.mailing import deliver, take_pending

__all__ = ["MAX_ID", "AppDep", "Id", "SessionDep", "current_app"]

_log = logging.getLogger(__name__)

#: The largest id a row can have: both stores keep ids as signed 64-bit integers.
MAX_ID = 2**63 - 1


def current_app(request: Request) -> App:
    """The composition root of this process (set by the lifespan or by ``create_app``)."""
    app: App = request.app.state.tanji
    return app


async def _session(
    app: Annotated[App, Depends(current_app)], tasks: BackgroundTasks
) -> AsyncIterator[Session]:
    """One transaction per request: committed on success, rolled back on error —
    *before* the answer is sent (``scope="function"``). FastAPI's default ends a
    dependency after the answer: a 201 could reach the client before its write was
    committed (and then be lost if the commit failed), and a browser could follow a
    sign-in's redirect before its session row was visible (issue 19).

    Design note: async, so opening the session (no I/O: the connection is taken at the
    first query) costs no trip to the thread pool; the end (commit or rollback, I/O)
    runs in a thread outside the pool's limit, as FastAPI does for a generator's exit,
    so a request holding a lock never waits for a free thread to release it."""
    committed: list[int] = []
    if app.settings.smtp.enabled:  # notices' e-mails go out after the commit and the answer
        tasks.add_task(_mail_notices, app, committed)
    uow = app.unit_of_work()
    uow.__enter__()
    try:
        yield uow.session
    except BaseException as error:
        with CancelScope(shield=True):
            await to_thread.run_sync(
                uow.__exit__, type(error), error, error.__traceback__, limiter=CapacityLimiter(1)
            )
        raise
    with CancelScope(shield=True):
        pending = await to_thread.run_sync(_finish, uow, limiter=CapacityLimiter(1))
    committed.extend(pending)  # reached only when the block committed


def _finish(uow: UnitOfWork) -> list[int]:
    """The notices to mail, then the commit (a failure of either rolls back)."""
    try:
        pending = take_pending(uow.session)
    except BaseException as error:
        uow.__exit__(type(error), error, error.__traceback__)
        raise
    uow.__exit__(None, None, None)
    return pending


def _mail_notices(app: App, notice_ids: list[int]) -> None:
    from tanji.web.notice_mail import render_notice  # the pages' words; imported late

    if notice_ids:
        try:
            deliver(app.unit_of_work, app.settings.smtp, render_notice, notice_ids)
        except Exception:  # after the answer: nobody to tell but the log
            _log.exception("notices %s: e-mail not sent", notice_ids)


AppDep = Annotated[App, Depends(current_app)]
SessionDep = Annotated[Session, Depends(_session, scope="function")]
#: A row id in a path: 1 to :data:`MAX_ID`, else 422 (a larger number cannot name a row,
#: and the stores would fail on it).
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id (1 to 2^63 - 1)")]
