"""What every operation of the API may answer besides its own results, documented once.

The error body is the one :mod:`tanji.web.errors` writes for every failure; the
timestamps are RFC 3339 with an offset, as ``format: date-time`` promises (SQLite gives
naive UTC back; :data:`Timestamp` marks it UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

__all__ = ["ERROR_RESPONSES", "ErrorBody", "Timestamp"]


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


#: A date-time with an offset (naive values are UTC and say so).
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description="In the language asked for (Accept-Language)")
    fields: dict[str, str] | None = None
    detail: str | None = Field(
        None, description="The service's own words in English, when the message is not"
    )
    field_details: dict[str, str] | None = Field(
        None, description="The fields' problems in the service's own English words"
    )


class ErrorBody(BaseModel):
    """``{"error": {"code", "message", "fields"?}}`` (plus details some codes add)."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The request cannot be done as asked (the message says why)"),
    401: _error("No valid API token or session"),
    403: _error("The caller may not do this (its role, kind or token scopes)"),
    404: _error("Not found, or not the caller's to see"),
    409: _error("Conflicts with stored data"),
    413: _error("The request body is too large"),
    429: _error("Too many requests of this kind lately (Retry-After)"),
    503: _error("The store is busy; retry (Retry-After)"),
}
