"""Issuing a label from a valid certificate, revoking it, a product's labels.

A label is issued only from a certificate in force (status valid, within its dates):
its claim takes every value from the certificate row — never from a self-declared
result — and is signed by the platform and countersigned for the certification body
(:mod:`.trust`), stored once and appended to the transparency log.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.label_tables import LabelRow
from tanji.db.models import (
    CertificateRow,
    CertificationBodyRow,
    CertificationCaseRow,
    OrganisationRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.claims import canonical_json
from tanji.domain.labels import ClaimInput, build_claim, claim_problems, digital_link
from tanji.services.audit import audit
from tanji.services.errors import ConflictError, NotFoundError, PermissionDeniedError
from tanji.services.labels import trust
from tanji.services.labels.identifiers import identifiers_of
from tanji.services.labels.kinds import kind_for
from tanji.services.signing import KeyRing

__all__ = [
    "IssuedLabel",
    "LabelRefusedError",
    "issue_label",
    "label_row",
    "labels_of_certificate",
    "labels_of_product",
    "revoke_label",
    "verify_url",
]


class LabelRefusedError(ConflictError):
    """No label may be issued from this certificate; ``keys`` say why (message keys)."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__("No label can be issued from this certificate: " + ", ".join(keys) + ".")
        self.keys = tuple(keys)


@dataclass(frozen=True)
class IssuedLabel:
    public_id: str
    verify_url: str
    qr_url: str
    ledger_index: int | None


def new_public_id() -> str:
    """A label's public id: 80 random bits in lower-case base32 (16 characters), so
    ids tell nothing about how many labels exist."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def verify_url(base_url: str, public_id: str) -> str:
    return f"{base_url.rstrip('/')}/l/{public_id}"


def _certificate(session: Session, number: str) -> CertificateRow:
    row = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    if row is None:
        raise NotFoundError(f"No certificate {number}.")
    return row


def _may_issue(actor: Actor, certificate: CertificateRow) -> None:
    if actor.is_platform_admin and actor.can("certification.oversee"):
        return
    if actor.org_id == certificate.holder_org_id and actor.can("certification.apply"):
        return
    if actor.org_id == certificate.body_org_id and actor.can("certification.work"):
        return
    raise PermissionDeniedError(
        "Only the certificate's holder, its certification body or the operator may issue its label."
    )


def _org_name(session: Session, org_id: int) -> str:
    org = session.get(OrganisationRow, org_id)
    return org.name if org is not None else ""


def issue_label(
    session: Session,
    actor: Actor,
    certificate_number: str,
    *,
    base_url: str,
    keys: KeyRing,
    batch: str | None = None,
    now: datetime | None = None,
) -> IssuedLabel:
    """Issue the label of a certificate in force (see the module docstring)."""
    certificate = _certificate(session, certificate_number)
    _may_issue(actor, certificate)
    moment = now or utcnow()
    case = session.get(CertificationCaseRow, certificate.case_id)
    product_id = case.product_id if case is not None else None
    ids = identifiers_of(session, product_id) if product_id is not None else None
    body = session.scalar(
        select(CertificationBodyRow).where(CertificationBodyRow.org_id == certificate.body_org_id)
    )
    public_id = new_public_id()
    data = ClaimInput(
        label_id=public_id,
        kind=kind_for(certificate.certification_type),
        certificate_number=certificate.number,
        certificate_status=certificate.status,
        body_name=_org_name(session, certificate.body_org_id),
        body_approval=body.approval_number if body is not None else "",
        holder_name=_org_name(session, certificate.holder_org_id),
        product_name=certificate.product_name,
        category=certificate.category,
        value=certificate.declared_value,
        unit=certificate.unit,
        declared_unit=certificate.declared_unit,
        standard=certificate.standard,
        rule_ref=certificate.rule_ref,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        verify_url=verify_url(base_url, public_id),
        gtin=ids.gtin if ids else None,
        batch=batch or None,
        handle=ids.handle if ids else None,
        issued_at=moment,
    )
    problems = claim_problems(data, moment.date())
    if problems:
        raise LabelRefusedError(problems)
    claim = build_claim(data)
    claim["label"]["qr_url"] = _qr_url(base_url, data)
    envelope_text = trust.sign(session, claim, body_org_id=certificate.body_org_id, keys=keys)
    row = LabelRow(
        public_id=public_id, certificate_id=certificate.id, product_id=product_id,
        holder_org_id=certificate.holder_org_id, kind=data.kind.id, batch=data.batch,
        claim=json.dumps(claim, ensure_ascii=False, sort_keys=True), envelope=envelope_text,
        issued_by=actor.user_id, issued_at=moment,
    )  # fmt: skip
    session.add(row)
    session.flush()
    row.ledger_index = trust.record(
        session, "label.issue", f"label:{public_id}",
        {"label": public_id, "certificate": certificate.number,
         "claim_sha256": hashlib.sha256(canonical_json(claim)).hexdigest()},
        keys=keys,
    )  # fmt: skip
    audit(session, actor, "label.issue", "label", row.id, None, {"public_id": public_id})
    return IssuedLabel(public_id, data.verify_url, claim["label"]["qr_url"], row.ledger_index)


def _qr_url(base_url: str, data: ClaimInput) -> str:
    """The QR code's address: the GS1 Digital Link for a GTIN, the identifier resolver
    for an industrial-internet identifier, else the label's own page."""
    if data.gtin:
        return digital_link(base_url, data.gtin, data.batch)
    if data.handle:
        return f"{base_url.rstrip('/')}/id/{data.handle}"
    return data.verify_url


def label_row(session: Session, public_id: str) -> LabelRow | None:
    return session.scalar(select(LabelRow).where(LabelRow.public_id == public_id))


def revoke_label(
    session: Session, actor: Actor, public_id: str, *, reason: str, keys: KeyRing
) -> None:
    """Revoke one label (the certificate stays as it is): the certificate's body or
    the operator, saying why."""
    row = label_row(session, public_id)
    if row is None:
        raise NotFoundError(f"No label {public_id}.")
    certificate = session.get(CertificateRow, row.certificate_id)
    assert certificate is not None
    body_may = actor.org_id == certificate.body_org_id and actor.can("certification.work")
    if not (body_may or (actor.is_platform_admin and actor.can("certification.oversee"))):
        raise PermissionDeniedError(
            "Only the certification body or the operator may revoke a label."
        )
    if row.revoked_at is not None:
        raise ConflictError(f"Label {public_id} is already revoked.")
    if not reason.strip():
        raise ConflictError("Say why the label is revoked.")
    row.revoked_at, row.revoked_reason, row.revoked_by = utcnow(), reason.strip(), actor.user_id
    trust.record(
        session, "label.revoke", f"label:{public_id}",
        {"label": public_id, "reason": reason.strip()}, keys=keys,
    )  # fmt: skip
    audit(session, actor, "label.revoke", "label", row.id, None, {"reason": reason.strip()})


def labels_of_product(session: Session, product_id: int) -> list[LabelRow]:
    """A product's labels, newest first."""
    return list(
        session.scalars(
            select(LabelRow)
            .where(LabelRow.product_id == product_id)
            .order_by(LabelRow.issued_at.desc(), LabelRow.id.desc())
        )
    )


def labels_of_certificate(session: Session, certificate_id: int) -> list[LabelRow]:
    return list(
        session.scalars(
            select(LabelRow)
            .where(LabelRow.certificate_id == certificate_id)
            .order_by(LabelRow.id.desc())
        )
    )


def claim_of(row: LabelRow) -> dict[str, Any]:
    claim: dict[str, Any] = json.loads(row.claim)
    return claim
