"""Tables of the transparency log and the signing keys.

Imported by :mod:`tanji.db.models`, which re-exports the rows. ``ledger_entries`` and
``ledger_tree_heads`` are append-only: nothing in Tanji updates or deletes a row, and
``tanji ledger verify`` finds any row changed by other means. ``ledger_state`` is one
row (id 1): the log's size and compact range, locked by every append so that indices
are handed out one at a time without gaps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = [
    "LedgerEntryRow",
    "LedgerNodeRow",
    "LedgerStateRow",
    "LedgerTreeHeadRow",
    "SigningKeyRow",
]


class SigningKeyRow(Base):
    """An Ed25519 key of the platform or of a certification body. ``private_key`` is the
    raw private key sealed with AES-256-GCM under a key derived from the platform secret
    (:mod:`tanji.services.signing.keyring`); it is erased when the key is retired."""

    __tablename__ = "ledger_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    keyid: Mapped[str] = mapped_column(String(64), unique=True)
    signer: Mapped[str] = mapped_column(String(40), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64url of 32 bytes
    private_key: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerEntryRow(Base):
    """Entry ``index`` of the log: ``entry`` holds its RFC 8785 canonical JSON, the
    bytes whose RFC 9162 leaf hash ``leaf_hash`` (hex) is; the other columns repeat
    what the entry says, for queries."""

    __tablename__ = "ledger_entries"

    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LedgerNodeRow(Base):
    """The hash (hex) of the perfect subtree ``index`` at ``level`` ≥ 1 — leaves
    ``index·2^level`` up to ``(index+1)·2^level`` — written when its last leaf is
    appended, so proofs are built from O(log² n) rows instead of the whole log."""

    __tablename__ = "ledger_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerTreeHeadRow(Base):
    """A signed tree head: the log had ``tree_size`` entries with root ``root_hash`` at
    ``timestamp`` (the RFC 3339 text as signed), signed by key ``keyid``."""

    __tablename__ = "ledger_tree_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    timestamp: Mapped[str] = mapped_column(String(40))
    root_hash: Mapped[str] = mapped_column(String(64))
    keyid: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))


class LedgerStateRow(Base):
    """The log's running state: ``size`` and the compact range (JSON list of hex)."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    compact: Mapped[str] = mapped_column(Text, default="[]")
