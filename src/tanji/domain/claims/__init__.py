"""Signed claims: RFC 8785 canonical JSON, Ed25519 signatures, published keys.

- :mod:`.jcs`: the canonical bytes of a JSON value (RFC 8785);
- :mod:`.keys`: public keys as values, their RFC 7638 ids and the JWK set;
- :mod:`.envelope`: what a signature covers and the offline verification.

docs/ledger.md describes the formats.
"""

from tanji.domain.claims.envelope import (
    CLAIM_TYPE,
    SignatureCheck,
    Verification,
    signature_header,
    signing_input,
    verify_envelope,
)
from tanji.domain.claims.jcs import CanonicalizationError, canonical_json
from tanji.domain.claims.keys import (
    PLATFORM,
    KeyFormatError,
    PublicKey,
    b64url,
    b64url_decode,
    jwk_thumbprint,
    jwks,
    keys_from_jwks,
    parse_time,
    rfc3339,
)

__all__ = [
    "CLAIM_TYPE",
    "PLATFORM",
    "CanonicalizationError",
    "KeyFormatError",
    "PublicKey",
    "SignatureCheck",
    "Verification",
    "b64url",
    "b64url_decode",
    "canonical_json",
    "jwk_thumbprint",
    "jwks",
    "keys_from_jwks",
    "parse_time",
    "rfc3339",
    "signature_header",
    "signing_input",
    "verify_envelope",
]
