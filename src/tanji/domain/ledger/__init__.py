"""The transparency log's pure parts: the RFC 9162 Merkle tree and its proofs
(:mod:`.merkle`), tree heads and entry bytes (:mod:`.heads`). docs/ledger.md."""

from tanji.domain.ledger.heads import ENTRY_TYPE, HEAD_TYPE, HeadFormatError, TreeHead, entry_bytes
from tanji.domain.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "ENTRY_TYPE",
    "HEAD_TYPE",
    "CompactRange",
    "HeadFormatError",
    "ProofError",
    "TreeHead",
    "consistency_proof",
    "entry_bytes",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]
