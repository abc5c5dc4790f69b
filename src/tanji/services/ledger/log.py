"""The transparency log: append an entry, sign tree heads, read entries and proofs.

Every append runs in the caller's transaction: the entry lands with the change it
records, or neither does. Appends lock the single ``ledger_state`` row, so indices are
0, 1, 2, … without gaps in commit order; the row also keeps the compact range, so
signing a tree head costs O(log n) whatever the log's size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import LedgerEntryRow, LedgerNodeRow, LedgerStateRow, LedgerTreeHeadRow
from tanji.domain.claims import PLATFORM, CanonicalizationError, b64url_decode, rfc3339
from tanji.domain.ledger import (
    CompactRange,
    ProofError,
    TreeHead,
    consistency_ranges,
    entry_bytes,
    inclusion_ranges,
    leaf_hash,
    make_receipt,
    perfect_subtrees,
    range_hash,
)
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError
from tanji.services.signing import KeyRing, signing_key

__all__ = [
    "MAX_RANGE",
    "LedgerEntry",
    "append",
    "consistency",
    "entries",
    "entries_about",
    "head_of",
    "inclusion",
    "latest_head",
    "receipt",
    "signed_tree_head",
    "tree_size",
]

#: The most entries one call of :func:`entries` returns.
MAX_RANGE = 1000


@dataclass(frozen=True)
class LedgerEntry:
    """Entry ``index``: what happened (``kind``) to what (``subject``), when, and the
    record; ``data`` is its canonical JSON, the leaf's bytes."""

    index: int
    timestamp: str
    kind: str
    subject: str
    payload: dict[str, Any]
    data: bytes
    leaf_hash: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "timestamp": self.timestamp,
            "kind": self.kind,
            "subject": self.subject,
            "payload": self.payload,
            "entry": self.data.decode("utf-8"),
            "leaf_hash": self.leaf_hash.hex(),
        }


def _state(session: Session) -> LedgerStateRow:
    """The state row, locked for this transaction.

    Design note: a no-op UPDATE takes the lock, not ``SELECT … FOR UPDATE`` alone:
    SQLite ignores FOR UPDATE, and a transaction that read first and wrote second fails
    at once (``SQLITE_BUSY_SNAPSHOT``) when another appended in between, whereas a
    transaction that starts by writing waits its turn. On PostgreSQL the UPDATE locks the
    row until commit, and the SELECT after it sees the other appends committed before.
    """
    session.execute(
        update(LedgerStateRow).where(LedgerStateRow.id == 1).values(size=LedgerStateRow.size)
    )
    state = session.scalars(
        select(LedgerStateRow)
        .where(LedgerStateRow.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if state is None:  # a store made without the migration's first row
        state = LedgerStateRow(id=1, size=0, compact="[]")
        session.add(state)
        session.flush()
    return state


def _compact(state: LedgerStateRow) -> CompactRange:
    return CompactRange(state.size, [bytes.fromhex(h) for h in json.loads(state.compact)])


def append(
    session: Session,
    kind: str,
    subject: str,
    payload: Mapping[str, Any],
    *,
    at: datetime | None = None,
) -> LedgerEntry:
    """Append ``kind`` (e.g. ``certificate.issue``) about ``subject`` (e.g.
    ``certificate:CCF-…``) with ``payload`` to the log, in the caller's transaction.
    Returns the entry with its index and leaf hash."""
    if not kind or len(kind) > 60 or not subject or len(subject) > 200:
        raise InvalidInputError("A log entry needs a kind (≤ 60 chars) and a subject (≤ 200).")
    moment = at or utcnow()
    state = _state(session)
    index, timestamp = state.size, rfc3339(moment)
    try:
        data = entry_bytes(index, timestamp, kind, subject, payload)
    except CanonicalizationError as error:
        raise InvalidInputError(f"The log entry cannot be written: {error}.") from None
    leaf = leaf_hash(data)
    compact = _compact(state)
    completed = compact.append(leaf)
    session.add(
        LedgerEntryRow(
            index=index, at=moment, kind=kind, subject=subject,
            entry=data.decode("utf-8"), leaf_hash=leaf.hex(),
        )
    )  # fmt: skip
    session.add_all(LedgerNodeRow(level=lv, index=ix, hash=h.hex()) for lv, ix, h in completed)
    state.size, state.compact = compact.size, json.dumps([h.hex() for h in compact.hashes])
    session.flush()
    return LedgerEntry(index, timestamp, kind, subject, dict(payload), data, leaf)


def tree_size(session: Session) -> int:
    """The number of entries (read from the store, not from the session's cache)."""
    size = session.scalar(select(LedgerStateRow.size).where(LedgerStateRow.id == 1))
    return size or 0


def head_of(row: LedgerTreeHeadRow) -> TreeHead:
    """The stored head as a value."""
    return TreeHead(
        tree_size=row.tree_size,
        timestamp=row.timestamp,
        root_hash=bytes.fromhex(row.root_hash),
        keyid=row.keyid,
        signature=b64url_decode(row.signature),
    )


def latest_head(session: Session) -> TreeHead | None:
    """The newest signed tree head stored, if any."""
    row = session.scalars(select(LedgerTreeHeadRow).order_by(LedgerTreeHeadRow.id.desc())).first()
    return head_of(row) if row else None


def signed_tree_head(session: Session, keys: KeyRing, *, at: datetime | None = None) -> TreeHead:
    """The log's current signed tree head: the newest stored one while it covers every
    entry, else a new one signed now with the platform key and stored.

    While no entry was appended since the last head this only reads, so pages that show
    the head never queue for the log's write lock."""
    latest = latest_head(session)
    if latest is not None and latest.tree_size == tree_size(session):
        return latest
    state = _state(session)
    latest = latest_head(session)  # again under the lock: another may have just signed
    if latest is not None and latest.tree_size == state.size:
        return latest
    moment = at or utcnow()
    keyid, private = signing_key(session, keys, PLATFORM, at=moment)
    unsigned = TreeHead(state.size, rfc3339(moment), _compact(state).root(), keyid)
    head = replace(unsigned, signature=private.sign(unsigned.signing_input()))
    session.add(
        LedgerTreeHeadRow(
            tree_size=head.tree_size, timestamp=head.timestamp, root_hash=head.root_hash.hex(),
            keyid=head.keyid, signature=head.to_json()["signature"],
        )
    )  # fmt: skip
    session.flush()
    return head


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    document = json.loads(row.entry)
    return LedgerEntry(
        index=row.index,
        timestamp=str(document.get("timestamp", "")),
        kind=row.kind,
        subject=row.subject,
        payload=document.get("payload", {}),
        data=row.entry.encode("utf-8"),
        leaf_hash=bytes.fromhex(row.leaf_hash),
    )


def entries(session: Session, start: int, end: int) -> list[LedgerEntry]:
    """Entries ``start`` ≤ index < ``end`` (at most :data:`MAX_RANGE`)."""
    if start < 0 or end < start:
        raise InvalidInputError(f"No entries from {start} to {end}: 0 ≤ start ≤ end.")
    end = min(end, start + MAX_RANGE)
    rows = session.scalars(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.index >= start, LedgerEntryRow.index < end)
        .order_by(LedgerEntryRow.index)
    )
    return [_entry(row) for row in rows]


def entries_about(session: Session, subject: str) -> list[LedgerEntry]:
    """Every entry about ``subject``, oldest first (a certificate's or label's history)."""
    rows = session.scalars(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.subject == subject)
        .order_by(LedgerEntryRow.index)
    )
    return [_entry(row) for row in rows]


