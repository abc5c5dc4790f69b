"""The policy and training section (R5.2, S2): notices, rules and policies, training
courses and events, kept by the departments and the platform operator
(``policy.publish``) and read by anyone (no login). Content is Markdown, zh-CN first
with an optional English title and body; the web layer renders it without raw HTML.

An item names its ``source`` (the document it reproduces); an item that cites none is
marked ``illustrative`` by whoever publishes it (the demo's are). Every change is
audited; an edit names the version it read (a stale one is a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import OrganisationRow, PolicyItemRow
from tanji.domain.accounts import Actor
from tanji.domain.hub import POLICY_KINDS
from tanji.services.audit import audit
from tanji.services.certification._common import today
from tanji.services.errors import ConflictError, NotFoundError, invalid_field
from tanji.services.permissions import require

__all__ = ["MAX_BODY", "PolicyItem", "get_item", "list_items", "publish_item", "update_item"]

PUBLISH = "policy.publish"
MAX_TITLE, MAX_SUMMARY, MAX_BODY, MAX_SOURCE, MAX_LOCATION = 300, 2000, 100_000, 2000, 300
#: The fields an item has (what :func:`publish_item` and :func:`update_item` take).
FIELDS = (
    "kind", "title", "title_en", "summary", "body", "body_en", "source", "published_on",
    "starts_on", "ends_on", "location", "illustrative",
)  # fmt: skip


@dataclass(frozen=True)
class PolicyItem:
    id: int
    kind: str
    title: str
    title_en: str
    summary: str
    body: str
    body_en: str
    source: str
    published_on: date
    starts_on: date | None
    ends_on: date | None
    location: str
    illustrative: bool
    publisher: str
    version: int


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise invalid_field(field, "This field is required.")
    if len(value) > limit:
        raise invalid_field(field, f"At most {limit} characters.")
    return value


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    kind = values["kind"]
    if kind not in POLICY_KINDS:
        raise invalid_field("kind", "Choose notice, policy, training or event.")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if kind in ("training", "event") and starts is None:
        raise invalid_field("starts_on", "A course or an event needs its start date.")
    if starts is not None and ends is not None and ends < starts:
        raise invalid_field("ends_on", "The end cannot be before the start.")
    return {
        "kind": kind,
        "title": _text(values["title"], "title", MAX_TITLE, required=True),
        "title_en": _text(values.get("title_en", ""), "title_en", MAX_TITLE),
        "summary": _text(values.get("summary", ""), "summary", MAX_SUMMARY),
        "body": _text(values.get("body", ""), "body", MAX_BODY, required=True),
        "body_en": _text(values.get("body_en", ""), "body_en", MAX_BODY),
        "source": _text(values.get("source", ""), "source", MAX_SOURCE),
        "published_on": values.get("published_on") or today(),
        "starts_on": starts,
        "ends_on": ends,
        "location": _text(values.get("location", ""), "location", MAX_LOCATION),
        "illustrative": bool(values.get("illustrative", False)),
    }


def _snapshot(row: PolicyItemRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS if name not in ("body", "body_en")} | {
        "body_chars": len(row.body)
    }


def publish_item(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    title: str,
    body: str,
    title_en: str = "",
    summary: str = "",
    body_en: str = "",
    source: str = "",
    published_on: date | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    location: str = "",
    illustrative: bool = False,
) -> int:
    """Publish a notice, policy, course or event. Returns its id."""
    require(actor, PUBLISH)
    values = _checked(
        {
            "kind": kind, "title": title, "title_en": title_en, "summary": summary,
            "body": body, "body_en": body_en, "source": source, "published_on": published_on,
            "starts_on": starts_on, "ends_on": ends_on, "location": location,
            "illustrative": illustrative,
        }
    )  # fmt: skip
    row = PolicyItemRow(**values, org_id=actor.org_id, created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit(session, actor, "policy.publish", "policy_item", row.id, None, _snapshot(row))
    return row.id


def update_item(
    session: Session, actor: Actor, item_id: int, *, version: int, **values: Any
) -> int:
    """Change an item (its publishing organisation's editors, or the operator). Returns
    the new version."""
    require(actor, PUBLISH)
    row = session.get(PolicyItemRow, item_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"No item {item_id}.")
    if row.org_id != actor.org_id and not actor.is_platform_admin:
        raise NotFoundError(f"No item {item_id} of yours.")
    if row.version != version:
        raise ConflictError(
            f"The item was changed meanwhile (version {row.version}); reload and try again."
        )
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise invalid_field(sorted(unknown)[0], "Not a field of an item.")
    current = {name: getattr(row, name) for name in FIELDS}
    checked = _checked(current | values)
    before = _snapshot(row)
    for name, value in checked.items():
        setattr(row, name, value)
    session.flush()
    audit(session, actor, "policy.update", "policy_item", row.id, before, _snapshot(row))
    return row.version


def _item(row: PolicyItemRow, publisher: str | None) -> PolicyItem:
    return PolicyItem(
        row.id, row.kind, row.title, row.title_en, row.summary, row.body, row.body_en,
        row.source, row.published_on, row.starts_on, row.ends_on, row.location,
        row.illustrative, publisher or "", row.version,
    )  # fmt: skip


def list_items(session: Session, *, kind: str | None = None, limit: int = 200) -> list[PolicyItem]:
    """The section's items, newest first (public); ``kind`` filters."""
    query = select(PolicyItemRow, OrganisationRow.name).outerjoin(
        OrganisationRow, OrganisationRow.id == PolicyItemRow.org_id
    )
    if kind:
        if kind not in POLICY_KINDS:
            raise invalid_field("kind", "Choose notice, policy, training or event.")
        query = query.where(PolicyItemRow.kind == kind)
    query = query.order_by(PolicyItemRow.published_on.desc(), PolicyItemRow.id.desc())
    return [_item(row, name) for row, name in session.execute(query.limit(limit))]


def get_item(session: Session, item_id: int) -> PolicyItem:
    """One item (public)."""
    found = session.execute(
        select(PolicyItemRow, OrganisationRow.name)
        .outerjoin(OrganisationRow, OrganisationRow.id == PolicyItemRow.org_id)
        .where(PolicyItemRow.id == item_id)
    ).first()
    if found is None:
        raise NotFoundError(f"No item {item_id}.")
    return _item(found[0], found[1])
