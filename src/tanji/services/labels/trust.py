"""The signing service and the transparency log, as the labels use them.

Signing (RFC 8785 canonical JSON, Ed25519 keys of the platform and of certification
bodies, the well-known key file) and the Merkle log (RFC 9162) are
:mod:`tanji.services.signing` and :mod:`tanji.services.ledger`; this module is the one
place the label code meets them, so the rest reads as label code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from tanji.domain.claims import (
    PLATFORM,
    CanonicalizationError,
    PublicKey,
    b64url,
    canonical_json,
    keys_from_jwks,
    verify_envelope,
)
from tanji.domain.ledger.heads import TreeHead
from tanji.domain.ledger.merkle import leaf_hash, verify_inclusion
from tanji.services import ledger
from tanji.services.signing import KeyRing, published_keys, sign_claim

__all__ = [
    "KEYS_PATH",
    "KeySet",
    "LedgerProof",
    "SignatureCheck",
    "check_signatures",
    "claim_of",
    "inclusion",
    "is_canonical",
    "load_keys",
    "record",
    "sign",
    "store_keys",
    "verify",
]

KEYS_PATH = "/.well-known/tanji-keys.json"
#: Public keys by key id (:func:`load_keys` from the well-known file, or the store's).
KeySet = Mapping[str, PublicKey]


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of an envelope, checked: by which key, for whom, and the outcome."""

    key_id: str
    signer: str
    ok: bool
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "signer": self.signer, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class LedgerProof:
    """A log entry's RFC 9162 inclusion proof against the newest signed tree head that
    covers it; ``verified`` when the proof leads to the head's root and the head's
    signature holds under the platform's published key."""

    index: int
    tree_size: int
    root_hash: str
    path: tuple[str, ...]
    head_timestamp: str
    head_keyid: str
    head_signature: str
    verified: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "inclusion_path": list(self.path),
            "tree_head": {
                "timestamp": self.head_timestamp,
                "keyid": self.head_keyid,
                "signature": self.head_signature,
            },
            "verified": self.verified,
        }


def sign(session: Session, claim: dict[str, Any], *, body_org_id: int, keys: KeyRing) -> str:
    """The envelope of ``claim`` (platform signature, body countersignature) as its
    canonical JSON text: the exact text a label file carries."""
    envelope = sign_claim(session, claim, body_id=body_org_id, keys=keys)
    return canonical_json(envelope).decode("utf-8")


def claim_of(envelope_text: str) -> dict[str, Any]:
    """The claim inside an envelope's text; ``ValueError`` when there is none."""
    envelope = json.loads(envelope_text)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("claim"), dict):
        raise ValueError('The envelope has no "claim" object.')
    claim: dict[str, Any] = envelope["claim"]
    return claim


def verify(envelope_text: str, keys: KeySet) -> list[SignatureCheck]:
    """Every signature of the envelope checked against ``keys`` (offline); a missing
    platform signature is reported as a failed check of its own."""
    try:
        envelope = json.loads(envelope_text)
    except ValueError as error:
        return [SignatureCheck("", "", False, f"the envelope is not JSON: {error}")]
    if not isinstance(envelope, dict):
        return [SignatureCheck("", "", False, "the envelope is not a JSON object")]
    result = verify_envelope(envelope, keys)
    checks = [SignatureCheck(c.keyid, c.signer, c.valid, c.problem or "") for c in result.checks]
    if not result.valid and all(c.ok for c in checks):
        checks.append(SignatureCheck("", PLATFORM, False, result.first_failure or "invalid"))
    return checks


def check_signatures(session: Session, envelope_text: str) -> list[SignatureCheck]:
    """:func:`verify` against the platform's published keys (retired ones included)."""
    return verify(envelope_text, store_keys(session))


def is_canonical(text: str) -> bool:
    """Whether ``text`` is exactly the RFC 8785 form of the JSON it holds."""
    try:
        return canonical_json(json.loads(text)) == text.encode("utf-8")
    except (ValueError, CanonicalizationError):
        return False


def load_keys(text: str) -> KeySet:
    """The public keys of the platform's well-known key file (a JWK set)."""
    return keys_from_jwks(json.loads(text))


def store_keys(session: Session) -> KeySet:
    return published_keys(session)


def record(
    session: Session, kind: str, subject: str, payload: dict[str, Any], *, keys: KeyRing
) -> int:
    """Append to the transparency log and sign a tree head covering the entry at once,
    so the public page can show its inclusion proof from the first request."""
    entry = ledger.append(session, kind, subject, payload)
    ledger.signed_tree_head(session, keys)
    return entry.index


def _head_signed(session: Session, head: TreeHead) -> bool:
    key = published_keys(session).get(head.keyid)
    if key is None or key.signer != PLATFORM:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(key.public).verify(head.signature, head.signing_input())
    except InvalidSignature:
        return False
    return True


def inclusion(session: Session, index: int | None) -> LedgerProof | None:
    """Entry ``index``'s inclusion proof against the newest signed tree head (``None``
    when the entry is unknown or no signed head covers it yet)."""
    if index is None:
        return None
    head = ledger.latest_head(session)
    found = ledger.entries(session, index, index + 1)
    if head is None or head.tree_size <= index or not found:
        return None
    path = ledger.inclusion(session, index, head.tree_size)
    leaf = leaf_hash(found[0].data)
    verified = verify_inclusion(leaf, index, head.tree_size, path, head.root_hash)
    return LedgerProof(
        index=index,
        tree_size=head.tree_size,
        root_hash=head.root_hash.hex(),
        path=tuple(node.hex() for node in path),
        head_timestamp=head.timestamp,
        head_keyid=head.keyid,
        head_signature=b64url(head.signature),
        verified=verified and _head_signed(session, head),
    )
