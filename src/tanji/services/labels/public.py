"""What the public verification page shows (no login): the label's status now, what
it states, who certified it, its signatures checked on the server and its entry in the
transparency log with the inclusion proof.

Nothing here is cached: every read looks at the certificate's row, so a suspension,
withdrawal or revocation shows at the next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.label_tables import LabelRow
from tanji.db.models import CertificateRow, CertificationBodyRow
from tanji.domain.labels import LabelStatus, label_status
from tanji.services.labels import trust
from tanji.services.labels.issuance import claim_of, label_row, labels_of_product

__all__ = ["PublicLabel", "current_label", "public_label"]


@dataclass(frozen=True)
class PublicLabel:
    """One label as the public sees it. ``status`` is :attr:`LabelStatus.UNKNOWN` (and
    ``claim`` empty) for an id the platform never issued."""

    public_id: str
    status: LabelStatus
    claim: dict[str, Any] = field(default_factory=dict)
    envelope_text: str = ""
    certificate_status: str | None = None
    status_changed_at: datetime | None = None
    body_status: str | None = None
    revoked_reason: str = ""
    signatures: tuple[trust.SignatureCheck, ...] = ()
    ledger: trust.LedgerProof | None = None

    @property
    def signatures_ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    def as_json(self) -> dict[str, Any]:
        """The machine-readable answer at the page's address."""
        return {
            "label": self.public_id,
            "status": self.status.value,
            "certificate_status": self.certificate_status,
            "status_changed_at": (
                self.status_changed_at.isoformat() if self.status_changed_at else None
            ),
            "body_status": self.body_status,
            "revoked_reason": self.revoked_reason or None,
            "claim": self.claim or None,
            "signatures": [s.as_json() for s in self.signatures],
            "signatures_ok": self.signatures_ok,
            "ledger": self.ledger.as_json() if self.ledger else None,
        }


def public_label(session: Session, public_id: str, *, today: date | None = None) -> PublicLabel:
    """The public view of label ``public_id`` on ``today`` (default: now, UTC)."""
    row = label_row(session, public_id)
    if row is None:
        return PublicLabel(public_id, LabelStatus.UNKNOWN)
    return _view(session, row, today or utcnow().date())


def _view(session: Session, row: LabelRow, today: date) -> PublicLabel:
    certificate = session.get(CertificateRow, row.certificate_id)
    body = (
        session.scalar(
            select(CertificationBodyRow).where(
                CertificationBodyRow.org_id == certificate.body_org_id
            )
        )
        if certificate is not None
        else None
    )
    signatures = tuple(trust.check_signatures(session, row.envelope))
    claim = claim_of(row)
    envelope_ok = bool(signatures) and all(s.ok for s in signatures)
    status = label_status(
        certificate.status if certificate is not None else None,
        certificate.expires_on if certificate is not None else None,
        label_revoked=row.revoked_at is not None,
        today=today,
    )
    if not envelope_ok or trust.claim_of(row.envelope) != claim:
        status = LabelStatus.UNKNOWN  # what is stored no longer matches what was signed
    return PublicLabel(
        public_id=row.public_id,
        status=status,
        claim=claim,
        envelope_text=row.envelope,
        certificate_status=certificate.status if certificate is not None else None,
        status_changed_at=certificate.status_changed_at if certificate is not None else None,
        body_status=body.status if body is not None else None,
        revoked_reason=row.revoked_reason,
        signatures=signatures,
        ledger=trust.inclusion(session, row.ledger_index),
    )


def current_label(session: Session, product_id: int, batch: str | None = None) -> str | None:
    """The public id of the label a scan of the product should show: the newest label
    of the batch if one was issued for it, else the newest of the product."""
    rows = labels_of_product(session, product_id)
    if batch is not None:
        for row in rows:
            if row.batch == batch:
                return row.public_id
    return rows[0].public_id if rows else None
