"""The public JSON contract of the accounts endpoints (API v1): organisations, people,
roles, API tokens and the audit log — separate from tables and service objects.

Secrets never appear in a ``…Read`` model: a token's secret is in :class:`TokenCreated`
only, the answer to the request that made it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tanji.domain.accounts import OrgKind, OrgStatus, Role
from tanji.domain.regions import JIANGSU, REGIONS
from tanji.services.accounts import MemberInfo, OrganisationInfo
from tanji.services.audit import AuditEntry
from tanji.services.logins import TokenInfo
from tanji.web.api.common import Timestamp

__all__ = [
    "AdminCreate",
    "AuditEntryRead",
    "AuditList",
    "EnterpriseRegister",
    "MeRead",
    "MemberCreate",
    "MemberList",
    "MemberRead",
    "OrganisationCreate",
    "OrganisationList",
    "OrganisationRead",
    "RoleChange",
    "StatusChange",
    "TokenCreate",
    "TokenCreated",
    "TokenList",
    "TokenRead",
]

_REGION = Field(
    JIANGSU.code,
    description="CN-JS (the province) or a city: " + ", ".join(sorted(REGIONS)),
    examples=["CN-JS-SZ"],
)


class OrganisationRead(BaseModel):
    id: int
    kind: OrgKind
    name: str
    name_en: str
    uscc: str | None = Field(description="Unified social credit code (统一社会信用代码)")
    region: str
    status: OrgStatus
    created_at: Timestamp
    members: int

    @classmethod
    def of(cls, org: OrganisationInfo) -> OrganisationRead:
        return cls(
            id=org.id,
            kind=org.kind,
            name=org.name,
            name_en=org.name_en,
            uscc=org.uscc,
            region=org.region,
            status=org.status,
            created_at=org.created_at,
            members=org.members,
        )


class OrganisationList(BaseModel):
    count: int
    data: list[OrganisationRead]


class MeRead(BaseModel):
    """Who is asking: the person, the organisation they act for, and what they may do."""

    user_id: int
    email: str
    display_name: str
    role: Role
    organisation: OrganisationRead
    scopes: list[str] | None = Field(
        description="The API token's scopes; null for a signed-in browser session"
    )
    permissions: list[str] = Field(description="Every action this caller may do")


class EnterpriseRegister(BaseModel):
    """An enterprise registers itself with its first admin."""

    name: str = Field(description="Company name in Chinese, as on the business licence")
    name_en: str = ""
    uscc: str = Field(description="Unified social credit code, 18 characters (GB 32100-2015)")
    region: str = _REGION
    display_name: str = Field(description="The admin's name")
    email: str
    password: str = Field(description="At least 12 characters, not all of one kind")


class AdminCreate(BaseModel):
    email: str
    password: str
    display_name: str = ""


class OrganisationCreate(BaseModel):
    """The platform operator registers a certification body, department, association or
    service provider (enterprises register themselves), optionally with its first admin."""

    kind: OrgKind
    name: str
    name_en: str = ""
    uscc: str | None = None
    region: str = _REGION
    admin: AdminCreate | None = None


class StatusChange(BaseModel):
    status: OrgStatus
    reason: str = Field("", description="Required to blacklist; kept in the audit log")


class MemberRead(BaseModel):
    user_id: int
    email: str
    display_name: str
    role: Role
    active: bool
    last_login_at: Timestamp | None

    @classmethod
    def of(cls, member: MemberInfo) -> MemberRead:
        return cls(
            user_id=member.user_id,
            email=member.email,
            display_name=member.display_name,
            role=member.role,
            active=member.active,
            last_login_at=member.last_login_at,
        )


class MemberList(BaseModel):
    count: int
    data: list[MemberRead]


class MemberCreate(BaseModel):
    """Add a person: a new address gets an account with ``password`` (required then);
    an existing account joins with the password it has."""

    email: str
    role: Role
    password: str | None = None
    display_name: str = ""


class RoleChange(BaseModel):
    role: Role


class TokenRead(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to recognise it")
    scopes: list[str]
    user_id: int
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, token: TokenInfo) -> TokenRead:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            scopes=list(token.scopes),
            user_id=token.user_id,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenList(BaseModel):
    count: int
    data: list[TokenRead]


class TokenCreate(BaseModel):
    name: str
    scopes: list[str] = Field(
        description="Actions the token may do; each must be one its maker may do",
        examples=[["product.read"]],
    )


class TokenCreated(TokenRead):
    secret: str = Field(description="Send as 'Authorization: Bearer …'; shown this once only")


class AuditEntryRead(BaseModel):
    id: int
    at: Timestamp
    actor_user_id: int | None
    actor_name: str | None
    actor_org_id: int | None
    action: str
    entity_kind: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls(
            id=entry.id,
            at=entry.at,
            actor_user_id=entry.actor_user_id,
            actor_name=entry.actor_name,
            actor_org_id=entry.actor_org_id,
            action=entry.action,
            entity_kind=entry.entity_kind,
            entity_id=entry.entity_id,
            before=entry.before,
            after=entry.after,
        )


class AuditList(BaseModel):
    count: int
    limit: int
    offset: int
    data: list[AuditEntryRead]
