"""Signing a claim: the platform signs, the certification body countersigns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import CertificationBodyRow
from tanji.domain.claims import (
    PLATFORM,
    CanonicalizationError,
    Verification,
    b64url,
    canonical_json,
    rfc3339,
    signature_header,
    signing_input,
    verify_envelope,
)
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.signing.keyring import KeyRing, body_signer, published_keys, signing_key

__all__ = ["sign_claim", "verify_claim"]


def sign_claim(
    session: Session,
    claim: Mapping[str, Any],
    *,
    body_id: int | None,
    keys: KeyRing,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The envelope ``{"claim": …, "signatures": […]}`` of ``claim``: signed by the
    platform's current key and, when ``body_id`` (the certification body's organisation
    id, as in ``certificates.body_org_id``) is given, countersigned by that body's key.
    Keys are made on first use. The claim must be JSON that RFC 8785 can canonicalize
    (no NaN, integers within ±2**53); the envelope carries it unchanged."""
    moment = at or utcnow()
    try:
        canonical_json(claim)
    except CanonicalizationError as error:
        raise InvalidInputError(f"The claim cannot be signed: {error}.") from None
    signers = [PLATFORM]
    if body_id is not None:
        if session.scalar(select(CertificationBodyRow.id).where(
            CertificationBodyRow.org_id == body_id
        )) is None:  # fmt: skip
            raise NotFoundError(f"No certification body with organisation id {body_id}.")
        signers.append(body_signer(body_id))
    signatures = []
    for signer in signers:
        keyid, private = signing_key(session, keys, signer, at=moment)
        header = signature_header(keyid, signer, rfc3339(moment))
        signature = private.sign(signing_input(claim, header))
        signatures.append({**header, "sig": b64url(signature)})
    return {"claim": dict(claim), "signatures": signatures}


def verify_claim(session: Session, envelope: Mapping[str, Any]) -> Verification:
    """:func:`~tanji.domain.claims.verify_envelope` against the platform's keys."""
    return verify_envelope(envelope, published_keys(session))
