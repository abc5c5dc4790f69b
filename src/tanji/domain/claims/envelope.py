"""Signed claims: a JSON document and the Ed25519 signatures over its canonical form.

The envelope::

    {"claim": {...},
     "signatures": [{"keyid": "<RFC 7638 thumbprint>", "alg": "Ed25519",
                     "signer": "platform" | "body:<id>", "signed_at": "<RFC 3339>",
                     "sig": "<base64url>"}, ...]}

Each signature covers :func:`signing_input`: the RFC 8785 canonical bytes of the claim
together with the signature's own header (type, alg, keyid, signer, signed_at), so a
signature cannot be moved to another claim, another signer or another time, and a
platform key that also signs tree heads (type ``tanji.tree-head.v1``) can never have one
mistaken for the other. The platform signs, the certification body countersigns the same
claim independently; :func:`verify_envelope` checks both, offline, from public keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanji.domain.claims.jcs import CanonicalizationError, canonical_json
from tanji.domain.claims.keys import (
    PLATFORM,
    KeyFormatError,
    PublicKey,
    b64url_decode,
    parse_time,
)

__all__ = [
    "CLAIM_TYPE",
    "SignatureCheck",
    "Verification",
    "signature_header",
    "signing_input",
    "verify_envelope",
]

CLAIM_TYPE = "tanji.claim.v1"
ALG = "Ed25519"


def signature_header(keyid: str, signer: str, signed_at: str) -> dict[str, str]:
    return {"keyid": keyid, "alg": ALG, "signer": signer, "signed_at": signed_at}


def signing_input(claim: Mapping[str, Any], header: Mapping[str, str]) -> bytes:
    """The bytes an Ed25519 signature of ``claim`` under ``header`` covers."""
    protected = {key: header[key] for key in ("keyid", "alg", "signer", "signed_at")}
    return canonical_json({"type": CLAIM_TYPE, **protected, "claim": claim})


@dataclass(frozen=True)
class SignatureCheck:
    """One signature's outcome: ``valid``, or ``problem`` says why not."""

    position: int
    keyid: str
    signer: str
    signed_at: str
    valid: bool
    problem: str | None = None


@dataclass(frozen=True)
class Verification:
    """The outcome for an envelope: ``valid`` when it carries a valid platform signature
    and every signature in it is valid; ``first_failure`` says in words what failed first."""

    valid: bool
    checks: tuple[SignatureCheck, ...]
    first_failure: str | None

    @property
    def signers(self) -> tuple[str, ...]:
        return tuple(check.signer for check in self.checks if check.valid)


def verify_envelope(envelope: Mapping[str, Any], keys: Mapping[str, PublicKey]) -> Verification:
    """Check every signature of ``envelope`` against the public ``keys`` (by key id): the
    key is known, belongs to the named signer, was valid at ``signed_at``, and the
    Ed25519 signature holds over the canonical claim. Pure; needs no network."""
    claim = envelope.get("claim")
    signatures = envelope.get("signatures")
    if not isinstance(claim, Mapping):
        return Verification(False, (), 'the envelope has no "claim" object')
    if not isinstance(signatures, Sequence) or isinstance(signatures, str) or not signatures:
        return Verification(False, (), 'the envelope has no "signatures" list')
    checks = tuple(
        _check(position, claim, entry, keys) for position, entry in enumerate(signatures)
    )
    failure = next((f"signature {c.position + 1}: {c.problem}" for c in checks if c.problem), None)
    if failure is None and not any(c.signer == PLATFORM for c in checks):
        failure = "no signature of the platform"
    return Verification(failure is None, checks, failure)


def _check(
    position: int, claim: Mapping[str, Any], entry: Any, keys: Mapping[str, PublicKey]
) -> SignatureCheck:
    if not isinstance(entry, Mapping):
        return SignatureCheck(position, "", "", "", False, "is not an object")
    keyid, signer = str(entry.get("keyid", "")), str(entry.get("signer", ""))
    signed_at = str(entry.get("signed_at", ""))

    def refuse(problem: str) -> SignatureCheck:
        return SignatureCheck(position, keyid, signer, signed_at, False, problem)

    if entry.get("alg") != ALG:
        return refuse(f"algorithm {entry.get('alg')!r} is not Ed25519")
    key = keys.get(keyid)
    if key is None:
        return refuse(f"key {keyid} is not among the published keys")
    if key.signer != signer:
        return refuse(f"key {keyid} belongs to {key.signer}, not {signer}")
    try:
        moment: datetime = parse_time(signed_at)
        signature = b64url_decode(str(entry.get("sig", "")))
        message = signing_input(claim, entry)
    except (KeyFormatError, CanonicalizationError, KeyError) as error:
        return refuse(str(error))
    if not key.valid_at(moment):
        return refuse(f"key {keyid} was not valid at {signed_at}")
    try:
        Ed25519PublicKey.from_public_bytes(key.public).verify(signature, message)
    except InvalidSignature:
        return refuse("the signature does not match the claim (the content was changed)")
    return SignatureCheck(position, keyid, signer, signed_at, True)
