"""Who is asking: signed session cookies, API tokens, CSRF protection.

Two ways in, one :class:`~tanji.domain.accounts.Actor` out:

- **Browsers** sign in with a password (and, for administrators, a second factor); the
  session lives in the store (:mod:`tanji.services.auth.sessions`) and the cookie —
  signed with the platform's secret key (Starlette's ``SessionMiddleware``,
  itsdangerous), ``HttpOnly``, ``SameSite=Lax``, ``Secure`` outside the demo and
  localhost — carries only its random key. Signing out, changing the password or ending
  the session from the sessions page ends it in the store, so a copied cookie stops
  working at once. The role is re-read on every request, so a changed role or a
  suspended organisation takes effect at once. Before sign-in the cookie holds the CSRF
  token of the sign-in and registration forms; after it, the token is the session's.
- **Machines** send ``Authorization: Bearer tj_…`` (an API token). Such requests carry no
  cookie authority, so they need no CSRF token.

CSRF: every state-changing request that relies on the cookie must echo the session's
token, as the ``X-CSRF-Token`` header (htmx and fetch) or a ``csrf_token`` form field
(plain forms); :func:`verify_csrf` compares in constant time. Pages get the token from
:func:`csrf_token` (the templates' ``csrf_token`` variable).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.bootstrap import App
from tanji.db.session import autocommit_reads
from tanji.domain.accounts import Actor
from tanji.services.auth import sessions
from tanji.services.auth.sessions import WebSession
from tanji.services.certification.notifications import unread_count
from tanji.services.errors import AuthenticationError, PermissionDeniedError
from tanji.services.logins import Login, login_of, note_token_use, token_login
from tanji.settings import Settings
from tanji.web.deps import app_of
from tanji.web.routing import Router

__all__ = [
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "ActorDep",
    "CsrfError",
    "LoginRequiredError",
    "MaybeActorDep",
    "client_ip",
    "csrf_token",
    "current_actor",
    "page_router",
    "secret_key",
    "sign_in",
    "sign_out",
    "unread_notices",
    "verify_csrf",
    "web_session",
]

_log = logging.getLogger(__name__)
SESSION_COOKIE = "tanji_session"
#: The cookie's lifetime: the session's absolute lifetime (the store ends it too).
SESSION_SECONDS = int(sessions.ABSOLUTE_LIFETIME.total_seconds())
SECRET_FILE = "secret-key"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequiredError(AuthenticationError):
    """The request needs a signed-in person (or an API token) and came without one."""


class CsrfError(PermissionDeniedError):
    """A cookie-authenticated change came without the session's CSRF token."""


def secret_key(settings: Settings) -> str:
    """``TANJI_SECRET_KEY``, else a random key kept in the data directory (made once,
    readable by its owner only), so sessions survive a restart."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / SECRET_FILE
    if not path.exists():
        # Written whole under a temporary name, then linked into place: processes
        # starting together (``--workers``) all read the one key that won.
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: its key is the key
        finally:
            temporary.unlink()
    return path.read_text().strip()


def web_session(request: Request) -> WebSession | None:
    """The store's session this request came with (set by :func:`current_actor`),
    including one still waiting for its second factor."""
    found = getattr(request.state, "web_session", None)
    return found if isinstance(found, WebSession) else None


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session (the cookie's before sign-in)."""
    live = web_session(request)
    if live is not None:
        return live.csrf
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def sign_in(
    request: Request, session: Session, actor: Actor, *, mfa_pending: str = ""
) -> WebSession:
    """Start a browser session for ``actor``: a new row in the store, a new cookie
    holding only its key (a fresh session: no fixation). ``mfa_pending`` starts one
    that must still give (``code``) or enrol (``enrol``) a second factor."""
    previous = web_session(request)
    if previous is not None:
        sessions.sign_out(session, previous.id, actor=None, ip=client_ip(request))
    key, live = sessions.start(
        session,
        actor,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        mfa_pending=mfa_pending,
    )
    request.session.clear()
    request.session["sid"] = key
    request.state.web_session = live
    return live


def sign_out(request: Request, session: Session) -> None:
    """End the request's session in the store and forget the cookie."""
    live = web_session(request)
    if live is not None:
        actor = getattr(request.state, "actor", None)
        sessions.sign_out(session, live.id, actor=actor, ip=client_ip(request))
        request.state.web_session = None
    request.session.clear()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationError(
            "The Authorization header must be 'Bearer <API token>' (tokens start with tj_)."
        )
    return secret.strip()


