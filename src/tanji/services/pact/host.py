"""Tanji as a PACT v3.0 host: the partners an enterprise issues client credentials to,
the access tokens they get, the footprints it serves and who sees which.

A footprint is served to a partner when

1. the partner is active and belongs to the footprint's enterprise;
2. the partner sees all of the enterprise's servable footprints (``sees_all``) or this
   one was granted to it; and
3. the footprint is *servable*: its Tanji result holds a valid, unexpired certificate
   (:class:`~tanji.db.models.CertificateRow`), or the enterprise released it explicitly.

Design note: filters run in Python over the enterprise's servable footprints, not in
SQL. The filters read JSON lists (product ids, company ids, classifications) matched
case-insensitively, which SQLite and PostgreSQL would each need their own JSON syntax
for; an enterprise serves hundreds of footprints, not millions. Rejected: denormalised
filter tables, to be added if a host ever serves that many.

Client secrets and access tokens are random (``secrets.token_urlsafe``), shown once and
stored as SHA-256; tokens live :data:`TOKEN_SECONDS`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    CertificateRow,
    PactConnectionRow,
    PactFootprintRow,
    PactGrantRow,
    PactPartnerRow,
    PactTokenRow,
)
from tanji.domain.accounts import Actor
from tanji.io.pact import TANJI_SCHEMA_V3, pact_format_checker
from tanji.io.pact_protocol import DEFAULT_VALIDITY, FootprintQuery, matches, pact_time
from tanji.services.audit import audit
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.pact.errors import (
    AccessDeniedError,
    BadRequestError,
    FootprintNotFoundError,
    InvalidTokenError,
    OAuthError,
    TokenExpiredError,
)
from tanji.services.permissions import require_own_org

__all__ = [
    "MANAGE",
    "TOKEN_SECONDS",
    "IssuedCredentials",
    "IssuedToken",
    "add_footprint",
    "add_partner",
    "certificate_of",
    "deprecate",
    "footprint_rows",
    "get_footprint",
    "grant",
    "granted_ids",
    "issue_token",
    "list_footprints",
    "managed_footprint",
    "partner_of_token",
    "partners",
    "release",
    "rotate_secret",
    "servable",
    "set_partner",
]

#: The action that manages partners and releases (an enterprise admin's).
MANAGE = "result.publish"
TOKEN_SECONDS = 3600


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCredentials:
    """Client credentials as issued: the secret is shown this once."""

    partner_id: int
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str = "footprint:list footprint:read"


# --------------------------------------------------------------------------------------
# Partners and credentials
# --------------------------------------------------------------------------------------


def _partner(session: Session, actor: Actor, partner_id: int) -> PactPartnerRow:
    row = session.get(PactPartnerRow, partner_id)
    if row is None:
        raise NotFoundError(f"no PACT partner #{partner_id}")
    require_own_org(actor, row.org_id, MANAGE)
    return row


def add_partner(
    session: Session,
    actor: Actor,
    name: str,
    *,
    sees_all: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> IssuedCredentials:
    """Issue client credentials to a new partner of ``actor``'s enterprise.

    ``client_id``/``client_secret`` may be given (a conformance suite's fixed test
    credentials); otherwise both are random.
    """
    require_own_org(actor, actor.org_id, MANAGE)
    if not name.strip():
        raise InvalidInputError("name: name the partner company")
    client_id = client_id or f"tanji-{secrets.token_hex(8)}"
    if session.scalar(select(PactPartnerRow.id).where(PactPartnerRow.client_id == client_id)):
        raise InvalidInputError(f"client id {client_id!r} is already issued")
    secret = client_secret or secrets.token_urlsafe(32)
    row = PactPartnerRow(
        org_id=actor.org_id,
        name=name.strip(),
        client_id=client_id,
        secret_hash=_sha(secret),
        sees_all=sees_all,
        active=True,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "pact.partner.add", "pact_partner", row.id, None, _snapshot(row))
    return IssuedCredentials(row.id, client_id, secret)


def _snapshot(row: PactPartnerRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "client_id": row.client_id,
        "sees_all": row.sees_all,
        "active": row.active,
        "connection_id": row.connection_id,
    }


def rotate_secret(session: Session, actor: Actor, partner_id: int) -> IssuedCredentials:
    """A new secret for the partner; the old one and its tokens stop working."""
    row = _partner(session, actor, partner_id)
    secret = secrets.token_urlsafe(32)
    row.secret_hash = _sha(secret)
    for token in session.scalars(select(PactTokenRow).where(PactTokenRow.partner_id == row.id)):
        session.delete(token)
    audit(session, actor, "pact.partner.rotate", "pact_partner", row.id)
    return IssuedCredentials(row.id, row.client_id, secret)


def set_partner(
    session: Session,
    actor: Actor,
    partner_id: int,
    *,
    active: bool | None = None,
    sees_all: bool | None = None,
    connection_id: int | bool | None = False,
) -> PactPartnerRow:
    """Change a partner: active or not, sees all or only granted footprints, and its own
    PACT host (``connection_id``; ``None`` unlinks, ``False`` leaves it)."""
    row = _partner(session, actor, partner_id)
    before = _snapshot(row)
    if active is not None:
        row.active = active
    if sees_all is not None:
        row.sees_all = sees_all
    if connection_id is not False:
        if connection_id is not None:
            connection = session.get(PactConnectionRow, connection_id)
            if connection is None or connection.org_id != row.org_id:
                raise NotFoundError(f"no partner host #{connection_id} in your organisation")
        row.connection_id = connection_id if isinstance(connection_id, int) else None
    audit(session, actor, "pact.partner.change", "pact_partner", row.id, before, _snapshot(row))
    return row


def partners(session: Session, actor: Actor) -> list[PactPartnerRow]:
    require_own_org(actor, actor.org_id, "product.read")
    return list(
        session.scalars(
            select(PactPartnerRow)
            .where(PactPartnerRow.org_id == actor.org_id)
            .order_by(PactPartnerRow.id)
        )
    )


# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------


def issue_token(session: Session, client_id: str, client_secret: str) -> IssuedToken:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4) for an active partner."""
    row = session.scalar(select(PactPartnerRow).where(PactPartnerRow.client_id == client_id))
    expected = row.secret_hash if row is not None else _sha(secrets.token_hex(8))
    if row is None or not row.active or not hmac.compare_digest(expected, _sha(client_secret)):
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    session.execute(  # expired tokens of this partner are of no use: drop them
        delete(PactTokenRow).where(
            PactTokenRow.partner_id == row.id, PactTokenRow.expires_at < utcnow()
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PactTokenRow(
            partner_id=row.id,
            token_hash=_sha(token),
            expires_at=utcnow() + timedelta(seconds=TOKEN_SECONDS),
        )
    )
    return IssuedToken(token, TOKEN_SECONDS)


def partner_of_token(session: Session, authorization: str | None) -> PactPartnerRow:
    """The partner an ``Authorization: Bearer …`` header stands for."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidTokenError("Invalid token provided: send Authorization: Bearer <access token>")
    row = session.scalar(select(PactTokenRow).where(PactTokenRow.token_hash == _sha(token.strip())))
    if row is None:
        raise InvalidTokenError("Invalid token provided")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= utcnow():
        raise TokenExpiredError("The access token has expired; get a new one at /auth/token")
    partner = session.get(PactPartnerRow, row.partner_id)
    if partner is None or not partner.active:
        raise InvalidTokenError("Invalid token provided")
    return partner


# --------------------------------------------------------------------------------------
# Footprints
# --------------------------------------------------------------------------------------


def _check_document(document: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(TANJI_SCHEMA_V3, format_checker=pact_format_checker())
    problems = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if problems:
        where = "/".join(str(p) for p in problems[0].absolute_path) or "(document)"
        raise InvalidInputError(f"PACT footprint {where}: {problems[0].message}")


def add_footprint(
    session: Session,
    actor: Actor,
    document: dict[str, Any],
    *,
    result_id: int | None = None,
    released: bool = False,
) -> PactFootprintRow:
    """Store a PACT v3 ProductFootprint of ``actor``'s enterprise to serve.

    The validity period is stated when absent (PACT's default: three years from the end
    of the reference period), so every served footprint carries it.
    """
    require_own_org(actor, actor.org_id, MANAGE)
    document = dict(document)
    pcf = document.get("pcf") or {}
    if "validityPeriodStart" not in document and isinstance(pcf, dict):
        end = pcf.get("referencePeriodEnd")
        if isinstance(end, str):
            start = datetime.fromisoformat(end.replace("Z", "+00:00"))
            document["validityPeriodStart"] = pact_time(start)
            document["validityPeriodEnd"] = pact_time(start + DEFAULT_VALIDITY)
    _check_document(document)
    pf_id = str(document["id"]).lower()
    if session.scalar(select(PactFootprintRow.id).where(PactFootprintRow.pf_id == pf_id)):
        raise InvalidInputError(f"PACT footprint id {pf_id} is already served")
    row = PactFootprintRow(
        org_id=actor.org_id,
        pf_id=pf_id,
        result_id=result_id,
        product_name=str(document.get("productNameCompany", "")),
        status=str(document.get("status", "Active")),
        document=json.dumps(document, ensure_ascii=False),
        released_at=utcnow() if released else None,
        released_by=actor.user_id if released else None,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(
        session, actor, "pact.footprint.add", "pact_footprint", row.id, None,
        {"pf_id": pf_id, "result_id": result_id, "released": released},
    )  # fmt: skip
    return row


def certificate_of(session: Session, result_id: int | None, org_id: int) -> CertificateRow | None:
    if result_id is None:
        return None
    return session.scalar(
        select(CertificateRow)
        .where(
            CertificateRow.result_id == result_id,
            CertificateRow.holder_org_id == org_id,
            CertificateRow.status == "valid",
            CertificateRow.expires_on >= date.today(),
        )
        .order_by(CertificateRow.id.desc())
        .limit(1)
    )


def release(session: Session, actor: Actor, footprint_id: int, released: bool) -> None:
    """Release a footprint explicitly (served although not certified), or withdraw it."""
    row = _footprint(session, actor, footprint_id)
    row.released_at = utcnow() if released else None
    row.released_by = actor.user_id if released else None
    audit(
        session, actor, "pact.footprint.release" if released else "pact.footprint.withdraw",
        "pact_footprint", row.id,
    )  # fmt: skip


def deprecate(session: Session, actor: Actor, footprint_id: int) -> None:
    """Mark a served footprint Deprecated (PACT: a changed footprint gets a new id and
    the old one is deprecated; hosts keep serving it with that status)."""
    row = _footprint(session, actor, footprint_id)
    document = json.loads(row.document)
    document["status"] = "Deprecated"
    row.document = json.dumps(document, ensure_ascii=False)
    row.status = "Deprecated"
    audit(session, actor, "pact.footprint.deprecate", "pact_footprint", row.id)


def grant(
    session: Session, actor: Actor, footprint_id: int, partner_id: int, granted: bool
) -> None:
    """Let a partner see a footprint (or no longer)."""
    row = _footprint(session, actor, footprint_id)
    partner = _partner(session, actor, partner_id)
    existing = session.scalar(
        select(PactGrantRow).where(
            PactGrantRow.footprint_id == row.id, PactGrantRow.partner_id == partner.id
        )
    )
    if granted and existing is None:
        session.add(PactGrantRow(footprint_id=row.id, partner_id=partner.id))
    elif not granted and existing is not None:
        session.delete(existing)
    audit(
        session, actor, "pact.grant" if granted else "pact.revoke", "pact_footprint", row.id,
        None, {"partner_id": partner.id},
    )  # fmt: skip


def managed_footprint(session: Session, actor: Actor, footprint_id: int) -> PactFootprintRow:
    """One of the enterprise's footprints, for an admin to change (404 elsewhere, 403
    for a member who may not manage)."""
    return _footprint(session, actor, footprint_id)


def _footprint(session: Session, actor: Actor, footprint_id: int) -> PactFootprintRow:
    row = session.get(PactFootprintRow, footprint_id)
    if row is None or row.org_id != actor.org_id:
        raise NotFoundError(f"no PACT footprint #{footprint_id} in your organisation")
    require_own_org(actor, row.org_id, MANAGE)
    return row


def footprint_rows(session: Session, actor: Actor) -> list[tuple[PactFootprintRow, bool]]:
    """The enterprise's PACT footprints, each with whether it is certified now."""
    require_own_org(actor, actor.org_id, "product.read")
    rows = session.scalars(
        select(PactFootprintRow)
        .where(PactFootprintRow.org_id == actor.org_id)
        .order_by(PactFootprintRow.id)
    )
    return [(r, certificate_of(session, r.result_id, r.org_id) is not None) for r in rows]


