"""The signing keys: made, sealed, found, rotated and published.

Design note: private keys live in the database, sealed with AES-256-GCM under a key
derived (HKDF-SHA256, RFC 5869) from the platform secret (``TANJI_SECRET_KEY`` or the
``secret-key`` file of the data directory), with the key id as associated data. Files
with mode 0600 were the alternative; they were rejected because a deployment with
several web processes on several machines shares one database but no disk, and a
backup of the database alone then holds nothing that can sign. Whoever holds both the
database and the secret can sign — which is why tree heads are also published
elsewhere (docs/ledger.md).

A key signs from ``not_before`` until ``retired_at``. :func:`rotate` retires the
current key of a signer, erases its private half and makes a new one; what the old key
signed stays valid because verifiers accept a signature made inside its key's interval.
Per-body keys are kept by the platform on the body's behalf (custodial): the body's
countersignature shows that the claim was made under the body's certificate on this
platform, not that the body's own computer made it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import SigningKeyRow
from tanji.domain.claims import PLATFORM, PublicKey, b64url, b64url_decode, jwk_thumbprint
from tanji.services.errors import InvalidInputError, ServiceError

__all__ = [
    "KeyRing",
    "KeyUnavailableError",
    "body_signer",
    "public_keys",
    "published_keys",
    "rotate",
    "signing_key",
]

_HKDF_INFO = b"tanji signing keys v1"


class KeyUnavailableError(ServiceError):
    """A private key cannot be opened: the platform secret is not the one it was sealed
    with (``TANJI_SECRET_KEY`` or the data directory's ``secret-key`` changed). Restore
    the secret, or rotate the keys (``tanji keys rotate``) to sign with new ones."""


@dataclass(frozen=True)
class KeyRing:
    """The platform secret's key-wrapping key; passed to whatever signs."""

    _wrap: bytes

    @classmethod
    def from_secret(cls, secret: str) -> KeyRing:
        if not secret:
            raise ValueError("the platform secret is empty")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
        return cls(derived.derive(secret.encode("utf-8")))

    def seal(self, keyid: str, private: Ed25519PrivateKey) -> str:
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        nonce = os.urandom(12)
        return b64url(nonce + AESGCM(self._wrap).encrypt(nonce, raw, keyid.encode("ascii")))

    def open(self, keyid: str, sealed: str) -> Ed25519PrivateKey:
        blob = b64url_decode(sealed)
        try:
            raw = AESGCM(self._wrap).decrypt(blob[:12], blob[12:], keyid.encode("ascii"))
        except InvalidTag:
            raise KeyUnavailableError(
                f"The private key {keyid} cannot be opened with this platform secret; "
                "restore TANJI_SECRET_KEY (or the data directory's secret-key file), or "
                "run `tanji keys rotate` to make new keys."
            ) from None
        return Ed25519PrivateKey.from_private_bytes(raw)


def body_signer(body_id: int) -> str:
    """The signer name of the certification body whose organisation id is ``body_id``."""
    return f"body:{body_id}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _public(row: SigningKeyRow) -> PublicKey:
    return PublicKey(
        keyid=row.keyid,
        signer=row.signer,
        public=b64url_decode(row.public_key),
        not_before=_aware(row.not_before),
        retired_at=_aware(row.retired_at) if row.retired_at else None,
    )


def _check_signer(signer: str) -> None:
    if signer != PLATFORM and not (
        signer.startswith("body:") and signer.removeprefix("body:").isdigit()
    ):
        raise InvalidInputError(f"signer {signer!r} is neither 'platform' nor 'body:<id>'")


def _new_key(session: Session, keys: KeyRing, signer: str, at: datetime) -> SigningKeyRow:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    keyid = jwk_thumbprint(public)
    row = SigningKeyRow(
        keyid=keyid,
        signer=signer,
        public_key=b64url(public),
        private_key=keys.seal(keyid, private),
        not_before=at,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row


def _current(session: Session, signer: str) -> SigningKeyRow | None:
    return session.scalars(
        select(SigningKeyRow)
        .where(
            SigningKeyRow.signer == signer,
            SigningKeyRow.retired_at.is_(None),
            SigningKeyRow.private_key.is_not(None),
        )
        .order_by(SigningKeyRow.not_before.desc(), SigningKeyRow.id.desc())
    ).first()


def signing_key(
    session: Session, keys: KeyRing, signer: str, *, at: datetime
) -> tuple[str, Ed25519PrivateKey]:
    """``signer``'s current key id and private key (a key is made now if it has none)."""
    _check_signer(signer)
    row = _current(session, signer) or _new_key(session, keys, signer, at)
    assert row.private_key is not None
    return row.keyid, keys.open(row.keyid, row.private_key)


def rotate(
    session: Session, keys: KeyRing, signer: str = PLATFORM, *, at: datetime | None = None
) -> tuple[PublicKey | None, PublicKey]:
    """Retire ``signer``'s current key at ``at`` (its private half erased) and make a
    new one valid from the same instant. Returns ``(retired, new)``."""
    _check_signer(signer)
    moment = at or utcnow()
    old = _current(session, signer)
    if old is not None:
        old.retired_at = moment
        old.private_key = None
        session.flush()
    new = _new_key(session, keys, signer, moment)
    return (_public(old) if old else None), _public(new)


def public_keys(session: Session) -> list[PublicKey]:
    """Every key ever used, oldest first, with its validity (retired ones included:
    they verify what they signed)."""
    rows = session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.id))
    return [_public(row) for row in rows]


def published_keys(session: Session) -> dict[str, PublicKey]:
    return {key.keyid: key for key in public_keys(session)}
