"""Accounts over JSON: who am I, organisations, members and roles, API tokens, audit log.

Thin handlers: the services check permissions and tenants (:mod:`tanji.services.accounts`)
and :mod:`tanji.web.errors` turns their refusals into 401/403/404/409/422.

Design note: ``POST /register`` is on :data:`public_router`, which is mounted without the
CSRF check. CSRF guards the authority of a session cookie; an anonymous registration
carries none and does not sign in, and an API client could not obtain a CSRF token
anyway (it is only ever printed into pages). Everything else is on :data:`router`, under
the API's router-level actor and CSRF dependencies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, status
from starlette.requests import Request
from starlette.responses import Response

from tanji.domain.accounts import ACTIONS, Actor
from tanji.services import accounts, audit, logins
from tanji.services.errors import NotFoundError
from tanji.web.api.account_schemas import (
    AuditEntryRead,
    AuditList,
    EnterpriseRegister,
    MemberCreate,
    MemberList,
    MemberRead,
    MeRead,
    OrganisationCreate,
    OrganisationList,
    OrganisationRead,
    RoleChange,
    StatusChange,
    TokenCreate,
    TokenCreated,
    TokenList,
    TokenRead,
)
from tanji.web.deps import MAX_ID, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["public_router", "router"]

router = Router()
public_router = Router()


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _me(session: SessionDep, actor: Actor) -> MeRead:
    account = logins.account_of(session, actor)
    org = accounts.organisation(session, actor, actor.org_id)
    return MeRead(
        user_id=actor.user_id,
        email=account.email,
        display_name=account.display_name,
        role=actor.role,
        organisation=OrganisationRead.of(org),
        scopes=sorted(actor.scopes) if actor.scopes is not None else None,
        permissions=[action for action in ACTIONS if actor.can(action)],
    )


@router.get("/me", tags=["accounts"], summary="Who is asking")
def me(session: SessionDep, actor: ActorDep) -> MeRead:
    """The signed-in person (or the API token's maker), their organisation and role, and
    every action they may do (for a token: only within its scopes)."""
    return _me(session, actor)


@public_router.post(
    "/register",
    tags=["accounts"],
    summary="Register an enterprise",
    status_code=status.HTTP_201_CREATED,
)
def register(body: EnterpriseRegister, request: Request, session: SessionDep) -> MeRead:
    """An enterprise registers itself and its first admin (no sign-in needed). Every
    input is checked first: a malformed credit code, email or weak password gives 422,
    a credit code or email already registered 409, each with ``fields`` naming them."""
    actor = accounts.register_enterprise(
        session,
        name=body.name,
        name_en=body.name_en,
        uscc=body.uscc,
        region=body.region,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        ip=_client_ip(request),
    )
    return _me(session, actor)


@router.get("/organisations", tags=["organisations"], summary="List organisations")
def list_organisations(session: SessionDep, actor: ActorDep) -> OrganisationList:
    """The organisations the caller may see: the platform operator all of them, everyone
    else their own."""
    orgs = accounts.organisations(session, actor)
    return OrganisationList(count=len(orgs), data=[OrganisationRead.of(o) for o in orgs])


@router.post(
    "/organisations",
    tags=["organisations"],
    summary="Register an organisation (platform operator)",
    status_code=status.HTTP_201_CREATED,
)
def create_organisation(
    body: OrganisationCreate, session: SessionDep, actor: ActorDep
) -> OrganisationRead:
    """Admit a certification body, department, association or service provider, with its
    first admin if ``admin`` is given."""
    admin = body.admin
    org_id = accounts.register_organisation(
        session,
        actor,
        body.kind,
        body.name,
        uscc=body.uscc or None,
        region=body.region,
        name_en=body.name_en,
        admin_email=admin.email if admin else None,
        admin_password=admin.password if admin else None,
        admin_display_name=admin.display_name if admin else "",
    )
    return OrganisationRead.of(accounts.organisation(session, actor, org_id))


@router.post(
    "/organisations/{org_id}/status",
    tags=["organisations"],
    summary="Suspend, blacklist or reactivate an organisation (platform operator)",
)
def change_status(
    org_id: Id, body: StatusChange, session: SessionDep, actor: ActorDep
) -> OrganisationRead:
    """While not active, the organisation's people cannot sign in and its tokens fail.
    Blacklisting needs a reason."""
    accounts.set_org_status(session, actor, org_id, body.status, reason=body.reason)
    return OrganisationRead.of(accounts.organisation(session, actor, org_id))


@router.get("/organisations/{org_id}/members", tags=["organisations"], summary="List members")
def list_members(org_id: Id, session: SessionDep, actor: ActorDep) -> MemberList:
    """The organisation's people and roles (its admins; the platform operator)."""
    people = accounts.members(session, actor, org_id)
    return MemberList(count=len(people), data=[MemberRead.of(m) for m in people])


def _member(session: SessionDep, actor: Actor, org_id: int, user_id: int) -> MemberRead:
    for member in accounts.members(session, actor, org_id):
        if member.user_id == user_id:
            return MemberRead.of(member)
    raise NotFoundError(f"User {user_id} is not a member of organisation {org_id}.")


@router.post(
    "/organisations/{org_id}/members",
    tags=["organisations"],
    summary="Add a member",
    status_code=status.HTTP_201_CREATED,
)
def create_member(
    org_id: Id, body: MemberCreate, session: SessionDep, actor: ActorDep
) -> MemberRead:
    """Add a person with a role; a new address needs a first password."""
    user_id = accounts.add_member(
        session,
        actor,
        org_id,
        body.email,
        body.role,
        password=body.password,
        display_name=body.display_name,
    )
    return _member(session, actor, org_id, user_id)


@router.put(
    "/organisations/{org_id}/members/{user_id}",
    tags=["organisations"],
    summary="Change a member's role",
)
def update_member(
    org_id: Id, user_id: Id, body: RoleChange, session: SessionDep, actor: ActorDep
) -> MemberRead:
    """The organisation's last admin stays admin (409)."""
    accounts.change_role(session, actor, org_id, user_id, body.role)
    return _member(session, actor, org_id, user_id)


@router.get("/tokens", tags=["tokens"], summary="List API tokens")
def list_tokens(session: SessionDep, actor: ActorDep) -> TokenList:
    """The caller's own tokens; an admin sees every token of the organisation."""
    found = logins.tokens(session, actor)
    return TokenList(count=len(found), data=[TokenRead.of(t) for t in found])


@router.post(
    "/tokens", tags=["tokens"], summary="Create an API token", status_code=status.HTTP_201_CREATED
)
def create_token(body: TokenCreate, session: SessionDep, actor: ActorDep) -> TokenCreated:
    """A token limited to ``scopes`` (each an action the caller may do). The answer holds
    the secret — the only time it is shown; the platform keeps only its hash."""
    token_id, secret = logins.create_token(session, actor, body.name, body.scopes)
    (info,) = [t for t in logins.tokens(session, actor) if t.id == token_id]
    return TokenCreated(**TokenRead.of(info).model_dump(), secret=secret)


@router.delete(
    "/tokens/{token_id}",
    tags=["tokens"],
    summary="Revoke an API token",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def revoke_token(token_id: Id, session: SessionDep, actor: ActorDep) -> None:
    """Its maker, their organisation's admins or the platform operator may revoke it."""
    logins.revoke_token(session, actor, token_id)


@router.get("/audit", tags=["audit"], summary="Read the audit log")
def audit_log(
    session: SessionDep,
    actor: ActorDep,
    entity_kind: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    org_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="One organisation's entries (platform operator)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> AuditList:
    """Newest first. Organisation admins see their organisation's entries; the platform
    operator sees all. Snapshots (before → after) never hold secrets."""
    entries = audit.audit_log(
        session,
        actor,
        entity_kind=entity_kind,
        entity_id=entity_id,
        action=action,
        org_id=org_id,
        limit=limit,
        offset=offset,
    )
    return AuditList(
        count=len(entries),
        limit=limit,
        offset=offset,
        data=[AuditEntryRead.of(e) for e in entries],
    )
