"""The transparency log (docs/ledger.md).

- :mod:`.log`: :func:`append` (in the caller's transaction), signed tree heads, entries,
  inclusion and consistency proofs;
- :mod:`.verify`: the whole log recomputed from the store and checked against every
  signed head, and against a head published elsewhere;
- :mod:`.hooks`: what other features append (certificate events).
"""

from tanji.services.ledger.log import (
    MAX_RANGE,
    LedgerEntry,
    append,
    consistency,
    entries,
    entries_about,
    inclusion,
    latest_head,
    receipt,
    signed_tree_head,
    tree_size,
)
from tanji.services.ledger.verify import LedgerReport, verify_against_head, verify_ledger

__all__ = [
    "MAX_RANGE",
    "LedgerEntry",
    "LedgerReport",
    "append",
    "consistency",
    "entries",
    "entries_about",
    "inclusion",
    "latest_head",
    "receipt",
    "signed_tree_head",
    "tree_size",
    "verify_against_head",
    "verify_ledger",
]
