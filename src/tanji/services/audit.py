"""The audit log: who did what, when, to which record, and how it looked before and after.

Every service that changes data appends an entry (:func:`audit`) in the same transaction
as the change, so the log never disagrees with the data. Snapshots never hold secrets or
password hashes. :func:`audit_log` reads it back: an organisation's admins see what its
people did and what was done to the organisation; the platform operator sees all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import AuditRow, UserRow
from tanji.domain.accounts import Actor
from tanji.services.permissions import require

__all__ = ["AuditEntry", "FieldChange", "audit", "audit_log", "field_changes"]


def audit(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_kind: str,
    entity_id: int | str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    *,
    ip: str | None = None,
) -> AuditRow:
    """Append one entry to the audit log: ``actor`` (``None`` for the system) did
    ``action`` to the entity, which looked like ``before`` and then like ``after``.

    Every mutating service calls this; snapshots must not hold secrets or hashes.
    """
    row = AuditRow(
        at=utcnow(),
        actor_user_id=actor.user_id if actor else None,
        actor_org_id=actor.org_id if actor else None,
        action=action,
        entity_kind=entity_kind,
        entity_id=str(entity_id),
        before=_json(before),
        after=_json(after),
        ip=ip,
    )
    session.add(row)
    session.flush()
    return row


def _json(snapshot: Mapping[str, Any] | None) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class AuditEntry:
    """One audit log entry; ``actor_name`` is the acting person's display name (``None``
    for the system or a person since deleted)."""

    id: int
    at: datetime
    actor_user_id: int | None
    actor_org_id: int | None
    action: str
    entity_kind: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    actor_name: str | None = None


@dataclass(frozen=True)
class FieldChange:
    """One field an entry changed: its ``path`` in the snapshot (``("lines", "cathode",
    "quantity", "amount")``) and its plain values before and after (``None``: absent).
    Lists of plain values stay lists; nested records are taken apart field by field."""

    path: tuple[str, ...]
    before: Any
    after: Any


#: Snapshot keys that only fingerprint what other keys say field by field.
_FINGERPRINTS = frozenset({"digest"})


def _flat(value: Any, path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():  # an empty record has no fields to show
            _flat(item, (*path, str(key)), out)
    elif isinstance(value, list) and any(isinstance(item, (Mapping, list)) for item in value):
        for number, item in enumerate(value, start=1):
            _flat(item, (*path, str(number)), out)
    else:
        out[path] = value


def field_changes(entry: AuditEntry) -> list[FieldChange]:
    """What an entry changed, field by field: every leaf of the snapshots whose value
    differs, in the snapshot's order (a new record lists its fields, a deleted one what
    it held). A fingerprint (``digest``) is left out when the fields it sums up are
    there to be read."""
    before: dict[tuple[str, ...], Any] = {}
    after: dict[tuple[str, ...], Any] = {}
    _flat(entry.before or {}, (), before)
    _flat(entry.after or {}, (), after)
    paths = list(dict.fromkeys([*before, *after]))
    changed = [p for p in paths if p and before.get(p) != after.get(p)]
    readable = [p for p in changed if p[-1] not in _FINGERPRINTS]
    return [
        FieldChange(path, before.get(path), after.get(path))
        for path in (readable if readable else changed)
    ]


def audit_log(
    session: Session,
    actor: Actor,
    *,
    entity_kind: str | None = None,
    entity_id: int | str | None = None,
    action: str | None = None,
    org_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEntry]:
    """The newest entries first, ``limit`` of them after skipping ``offset``. An
    organisation's admins see what its people did and what was done to the organisation
    itself; the platform operator sees everything, or one organisation's (``org_id``)."""
    require(actor, "audit.read")
    query = (
        select(AuditRow, UserRow.display_name)
        .outerjoin(UserRow, UserRow.id == AuditRow.actor_user_id)
        .order_by(AuditRow.id.desc())
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )
    if org_id is not None and actor.is_platform_admin:
        query = query.where(_of_org(org_id))
    if not actor.is_platform_admin:
        query = query.where(_of_org(actor.org_id))
    if entity_kind is not None:
        query = query.where(AuditRow.entity_kind == entity_kind)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == str(entity_id))
    if action is not None:
        query = query.where(AuditRow.action == action)
    return [
        AuditEntry(
            id=row.id,
            at=row.at,
            actor_user_id=row.actor_user_id,
            actor_org_id=row.actor_org_id,
            action=row.action,
            entity_kind=row.entity_kind,
            entity_id=row.entity_id,
            before=json.loads(row.before) if row.before else None,
            after=json.loads(row.after) if row.after else None,
            ip=row.ip,
            actor_name=name,
        )
        for row, name in session.execute(query)
    ]


def _of_org(org_id: int) -> Any:
    """Entries by the organisation's people, or about the organisation itself."""
    return or_(
        AuditRow.actor_org_id == org_id,
        (AuditRow.entity_kind == "organisation") & (AuditRow.entity_id == str(org_id)),
    )
