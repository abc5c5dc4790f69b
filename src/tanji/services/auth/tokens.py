"""Random secrets and the hashes they are stored as."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from tanji.db.base import utcnow

__all__ = ["aware", "digest", "new_secret", "now"]


def new_secret() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a secret: a fast hash is enough for 256 random bits and lets the row
    be found by it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    return utcnow()


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC; PostgreSQL aware. Compare both as aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)
