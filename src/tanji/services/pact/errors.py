"""Errors of the PACT exchange, each with the HTTP status and the PACT error code the
specification gives it (v3.0 "API error handling": BadRequestError 400, TokenExpiredError 401,
AccessDeniedError 403, NotFoundError 404, NotImplemented 501) or, at the token endpoint, the OAuth
2.0 error (RFC 6749 §5.2). The web layer turns them into answers in one place.
"""

from __future__ import annotations

from tanji.services.errors import ServiceError

__all__ = [
    "AccessDeniedError",
    "BadRequestError",
    "FootprintNotFoundError",
    "InvalidTokenError",
    "OAuthError",
    "PactError",
    "PartnerHostError",
    "TokenExpiredError",
]


class PactError(Exception):
    """Root: a PACT action refused; ``code`` and ``status`` are the specification's."""

    code = "InternalError"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(PactError):
    """The request or event breaks the protocol (a malformed filter, event or id)."""

    code = "BadRequest"
    status = 400


class InvalidTokenError(PactError):
    """No access token, or one this host never issued (answered 401 with the code the
    conformance suite recommends, ``BadRequestError``)."""

    code = "BadRequest"
    status = 401


class TokenExpiredError(PactError):
    """The access token was issued here but has expired: get a new one."""

    code = "TokenExpired"
    status = 401


class AccessDeniedError(PactError):
    """The footprint exists but was not released to this partner."""

    code = "AccessDenied"
    status = 403


class FootprintNotFoundError(PactError):
    """No footprint with this id at this host."""

    code = "NotFound"
    status = 404


class OAuthError(Exception):
    """The token endpoint refuses: ``error`` is RFC 6749's (invalid_client,
    invalid_request, unsupported_grant_type)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class PartnerHostError(ServiceError):
    """A partner's PACT host could not be reached or answered outside the protocol; the
    message names the URL and what came back."""
