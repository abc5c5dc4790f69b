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

__all__ = [
    "MAX_ID",
    "AppDep",
    "Id",
    "SessionDep",
    "app_of",
    "current_app",
    "end_in_this_thread",
]

_log = logging.getLogger(__name__)

#: The largest id a row can have: both stores keep ids as signed 64-bit integers.
MAX_ID = 2**63 - 1


def app_of(request: Request) -> App:
    """The composition root of this process (set by the lifespan or by ``create_app``)."""
    app: App = request.app.state.tanji
    return app


async def current_app(request: Request) -> App:
    """:func:`app_of` as a dependency (async: a plain ``def`` dependency costs a trip
    to the thread pool)."""
    return app_of(request)


async def _session(
    app: Annotated[App, Depends(current_app)], tasks: BackgroundTasks
) -> AsyncIterator[Session]:
    """One transaction per request: committed on success, rolled back on error —
    *before* the answer is sent (``scope="function"``). FastAPI's default ends a
    dependency after the answer: a 201 could reach the client before its write was
    committed (and then be lost if the commit failed), and a browser could follow a
    sign-in's redirect before its session row was visible (issue 19).

    Design note: async, so opening the session (no I/O: the connection is taken at the
    first query) costs no trip to the thread pool. A plain endpoint of a
    :class:`~tanji.web.routing.Route` ends the transaction in its own thread
    (:func:`end_in_this_thread`); otherwise the end (commit or rollback, I/O) runs in a
    thread outside the pool's limit, as FastAPI does for a generator's exit, so a request
    holding a lock never waits for a free thread to release it."""
    committed: list[int] = []
    if app.settings.smtp.enabled:  # notices' e-mails go out after the commit and the answer
        tasks.add_task(_mail_notices, app, committed)
    uow = app.unit_of_work()
    uow.__enter__()
    ending = _Ending(uow)
    uow.session.info[_ENDING] = ending
    try:
        yield uow.session
    except BaseException as error:
        if not ending.done:
            with CancelScope(shield=True):
                await to_thread.run_sync(
                    uow.__exit__,
                    type(error),
                    error,
                    error.__traceback__,
                    limiter=CapacityLimiter(1),
                )
        raise
    if not ending.done:
        with CancelScope(shield=True):
            await to_thread.run_sync(ending.end, limiter=CapacityLimiter(1))
    committed.extend(ending.pending)  # reached only when the block committed


_ENDING = "tanji.request.ending"


class _Ending:
    """The end of a request's transaction, made once: the notices to mail are taken,
    then the commit (a failure of either rolls back)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.done = False
        self.pending: list[int] = []

    def end(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.pending = take_pending(self.uow.session)
        except BaseException as error:
            self.uow.__exit__(type(error), error, error.__traceback__)
            raise
        self.uow.__exit__(None, None, None)


def end_in_this_thread(session: Session) -> None:
    """Commit the request transaction of ``session`` now, in the calling thread (the
    endpoint's): the session dependency then has nothing left to do. A session that is
    not a request's (a job's, a test's) is left alone."""
    ending = session.info.get(_ENDING)
    if isinstance(ending, _Ending):
        ending.end()


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
