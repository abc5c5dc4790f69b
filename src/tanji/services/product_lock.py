"""Optimistic concurrency for workspace products: nothing is overwritten unseen.

A product carries a ``version`` (:class:`~tanji.db.models.ProductRow`), read with it
(the API's ``ETag``, a hidden field of the workspace's forms) and given back with a
change. Every change of a product

1. takes the product's row lock for the rest of the transaction (:func:`lock`:
   ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` of the row,
   which takes the database's write lock) and re-reads the row, so changes of one
   product queue instead of interleaving;
2. compares the version the person read with the current one (:func:`require_version`)
   and refuses a stale change with :class:`StaleVersionError`, naming the changes made
   since (from the audit log);
3. is written as ``UPDATE … WHERE id = :id AND version = :read`` (SQLAlchemy's
   ``version_id_col``), a second guard for any path that skipped 1.

Adding a line without a version is allowed: adds of different lines commute, and under
the lock each add is applied to the current document, so concurrent adds all survive.

Design note: a version per product (its one working document) rather than per line —
the document is checked as a whole (the rule's findings, units, links), so a line edit
made against an outdated document is a conflict even when it touches another line. The
row lock rather than a retry loop: a retry would need a fresh transaction, which the
caller owns (see :mod:`tanji.db.session`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.models import AuditRow, ProductRow, UserRow
from tanji.services.errors import ConflictError, ServiceError

__all__ = [
    "Change",
    "StaleVersionError",
    "VersionRequiredError",
    "changes_since",
    "lock",
    "require_version",
]

#: The most changes a conflict lists (the newest).
MAX_CHANGES = 20


@dataclass(frozen=True)
class Change:
    """One change of a product, from its audit entry: what (``action``, e.g.
    ``product.line-add``), who and when, the version it made and, for facts, the fields
    it changed."""

    action: str
    by: str
    at: datetime
    version: int | None
    fields: tuple[str, ...] = ()


class StaleVersionError(ConflictError):
    """A change was made from version ``expected`` of a product that is now at
    ``current``: refused, so it does not overwrite ``changes`` unseen. Reload, look at
    the changes, make yours again."""

    def __init__(
        self,
        product_id: int,
        code: str,
        expected: int,
        current: int | None,
        changes: tuple[Change, ...] = (),
    ) -> None:
        now = f"it is now at version {current}" if current is not None else "it has changed"
        super().__init__(
            f"product {code} (#{product_id}) was changed after you read it (you read "
            f"version {expected}; {now}); reload it, check the changes and make yours again",
            fields={"version": f"stale: {expected}, current: {current}"},
        )
        self.product_id = product_id
        self.code = code
        self.expected = expected
        self.current = current
        self.changes = changes


class VersionRequiredError(ServiceError):
    """A change that must name the version it was made from did not (the API's
    ``If-Match``, 428)."""


def lock(session: Session, row: ProductRow) -> None:
    """Hold ``row``'s lock until the transaction ends, and re-read it (see the module
    docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.refresh(row, with_for_update=True)
        return
    # An UPDATE by criteria (no version bump): SET version = version takes the lock.
    session.execute(
        update(ProductRow)
        .where(ProductRow.id == row.id)
        .values(version=ProductRow.version)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)


def require_version(
    session: Session, row: ProductRow, expected: int | None, *, required: bool = False
) -> None:
    """Refuse the change when the person read another version than the current one, or
    named none where one is ``required`` (``expected`` ``None``: none was given)."""
    if expected is None and required:
        raise VersionRequiredError(
            f"a change of product {row.code} must name the version it was made from: send "
            'the product\'s ETag as If-Match (e.g. If-Match: "7"; GET the product to read it)',
            fields={"If-Match": "required"},
        )
    if expected is not None and expected != row.version:
        raise StaleVersionError(
            row.id, row.code, expected, row.version, changes_since(session, row.id, expected)
        )


def _facts_changed(before: dict[str, object], after: dict[str, object]) -> tuple[str, ...]:
    old, new = before.get("facts"), after.get("facts")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ()
    return tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


def changes_since(session: Session, product_id: int, version: int) -> tuple[Change, ...]:
    """The product's changes after ``version``, oldest first (at most
    :data:`MAX_CHANGES`, the newest)."""
    query = (
        select(AuditRow, UserRow.display_name)
        .outerjoin(UserRow, UserRow.id == AuditRow.actor_user_id)
        .where(AuditRow.entity_kind == "product", AuditRow.entity_id == str(product_id))
        .order_by(AuditRow.id.desc())
        .limit(MAX_CHANGES)
    )
    out = []
    for entry, name in session.execute(query):
        before = json.loads(entry.before) if entry.before else {}
        after = json.loads(entry.after) if entry.after else {}
        made = after.get("version") if isinstance(after, dict) else None
        if not isinstance(made, int) or made <= version:
            break
        out.append(Change(entry.action, name or "", entry.at, made, _facts_changed(before, after)))
    return tuple(reversed(out))
