"""The services' error vocabulary: what a user asked for cannot be done, and why.

The command line and the web layer map these — and only these — to messages and status
codes in one place each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tanji.domain.reasons import Reason


class ServiceError(Exception):
    """Root: a request the services refuse, with a message for the user.

    ``fields`` names the inputs at fault (input name → what is wrong with it, in
    English), so a form can show each problem next to its field and the API can return
    them; it is empty when the request as a whole is refused.
    """

    def __init__(self, message: str, *, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields or {})


class NotFoundError(ServiceError):
    """The database, record or version named does not exist."""


class ConflictError(ServiceError):
    """The request contradicts stored data (e.g. re-publishing an existing version)."""


class InvalidInputError(ServiceError):
    """What was typed breaks a rule (a malformed credit code, a weak password, an unknown
    role); the message says which rule and how to meet it."""


class AuthenticationError(ServiceError):
    """A login or API token was not accepted. The message never says whether the email,
    the password or the token was wrong, so it cannot be used to find accounts."""


class PermissionDeniedError(ServiceError):
    """The actor is known but their organisation kind, role, token scopes or tenant do
    not allow the request; the message names the action that was refused."""


def invalid_field(field_name: str, message: str) -> InvalidInputError:
    """An :class:`InvalidInputError` about one input, named so a form shows it there."""
    return InvalidInputError(message, fields={field_name: message})


class RateLimitedError(ServiceError):
    """Too many requests of one kind from one source (or person) lately: wait
    ``retry_after`` seconds. Not a lock: the same request from elsewhere goes through."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RefusedError(ConflictError):
    """A process refused a step; ``reasons`` are the domain's message keys and values,
    for the web layer to translate."""

    def __init__(self, reasons: Sequence[Reason]) -> None:
        super().__init__(" ".join(reason.english() for reason in reasons))
        self.reasons = tuple(reasons)


def refused_error(
    reasons: Sequence[Reason], *, not_allowed: str, error: type[RefusedError]
) -> ConflictError | PermissionDeniedError:
    """The service error for refused reasons: when every reason is ``not_allowed`` (not
    the actor's step), permission denied; otherwise ``error``."""
    if reasons and all(r.key == not_allowed for r in reasons):
        return PermissionDeniedError(" ".join(r.english() for r in reasons))
    return error(reasons)
