"""Signed claims, offline: key ids after RFC 7638/8037, envelopes after docs/ledger.md.

Vectors: RFC 8032 §7.1 TEST 1 (the Ed25519 key pair and signature of the empty
message) and RFC 8037 Appendix A.3 (the same public key's JWK thumbprint).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tanji.domain.claims import (
    PublicKey,
    b64url,
    jwk_thumbprint,
    jwks,
    keys_from_jwks,
    rfc3339,
    signature_header,
    signing_input,
    verify_envelope,
)

RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
    "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_rfc8032_test_1_and_rfc8037_thumbprint() -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
    assert private.sign(b"") == RFC8032_SIGNATURE
    assert b64url(RFC8032_PUBLIC) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert jwk_thumbprint(RFC8032_PUBLIC) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def _key(
    signer: str, start: datetime, end: datetime | None = None
) -> tuple[Ed25519PrivateKey, PublicKey]:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    return private, PublicKey(jwk_thumbprint(public), signer, public, start, end)


def _sign(claim: dict[str, object], signers: list[tuple[Ed25519PrivateKey, PublicKey]],
          at: datetime) -> dict[str, object]:  # fmt: skip
    signatures = []
    for private, key in signers:
        header = signature_header(key.keyid, key.signer, rfc3339(at))
        signatures.append({**header, "sig": b64url(private.sign(signing_input(claim, header)))})
    return {"claim": claim, "signatures": signatures}


CLAIM = {"value": 1.234, "unit": "kg CO2e", "certificate": "CCF-2026-001", "name": "电池"}


def test_platform_and_body_signatures_verify_and_survive_a_jwks_round_trip() -> None:
    platform, body = _key("platform", T0), _key("body:7", T0)
    envelope = _sign(dict(CLAIM), [platform, body], T0 + timedelta(days=3))
    keys = keys_from_jwks(jwks([platform[1], body[1]]))
    outcome = verify_envelope(envelope, keys)
    assert outcome.valid
    assert outcome.first_failure is None
    assert outcome.signers == ("platform", "body:7")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda e: e["claim"].__setitem__("value", 1.235), "content was changed"),
        (lambda e: e["claim"].__setitem__("name", "电池 "), "content was changed"),
        (lambda e: e["signatures"][1].__setitem__("signer", "body:8"), "belongs to body:7"),
        (lambda e: e["signatures"][0].__setitem__("signed_at", "2027-01-01T00:00:00Z"),
         "content was changed"),
        (lambda e: e["signatures"][0].__setitem__("keyid", "x"), "not among the published"),
        (lambda e: e["signatures"][0].__setitem__("alg", "ES256"), "not Ed25519"),
        (lambda e: e["signatures"].pop(0), "no signature of the platform"),
        (lambda e: e.__setitem__("signatures", []), "no \"signatures\""),
    ],
)  # fmt: skip
def test_any_change_is_named(change: object, words: str) -> None:
    platform, body = _key("platform", T0), _key("body:7", T0)
    envelope = _sign(dict(CLAIM), [platform, body], T0 + timedelta(days=3))
    change(envelope)  # type: ignore[operator]
    outcome = verify_envelope(envelope, {k.keyid: k for k in (platform[1], body[1])})
    assert not outcome.valid
    assert outcome.first_failure is not None
    assert words in outcome.first_failure


def test_a_retired_key_verifies_what_it_signed_before_but_not_after() -> None:
    retired_on = T0 + timedelta(days=30)
    old = _key("platform", T0, retired_on)
    keys = {old[1].keyid: old[1]}
    assert verify_envelope(_sign(dict(CLAIM), [old], T0 + timedelta(days=1)), keys).valid
    late = verify_envelope(_sign(dict(CLAIM), [old], retired_on), keys)
    assert not late.valid
    assert "was not valid at" in (late.first_failure or "")
    early = verify_envelope(_sign(dict(CLAIM), [old], T0 - timedelta(seconds=1)), keys)
    assert not early.valid


def test_a_key_whose_id_is_not_its_thumbprint_is_refused() -> None:
    _, key = _key("platform", T0)
    document = jwks([key])
    document["keys"][0]["kid"] = "forged"
    with pytest.raises(ValueError, match="thumbprint"):
        keys_from_jwks(document)
