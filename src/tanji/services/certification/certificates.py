"""Certificates after issue: the one function that changes a certificate's status, and
the public look-up of a certificate with its body's standing.

Design note: every status change of a certificate (valid → suspended, withdrawn,
expired, cancelled, and back to valid on reinstatement) goes through
:func:`change_certificate_status`, which writes the audit entry. The label (carbon label
issued from a certificate) and the transparency log follow certificate status changes;
they hook here, in one place, rather than in every step that moves a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import CertificateRow, OrganisationRow, SupplierFootprintRow
from tanji.domain.accounts import Actor
from tanji.domain.certification import BodyStatus, CertificateStatus, Reason, standing_problems
from tanji.services.audit import audit
from tanji.services.certification._common import load_body, today
from tanji.services.errors import NotFoundError
from tanji.services.ledger.hooks import certificate_event

__all__ = ["PublicCertificate", "change_certificate_status", "public_certificate"]


def change_certificate_status(
    session: Session,
    actor: Actor | None,
    certificate: CertificateRow,
    status: CertificateStatus,
    *,
    reason: str = "",
    action: str | None = None,
) -> bool:
    """Set ``certificate``'s status (audited, and appended to the transparency log as
    ``certificate.<action>``, by default the new status); False when it already had it."""
    if certificate.status == status.value:
        return False
    before = {"status": certificate.status}
    certificate.status = status.value
    certificate.status_changed_at = utcnow()
    session.flush()
    # A footprint published with this certificate is verified only while it is valid.
    session.execute(
        update(SupplierFootprintRow)
        .where(
            SupplierFootprintRow.result_id == certificate.result_id,
            SupplierFootprintRow.verifier.like(f"%({certificate.number})"),
        )
        .values(verified=status is CertificateStatus.VALID)
        .execution_options(synchronize_session=False)
    )
    after = {"status": status.value, "number": certificate.number, "reason": reason}
    audit(
        session, actor, "certification.certificate-status", "certificate", certificate.id,
        before, after,
    )  # fmt: skip
    certificate_event(
        session, certificate, action or status.value, previous_status=before["status"]
    )
    return True


@dataclass(frozen=True)
class PublicCertificate:
    """A certificate as anyone may see it, with the issuing body's standing today."""

    number: str
    status: str
    certification_type: str
    category: str
    product_name: str
    holder: str
    holder_en: str
    body: str
    body_en: str
    body_status: str  # active, suspended, revoked
    body_blacklisted: bool
    body_problems: tuple[Reason, ...]
    declared_unit: str
    declared_value: float
    unit: str
    rule_ref: str
    standard: str
    issued_on: date
    expires_on: date
    status_changed_at: datetime

    @property
    def body_in_good_standing(self) -> bool:
        return not self.body_problems


def public_certificate(session: Session, number: str) -> PublicCertificate:
    """The certificate ``number`` as a public page shows it (no sign-in needed)."""
    row = session.scalar(select(CertificateRow).where(CertificateRow.number == number.strip()))
    if row is None:
        raise NotFoundError(f"No certificate {number}.")
    return public_of(session, row)


def public_of(session: Session, row: CertificateRow) -> PublicCertificate:
    holder = session.get(OrganisationRow, row.holder_org_id)
    org = session.get(OrganisationRow, row.body_org_id)
    assert holder is not None
    assert org is not None
    body = load_body(session, row.body_org_id)
    day = today()
    blacklisted = body.blacklisted(day)
    return PublicCertificate(
        number=row.number, status=row.status, certification_type=row.certification_type,
        category=row.category, product_name=row.product_name, holder=holder.name,
        holder_en=holder.name_en, body=org.name, body_en=org.name_en,
        body_status=BodyStatus(body.status).value, body_blacklisted=blacklisted,
        body_problems=standing_problems(body, day), declared_unit=row.declared_unit,
        declared_value=row.declared_value, unit=row.unit, rule_ref=row.rule_ref,
        standard=row.standard, issued_on=row.issued_on, expires_on=row.expires_on,
        status_changed_at=row.status_changed_at,
    )  # fmt: skip
