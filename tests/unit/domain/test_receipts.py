"""Ledger receipts checked offline: an entry, a signed head, an inclusion proof."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tanji.domain.claims import PublicKey, jwk_thumbprint
from tanji.domain.ledger import (
    TreeHead,
    entry_bytes,
    inclusion_proof,
    leaf_hash,
    make_receipt,
    receipt_problems,
    root_from_leaf_hashes,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_receipt_proves_its_entry_and_any_change_is_named() -> None:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    key = PublicKey(jwk_thumbprint(public), "platform", public, T0)
    entries = [
        entry_bytes(i, "2026-02-01T00:00:00.000000Z", "certificate.issue", f"certificate:{i}",
                    {"status": "valid", "value": 1.5 * i})
        for i in range(6)
    ]  # fmt: skip
    leaves = [leaf_hash(e) for e in entries]
    unsigned = TreeHead(6, "2026-02-01T00:00:01.000000Z", root_from_leaf_hashes(leaves), key.keyid)
    head = replace(unsigned, signature=private.sign(unsigned.signing_input()))
    receipt = make_receipt(4, entries[4], head, inclusion_proof(leaves, 4, 6))
    keys = {key.keyid: key}
    assert receipt_problems(receipt, keys) == []

    changed = {**receipt, "entry": receipt["entry"].replace('"valid"', '"revoked"')}
    assert "the entry was changed" in receipt_problems(changed, keys)[0]
    moved = {**receipt, "index": 3}
    assert "says it is entry 4" in receipt_problems(moved, keys)[0]
    other_entry = {**receipt, "entry": entries[3].decode(), "index": 3}
    assert "the entry was changed" in receipt_problems(other_entry, keys)[0]
    forged_head = {**receipt, "tree_head": {**head.to_json(), "tree_size": 7}}
    assert any("does not hold" in p for p in receipt_problems(forged_head, keys))
    assert "is not among" in receipt_problems(receipt, {})[0]
    assert "malformed" in receipt_problems({**receipt, "audit_path": ["zz"]}, keys)[0]
    assert "not a ledger receipt" in receipt_problems({"type": "x"}, keys)[0]
