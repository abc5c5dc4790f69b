"""Tables of the government's desk: the province's annual work plans.

Imported by :mod:`tanji.db.models` so the metadata Alembic compares holds them. One row
per year; ``version`` counts the changes (an edit names the version it read: 409 when
someone changed the plan since).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = ["DeskWorkPlanRow"]


class DeskWorkPlanRow(Base):
    """A year's work plan: focus sectors (JSON list of category codes), targets by city
    (JSON object region code → products), the province's target and its document."""

    __tablename__ = "desk_work_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    focus_sectors: Mapped[str] = mapped_column(Text, default="[]")
    city_targets: Mapped[str] = mapped_column(Text, default="{}")
    province_target: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text, default="")
    set_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
