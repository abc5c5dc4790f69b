"""Pages of invitations: an organisation's admin invites by e-mail, the invited person
accepts (signing in with the invited address, or making an account for it).

The invitation's answer is the same for every address; the mail, where a mail server
is configured, goes out after the answer. Helpers are shared with
:mod:`tanji.web.ui.auth`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import BackgroundTasks, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tanji.domain.accounts import Actor, Role
from tanji.services.auth import invitations
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.web.deps import Id, SessionDep
from tanji.web.guards import limit
from tanji.web.mails import mail_enabled, public_base, send_later
from tanji.web.security import ActorDep, MaybeActorDep, client_ip, page_router, sign_out
from tanji.web.ui.accounts import ROLE_LABELS
from tanji.web.ui.auth import N_, _errors, _gettext, _notify, _see_other
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()

_MISMATCH = N_("The two passwords differ.")
_INVITATION_INVALID = N_(
    "This invitation does not work: it is unknown, used, withdrawn or expired. "
    "Ask the organisation's admin for a new one."
)
_INVITATION_OTHER = N_(
    "This invitation is for another e-mail address. Sign out, then sign in with the "
    "invited address."
)
_INVITATION_HAS_ACCOUNT = N_(
    "This address already has an account: sign in with it to accept the invitation."
)
INVITE_MAIL_SUBJECT = N_("Tanji: an invitation to join %(org)s")
INVITE_MAIL_BODY = N_(
    "You are invited to join %(org)s on Tanji as %(role)s. Open this link within 7 days "
    "to accept: %(link)s . If you did not expect this, ignore this message."
)


# --- Invitations ---------------------------------------------------------------------


@router.post("/account/invitations", response_model=None)
def invite(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    tasks: BackgroundTasks,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    """Invite an address (the same answer whether or not it has an account). With a
    mail server the link goes by e-mail; without, it is shown once to hand over."""
    limit(request, "invite", actor.user_id)
    try:
        invitation, secret = invitations.invite(
            session, actor, actor.org_id, email, role, ip=client_ip(request)
        )
    except InvalidInputError as error:
        context = {"kind": "invite-error", "errors": _errors(request, error), "email": email}
        return render(request, "auth/link.html", context, status_code=422)
    url = f"{public_base(request)}/invitations/{secret}"
    if mail_enabled(request):
        org = invitation.org_name
        role_name = _gettext(request, ROLE_LABELS[invitation.role])
        send_later(
            request,
            tasks,
            invitation.email,
            INVITE_MAIL_SUBJECT,
            INVITE_MAIL_BODY,
            org=org,
            role=role_name,
            link=url,
        )
        _notify(request, "invitation-sent")
        return _see_other("/account#members")
    context = {"kind": "invite", "link": url, "whom": invitation.email}
    return render(request, "auth/link.html", context, status_code=201)


@router.post("/account/invitations/{invitation_id}/revoke", response_model=None)
def revoke_invitation(
    request: Request, session: SessionDep, actor: ActorDep, invitation_id: Id
) -> Response:
    invitations.revoke_invitation(session, actor, actor.org_id, invitation_id)
    _notify(request, "invitation-revoked")
    return _see_other("/account#members")


def _invitation_page(
    request: Request,
    session: SessionDep,
    secret: str,
    actor: Actor | None,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        found = invitations.invitation(session, secret)
    except NotFoundError:
        invalid = {"invalid": _gettext(request, _INVITATION_INVALID)}
        return render(request, "auth/invitation.html", invalid, status_code=404)
    account = request.state.account
    context: dict[str, Any] = {
        "invalid": None,
        "invitation": found,
        "secret": secret,
        "role_label": ROLE_LABELS[Role(found.role)],
        "other_address": actor is not None and account is not None and account.email != found.email,
        "errors": errors or {},
        "login_url": "/login?" + urlencode({"next": f"/invitations/{secret}"}),
    }
    return render(request, "auth/invitation.html", context, status_code=status)


@router.get("/invitations/{secret}")
def invitation_page(
    request: Request, session: SessionDep, actor: MaybeActorDep, secret: str
) -> HTMLResponse:
    return _invitation_page(request, session, secret, actor)


@router.post("/invitations/{secret}", response_model=None)
def accept_invitation(
    request: Request,
    session: SessionDep,
    actor: MaybeActorDep,
    secret: str,
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_confirm: Annotated[str, Form()] = "",
) -> Response:
    """Signed in with the invited address: join. Not signed in: make an account for
    the invited address and join (an address with an account signs in instead)."""
    try:
        if actor is not None:
            invitations.accept(session, secret, actor)
        else:
            limit(request, "register")
            if password != password_confirm:
                errors = {"password_confirm": _gettext(request, _MISMATCH)}
                return _invitation_page(request, session, secret, actor, errors=errors, status=422)
            invitations.accept_with_new_account(
                session, secret, display_name=display_name, password=password
            )
    except NotFoundError:
        return _invitation_page(request, session, secret, actor, status=404)
    except PermissionDeniedError:
        errors = {"": _gettext(request, _INVITATION_OTHER)}
        return _invitation_page(request, session, secret, actor, errors=errors, status=403)
    except ConflictError:
        errors = {"": _gettext(request, _INVITATION_HAS_ACCOUNT)}
        return _invitation_page(request, session, secret, actor, errors=errors, status=409)
    except InvalidInputError as error:
        errors = _errors(request, error)
        return _invitation_page(request, session, secret, actor, errors=errors, status=422)
    # Sign in afresh (with the second factor, where the new role needs one).
    sign_out(request, session)
    _notify(request, "invitation-joined")
    return _see_other("/login?" + urlencode({"next": "/account"}))
