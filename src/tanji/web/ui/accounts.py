"""Account pages: sign in and out, an enterprise registering itself, my account (members,
audit log, API tokens) and the platform operator's organisation directory.

Plain HTML forms (POST, each with the session's CSRF token) that work without script;
after a change the page redirects (post/redirect/get) with a one-time notice in the
session. A form with mistakes is shown again with each problem next to its field, in the
page's language: the services name the inputs at fault (``error.fields``) and
:data:`FIELD_MESSAGES` turns (input, kind of problem) into a sentence to translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import ACTIONS, Actor, OrgKind, OrgStatus, Role
from tanji.domain.problems import TEXTS
from tanji.domain.regions import JIANGSU, JIANGSU_CITIES, REGIONS
from tanji.services import accounts, audit, logins
from tanji.services.auth import invitations, mfa
from tanji.services.auth.sessions import MFA_CODE, MFA_ENROL
from tanji.services.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    ServiceError,
)
from tanji.web.deps import Id, SessionDep
from tanji.web.guards import limit, login_failed, login_succeeded, login_wait
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router, sign_in, sign_out, web_session
from tanji.web.ui.audit_text import describe
from tanji.web.ui.problems import say
from tanji.web.ui.templating import render

__all__ = ["FIELD_MESSAGES", "router", "safe_next"]

router = page_router()

HOME_AFTER_SIGN_IN = "/workspace"
AUDIT_PAGE_SIZE = 20


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    """Mark a msgid for extraction (pybabel's ``N_``); it is translated when shown."""
    return message


#: Labels of the platform's vocabulary, translated in the templates.
ROLE_LABELS = {Role.VIEWER: N_("Viewer"), Role.EDITOR: N_("Editor"), Role.ADMIN: N_("Admin")}
KIND_LABELS = {
    OrgKind.ENTERPRISE: N_("Enterprise"),
    OrgKind.CERTIFICATION_BODY: N_("Certification body"),
    OrgKind.ASSOCIATION: N_("Industry association"),
    OrgKind.DEPARTMENT_PROVINCE: N_("Provincial department"),
    OrgKind.DEPARTMENT_CITY: N_("City department"),
    OrgKind.SERVICE_PROVIDER: N_("Service provider"),
    OrgKind.PLATFORM_ADMIN: N_("Platform operator"),
}
STATUS_LABELS = {
    OrgStatus.ACTIVE: N_("Active"),
    OrgStatus.SUSPENDED: N_("Suspended"),
    OrgStatus.BLACKLISTED: N_("Blacklisted"),
}
ACTION_LABELS = {
    "product.read": N_("Read products"),
    "product.write": N_("Write product models"),
    "result.calculate": N_("Calculate footprints"),
    "result.publish": N_("Publish footprints"),
    "factor.import": N_("Import emission factors"),
    "rule.import": N_("Import accounting rules"),
    "rule.publish": N_("Publish accounting rules"),
    "org.register": N_("Register organisations"),
    "org.register-certifier": N_("Register certification bodies"),
    "org.register-department": N_("Register departments"),
    "org.status": N_("Suspend or blacklist organisations"),
    "member.manage": N_("Manage members"),
    "audit.read": N_("Read the audit log"),
    "token.manage": N_("Manage API tokens"),
    "certification.apply": N_("Apply for certification"),
    "certification.work": N_("Carry out certification"),
    "certification.body": N_("Keep certification staff and declarations"),
    "certification.oversee": N_("Oversee certification bodies"),
    "benchmark.set": N_("Set reference values and 碳效码 bounds"),
    "benchmark.oversee": N_("See benchmarks and grades of all enterprises"),
    "efficiency.report": N_("Report energy use and value added"),
}
#: The kinds the platform operator registers (enterprises register themselves).
REGISTERED_KINDS = (
    OrgKind.CERTIFICATION_BODY,
    OrgKind.DEPARTMENT_PROVINCE,
    OrgKind.DEPARTMENT_CITY,
    OrgKind.ASSOCIATION,
    OrgKind.SERVICE_PROVIDER,
)

_REQUIRED, _INVALID, _CONFLICT, _MISMATCH = "required", "invalid", "conflict", "mismatch"
_PASSWORD_RULE = N_(
    "Use at least 12 characters, and not only one kind (mix letters, digits or symbols)."
)
_EMAIL_RULE = N_("Enter an email address, such as name@company.cn.")
_USCC_RULE = N_(
    "This is not a valid unified social credit code: 18 digits and capital letters "
    "(no I, O, S, V or Z), the last a check character. Copy it from the business licence."
)

#: (input, kind of problem) → the sentence shown next to the input.
FIELD_MESSAGES: Mapping[tuple[str, str], str] = {
    ("name", _REQUIRED): N_("Enter the organisation's name as on its business licence."),
    ("name", _INVALID): N_("Enter the organisation's name as on its business licence."),
    ("uscc", _REQUIRED): N_("Enter the unified social credit code."),
    ("uscc", _INVALID): _USCC_RULE,
    ("uscc", _CONFLICT): N_(
        "An organisation with this credit code is already registered. "
        "If it is yours, ask its admin to add you."
    ),
    ("region", _REQUIRED): N_("Choose the city where the organisation is registered."),
    ("region", _INVALID): N_("Choose the city where the organisation is registered."),
    ("display_name", _REQUIRED): N_("Enter the person's name."),
    ("email", _REQUIRED): _EMAIL_RULE,
    ("email", _INVALID): _EMAIL_RULE,
    ("email", _CONFLICT): N_(
        "This email address already has an account. Sign in, or use another address."
    ),
    ("password", _REQUIRED): _PASSWORD_RULE,
    ("password", _INVALID): _PASSWORD_RULE,
    ("password_confirm", _MISMATCH): N_("The two passwords differ."),
    ("password_confirm", _REQUIRED): N_("Type the password again."),
    ("admin_email", _INVALID): _EMAIL_RULE,
    ("admin_email", _CONFLICT): N_(
        "This email address already has an account. Use another address."
    ),
    ("admin_password", _INVALID): _PASSWORD_RULE,
    ("role", _INVALID): N_("Choose a role."),
    ("scopes", _INVALID): N_("Choose at least one thing the token may do."),
    ("kind", _INVALID): N_("Choose the kind of organisation."),
    ("reason", _INVALID): N_("Say why the organisation is blacklisted; the reason is kept."),
}
_MEMBER_MESSAGES: Mapping[tuple[str, str], str] = {
    ("email", _CONFLICT): N_("This person is already a member."),
    ("password", _INVALID): N_(
        "A new account needs a first password: at least 12 characters, not only one kind."
    ),
}
_LOGIN_FAILED = N_("The email or password is not correct.")
_LOGIN_THROTTLED = N_(
    "Too many failed sign-ins from this computer: wait %(seconds)s seconds before trying again."
)
_LOGIN_INACTIVE = N_(
    "This account cannot sign in now: it is deactivated, or its organisation is suspended. "
    "Ask your organisation's admin or the platform operator."
)
_AUTH_NOTICES = {
    "password-reset": N_("Your password was changed. Sign in with the new one."),
    "invitation-joined": N_("You joined the organisation. Sign in to continue."),
}
_NOTICES = {
    "member-added": N_("The person was added."),
    "invitation-sent": N_("The invitation was sent by e-mail."),
    "invitation-revoked": N_("The invitation was withdrawn."),
    "member-mfa-removed": N_("The member's second factor was removed; they set it up again."),
    "role-changed": N_("The role was changed."),
    "token-revoked": N_("The token was revoked."),
    "org-registered": N_("The organisation was registered."),
    "status-changed": N_("The organisation's status was changed."),
    "last-admin": N_("This is the organisation's last admin; make another member admin first."),
    "self-suspend": N_("The platform operator's own organisation cannot be suspended."),
}


# --- Helpers ---------------------------------------------------------------------------


def _gettext(request: Request, message: str) -> str:
    return translations(language_of(request)).gettext(message)


def field_errors(
    request: Request,
    error: ServiceError,
    extra: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, str]:
    """Each input the service named, with a sentence in the page's language (the
    service's English message where the table has none)."""
    kind = _CONFLICT if isinstance(error, ConflictError) else _INVALID
    messages = {**FIELD_MESSAGES, **(extra or {})}
    fields = error.fields or {"": str(error)}
    gettext = translations(language_of(request)).gettext
    return {
        name: say(text, gettext)
        if getattr(text, "code", None) in TEXTS
        else _gettext(request, messages[(name, kind)])
        if (name, kind) in messages
        else text
        for name, text in fields.items()
    }


def _required(
    request: Request, values: Mapping[str, str], names: tuple[str, ...]
) -> dict[str, str]:
    return {
        name: _gettext(request, FIELD_MESSAGES[(name, _REQUIRED)])
        for name in names
        if not values.get(name, "").strip()
    }


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return HOME_AFTER_SIGN_IN
    if "\\" in target or any(ord(char) < 0x20 for char in target):
        return HOME_AFTER_SIGN_IN
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME_AFTER_SIGN_IN
    return target


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _notify(request: Request, notice: str) -> None:
    request.session["notice"] = notice


def _notice(request: Request) -> str | None:
    key = request.session.pop("notice", None)
    return _gettext(request, _NOTICES[key]) if key in _NOTICES else None


def _shared_notice(request: Request) -> str | None:
    """A notice left by the pages of :mod:`tanji.web.ui.auth` (password reset, joined)."""
    key = request.session.get("notice")
    if key in _AUTH_NOTICES:
        request.session.pop("notice")
        return _gettext(request, _AUTH_NOTICES[key])
    return None


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _labels() -> dict[str, Any]:
    return {
        "role_labels": ROLE_LABELS,
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "action_labels": ACTION_LABELS,
        "roles": tuple(Role),
        "cities": JIANGSU_CITIES,
        "province": JIANGSU,
        "regions": REGIONS,
    }


# --- Signing in and out ----------------------------------------------------------------


@router.get("/login", response_model=None)
def login_form(request: Request, next: str = "") -> Response:
    pending = web_session(request)
    if pending is not None and pending.mfa_pending == MFA_CODE:
        return _see_other(f"/login/mfa?{urlencode({'next': safe_next(next)})}")
    if pending is not None and pending.mfa_pending == MFA_ENROL:
        return _see_other("/account/mfa")
    notice = _shared_notice(request)
    context = {"next": safe_next(next), "email": "", "error": None, "notice": notice}
    return render(request, "login.html", context)


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Sign in and go on to ``next`` (a local path) or the workspace — through the
    second-factor step where the person has one (or must enrol one). A failure is
    recorded by the service, so it is answered with a page, not an exception: the
    request's transaction commits. Repeated failures from one source are slowed down
    (429 with ``Retry-After``); the account itself is never locked."""
    limit(request, "login")
    wait = login_wait(request, email)
    if wait > 0:
        seconds = max(1, int(wait + 0.999))
        message = _gettext(request, _LOGIN_THROTTLED) % {"seconds": seconds}
        context = {"next": safe_next(next), "email": email, "error": message}
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(seconds)
        return response
    try:
        actor = logins.authenticate(session, email, password, ip=_client_ip(request))
    except AuthenticationError as error:
        message = _LOGIN_FAILED
        if isinstance(error, logins.AccountInactiveError):
            message = _LOGIN_INACTIVE
        else:
            login_failed(request, email)
        context = {"next": safe_next(next), "email": email, "error": _gettext(request, message)}
        return render(request, "login.html", context, status_code=401)
    login_succeeded(request, email)
    if mfa.enrolled(session, actor.user_id):
        sign_in(request, session, actor, mfa_pending=MFA_CODE)
        return _see_other(f"/login/mfa?{urlencode({'next': safe_next(next)})}")
    if mfa.mfa_required(actor) and request.app.state.admin_mfa:
        sign_in(request, session, actor, mfa_pending=MFA_ENROL)
        return _see_other("/account/mfa")
    sign_in(request, session, actor)
    return _see_other(safe_next(next))


@router.post("/logout", response_model=None)
def logout(request: Request, session: SessionDep) -> Response:
    sign_out(request, session)
    return _see_other("/")


# --- An enterprise registers itself ----------------------------------------------------

_REGISTER_FIELDS = ("name", "name_en", "uscc", "region", "display_name", "email")


def _register_page(
    request: Request, values: Mapping[str, str], errors: Mapping[str, str], status: int = 200
) -> HTMLResponse:
    context = {"values": values, "errors": errors, **_labels()}
    return render(request, "register.html", context, status_code=status)


@router.get("/register")
def register_form(request: Request) -> HTMLResponse:
    return _register_page(request, dict.fromkeys(_REGISTER_FIELDS, ""), {})


@router.post("/register", response_model=None)
def register(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    uscc: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_confirm: Annotated[str, Form()] = "",
) -> Response:
    limit(request, "register")
    values = {
        "name": name,
        "name_en": name_en,
        "uscc": uscc,
        "region": region,
        "display_name": display_name,
        "email": email,
    }
    errors = _required(
        request,
        values | {"password": password, "password_confirm": password_confirm},
        ("name", "uscc", "region", "display_name", "email", "password", "password_confirm"),
    )
    if password_confirm and password != password_confirm:
        errors["password_confirm"] = _gettext(
            request, FIELD_MESSAGES[("password_confirm", _MISMATCH)]
        )
    service = {"name": name, "uscc": uscc, "region": region, "email": email, "password": password}
    try:
        if errors:
            accounts.check_enterprise_registration(session, **service)
        else:
            actor = accounts.register_enterprise(
                session,
                **service,
                name_en=name_en,
                display_name=display_name,
                ip=_client_ip(request),
            )
    except (InvalidInputError, ConflictError) as error:
        errors = field_errors(request, error) | errors
    if errors:
        return _register_page(request, values, errors, status=422)
    sign_in(request, session, actor)
    return _see_other(HOME_AFTER_SIGN_IN)


# --- My account ------------------------------------------------------------------------


def _account_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    audit_page: int = 1,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "org": accounts.organisation(session, actor, actor.org_id),
        "notice": _notice(request),
        "member_errors": {},
        "member_values": {"email": "", "display_name": "", "role": Role.VIEWER.value},
        "token_errors": {},
        "new_token": None,
        **_labels(),
    }
    if actor.can("member.manage"):
        language = language_of(request)
        gettext = translations(language).gettext
        page = max(audit_page, 1)
        entries = audit.audit_log(
            session,
            actor,
            limit=AUDIT_PAGE_SIZE + 1,
            offset=(page - 1) * AUDIT_PAGE_SIZE,
        )
        context |= {
            "members": accounts.members(session, actor, actor.org_id),
            "invitations": invitations.pending_invitations(session, actor, actor.org_id),
            "audit": [
                (entry, describe(entry, gettext, language)) for entry in entries[:AUDIT_PAGE_SIZE]
            ],
            "audit_page": page,
            "audit_more": len(entries) > AUDIT_PAGE_SIZE,
        }
    if actor.can("token.manage"):
        context |= {
            "tokens": logins.tokens(session, actor),
            "grantable": [action for action in ACTIONS if actor.can(action)],
        }
    context |= extra
    return render(request, "account.html", context, status_code=status)


@router.get("/account")
def account(
    request: Request, session: SessionDep, actor: ActorDep, audit_page: int = 1
) -> HTMLResponse:
    return _account_page(request, session, actor, audit_page=audit_page)


@router.post("/account/members", response_model=None)
def add_member(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.add_member(
            session,
            actor,
            actor.org_id,
            email,
            role,
            password=password or None,
            display_name=display_name,
        )
    except (InvalidInputError, ConflictError) as error:
        values = {"email": email, "display_name": display_name, "role": role}
        errors = field_errors(request, error, _MEMBER_MESSAGES)
        return _account_page(
            request, session, actor, status=422, member_errors=errors, member_values=values
        )
    _notify(request, "member-added")
    return _see_other("/account#members")


@router.post("/account/members/{user_id}/role", response_model=None)
def change_role(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user_id: Id,
    role: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.change_role(session, actor, actor.org_id, user_id, role)
    except ConflictError:
        _notify(request, "last-admin")
    else:
        _notify(request, "role-changed")
    return _see_other("/account#members")


@router.post("/account/tokens", response_model=None)
def create_token(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """The secret is shown in this answer only (never stored in the session)."""
    try:
        token_id, secret = logins.create_token(session, actor, name, scopes or [])
    except InvalidInputError as error:
        return _account_page(
            request, session, actor, status=422, token_errors=field_errors(request, error)
        )
    return _account_page(request, session, actor, status=201, new_token=(token_id, secret))


@router.post("/account/tokens/{token_id}/revoke", response_model=None)
def revoke_token(request: Request, session: SessionDep, actor: ActorDep, token_id: Id) -> Response:
    logins.revoke_token(session, actor, token_id)
    _notify(request, "token-revoked")
    return _see_other("/account#tokens")


# --- The platform operator's directory of organisations --------------------------------

_ORG_FIELDS = ("kind", "name", "name_en", "uscc", "region", "admin_display_name", "admin_email")


def _organisations_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "organisations": accounts.manageable_organisations(session, actor),
        "kinds": REGISTERED_KINDS,
        "statuses": tuple(OrgStatus),
        "values": values or dict.fromkeys(_ORG_FIELDS, ""),
        "errors": errors or {},
        "notice": _notice(request),
        **_labels(),
    }
    return render(request, "admin_organisations.html", context, status_code=status)


@router.get("/admin/organisations")
def organisations(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    return _organisations_page(request, session, actor)


@router.post("/admin/organisations", response_model=None)
def register_organisation(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    uscc: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    admin_display_name: Annotated[str, Form()] = "",
    admin_email: Annotated[str, Form()] = "",
    admin_password: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "kind": kind,
        "name": name,
        "name_en": name_en,
        "uscc": uscc,
        "region": region,
        "admin_display_name": admin_display_name,
        "admin_email": admin_email,
    }
    try:
        accounts.register_organisation(
            session,
            actor,
            kind,
            name,
            uscc=uscc.strip() or None,
            region=region,
            name_en=name_en,
            admin_email=admin_email.strip() or None,
            admin_password=admin_password,
            admin_display_name=admin_display_name,
        )
    except (InvalidInputError, ConflictError) as error:
        errors = field_errors(request, error)
        return _organisations_page(
            request, session, actor, values=values, errors=errors, status=422
        )
    _notify(request, "org-registered")
    return _see_other("/admin/organisations")


@router.post("/admin/organisations/{org_id}/status", response_model=None)
def change_status(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    org_id: Id,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.set_org_status(session, actor, org_id, status, reason=reason)
    except ConflictError:
        _notify(request, "self-suspend")
    except InvalidInputError as error:
        errors = {f"status-{org_id}": " ".join(field_errors(request, error).values())}
        return _organisations_page(request, session, actor, errors=errors, status=422)
    else:
        _notify(request, "status-changed")
    return _see_other("/admin/organisations")
