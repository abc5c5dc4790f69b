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
