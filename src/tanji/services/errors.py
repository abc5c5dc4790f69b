"""The services' error vocabulary: what a user asked for cannot be done, and why.

The command line and the web layer map these — and only these — to messages and status
codes in one place each.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Root: a request the services refuse, with a message for the user."""


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
