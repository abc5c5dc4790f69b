"""Signed tree heads and log entries as values: their JSON forms and what is signed.

A signed tree head (after RFC 9162 §4.10, in JSON rather than TLS encoding)::

    {"type": "tanji.tree-head.v1", "tree_size": 42, "timestamp": "<RFC 3339>",
     "root_hash": "<hex SHA-256>", "keyid": "<RFC 7638 thumbprint>",
     "signature": "<base64url Ed25519>"}

The signature covers the RFC 8785 canonical JSON of every member but ``signature``.
A log entry (the bytes of a leaf) is the canonical JSON of
``{"type": "tanji.ledger-entry.v1", "index", "timestamp", "kind", "subject", "payload"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanji.domain.claims import (
    PLATFORM,
    KeyFormatError,
    PublicKey,
    b64url,
    b64url_decode,
    canonical_json,
    parse_time,
)

__all__ = ["ENTRY_TYPE", "HEAD_TYPE", "HeadFormatError", "TreeHead", "entry_bytes"]

HEAD_TYPE = "tanji.tree-head.v1"
ENTRY_TYPE = "tanji.ledger-entry.v1"


class HeadFormatError(ValueError):
    """A tree head's JSON lacks a member or has one of the wrong form."""


def entry_bytes(
    index: int, timestamp: str, kind: str, subject: str, payload: Mapping[str, Any]
) -> bytes:
    """The leaf data of entry ``index``: its canonical JSON (RFC 8785)."""
    return canonical_json(
        {
            "type": ENTRY_TYPE,
            "index": index,
            "timestamp": timestamp,
            "kind": kind,
            "subject": subject,
            "payload": payload,
        }
    )


@dataclass(frozen=True)
class TreeHead:
    """The log had ``tree_size`` entries with root ``root_hash`` at ``timestamp``."""

    tree_size: int
    timestamp: str
    root_hash: bytes
    keyid: str
    signature: bytes = b""

    def signing_input(self) -> bytes:
        return canonical_json(
            {
                "type": HEAD_TYPE,
                "tree_size": self.tree_size,
                "timestamp": self.timestamp,
                "root_hash": self.root_hash.hex(),
                "keyid": self.keyid,
            }
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "type": HEAD_TYPE,
            "tree_size": self.tree_size,
            "timestamp": self.timestamp,
            "root_hash": self.root_hash.hex(),
            "keyid": self.keyid,
            "signature": b64url(self.signature),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> TreeHead:
        if document.get("type") != HEAD_TYPE:
            raise HeadFormatError(f'a tree head has "type": "{HEAD_TYPE}"')
        try:
            size = document["tree_size"]
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise HeadFormatError("tree_size is a whole number ≥ 0")
            root = bytes.fromhex(str(document["root_hash"]))
            if len(root) != 32:
                raise HeadFormatError("root_hash is 64 hexadecimal digits")
            return cls(
                tree_size=size,
                timestamp=str(document["timestamp"]),
                root_hash=root,
                keyid=str(document["keyid"]),
                signature=b64url_decode(str(document["signature"])),
            )
        except KeyError as missing:
            raise HeadFormatError(f"the tree head lacks {missing}") from None
        except (ValueError, KeyFormatError) as error:
            raise HeadFormatError(f"the tree head is malformed: {error}") from None

    def problem(self, keys: Mapping[str, PublicKey]) -> str | None:
        """Why this head's signature does not hold under the published ``keys`` (or
        ``None`` when it does): the platform's key, valid at ``timestamp``."""
        key = keys.get(self.keyid)
        if key is None:
            return f"key {self.keyid} is not among the published keys"
        if key.signer != PLATFORM:
            return f"key {self.keyid} is not a platform key"
        try:
            moment = parse_time(self.timestamp)
        except KeyFormatError as error:
            return str(error)
        if not key.valid_at(moment):
            return f"key {self.keyid} was not valid at {self.timestamp}"
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(
                self.signature, self.signing_input()
            )
        except InvalidSignature:
            return f"the signature of the tree head of size {self.tree_size} does not hold"
        return None
