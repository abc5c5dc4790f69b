"""Tables of carbon labels: labels (claim and signed envelope), product identifiers
(GTIN, industrial-internet identifier) and reports of suspected fakes.

Imported by :mod:`tanji.db.models`, which re-exports the rows. A label's claim and
envelope are written once and never updated; its status is not stored (it follows the
certificate, :mod:`tanji.domain.labels.status`) except a revocation of the label itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = ["LabelIdentifierRow", "LabelReportRow", "LabelRow"]


class LabelRow(Base):
    """A label as issued: ``claim`` the JSON document, ``envelope`` the signed envelope
    (JSON) returned by the signing service, ``ledger_index`` its entry in the log."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    batch: Mapped[str | None] = mapped_column(String(20))
    claim: Mapped[str] = mapped_column(Text)
    envelope: Mapped[str] = mapped_column(Text)
    ledger_index: Mapped[int | None] = mapped_column(Integer)
    issued_by: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by: Mapped[int | None] = mapped_column(Integer)


class LabelIdentifierRow(Base):
    """A workspace product's identifiers: a GTIN (14 digits) and/or an
    industrial-internet identifier; each names one product on the platform."""

    __tablename__ = "label_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    handle: Mapped[str | None] = mapped_column(String(200), unique=True)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class LabelReportRow(Base):
    """A report of a suspected fake label, sent from the public page (no login)."""

    __tablename__ = "label_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_public_id: Mapped[str] = mapped_column(String(64), index=True)
    label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    where_seen: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
