"""Time-based one-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238).

``HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^digits`` with ``C`` the 8-byte big-endian
counter and Truncate the RFC 4226 §5.3 dynamic truncation (the low 4 bits of the last
byte pick an offset; 31 bits from there). TOTP is HOTP with ``C = floor((T - T0) / X)``,
``T0 = 0`` and a step ``X`` of 30 s (RFC 6238 §4). Authenticator apps read the seed
from an ``otpauth://totp/…`` URI (Google Authenticator's key-URI format, which every
common app follows): base32 without padding, SHA-1, 6 digits, 30 s — the defaults here.

Tested against RFC 6238 appendix B and RFC 4226 appendix D. Design note: a few lines of
``hmac`` rather than a dependency (pyotp): the algorithm is short, and the vectors pin it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

__all__ = [
    "DIGITS",
    "STEP_SECONDS",
    "hotp",
    "matching_step",
    "new_secret",
    "otpauth_uri",
    "time_step",
    "totp",
]

DIGITS = 6
STEP_SECONDS = 30
_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """The RFC 4226 one-time password of ``key`` at ``counter``, zero-padded."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def time_step(unix_time: float, *, step: int = STEP_SECONDS) -> int:
    """RFC 6238's ``T = floor((unix_time − T0) / X)`` with ``T0 = 0``."""
    return int(unix_time // step)


def totp(
    key: bytes,
    unix_time: float,
    *,
    digits: int = DIGITS,
    step: int = STEP_SECONDS,
    algorithm: str = "SHA1",
) -> str:
    """The RFC 6238 one-time password of ``key`` at ``unix_time``."""
    return hotp(key, time_step(unix_time, step=step), digits=digits, algorithm=algorithm)


def decode_secret(secret: str) -> bytes:
    """The key of a base32 seed as apps show it (spaces and missing padding allowed)."""
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def new_secret(entropy: bytes | None = None) -> str:
    """A new base32 seed of 160 bits (RFC 4226 §4 recommends 160), unpadded.
    ``entropy`` (20 bytes) is for tests; by default the operating system's."""
    key = entropy if entropy is not None else secrets.token_bytes(20)
    return base64.b32encode(key).decode().rstrip("=")


def matching_step(
    secret: str, code: str, unix_time: float, *, after_step: int = 0, window: int = 1
) -> int | None:
    """The time step whose code ``code`` is, within ``window`` steps either side of
    now (clock drift, RFC 6238 §5.2), and later than ``after_step`` — so each code is
    accepted once (§5.2: "the verifier MUST NOT accept the second attempt of the same
    OTP"). ``None`` when it matches none. Compared in constant time."""
    candidate = code.strip().replace(" ", "")
    if len(candidate) != DIGITS or not candidate.isdigit():
        return None
    key = decode_secret(secret)
    now = time_step(unix_time)
    found = None
    for step in range(now - window, now + window + 1):
        if step > after_step and hmac.compare_digest(hotp(key, step), candidate):
            found = step
    return found


def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://totp/Issuer:account?secret=…&issuer=…`` URI an authenticator
    app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
