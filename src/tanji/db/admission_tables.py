"""Tables of admission (issue 15): sectors and their competent departments, background
databases open to submissions (with their reviewers), declarations of interest,
submissions with their evidence and reviews, and change-propagation runs.

Imported by :mod:`tanji.db.models`, which re-exports the rows, so the metadata Alembic
compares holds them. Evidence rows are written once and never updated (their SHA-256 is
checked on every read); reviews are append-only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
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
    "AdmissionDatabaseRow",
    "AdmissionDeclarationRow",
    "AdmissionEvidenceRow",
    "AdmissionReviewRow",
    "AdmissionReviewerRow",
    "AdmissionSectorRow",
    "AdmissionSubmissionRow",
    "PropagationItemRow",
    "PropagationRunRow",
]


class AdmissionSectorRow(Base):
    """A sector of the provincial background database (battery, PV, steel, …) and the
    department competent for it. A new sector is a new row."""

    __tablename__ = "admission_sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    department_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


class AdmissionDatabaseRow(Base):
    """A background database that takes submissions: the province's sector database or
    an association's sub-database, with its rules of review."""

    __tablename__ = "admission_databases"

    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[int] = mapped_column(ForeignKey("databases.id"), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("admission_sectors.id"))
    operator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    scope: Mapped[str] = mapped_column(String(20))  # provincial | association
    min_reviews: Mapped[int] = mapped_column(Integer, default=2)
    anonymous_reviews: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdmissionReviewerRow(Base):
    __tablename__ = "admission_reviewers"
    __table_args__ = (UniqueConstraint("admission_db_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_db_id: Mapped[int] = mapped_column(ForeignKey("admission_databases.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


class AdmissionDeclarationRow(Base):
    """A declared relation between two organisations (``competitor`` or ``consultant``:
    ``org_id`` consults for ``other_org_id``), declared by ``declared_by_org_id``."""

    __tablename__ = "admission_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    other_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    declared_by_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdmissionSubmissionRow(Base):
    """A dataset submitted for a background database, and where it is in the process."""

    __tablename__ = "admission_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_db_id: Mapped[int] = mapped_column(ForeignKey("admission_databases.id"))
    submitter_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200), index=True)
    geography: Mapped[str] = mapped_column(String(80))
    record: Mapped[str] = mapped_column(Text)  # the record's JSON, confidential fields included
    state: Mapped[str] = mapped_column(String(20))
    comparison: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the inter-comparison
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decision_reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of text
    database_version_id: Mapped[int | None] = mapped_column(ForeignKey("database_versions.id"))
    factor_version_id: Mapped[int | None] = mapped_column(ForeignKey("factor_versions.id"))


class AdmissionEvidenceRow(Base):
    __tablename__ = "admission_evidence"
    __table_args__ = (UniqueConstraint("submission_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("admission_submissions.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    calibrates: Mapped[str] = mapped_column(String(300), default="")
    media_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdmissionReviewRow(Base):
    __tablename__ = "admission_reviews"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("admission_submissions.id"), index=True)
    reviewer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reviewer_user_id: Mapped[int | None] = mapped_column(Integer)
    completeness: Mapped[int] = mapped_column(Integer)
    representativeness: Mapped[int] = mapped_column(Integer)
    consistency: Mapped[int] = mapped_column(Integer)
    dqr: Mapped[str] = mapped_column(String(20))  # "ter,ger,tir,p"
    recommendation: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    comments: Mapped[str] = mapped_column(Text, default="{}")  # JSON field → comment
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PropagationRunRow(Base):
    """One recomputation of the footprints that depend on a new database version."""

    __tablename__ = "admission_propagation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    database_version_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    started_by: Mapped[int | None] = mapped_column(Integer)
    started_org_id: Mapped[int | None] = mapped_column(Integer)
    workers: Mapped[int] = mapped_column(Integer, default=1)
    seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PropagationItemRow(Base):
    __tablename__ = "admission_propagation_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("admission_propagation_runs.id"), index=True)
    old_result_id: Mapped[int] = mapped_column(ForeignKey("footprint_results.id"))
    new_result_id: Mapped[int | None] = mapped_column(ForeignKey("footprint_results.id"))
    product_code: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[float] = mapped_column(Float)
    after: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str] = mapped_column(Text, default="")
