"""Signed claims and the keys that sign them (docs/ledger.md).

- :mod:`.keyring`: keys sealed with the platform secret, rotation, the public keys;
- :mod:`.claims`: :func:`sign_claim` (platform signature, body countersignature) and
  :func:`verify_claim`.

The pure verification, usable offline, is :func:`tanji.domain.claims.verify_envelope`.
"""

from tanji.services.signing.claims import sign_claim, verify_claim
from tanji.services.signing.keyring import (
    KeyRing,
    KeyUnavailableError,
    body_signer,
    public_keys,
    published_keys,
    rotate,
    signing_key,
)

__all__ = [
    "KeyRing",
    "KeyUnavailableError",
    "body_signer",
    "public_keys",
    "published_keys",
    "rotate",
    "sign_claim",
    "signing_key",
    "verify_claim",
]
