"""Who is asking: signed session cookies, API tokens, CSRF protection.

Two ways in, one :class:`~tanji.domain.accounts.Actor` out:

- **Browsers** sign in with a password (:func:`sign_in`); the session is a cookie signed
  with the platform's secret key (Starlette's ``SessionMiddleware``, itsdangerous),
  ``HttpOnly``, ``SameSite=Lax``, ``Secure`` where ``TANJI_SECURE_COOKIES=1``, valid for
  :data:`SESSION_SECONDS`. It holds the user id, the organisation they act for and a CSRF
  token — never a role: the role is re-read from the store on every request, so a
  changed role or a suspended organisation takes effect at once.
- **Machines** send ``Authorization: Bearer tj_…`` (an API token). Such requests carry no
  cookie authority, so they need no CSRF token.

CSRF: every state-changing request that relies on the cookie must echo the session's
token, as the ``X-CSRF-Token`` header (htmx and fetch) or a ``csrf_token`` form field
(plain forms); :func:`verify_csrf` compares in constant time. Pages get the token from
:func:`csrf_token` (the templates' ``csrf_token`` variable).
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.domain.accounts import Actor
from tanji.services.certification.notifications import unread_count
from tanji.services.errors import AuthenticationError, PermissionDeniedError
from tanji.services.logins import Account, account_of, actor_for_login, actor_for_token
from tanji.settings import Settings
from tanji.web.deps import SessionDep

__all__ = [
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "ActorDep",
    "CsrfError",
    "LoginRequiredError",
    "MaybeActorDep",
    "csrf_token",
    "current_actor",
    "page_router",
    "secret_key",
    "sign_in",
    "sign_out",
    "unread_notices",
    "verify_csrf",
]

SESSION_COOKIE = "tanji_session"
#: A working day: a session ends 8 hours after sign-in, whatever the activity.
SESSION_SECONDS = 8 * 3600
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
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def sign_in(request: Request, actor: Actor) -> None:
    """Start a browser session for ``actor`` (a fresh session: no fixation)."""
    request.session.clear()
    request.session.update({"uid": actor.user_id, "oid": actor.org_id})
    csrf_token(request)


def sign_out(request: Request) -> None:
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


def current_actor(request: Request, session: SessionDep) -> Actor | None:
    """The actor of this request (API token first, then the session cookie), or ``None``.

    Also leaves ``request.state.actor`` and ``request.state.account`` for the page
    templates (the header shows who is signed in).
    """
    actor: Actor | None = None
    secret = _bearer(request)
    if secret is not None:
        actor = actor_for_token(session, secret)
    else:
        uid, oid = request.session.get("uid"), request.session.get("oid")
        if isinstance(uid, int) and isinstance(oid, int):
            actor = actor_for_login(session, uid, oid)
            if actor is None:
                sign_out(request)
    account: Account | None = account_of(session, actor) if actor is not None else None
    request.state.actor = actor
    request.state.account = account
    return actor


MaybeActorDep = Annotated[Actor | None, Depends(current_actor)]


def _required_actor(actor: MaybeActorDep) -> Actor:
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
    expected = request.session.get("csrf")
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


def unread_notices(request: Request, session: SessionDep, actor: MaybeActorDep) -> None:
    """The navigation's count of unread notifications (certification steps waiting)."""
    request.state.unread = unread_count(session, actor) if actor is not None else 0


def page_router() -> APIRouter:
    """A router for pages: every page knows who is signed in (the header shows it, with
    the count of unread notifications) and every change is CSRF-checked; pages are not
    part of the OpenAPI document."""
    return APIRouter(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(current_actor), Depends(verify_csrf), Depends(unread_notices)],
    )
