"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0) §2.1, SHA-256.

With ``D[n] = {d(0), …, d(n-1)}`` the entries and ``k`` the largest power of two
smaller than ``n`` (§2.1.1)::

    MTH({})    = SHA-256()
    MTH({d0})  = SHA-256(0x00 ‖ d0)                          leaf hash
    MTH(D[n])  = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))    node hash

The 0x00/0x01 prefixes keep a leaf from ever being read as a node (second preimages).
Proofs follow §2.1.3.1 (``PATH``) and §2.1.4.1 (``PROOF``/``SUBPROOF``), written as the
list of ranges ``[start, end)`` whose MTH they hold (:func:`inclusion_ranges`,
:func:`consistency_ranges`); each such range is a run of perfect, aligned subtrees
(:func:`perfect_subtrees`), so a store that keeps the perfect subtrees' hashes — which
:meth:`CompactRange.append` hands out as they complete — builds any proof from
O(log² n) stored hashes, without rehashing the log. Proofs are checked with the
algorithms of §2.1.3.2 and §2.1.4.2, which need only the proof, the sizes and the roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "ProofError",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "perfect_subtrees",
    "range_hash",
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


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges ``[start, end)`` whose MTH make up ``PATH(index, D[size])``
    (§2.1.3.1), in the proof's order."""
    if not 0 <= index < size:
        raise ProofError(f"no leaf {index} in a tree of size {size}")
    return _path(index, 0, size)


def _path(m: int, start: int, end: int) -> list[tuple[int, int]]:
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, start, start + k), (start + k, end)]
    return [*_path(m - k, start + k, end), (start, start + k)]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose MTH make up ``PROOF(first, D[second])`` (§2.1.4.1); none when
    ``first`` is 0 or equals ``second``."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    return _subproof(first, 0, second, True)


def _subproof(m: int, start: int, end: int, whole: bool) -> list[tuple[int, int]]:
    n = end - start
    if m == n:
        return [] if whole else [(start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, start, start + k, whole), (start + k, end)]
    return [*_subproof(m - k, start + k, end, False), (start, start + k)]


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees ``(level, index)`` — leaves ``index·2^level`` up to
    ``(index+1)·2^level`` — that make up ``[start, end)``, largest first. Every range
    of a proof is aligned so (its ``start`` a multiple of a power of two at least as
    large as the range); its MTH is their hashes folded right to left."""
    found = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ProofError(f"range [{start}, {end}) is not aligned")
        found.append((level, start >> level))
        start += 1 << level
    return found


def range_hash(nodes: Mapping[tuple[int, int], bytes], start: int, end: int) -> bytes:
    """MTH of ``[start, end)`` from the hashes of its :func:`perfect_subtrees`."""
    parts = [nodes[node] for node in perfect_subtrees(start, end)]
    root = parts[-1]
    for left in reversed(parts[:-1]):
        root = node_hash(left, root)
    return root


def _hashes_from_leaves(leaves: Sequence[bytes], ranges: list[tuple[int, int]]) -> list[bytes]:
    nodes: dict[tuple[int, int], bytes] = {}
    for start, end in ranges:
        for level, index in perfect_subtrees(start, end):
            low = index << level
            nodes[(level, index)] = root_from_leaf_hashes(leaves[low : low + (1 << level)])
    return [range_hash(nodes, start, end) for start, end in ranges]


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """``PATH(index, D[size])`` (§2.1.3.1), from the leaf hashes of the first ``size``."""
    if size > len(leaves):
        raise ProofError(f"no tree of size {size} among {len(leaves)} leaves")
    return _hashes_from_leaves(leaves, inclusion_ranges(index, size))


def consistency_proof(leaves: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """``PROOF(first, D[second])`` (§2.1.4.1); empty when ``first`` is 0 or ``second``."""
    if second > len(leaves):
        raise ProofError(f"no tree of size {second} among {len(leaves)} leaves")
    return _hashes_from_leaves(leaves, consistency_ranges(first, second))


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

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; returns the perfect subtrees it completed, ``(level, index,
        hash)`` with level ≥ 1, which the log stores to build proofs."""
        self.hashes.append(leaf)
        self.size += 1
        completed = []
        # Each trailing 1-bit of the old size is a perfect subtree now completed.
        carries = (self.size ^ (self.size - 1)).bit_length() - 1
        for level in range(1, carries + 1):
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            completed.append((level, (self.size >> level) - 1, self.hashes[-1]))
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root
