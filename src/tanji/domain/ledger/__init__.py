"""The transparency log's pure parts: the RFC 9162 Merkle tree and its proofs
(:mod:`.merkle`), tree heads and entry bytes (:mod:`.heads`), receipts
(:mod:`.receipts`). docs/ledger.md."""

from tanji.domain.ledger.heads import ENTRY_TYPE, HEAD_TYPE, HeadFormatError, TreeHead, entry_bytes
from tanji.domain.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    range_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tanji.domain.ledger.receipts import RECEIPT_TYPE, make_receipt, receipt_problems

__all__ = [
    "EMPTY_ROOT",
    "ENTRY_TYPE",
    "HEAD_TYPE",
    "RECEIPT_TYPE",
    "CompactRange",
    "HeadFormatError",
    "ProofError",
    "TreeHead",
    "consistency_proof",
    "consistency_ranges",
    "entry_bytes",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "make_receipt",
    "node_hash",
    "perfect_subtrees",
    "range_hash",
    "receipt_problems",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]
