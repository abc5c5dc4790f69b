"""Pages of sessions and accounts: the second factor at sign-in and its set-up, my
sessions and password, password resets, and invitations.

Same shape as :mod:`tanji.web.ui.accounts`: plain forms with the session's CSRF token,
post/redirect/get with a one-time notice, each problem next to its field in the page's
language. Answers that could tell whether an address has an account (reset requests,
invitations) are the same for every address; e-mails go out after the answer.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

import segno
from fastapi import BackgroundTasks, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.services.auth import mfa, passwords, sessions
from tanji.services.auth.sessions import MFA_CODE, MFA_ENROL, WebSession
from tanji.services.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
)
from tanji.services.logins import account_of, actor_for_login
from tanji.web.deps import Id, SessionDep
from tanji.web.guards import guards, limit
from tanji.web.i18n import language_of, translations
from tanji.web.mails import mail_enabled, public_base, send_later
from tanji.web.security import (
    ActorDep,
    LoginRequiredError,
    MaybeActorDep,
    client_ip,
    page_router,
    sign_out,
    web_session,
)
from tanji.web.ui.accounts import safe_next
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    return message


_PASSWORD_RULE = N_(
    "Use at least 12 characters, and not only one kind (mix letters, digits or symbols)."
)
_FIELD_MESSAGES = {
    "current_password": N_("The current password is not correct."),
    "new_password": _PASSWORD_RULE,
    "password": _PASSWORD_RULE,
    "code": N_("The code is not correct: type the 6 digits your app shows now."),
    "email": N_("Enter an email address, such as name@company.cn."),
    "role": N_("Choose a role."),
}
_MISMATCH = N_("The two passwords differ.")
_SAME = N_("The new password is the same as the current one.")
_MFA_WRONG = N_("The code is not correct (or was used already). Try the next code.")
_RESET_INVALID = N_(
    "This password-reset link does not work: it is unknown, used or expired. Ask for a new one."
)
_NOTICES = {
    "session-ended": N_("The session was ended."),
    "password-changed": N_("Your password was changed; your other sessions were ended."),
    "mfa-removed": N_("The second factor was removed."),
    "invitation-sent": N_("The invitation was sent by e-mail."),
    "invitation-revoked": N_("The invitation was withdrawn."),
    "password-reset": N_("Your password was changed. Sign in with the new one."),
    "invitation-joined": N_("You joined the organisation. Sign in to continue."),
}
RESET_MAIL_SUBJECT = N_("Tanji: reset your password")
RESET_MAIL_BODY = N_(
    "Someone (hopefully you) asked to reset the password of %(email)s on Tanji. "
    "Open this link within an hour to choose a new password: %(link)s . "
    "If it was not you, ignore this message; your password stays as it is."
)
CHANGED_MAIL_SUBJECT = N_("Tanji: your password was changed")
CHANGED_MAIL_BODY = N_(
    "The password of %(email)s on Tanji was just changed, and its other sessions were "
    "ended. If this was not you, ask your organisation's admin for a password-reset link "
    "at once."
)


# --- Helpers ---------------------------------------------------------------------------


def _gettext(request: Request, message: str) -> str:
    return translations(language_of(request)).gettext(message)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _notify(request: Request, key: str) -> None:
    request.session["notice"] = key


def _notice(request: Request) -> str | None:
    key = request.session.pop("notice", None)
    return _gettext(request, _NOTICES[key]) if key in _NOTICES else None


def _errors(request: Request, error: InvalidInputError | ConflictError) -> dict[str, str]:
    fields = error.fields or {"": str(error)}
    return {
        name: _gettext(request, _FIELD_MESSAGES[name]) if name in _FIELD_MESSAGES else text
        for name, text in fields.items()
    }


def _pending(request: Request, session: SessionDep, step: str) -> tuple[WebSession, Actor]:
    """The session waiting for ``step`` of the second factor, and whom it is for."""
    live = web_session(request)
    actor = actor_for_login(session, live.user_id, live.org_id) if live is not None else None
    if live is None or live.mfa_pending != step or actor is None:
        raise LoginRequiredError("Sign in first.")
    return live, actor


def _qr_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code, inline (the CSP allows ``data:`` images)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# --- The second factor at sign-in ------------------------------------------------------


@router.get("/login/mfa")
def mfa_form(request: Request, session: SessionDep, next: str = "") -> HTMLResponse:
    _pending(request, session, MFA_CODE)
    return render(request, "auth/login_mfa.html", {"next": safe_next(next), "error": None})


@router.post("/login/mfa", response_model=None)
def mfa_check(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """A TOTP or recovery code completes the sign-in; wrong codes are slowed down per
    session like passwords per source."""
    live, actor = _pending(request, session, MFA_CODE)
    throttle = guards(request).per_pair
    key = ("mfa", live.id)
    wait = throttle.retry_after(key) if guards(request).enabled else 0.0
    ok = wait <= 0 and mfa.verify(session, actor.user_id, code, ip=client_ip(request))
    if not ok:
        throttle.failure(key)
        context = {"next": safe_next(next), "error": _gettext(request, _MFA_WRONG)}
        return render(request, "auth/login_mfa.html", context, status_code=401)
    throttle.success(key)
    sessions.finish_mfa(session, actor, live.id, ip=client_ip(request))
    return _see_other(safe_next(next))


# --- Setting up the second factor -------------------------------------------------------


def _mfa_actor(request: Request, session: SessionDep, actor: Actor | None) -> Actor:
    if actor is not None:
        return actor
    return _pending(request, session, MFA_ENROL)[1]


def _enrol_page(
    request: Request, session: SessionDep, actor: Actor, *, error: str | None, status: int = 200
) -> HTMLResponse:
    context: dict[str, Any] = {
        "enrolled": mfa.enrolled(session, actor.user_id),
        "required": mfa.mfa_required(actor),
        "must_enrol": request.state.actor is None,
        "error": error,
        "notice": _notice(request),
        "recovery_codes": None,
    }
    if not context["enrolled"]:
        enrolment = mfa.begin_enrolment(session, actor)
        context |= {"secret": enrolment.secret, "uri": enrolment.uri}
        context["qr"] = _qr_data_uri(enrolment.uri)
    return render(request, "auth/mfa.html", context, status_code=status)


@router.get("/account/mfa")
def mfa_page(request: Request, session: SessionDep, actor: MaybeActorDep) -> HTMLResponse:
    return _enrol_page(request, session, _mfa_actor(request, session, actor), error=None)


@router.post("/account/mfa", response_model=None)
def mfa_enrol(
    request: Request,
    session: SessionDep,
    actor: MaybeActorDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    """Confirm the set-up with a first code; the recovery codes are shown this once."""
    person = _mfa_actor(request, session, actor)
    try:
        codes = mfa.confirm_enrolment(session, person, code)
    except InvalidInputError:
        return _enrol_page(
            request, session, person, error=_gettext(request, _FIELD_MESSAGES["code"]), status=422
        )
    except ConflictError:
        return _see_other("/account/mfa")
    live = web_session(request)
    if actor is None and live is not None:  # the set-up was what the sign-in waited for
        sessions.finish_mfa(session, person, live.id, ip=client_ip(request))
        request.state.actor = person
        request.state.account = account_of(session, person)
    context = {"enrolled": True, "recovery_codes": codes, "error": None, "notice": None}
    return render(request, "auth/mfa.html", context | {"required": mfa.mfa_required(person)})


@router.post("/account/members/{user_id}/mfa/remove", response_model=None)
def member_mfa_remove(
    request: Request, session: SessionDep, actor: ActorDep, user_id: Id
) -> Response:
    """An admin removes a member's lost second factor; the member enrols again at the
    next sign-in where it is required (audited as ``mfa.remove``)."""
    mfa.remove(session, actor, actor.org_id, user_id)
    _notify(request, "member-mfa-removed")
    return _see_other("/account#members")


@router.post("/account/mfa/remove", response_model=None)
def mfa_remove(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    mfa.remove(session, actor, actor.org_id, actor.user_id)
    _notify(request, "mfa-removed")
    return _see_other("/account/security")


# --- My sessions and password -----------------------------------------------------------


def _security_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    live = web_session(request)
    context = {
        "sessions": sessions.own_sessions(session, actor, live.id if live else None),
        "mfa_enrolled": mfa.enrolled(session, actor.user_id),
        "mfa_required": mfa.mfa_required(actor),
        "password_errors": errors or {},
        "notice": _notice(request),
    }
    return render(request, "auth/security.html", context, status_code=status)


@router.get("/account/security")
def security(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    return _security_page(request, session, actor)


@router.post("/account/sessions/{session_id}/end", response_model=None)
def end_session(request: Request, session: SessionDep, actor: ActorDep, session_id: Id) -> Response:
    live = web_session(request)
    if live is not None and live.id == session_id:
        sign_out(request, session)
        return _see_other("/")
    sessions.end_own(session, actor, session_id, ip=client_ip(request))
    _notify(request, "session-ended")
    return _see_other("/account/security#sessions")


@router.post("/account/password", response_model=None)
def change_password(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    tasks: BackgroundTasks,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_confirm: Annotated[str, Form()] = "",
) -> Response:
    """Change the password; every other session of the person ends."""
    if new_password != new_password_confirm:
        errors = {"new_password_confirm": _gettext(request, _MISMATCH)}
        return _security_page(request, session, actor, errors=errors, status=422)
    live = web_session(request)
    try:
        passwords.change_password(
            session,
            actor,
            current_password,
            new_password,
            keep_session=live.id if live else None,
            ip=client_ip(request),
        )
    except InvalidInputError as error:
        errors = _errors(request, error)
        if new_password and new_password == current_password:
            errors["new_password"] = _gettext(request, _SAME)
        return _security_page(request, session, actor, errors=errors, status=422)
    if mail_enabled(request):
        who = account_of(session, actor)
        send_later(
            request, tasks, who.email, CHANGED_MAIL_SUBJECT, CHANGED_MAIL_BODY, email=who.email
        )
    _notify(request, "password-changed")
    return _see_other("/account/security")


# --- Password reset ----------------------------------------------------------------------


@router.get("/password/forgot")
def forgot_form(request: Request) -> HTMLResponse:
    context = {"mail": mail_enabled(request), "sent": False}
    return render(request, "auth/forgot.html", context)


@router.post("/password/forgot", response_model=None)
def forgot(
    request: Request,
    session: SessionDep,
    tasks: BackgroundTasks,
    email: Annotated[str, Form()] = "",
) -> Response:
    """The same answer for every address; the mail, if any, goes after the answer."""
    limit(request, "reset")
    if mail_enabled(request):
        link = passwords.request_reset(session, email, ip=client_ip(request))
        if link is not None:
            url = f"{public_base(request)}/password/reset/{link.secret}"
            send_later(
                request,
                tasks,
                link.email,
                RESET_MAIL_SUBJECT,
                RESET_MAIL_BODY,
                email=link.email,
                link=url,
            )
    context = {"mail": mail_enabled(request), "sent": True}
    return render(request, "auth/forgot.html", context)


@router.get("/password/reset/{secret}")
def reset_form(request: Request, session: SessionDep, secret: str) -> HTMLResponse:
    try:
        passwords.check_reset(session, secret)
    except AuthenticationError:
        context = {"invalid": _gettext(request, _RESET_INVALID), "errors": {}}
        return render(request, "auth/reset.html", context, status_code=404)
    return render(request, "auth/reset.html", {"invalid": None, "errors": {}, "secret": secret})


@router.post("/password/reset/{secret}", response_model=None)
def reset(
    request: Request,
    session: SessionDep,
    secret: str,
    new_password: Annotated[str, Form()] = "",
    new_password_confirm: Annotated[str, Form()] = "",
) -> Response:
    limit(request, "reset")
    context: dict[str, Any] = {"invalid": None, "secret": secret}
    if new_password != new_password_confirm:
        errors = {"new_password_confirm": _gettext(request, _MISMATCH)}
        return render(request, "auth/reset.html", context | {"errors": errors}, status_code=422)
    try:
        passwords.reset_password(session, secret, new_password, ip=client_ip(request))
    except AuthenticationError:
        invalid = {"invalid": _gettext(request, _RESET_INVALID), "errors": {}}
        return render(request, "auth/reset.html", invalid, status_code=404)
    except InvalidInputError as error:
        errors = _errors(request, error)
        return render(request, "auth/reset.html", context | {"errors": errors}, status_code=422)
    sign_out(request, session)
    _notify(request, "password-reset")
    return _see_other("/login")


@router.post("/account/members/{user_id}/reset-link", response_model=None)
def issue_reset_link(
    request: Request, session: SessionDep, actor: ActorDep, user_id: Id
) -> HTMLResponse:
    """An admin makes a reset link for a member, shown once, to hand over."""
    link = passwords.issue_reset_link(session, actor, actor.org_id, user_id)
    context = {
        "kind": "reset",
        "link": f"{public_base(request)}/password/reset/{link.secret}",
        "whom": link.email,
    }
    return render(request, "auth/link.html", context, status_code=201)
