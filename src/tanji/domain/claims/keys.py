"""Public keys as values: Ed25519 keys named by their RFC 7638 thumbprint, published as
a JWK set (RFC 7517) of OKP keys (RFC 8037 §2), each with the interval it may sign in.

A key signs from ``not_before`` until ``retired_at`` (open while ``None``). A signature
is accepted when its ``signed_at`` falls inside that interval, so rotating a key never
invalidates what it signed before; the platform deletes a retired key's private half so
nothing can be signed with it afterwards.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "PLATFORM",
    "KeyFormatError",
    "PublicKey",
    "b64url",
    "b64url_decode",
    "jwk_thumbprint",
    "jwks",
    "keys_from_jwks",
    "parse_time",
    "rfc3339",
]

#: Who signs: the platform, or a certification body (``body:<organisation id>``).
PLATFORM = "platform"


class KeyFormatError(ValueError):
    """A JWK set, key or timestamp does not have the form this module reads."""


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise KeyFormatError(f"not base64url: {text!r}") from error


def rfc3339(moment: datetime) -> str:
    """``2026-12-07T08:00:00.123456Z``: UTC, microseconds, a ``Z`` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, TypeError) as error:
        raise KeyFormatError(f"not an RFC 3339 time: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def jwk_thumbprint(public: bytes) -> str:
    """RFC 7638 thumbprint of an Ed25519 public key: SHA-256 over the required members
    ``crv``, ``kty``, ``x`` in that order, without whitespace (RFC 8037 Appendix A.3)."""
    members = f'{{"crv":"Ed25519","kty":"OKP","x":"{b64url(public)}"}}'
    return b64url(hashlib.sha256(members.encode("ascii")).digest())


@dataclass(frozen=True)
class PublicKey:
    """One published key: ``keyid`` (its thumbprint), ``signer`` (``platform`` or
    ``body:<id>``), the 32 raw bytes, and when it may sign."""

    keyid: str
    signer: str
    public: bytes
    not_before: datetime
    retired_at: datetime | None = None

    def __post_init__(self) -> None:
        if len(self.public) != 32:
            raise KeyFormatError(f"an Ed25519 public key has 32 bytes, not {len(self.public)}")
        if jwk_thumbprint(self.public) != self.keyid:
            raise KeyFormatError(f"key id {self.keyid} is not the thumbprint of its key")

    def valid_at(self, moment: datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        started = self.not_before.replace(tzinfo=self.not_before.tzinfo or UTC)
        if moment < started:
            return False
        if self.retired_at is None:
            return True
        return moment < self.retired_at.replace(tzinfo=self.retired_at.tzinfo or UTC)

    def jwk(self) -> dict[str, Any]:
        """The key as a JWK (RFC 8037 §2) with Tanji's validity members."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.public),
            "kid": self.keyid,
            "alg": "EdDSA",
            "use": "sig",
            "signer": self.signer,
            "not_before": rfc3339(self.not_before),
            "retired_at": rfc3339(self.retired_at) if self.retired_at else None,
        }


def jwks(keys: Iterable[PublicKey]) -> dict[str, Any]:
    """A JWK set (RFC 7517 §5) of ``keys``."""
    return {"keys": [key.jwk() for key in keys]}


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, PublicKey]:
    """The keys of a JWK set written by :func:`jwks`, by key id (for offline checks)."""
    found: dict[str, PublicKey] = {}
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise KeyFormatError('a JWK set is an object with a "keys" list')
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise KeyFormatError("each key of a JWK set is an object")
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue  # not a key this verifier uses (RFC 7517 §5: ignore, don't fail)
        try:
            retired = entry.get("retired_at")
            key = PublicKey(
                keyid=str(entry["kid"]),
                signer=str(entry["signer"]),
                public=b64url_decode(str(entry["x"])),
                not_before=parse_time(str(entry["not_before"])),
                retired_at=parse_time(str(retired)) if retired else None,
            )
        except KeyError as missing:
            raise KeyFormatError(f"key without member {missing}") from None
        found[key.keyid] = key
    return found
