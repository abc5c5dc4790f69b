"""Checking the whole log from the store: ``tanji ledger verify``.

The log is recomputed from the entries' own bytes — never from the stored leaf hashes
or the running state, which whoever edits the database could edit too — and every
signed tree head must then hold: its signature under a published platform key valid
at its time, and its root equal to the root recomputed over its first ``tree_size``
entries. An entry altered, removed, inserted or moved changes that root (or leaves a
gap in the indices, or an entry whose own index differs from its place), so a check
fails and says where. A head published elsewhere earlier (:func:`verify_against_head`)
proves that even a rewrite which re-signed every stored head would be seen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import LedgerEntryRow, LedgerNodeRow, LedgerStateRow, LedgerTreeHeadRow
from tanji.domain.claims import CanonicalizationError, PublicKey, canonical_json
from tanji.domain.ledger import (
    ENTRY_TYPE,
    CompactRange,
    TreeHead,
    consistency_proof,
    leaf_hash,
    verify_consistency,
)
from tanji.services.ledger.log import head_of
from tanji.services.signing import published_keys

__all__ = ["LedgerReport", "verify_against_head", "verify_ledger"]


@dataclass(frozen=True)
class LedgerReport:
    """What ``verify`` found: ``problems`` in words, empty when the log is intact."""

    size: int
    heads_checked: int
    root_hash: bytes
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Recomputed:
    size: int
    roots: dict[int, bytes]
    leaves: list[bytes]
    problems: list[str]


def _entry_problem(row: LedgerEntryRow, position: int) -> str | None:
    if row.index != position:
        return f"entry {position} is missing (the next stored entry is {row.index})"
    try:
        document = json.loads(row.entry)
        canonical = canonical_json(document)
    except (ValueError, CanonicalizationError) as error:
        return f"entry {position} is not canonical JSON: {error}"
    if canonical != row.entry.encode("utf-8"):
        return f"entry {position} is not in its canonical form (it was edited)"
    if not isinstance(document, dict) or document.get("type") != ENTRY_TYPE:
        return f"entry {position} is not a log entry"
    if document.get("index") != position:
        return f"entry {position} says it is entry {document.get('index')} (moved)"
    if (document.get("kind"), document.get("subject")) != (row.kind, row.subject):
        return f"entry {position}: kind or subject columns differ from the entry"
    return None


def _recompute(session: Session, sizes: set[int]) -> _Recomputed:
    result = _Recomputed(0, {}, [], [])
    compact = CompactRange()
    if 0 in sizes:
        result.roots[0] = compact.root()
    stored = {
        (level, index): digest
        for level, index, digest in session.execute(
            select(LedgerNodeRow.level, LedgerNodeRow.index, LedgerNodeRow.hash)
        )
    }
    rows = session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.index))
    for position, row in enumerate(rows):
        problem = _entry_problem(row, position)
        if problem:
            result.problems.append(problem)
        leaf = leaf_hash(row.entry.encode("utf-8"))
        if leaf.hex() != row.leaf_hash:
            result.problems.append(f"entry {position}: its stored leaf hash is not its hash")
        for level, index, digest in compact.append(leaf):
            if stored.pop((level, index), None) != digest.hex():
                result.problems.append(f"stored subtree hash ({level}, {index}) is wrong")
        result.leaves.append(leaf)
        if compact.size in sizes:
            result.roots[compact.size] = compact.root()
    if stored:
        result.problems.append(f"{len(stored)} stored subtree hashes belong to no entries")
    result.size = compact.size
    result.roots[compact.size] = compact.root()
    return result


def verify_ledger(session: Session, keys: Mapping[str, PublicKey] | None = None) -> LedgerReport:
    """Recompute the whole tree and check every stored signed tree head (with ``keys``,
    e.g. a JWK set saved elsewhere, or else the keys in the store)."""
    keys = published_keys(session) if keys is None else keys
    heads = [
        head_of(row)
        for row in session.scalars(select(LedgerTreeHeadRow).order_by(LedgerTreeHeadRow.id))
    ]
    computed = _recompute(session, {head.tree_size for head in heads})
    problems = list(computed.problems)
    previous: TreeHead | None = None
    for head in heads:
        problem = head.problem(keys)
        if problem:
            problems.append(f"tree head of size {head.tree_size}: {problem}")
        if head.tree_size > computed.size:
            problems.append(
                f"tree head of size {head.tree_size} covers entries the store no longer has "
                f"(it has {computed.size}): entries were removed"
            )
        elif computed.roots[head.tree_size] != head.root_hash:
            problems.append(
                f"tree head of size {head.tree_size} ({head.timestamp}) does not match the "
                "entries: an entry it covers was altered, removed or reordered"
            )
        if previous is not None and head.tree_size < previous.tree_size:
            problems.append(f"tree head of size {head.tree_size} is smaller than the one before")
        previous = head
    state = session.get(LedgerStateRow, 1)
    if state is not None and state.size != computed.size:
        problems.append(
            f"the log's state counts {state.size} entries; the store has {computed.size}"
        )
    return LedgerReport(computed.size, len(heads), computed.roots[computed.size], tuple(problems))


def verify_against_head(
    session: Session, head: TreeHead, keys: Mapping[str, PublicKey] | None = None
) -> list[str]:
    """Problems proving that the log today extends ``head`` (a head published earlier
    and kept elsewhere): its signature, the root of its first ``tree_size`` entries,
    and the RFC 9162 consistency proof from it to the log's current tree."""
    keys = published_keys(session) if keys is None else keys
    problems = []
    problem = head.problem(keys)
    if problem:
        problems.append(f"the published head: {problem}")
    computed = _recompute(session, {head.tree_size})
    if head.tree_size > computed.size:
        return [*problems, f"the published head covers {head.tree_size} entries; the store "
                f"has {computed.size}: entries were removed"]  # fmt: skip
    if computed.roots[head.tree_size] != head.root_hash:
        problems.append(
            f"the log's first {head.tree_size} entries no longer have the published root: "
            "history was rewritten"
        )
    proof = consistency_proof(computed.leaves, head.tree_size, computed.size)
    if not verify_consistency(
        head.tree_size, computed.size, head.root_hash, computed.roots[computed.size], proof
    ):
        problems.append("the consistency proof from the published head to today's tree fails")
    return problems
