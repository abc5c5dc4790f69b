"""An enterprise's voluntary disclosure page: its certified products and labels (from
the directory) and, optionally, a text it publishes (edited in its workspace).

The text is plain text (paragraphs separated by blank lines), shown escaped; an edit
from a stale read fails (``version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.directory_tables import DisclosureRow
from tanji.db.models import OrganisationRow
from tanji.domain.accounts import Actor, OrgKind
from tanji.services.directory.listing import DirectoryEntry, entries
from tanji.services.errors import ConflictError, NotFoundError, PermissionDeniedError, invalid_field

__all__ = ["MAX_TEXT", "Disclosure", "disclosure", "set_disclosure"]

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Disclosure:
    org_id: int
    name: str
    name_en: str
    city: str
    demo: bool
    text: str
    version: int
    updated_at: datetime | None
    products: tuple[DirectoryEntry, ...]


def disclosure(session: Session, org_id: int) -> Disclosure:
    """The public disclosure page of enterprise ``org_id``."""
    org = session.get(OrganisationRow, org_id)
    if org is None or org.kind != OrgKind.ENTERPRISE.value or org.status != "active":
        raise NotFoundError(f"No enterprise {org_id}.")
    row = session.scalar(select(DisclosureRow).where(DisclosureRow.org_id == org_id))
    products = tuple(e for e in entries(session) if e.holder_org_id == org_id)
    return Disclosure(
        org.id, org.name, org.name_en, org.region, org.demo, row.text if row else "",
        row.version if row else 0, row.updated_at if row else None, products,
    )  # fmt: skip


def set_disclosure(session: Session, actor: Actor, text: str, *, version: int) -> int:
    """Publish (or clear) the actor's enterprise's disclosure text; returns the new
    version. ``version`` is the one read (0 before the first)."""
    if not actor.can("result.publish"):
        raise PermissionDeniedError(
            "Only an enterprise's administrator may publish its disclosure."
        )
    if len(text) > MAX_TEXT:
        raise invalid_field("text", f"at most {MAX_TEXT} characters, got {len(text)}")
    row = session.scalar(select(DisclosureRow).where(DisclosureRow.org_id == actor.org_id))
    current = row.version if row else 0
    if version != current:
        raise ConflictError("The disclosure was changed since you opened it; reload and try again.")
    if row is None:
        row = DisclosureRow(org_id=actor.org_id, text=text.strip(), updated_by=actor.user_id)
        session.add(row)
    else:
        row.text, row.updated_by = text.strip(), actor.user_id
    session.flush()
    return row.version