def _range_hashes(session: Session, ranges: list[tuple[int, int]]) -> list[bytes]:
    """The MTH of each range from the stored leaves and perfect subtrees (one query
    each), as :func:`~tanji.domain.ledger.range_hash` folds them."""
    needed = {node for start, end in ranges for node in perfect_subtrees(start, end)}
    nodes: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in needed if level == 0]
    if leaves:
        leaf_rows = session.execute(
            select(LedgerEntryRow.index, LedgerEntryRow.leaf_hash).where(
                LedgerEntryRow.index.in_(leaves)
            )
        )
        nodes.update({(0, index): bytes.fromhex(digest) for index, digest in leaf_rows})
    inner = [node for node in needed if node[0] > 0]
    if inner:
        inner_rows = session.execute(
            select(LedgerNodeRow.level, LedgerNodeRow.index, LedgerNodeRow.hash).where(
                tuple_(LedgerNodeRow.level, LedgerNodeRow.index).in_(inner)
            )
        )
        nodes.update({(level, index): bytes.fromhex(h) for level, index, h in inner_rows})
    if len(nodes) != len(needed):
        raise ConflictError(
            "The log's stored subtree hashes are incomplete; run `tanji ledger verify`."
        )
    return [range_hash(nodes, start, end) for start, end in ranges]


def inclusion(session: Session, index: int, size: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    if size > tree_size(session):
        raise NotFoundError(f"The log has fewer than {size} entries.")
    try:
        return _range_hashes(session, inclusion_ranges(index, size))
    except ProofError as error:
        raise InvalidInputError(str(error)) from None


def consistency(session: Session, first: int, second: int) -> list[bytes]:
    """The RFC 9162 consistency proof between the trees of ``first`` and ``second``."""
    if second > tree_size(session):
        raise NotFoundError(f"The log has fewer than {second} entries.")
    try:
        return _range_hashes(session, consistency_ranges(first, second))
    except ProofError as error:
        raise InvalidInputError(str(error)) from None


def receipt(session: Session, keys: KeyRing, index: int) -> dict[str, Any]:
    """Entry ``index`` with the current signed tree head and its inclusion proof: a
    self-contained receipt (:mod:`tanji.domain.ledger.receipts`) to check offline."""
    head = signed_tree_head(session, keys)
    found = entries(session, index, index + 1)
    if not found:
        raise NotFoundError(f"The log has no entry {index}.")
    path = inclusion(session, index, head.tree_size)
    return make_receipt(index, found[0].data, head, path)
