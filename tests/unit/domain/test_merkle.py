"""The RFC 9162 Merkle tree: roots, inclusion and consistency proofs.

Vectors: the eight leaves and the roots of every tree size of transparency-dev/merkle
``testonly/constants.go`` (Apache-2.0; the RFC 6962 reference data of Certificate
Transparency), and the inclusion/consistency proof shapes of RFC 9162 §2.1.5 (the
seven-leaf example). Property tests: for random sizes, every proof this module makes
verifies, and no proof verifies for a changed leaf, root, index or size.
"""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from tanji.domain.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    range_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
]  # fmt: skip
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def test_roots_of_the_reference_tree() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    for size in range(9):
        assert root_from_leaf_hashes(HASHES[:size]).hex() == ROOTS[size]


def test_leaf_and_node_prefixes() -> None:
    assert leaf_hash(b"").hex() == ROOTS[1]  # SHA-256(0x00)
    assert (
        node_hash(HASHES[0], HASHES[1]) == hashlib.sha256(b"\x01" + HASHES[0] + HASHES[1]).digest()
    )


def test_rfc9162_section_2_1_5_example_shapes() -> None:
    """The seven-leaf tree of §2.1.5: a=H(d0,d1), b=H(d2,d3), c=H(d4,d5), g=H(a,b),
    h=H(c,d6). Inclusion of d0 is [b(d1), h(d2,d3)=b, h]; PROOF(3, D[7]) = [c, d, g, l]."""
    d = HASHES[:7]
    a, b, c = node_hash(d[0], d[1]), node_hash(d[2], d[3]), node_hash(d[4], d[5])
    g, h = node_hash(a, b), node_hash(c, d[6])
    assert inclusion_proof(d, 0, 7) == [d[1], b, h]
    assert inclusion_proof(d, 3, 7) == [d[2], a, h]
    assert inclusion_proof(d, 4, 7) == [d[5], d[6], g]
    assert inclusion_proof(d, 6, 7) == [c, g]
    assert consistency_proof(d, 3, 7) == [d[2], d[3], a, h]
    assert consistency_proof(d, 4, 7) == [h]
    assert consistency_proof(d, 6, 7) == [c, d[6], g]


#: The reference tree's inner nodes by (level, index) (constants.go ``NodeHashes``).
NODES = {
    (1, 0): "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    (1, 1): "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    (1, 2): "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    (1, 3): "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    (2, 0): "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    (2, 1): "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    (3, 0): "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def test_compact_range_holds_one_hash_per_set_bit_and_hands_out_the_inner_nodes() -> None:
    compact = CompactRange()
    completed = {}
    for size, leaf in enumerate(HASHES, start=1):
        for level, index, digest in compact.append(leaf):
            completed[(level, index)] = digest.hex()
        assert len(compact.hashes) == bin(size).count("1")
        assert compact.root().hex() == ROOTS[size]
    assert completed == NODES


def test_proofs_from_stored_nodes_equal_proofs_from_leaves() -> None:
    """A store keeping only leaves and completed subtrees builds the same proofs."""
    leaves = _tree(37)
    nodes = {(0, i): leaf for i, leaf in enumerate(leaves)}
    compact = CompactRange()
    for leaf in leaves:
        nodes.update({(lv, ix): h for lv, ix, h in compact.append(leaf)})
    for size in range(1, 38):
        for index in range(size):
            ranges = inclusion_ranges(index, size)
            assert [range_hash(nodes, *r) for r in ranges] == inclusion_proof(leaves, index, size)
        for first in range(size + 1):
            ranges = consistency_ranges(first, size)
            assert [range_hash(nodes, *r) for r in ranges] == consistency_proof(leaves, first, size)


def _tree(size: int) -> list[bytes]:
    return [leaf_hash(index.to_bytes(4, "big")) for index in range(size)]


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_verify_and_nothing_else_does(case: tuple[int, int]) -> None:
    size, index = case
    leaves = _tree(size)
    root = root_from_leaf_hashes(leaves)
    proof = inclusion_proof(leaves, index, size)
    assert len(proof) <= (size - 1).bit_length()
    assert verify_inclusion(leaves[index], index, size, proof, root)
    assert not verify_inclusion(leaf_hash(b"other"), index, size, proof, root)
    assert not verify_inclusion(leaves[index], index, size, proof, leaf_hash(b"root"))
    if size > 1:
        other = (index + 1) % size
        assert not verify_inclusion(leaves[index], other, size, proof, root)
    if proof:
        assert not verify_inclusion(leaves[index], index, size, proof[:-1], root)


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_proofs_verify_and_nothing_else_does(case: tuple[int, int]) -> None:
    first, second = case
    leaves = _tree(second)
    old, new = root_from_leaf_hashes(leaves[:first]), root_from_leaf_hashes(leaves)
    proof = consistency_proof(leaves, first, second)
    assert verify_consistency(first, second, old, new, proof)
    if 0 < first < second:
        assert not verify_consistency(first, second, leaf_hash(b"x"), new, proof)
        assert not verify_consistency(first, second, old, leaf_hash(b"x"), proof)
        assert not verify_consistency(first, second, old, new, proof[:-1])
        rewritten = [*leaves[: first - 1], leaf_hash(b"rewritten"), *leaves[first:]]
        assert not verify_consistency(
            first, second, old, root_from_leaf_hashes(rewritten),
            consistency_proof(rewritten, first, second),
        )  # fmt: skip


def test_consistency_edge_cases() -> None:
    leaves = _tree(5)
    root = root_from_leaf_hashes(leaves)
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, leaf_hash(b"x"), [])
    assert not verify_consistency(5, 4, root, root, [])
    assert not verify_consistency(2, 5, root_from_leaf_hashes(leaves[:2]), root, [])
