"""Tables of the public directory: buyers' contact requests to suppliers and the
enterprises' voluntary disclosure texts.

Imported by :mod:`tanji.db.models`, which re-exports the rows. The directory itself
has no table: it is read from the certificates in force and their labels.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = ["ContactRequestRow", "DisclosureRow"]


class ContactRequestRow(Base):
    """A buyer organisation's message to a supplier about a certified product. Neither
    side's e-mail address is shown: the buyer writes what it wants to share in
    ``message``; the supplier answers in ``reply``."""

    __tablename__ = "directory_contact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(Integer)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    certificate_number: Mapped[str] = mapped_column(String(40))
    product_name: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")  # new | replied
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_by: Mapped[int | None] = mapped_column(Integer)


class DisclosureRow(Base):
    """An enterprise's voluntary disclosure text (plain text, shown on its public page).
    ``version`` counts the edits (an edit from a stale read fails)."""

    __tablename__ = "directory_disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)
