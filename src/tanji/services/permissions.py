"""Who may do what, and whose records they may see: the checks every service makes.

:func:`require` looks the actor's organisation kind and role (and an API token's scopes)
up in the permission table (:data:`tanji.domain.accounts.PERMISSIONS`);
:func:`visible_org_ids` is tenant isolation — the organisations whose records an actor
may see; :func:`require_own_org` both, for changes inside one organisation.
"""

from __future__ import annotations

from tanji.domain.accounts import Actor
from tanji.services.errors import PermissionDeniedError

__all__ = ["require", "require_own_org", "visible_org_ids"]


def require(actor: Actor, action: str) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` may do ``action``."""
    if not actor.can(action):
        raise PermissionDeniedError(
            f"A {actor.role} of a {actor.org_kind} may not do {action!r}"
            + (" with this token" if actor.scopes is not None else "")
            + "."
        )


def visible_org_ids(actor: Actor) -> set[int] | None:
    """The organisations whose records ``actor`` may see; ``None`` means all of them.

    The platform operator sees all; everyone else sees their own organisation.
    Certification bodies see enterprises' records only through assignments, and
    departments see aggregates (progress by sector and city), both to be added by the
    workflows that need them — never by widening this set.
    """
    if actor.is_platform_admin:
        return None
    return {actor.org_id}


def require_own_org(actor: Actor, org_id: int, action: str) -> None:
    require(actor, action)
    if org_id != actor.org_id and not actor.is_platform_admin:
        raise PermissionDeniedError(f"{action!r} is allowed in your own organisation only.")
