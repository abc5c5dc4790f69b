"""TOTP and HOTP against the RFCs' own test vectors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tanji.domain.totp import hotp, matching_step, new_secret, otpauth_uri, totp

# RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's size.
SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890" * 6 + b"1234"

RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_appendix_b(unix_time: int, sha1: str, sha256: str, sha512: str) -> None:
    assert totp(SEED_SHA1, unix_time, digits=8) == sha1
    assert totp(SEED_SHA256, unix_time, digits=8, algorithm="SHA256") == sha256
    assert totp(SEED_SHA512, unix_time, digits=8, algorithm="SHA512") == sha512


def test_rfc4226_appendix_d() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314",
                "254676", "287922", "162583", "399871", "520489"]  # fmt: skip
    assert [hotp(SEED_SHA1, counter) for counter in range(10)] == expected


def test_a_code_matches_within_one_step_and_only_once() -> None:
    secret = new_secret(SEED_SHA1)
    assert secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    now = 1111111111
    code = totp(SEED_SHA1, now)
    step = matching_step(secret, code, now)
    assert step == now // 30
    assert matching_step(secret, code, now + 30) == step  # the next step: clock drift
    assert matching_step(secret, code, now + 90) is None  # too late
    assert matching_step(secret, code, now, after_step=step) is None  # used once
    assert matching_step(secret, "12345", now) is None
    assert matching_step(secret, "abcdef", now) is None


def test_otpauth_uri_carries_the_seed_and_issuer() -> None:
    uri = otpauth_uri("JBSWY3DPEHPK3PXP", "li@example.cn", "碳迹 Tanji")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    query = parse_qs(parts.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXP"]
    assert query["issuer"] == ["碳迹 Tanji"]
    assert query["digits"] == ["6"]
