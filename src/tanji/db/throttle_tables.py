"""Throttle counters shared by the worker processes (sign-in failures per source, rate
limits): one row per throttled key, :mod:`tanji.services.auth.throttle_store`.

Imported by :mod:`tanji.db.models`, which re-exports the row. The key is the SHA-256 of
the throttle's name and key (an address, an address and an e-mail): the table never
holds an e-mail address or an IP address in the clear.
"""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base

__all__ = ["ThrottleCounterRow"]


class ThrottleCounterRow(Base):
    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    a: Mapped[float] = mapped_column(Float, default=0.0)
    b: Mapped[float] = mapped_column(Float, default=0.0)
    c: Mapped[float] = mapped_column(Float, default=0.0)
    #: wall-clock seconds of the last change (old rows are removed now and then)
    changed: Mapped[float] = mapped_column(Float, default=0.0, index=True)