def granted_ids(session: Session, footprint_id: int) -> set[int]:
    return set(
        session.scalars(
            select(PactGrantRow.partner_id).where(PactGrantRow.footprint_id == footprint_id)
        )
    )


# --------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------


def _visible(session: Session, partner: PactPartnerRow, row: PactFootprintRow) -> bool:
    if row.org_id != partner.org_id:
        return False
    if not partner.sees_all and partner.id not in granted_ids(session, row.id):
        return False
    return (
        row.released_at is not None
        or certificate_of(session, row.result_id, row.org_id) is not None
    )


def servable(session: Session, partner: PactPartnerRow) -> list[dict[str, Any]]:
    """Every footprint ``partner`` may see, oldest first (a stable order for paging)."""
    rows = session.scalars(
        select(PactFootprintRow)
        .where(PactFootprintRow.org_id == partner.org_id)
        .order_by(PactFootprintRow.id)
    )
    return [json.loads(r.document) for r in rows if _visible(session, partner, r)]


def list_footprints(
    session: Session, partner: PactPartnerRow, query: FootprintQuery, *, page_size: int = 100
) -> tuple[list[dict[str, Any]], int, int]:
    """ListFootprints: (this page, how many match in all, the page size used)."""
    found = [d for d in servable(session, partner) if matches(d, query)]
    limit = page_size if query.limit is None or query.limit == 0 else min(query.limit, 1000)
    return found[query.offset : query.offset + limit], len(found), limit


def get_footprint(session: Session, partner: PactPartnerRow, pf_id: str) -> dict[str, Any]:
    """GetFootprint: 404 unknown here, 403 not released to this partner."""
    try:
        key = str(uuid.UUID(pf_id))
    except ValueError:
        raise BadRequestError(f"id: expected a footprint id (UUID), got {pf_id!r}") from None
    row = session.scalar(select(PactFootprintRow).where(PactFootprintRow.pf_id == key))
    if row is None or row.org_id != partner.org_id:
        raise FootprintNotFoundError(f"Footprint with ID '{pf_id}' does not exist")
    if not _visible(session, partner, row):
        raise AccessDeniedError(f"Footprint with ID '{pf_id}' is not released to you")
    document: dict[str, Any] = json.loads(row.document)
    return document
