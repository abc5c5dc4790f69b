"""Tables of certification: bodies (approval, scope, staff, blacklist, credit findings),
consultancy declarations, cases (findings, events, evidence) and certificates.

Imported by :mod:`tanji.db.models`, which re-exports the rows, so the metadata Alembic
compares holds them. Evidence rows are written once and never updated (their SHA-256 is
checked on every read); events and credit findings are append-only like the audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = [
    "BlacklistEntryRow",
    "CaseEventRow",
    "CaseFindingRow",
    "CertificateRow",
    "CertificationBodyRow",
    "CertificationCaseRow",
    "ConsultancyDeclarationRow",
    "CreditFindingRow",
    "EvidenceRow",
    "NotificationRow",
    "ScopeRow",
    "StaffRow",
    "SurveillanceReminderRow",
]


class CertificationBodyRow(Base):
    """A certification body's registry entry; the organisation is ``org_id`` (kind
    certification-body). ``status`` holds :class:`~tanji.domain.certification.BodyStatus`."""

    __tablename__ = "certification_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    approval_number: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    pilot_qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScopeRow(Base):
    __tablename__ = "certification_body_scopes"
    __table_args__ = (UniqueConstraint("body_id", "category", "certification_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("certification_bodies.id"))
    category: Mapped[str] = mapped_column(String(80))
    certification_type: Mapped[str] = mapped_column(String(20))


class StaffRow(Base):
    """A certification person of a body (``user_id`` when they have an account)."""

    __tablename__ = "certification_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("certification_bodies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(Text)
    qualification: Mapped[str] = mapped_column(Text)
    experience_since: Mapped[date] = mapped_column(Date)
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BlacklistEntryRow(Base):
    __tablename__ = "certification_blacklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("certification_bodies.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(Text)
    listed_on: Mapped[date] = mapped_column(Date)
    appeal: Mapped[str] = mapped_column(Text, default="")
    lifted_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(Integer)


class CreditFindingRow(Base):
    __tablename__ = "certification_credit_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("certification_bodies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    found_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(Integer)


class ConsultancyDeclarationRow(Base):
    """A body or person declares consulting for an enterprise (impartiality)."""

    __tablename__ = "consultancy_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    consultant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enterprise_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    declared_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificationCaseRow(Base):
    """One application and everything after it. ``result_id`` is the pinned footprint
    (its row holds the versions it was computed under); ``team`` a JSON list of user
    ids; ``state`` a :class:`~tanji.domain.certification.CaseState`. ``version`` counts
    the changes (``UPDATE … WHERE version = :read``)."""

    __tablename__ = "certification_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    body_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    result_id: Mapped[int] = mapped_column(ForeignKey("footprint_results.id"))
    category: Mapped[str] = mapped_column(String(80))
    certification_type: Mapped[str] = mapped_column(String(20))
    declared_value: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(30))
    management_system_since: Mapped[date | None] = mapped_column(Date)
    applied_on: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(Text, default="[]")
    decision_maker_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recomputed_value: Mapped[float | None] = mapped_column(Float)
    renews_certificate_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class CaseFindingRow(Base):
    __tablename__ = "certification_findings"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("certification_cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the case
    stage: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_result_id: Mapped[int | None] = mapped_column(ForeignKey("footprint_results.id"))
    raised_by: Mapped[int | None] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_by: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseEventRow(Base):
    """The case's history: one row per step taken (append-only)."""

    __tablename__ = "certification_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("certification_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    record: Mapped[str] = mapped_column(Text, default="{}")


class EvidenceRow(Base):
    """A file of a case (an application document, a photo of the site, an answer's
    proof): stored once with its SHA-256 and never changed."""

    __tablename__ = "certification_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("certification_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(Integer)
    uploaded_org_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificateRow(Base):
    """A certificate as issued (see :class:`~tanji.domain.certification.Certificate`)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("certification_cases.id"), unique=True)
    certification_type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(80))
    product_name: Mapped[str] = mapped_column(Text)
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    body_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("footprint_results.id"))
    declared_unit: Mapped[str] = mapped_column(String(80))
    declared_value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    rule_ref: Mapped[str] = mapped_column(String(200))
    standard: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="valid")
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotificationRow(Base):
    """An in-app notice that a certification step waits on someone: addressed to an
    organisation (whoever of it acts next) or to one person of it (a team member, the
    decision-maker). Read once by anyone it is addressed to."""

    __tablename__ = "certification_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("certification_cases.id"))
    kind: Mapped[str] = mapped_column(String(60))  # a message key of the notice
    params: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: What became of the e-mail copy (sent after the commit): NULL while none was
    #: tried; ``sent``, ``disabled`` (no SMTP), ``refused``, ``failed`` or ``no-address``.
    email_status: Mapped[str | None] = mapped_column(String(20))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SurveillanceReminderRow(Base):
    """One reminder per certificate and surveillance due date (the sweep is idempotent)."""

    __tablename__ = "certification_surveillance_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
