"""Tables of the PACT v3 exchange: partners we issue credentials to, the footprints we
serve them, the partners' hosts we fetch from, and the events that went either way.

Imported by :mod:`tanji.db.models`, which re-exports the rows, so the metadata Alembic
compares holds them. Secrets we issue are kept as SHA-256 only; the secret a partner
issued to us (``PactConnectionRow.client_secret``) must be kept as given, because we send
it to their token endpoint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = [
    "PactConnectionRow",
    "PactEventRow",
    "PactFootprintRow",
    "PactGrantRow",
    "PactPartnerRow",
    "PactTokenRow",
]


class PactPartnerRow(Base):
    """A data recipient of an enterprise (``org_id``): the client credentials it was
    issued (``client_id``, SHA-256 of the secret) and whether it sees every servable
    footprint (``sees_all``) or only those granted. ``connection_id`` is the partner's own
    PACT host (where answers to its requests go)."""

    __tablename__ = "pact_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    sees_all: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("pact_connections.id"))
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PactTokenRow(Base):
    """An access token issued at ``/auth/token`` (SHA-256 only), valid until ``expires_at``."""

    __tablename__ = "pact_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("pact_partners.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PactFootprintRow(Base):
    """A PACT v3 ProductFootprint of the enterprise, as served (``document``: JSON).

    ``result_id`` is the Tanji result it was made from (a valid certificate of that
    result makes it servable); ``released_at`` marks an explicit release. The other
    columns repeat what the filters read (JSON lists, lower-cased)."""

    __tablename__ = "pact_footprints"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    pf_id: Mapped[str] = mapped_column(String(36), unique=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("footprint_results.id"))
    product_name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="Active")
    document: Mapped[str] = mapped_column(Text)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PactGrantRow(Base):
    """Footprint ``footprint_id`` may be served to partner ``partner_id``."""

    __tablename__ = "pact_grants"
    __table_args__ = (UniqueConstraint("footprint_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    footprint_id: Mapped[int] = mapped_column(ForeignKey("pact_footprints.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("pact_partners.id"), index=True)


class PactConnectionRow(Base):
    """A partner's PACT host we are a client of: its base URL (``auth_url`` when the
    token endpoint lives elsewhere) and the client credentials it issued to us."""

    __tablename__ = "pact_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(Text)
    auth_url: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[str] = mapped_column(Text)
    client_secret: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PactEventRow(Base):
    """A CloudEvent received (``direction`` "in") or sent ("out").

    Incoming RequestCreated events wait as ``state`` "pending" until answered
    ("answered", the answer in ``answer``) or given up ("failed", ``note`` says why).
    Outgoing requests wait as "sent" until the partner's answer arrives ("fulfilled" or
    "rejected"). ``event_id`` is the CloudEvent id, ``source`` its source."""

    __tablename__ = "pact_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("pact_partners.id"))
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("pact_connections.id"))
    event_id: Mapped[str] = mapped_column(String(200), index=True)
    event_type: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str] = mapped_column(Text, default="")
    reply_to: Mapped[str] = mapped_column(Text, default="")  # where the answer goes
    reply_source: Mapped[str] = mapped_column(Text, default="")  # our host, as its source
    note: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
