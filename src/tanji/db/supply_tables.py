"""Tables of green supply chains: a lead firm's footprint requests to its suppliers.

Imported by :mod:`tanji.db.models`, which re-exports the row. A request is addressed
to an organisation on the platform (found by its unified social credit code) or to an
e-mail address (the organisation is set when someone with that address claims it).
The answer is a supplier footprint (:class:`~tanji.db.models.SupplierFootprintRow`,
the one a model's supplier line links to) or a refusal with its reason.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = ["SupplyRequestRow"]


class SupplyRequestRow(Base):
    """One footprint request. ``status`` holds
    :class:`tanji.domain.supply.RequestStatus`; ``customer_product_id`` and
    ``customer_line_id`` name the lead firm's model line the answer feeds (never shown
    to the supplier), ``mass_kg`` and ``spend_cny`` the purchase a year (the lead
    firm's, never shown to the supplier either)."""

    __tablename__ = "supply_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_email: Mapped[str | None] = mapped_column(String(320), index=True)
    product_name: Mapped[str] = mapped_column(Text)
    declared_unit: Mapped[str] = mapped_column(String(40))
    rule_ref: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    customer_product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    customer_line_id: Mapped[str] = mapped_column(String(200), default="")
    mass_kg: Mapped[float | None] = mapped_column(Float)
    spend_cny: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    answer_kind: Mapped[str | None] = mapped_column(String(20))  # "platform" or "pact"
    supplier_footprint_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_footprints.id"))
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    link_problem: Mapped[str] = mapped_column(Text, default="")
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_by: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
