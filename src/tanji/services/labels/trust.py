"""The signing service and the transparency log, as the labels use them.

Signing (RFC 8785 canonical JSON, Ed25519 keys of the platform and of certification
bodies, the well-known key file) and the Merkle log (RFC 9162) are
:mod:`tanji.services.signing` and :mod:`tanji.services.ledger`; this module is the one
place the label code meets them, so the rest reads as label code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

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
KeySet = Any


@dataclass(frozen=True)
class SignatureCheck:
    key_id: str
    signer: str
    ok: bool
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "signer": self.signer, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class LedgerProof:
    index: int
    tree_size: int
    root_hash: str
    path: tuple[str, ...]
    verified: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "inclusion_path": list(self.path),
            "verified": self.verified,
        }


def sign(session: Session, claim: dict[str, Any], *, body_org_id: int) -> str:
    raise NotImplementedError


def claim_of(envelope_text: str) -> dict[str, Any]:
    raise NotImplementedError


def verify(envelope_text: str, keys: KeySet) -> list[SignatureCheck]:
    raise NotImplementedError


def check_signatures(session: Session, envelope_text: str) -> list[SignatureCheck]:
    return verify(envelope_text, store_keys(session))


def is_canonical(text: str) -> bool:
    raise NotImplementedError


def load_keys(text: str) -> KeySet:
    raise NotImplementedError


def store_keys(session: Session) -> KeySet:
    raise NotImplementedError


def record(session: Session, kind: str, subject: str, payload: dict[str, Any]) -> int | None:
    raise NotImplementedError


def inclusion(session: Session, index: int | None) -> LedgerProof | None:
    raise NotImplementedError