def current_actor(request: Request, tasks: BackgroundTasks) -> Actor | None:
    """The actor of this request (API token first, then the session cookie), or ``None``.

    Also leaves ``request.state.actor`` and ``request.state.account`` for the page
    templates (the header shows who is signed in). A token's or a session's use is
    written after the answer, in a transaction of its own, at most once a minute
    (:func:`~tanji.services.logins.note_token_use`, :func:`~tanji.services.auth.sessions.touch`).

    Design note: the lookup is a transaction of its own, ended before this returns, not
    the request's (:data:`~tanji.web.deps.SessionDep`). This dependency runs in a trip
    to the thread pool before the endpoint's; had it used the request's session, the
    request would hold a pooled connection between the two trips while waiting for a
    free thread, and under enough concurrent requests every connection was held by a
    request waiting for a thread while every thread waited for a connection (a stall
    until the pool's time-out; issue 19). The request's transaction now begins in the
    endpoint's trip and ends there. What is read here (the actor, the account, the web
    session) is plain values, and PostgreSQL's READ COMMITTED gave each statement of a
    request its own snapshot before too.
    """
    secret = _bearer(request)
    app = app_of(request)
    login: Login | None
    if secret is not None:
        with autocommit_reads(app.db) as connection:  # one query: no BEGIN, no COMMIT
            login = token_login(connection, secret)
        if login.token_use is not None:
            tasks.add_task(_after_answer, app, note_token_use, login.token_use)
    else:
        with app.unit_of_work() as uow:  # may end a session that stands for nobody
            login = _cookie_login(request, uow.session)
        live = web_session(request)
        if live is not None and live.touch_due:
            tasks.add_task(_after_answer, app, sessions.touch, live.id)
    actor = login.actor if login is not None else None
    request.state.actor = actor
    request.state.account = login.account if login is not None else None
    return actor


def _after_answer(app: App, note: Callable[[Session, int], bool], row_id: int) -> None:
    """``note(session, row_id)`` in a transaction of its own (a token's or a session's
    last use, written at most once a minute)."""
    try:
        with app.unit_of_work() as uow:
            note(uow.session, row_id)
    except OperationalError:  # SQLite busy beyond its timeout: the next use writes it
        _log.warning("%s %s: the last use was not written (store busy)", note.__name__, row_id)


def _cookie_login(request: Request, session: Session) -> Login | None:
    """The actor of the cookie's session; a session still owing its second factor
    stands for nobody (it is kept in ``request.state.web_session`` for that step)."""
    request.state.web_session = None
    key = request.session.get("sid")
    if not isinstance(key, str):
        return None
    live = sessions.lookup(session, key)
    if live is None:
        request.session.clear()  # ended, expired or idle: the cookie is worthless
        return None
    request.state.web_session = live
    if live.mfa_pending:
        return None
    login = login_of(session, live.user_id, live.org_id)
    if login is None:
        sessions.sign_out(session, live.id, actor=None, ip=client_ip(request))
        request.state.web_session = None
        request.session.clear()
    return login


MaybeActorDep = Annotated[Actor | None, Depends(current_actor)]


async def _required_actor(actor: MaybeActorDep) -> Actor:
    # async: a check without I/O, not worth a hop to the thread pool
    if actor is None:
        raise LoginRequiredError("Sign in (or send an API token) to do this.")
    return actor


ActorDep = Annotated[Actor, Depends(_required_actor)]


def _from_token(request: Request) -> bool:
    return request.headers.get("authorization") is not None


async def verify_csrf(request: Request) -> None:
    """Refuse a cookie-authenticated change that does not echo the session's token."""
    if request.method in _SAFE_METHODS or _from_token(request):
        return
    live = web_session(request)
    expected = live.csrf if live is not None else request.session.get("csrf")
    supplied = request.headers.get("x-csrf-token")
    if supplied is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get("csrf_token")
            supplied = value if isinstance(value, str) else None
    if not (
        isinstance(expected, str)
        and supplied is not None
        and hmac.compare_digest(expected.encode(), supplied.encode())
    ):
        raise CsrfError(
            "The form's security token is missing or out of date (CSRF protection); "
            "reload the page and try again."
        )


def unread_notices(request: Request, actor: MaybeActorDep) -> None:
    """The navigation's count of unread notifications (certification steps waiting);
    read in a transaction of its own, as :func:`current_actor` reads."""
    if actor is None:
        request.state.unread = 0
        return
    with app_of(request).unit_of_work() as uow:
        request.state.unread = unread_count(uow.session, actor)


def page_router() -> APIRouter:
    """A router for pages: every page knows who is signed in (the header shows it, with
    the count of unread notifications) and every change is CSRF-checked; pages are not
    part of the OpenAPI document."""
    return Router(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(current_actor), Depends(verify_csrf), Depends(unread_notices)],
    )
