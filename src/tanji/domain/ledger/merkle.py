"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0) §2.1, SHA-256.

With ``D[n] = {d(0), …, d(n-1)}`` the entries and ``k`` the largest power of two
smaller than ``n`` (§2.1.1)::

    MTH({})    = SHA-256()
    MTH({d0})  = SHA-256(0x00 ‖ d0)                          leaf hash
    MTH(D[n])  = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))    node hash

The 0x00/0x01 prefixes keep a leaf from ever being read as a node (second preimages).
Proofs are built after §2.1.3.1 (``PATH``) and §2.1.4.1 (``PROOF``/``SUBPROOF``) from the
leaf hashes, and checked after the algorithms of §2.1.3.2 and §2.1.4.2, which need
only the proof, the sizes and the roots. :class:`CompactRange` keeps the roots of the
perfect subtrees that make up a tree of any size (at most log2 n hashes), so appending
a leaf and taking the root cost O(log n) — the log's state and ``tanji ledger verify``
use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof was asked for sizes or an index the tree does not have."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(leaves: Sequence[bytes]) -> bytes:
    """MTH of the entries whose leaf hashes are ``leaves`` (§2.1.1)."""
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
    return compact.root()


def _subtree(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    if end - start == 1:
        return leaves[start]
    middle = start + _split(end - start)
    return node_hash(_subtree(leaves, start, middle), _subtree(leaves, middle, end))


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """``PATH(index, D[size])`` (§2.1.3.1), from the leaf hashes of the first ``size``."""
    if not 0 <= index < size <= len(leaves):
        raise ProofError(f"no leaf {index} in a tree of size {size}")
    return _path(leaves, index, 0, size)


def _path(leaves: Sequence[bytes], m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(leaves, m, start, start + k), _subtree(leaves, start + k, end)]
    return [*_path(leaves, m - k, start + k, end), _subtree(leaves, start, start + k)]


def consistency_proof(leaves: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """``PROOF(first, D[second])`` (§2.1.4.1); empty when ``first`` is 0 or ``second``."""
    if not 0 <= first <= second <= len(leaves):
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    return _subproof(leaves, first, 0, second, True)


def _subproof(leaves: Sequence[bytes], m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [_subtree(leaves, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves, m, start, start + k, whole), _subtree(leaves, start + k, end)]
    return [*_subproof(leaves, m - k, start + k, end, False), _subtree(leaves, start, start + k)]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """§2.1.3.2: does ``proof`` show the leaf hash ``leaf`` at ``index`` of the tree of
    ``size`` entries whose root is ``root``?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """§2.1.4.2: does ``proof`` show the tree of ``first`` entries (root ``first_root``)
    to be a prefix of the tree of ``second`` entries (root ``second_root``)?

    The RFC's algorithm starts at step 1 with a non-empty proof; the two cases whose
    proof is empty by §2.1.4.1 are decided first: equal sizes need equal roots, and the
    empty tree is a prefix of every tree.
    """
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


@dataclass
class CompactRange:
    """The roots of the perfect subtrees a tree of ``size`` leaves is made of, largest
    (leftmost) first — one per set bit of ``size``. Mutable by design: the log appends
    to it leaf by leaf; :meth:`root` folds it right to left into MTH (§2.1.1)."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        # Each trailing 1-bit of the old size is a perfect subtree now completed.
        carries = (self.size ^ (self.size - 1)).bit_length() - 1
        for _ in range(carries):
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root
