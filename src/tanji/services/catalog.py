"""Databases, their versions and sources: the catalogue every library shares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from tanji.db.models import (
    ActivityRow,
    DatabaseRow,
    DatabaseVersionRow,
    MembershipRow,
    OrganisationRow,
    SourceRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.factors import Source
from tanji.services.errors import ConflictError, NotFoundError, ServiceError

__all__ = [
    "OWNER_KIND",
    "PUBLIC_READERS",
    "DatabaseSummary",
    "Destination",
    "Readers",
    "create_version",
    "database_kind",
    "destination_database",
    "destination_version",
    "ensure_database",
    "file_sha256",
    "get_database",
    "get_lci_version",
    "get_version",
    "latest_version",
    "list_databases",
    "readable",
    "readable_databases",
    "readers_of",
    "readers_of_org",
    "restrict_to_readable",
    "save_sources",
    "source_of",
]

OWNER_KINDS = ("platform", "province", "city", "association", "enterprise", "institute")
VISIBILITIES = ("private", "shared", "public")
#: The owner kind a database gets from the kind of organisation that imports it.
OWNER_KIND = {
    OrgKind.PLATFORM_ADMIN: "platform",
    OrgKind.DEPARTMENT_PROVINCE: "province",
    OrgKind.DEPARTMENT_CITY: "city",
    OrgKind.ASSOCIATION: "association",
    OrgKind.ENTERPRISE: "enterprise",
    OrgKind.CERTIFICATION_BODY: "institute",
    OrgKind.SERVICE_PROVIDER: "institute",
}


@dataclass(frozen=True)
class Destination:
    """Where an import lands: database ``name`` (created if new) and a new version of it.

    ``version`` is the label of the new version (the next number if ``None``); owner and
    visibility apply when the database is created; ``import_file`` and ``import_sha256``
    record what was imported.
    """

    name: str
    version: str | None = None
    owner_name: str = "Tanji platform"
    owner_kind: str = "platform"
    visibility: str = "private"
    import_file: str | None = None
    import_sha256: str | None = None


def destination_database(session: Session, target: Destination, kind: str) -> DatabaseRow:
    """The database an import goes into (created with the target's owner if new)."""
    return ensure_database(
        session,
        target.name,
        kind=kind,
        owner_name=target.owner_name,
        owner_kind=target.owner_kind,
        visibility=target.visibility,
    )


def destination_version(
    session: Session, database: DatabaseRow, target: Destination, import_format: str | None
) -> DatabaseVersionRow:
    """The new version an import creates."""
    return create_version(
        session,
        database,
        target.version,
        import_format=import_format,
        import_file=target.import_file,
        import_sha256=target.import_sha256,
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(child.relative_to(path).as_posix().encode())
            digest.update(child.read_bytes())
    else:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def save_sources(session: Session, sources: Iterable[Source], known: dict[Source, int]) -> None:
    """Store the citations among ``sources`` that are new, and enter every one's id in
    ``known``: one query for those stored, one multi-row insert for the rest."""
    wanted = {_fingerprint(s): s for s in sources if s not in known}
    if not wanted:
        return
    stored = session.execute(
        select(SourceRow.fingerprint, SourceRow.id).where(SourceRow.fingerprint.in_(wanted))
    )
    for fingerprint, row_id in stored:
        known[wanted.pop(fingerprint)] = row_id
    rows = [
        SourceRow(
            fingerprint=fingerprint,
            publisher=source.publisher,
            title=source.title,
            year=source.year,
            document=source.document,
            table_ref=source.table,
            url=source.url,
            licence=source.licence,
        )
        for fingerprint, source in wanted.items()
    ]
    session.add_all(rows)
    session.flush()
    known.update((wanted[row.fingerprint], row.id) for row in rows)


def _fingerprint(source: Source) -> str:
    fields = (
        source.publisher,
        source.title,
        str(source.year or ""),
        source.document or "",
        source.table or "",
        source.url or "",
        source.licence or "",
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def source_of(row: SourceRow) -> Source:
    return Source(
        publisher=row.publisher,
        title=row.title,
        year=row.year,
        document=row.document,
        table=row.table_ref,
        url=row.url,
        licence=row.licence,
    )


def ensure_database(
    session: Session,
    name: str,
    *,
    kind: str,
    owner_name: str = "Tanji platform",
    owner_kind: str = "platform",
    visibility: str = "private",
    description: str | None = None,
) -> DatabaseRow:
    """The database called ``name``, created if new. A name keeps one kind."""
    if owner_kind not in OWNER_KINDS:
        raise ServiceError(
            f"owner kind must be one of {', '.join(OWNER_KINDS)}, not {owner_kind!r}"
        )
    if visibility not in VISIBILITIES:
        raise ServiceError(
            f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}"
        )
    row = session.scalar(select(DatabaseRow).where(DatabaseRow.name == name))
    if row is None:
        row = DatabaseRow(
            name=name,
            kind=kind,
            owner_name=owner_name,
            owner_kind=owner_kind,
            visibility=visibility,
            description=description,
        )
        session.add(row)
        session.flush()
    elif row.kind != kind:
        raise ConflictError(
            f"database {name!r} holds {row.kind} data; import {kind} data under another name"
        )
    return row


def get_lci_version(session: Session, name: str, version: str | None) -> DatabaseVersionRow:
    """A version (the latest for ``None``) of an LCI database, refusing factor databases."""
    database = get_database(session, name)
    if database.kind != "lci":
        raise ServiceError(f"database {name!r} holds emission factors, not LCI activities")
    return get_version(session, database, version)


def database_kind(session: Session, name: str) -> str:
    """``factors`` or ``lci`` for a database name (NotFoundError if there is none)."""
    return get_database(session, name).kind


def get_database(session: Session, name: str) -> DatabaseRow:
    row = session.scalar(select(DatabaseRow).where(DatabaseRow.name == name))
    if row is None:
        known = ", ".join(session.scalars(select(DatabaseRow.name).order_by(DatabaseRow.name)))
        raise NotFoundError(f"no database named {name!r} (known: {known or 'none'})")
    return row


def create_version(
    session: Session,
    database: DatabaseRow,
    version: str | None,
    *,
    import_format: str | None = None,
    import_file: str | None = None,
    import_sha256: str | None = None,
    note: str | None = None,
) -> DatabaseVersionRow:
    """A new version of a database; published versions are never reused or changed."""
    existing = list(
        session.scalars(
            select(DatabaseVersionRow.version).where(DatabaseVersionRow.database_id == database.id)
        )
    )
    label = version or _next_label(existing)
    if label in existing:
        raise ConflictError(
            f"database {database.name!r} already has version {label!r}; published versions never "
            "change — import under a new --version"
        )
    row = DatabaseVersionRow(
        database_id=database.id,
        version=label,
        import_format=import_format,
        import_file=import_file,
        import_sha256=import_sha256,
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def _next_label(existing: list[str]) -> str:
    numbers = [int(v) for v in existing if v.isdigit()]
    return str(max(numbers, default=0) + 1)


def latest_version(session: Session, database: DatabaseRow) -> DatabaseVersionRow:
    row = session.scalar(
        select(DatabaseVersionRow)
        .where(DatabaseVersionRow.database_id == database.id)
        .order_by(DatabaseVersionRow.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotFoundError(f"database {database.name!r} has no version yet")
    return row


def get_version(session: Session, database: DatabaseRow, version: str | None) -> DatabaseVersionRow:
    """A version of a database by label, or the latest for ``None``."""
    if version is None:
        return latest_version(session, database)
    row = session.scalar(
        select(DatabaseVersionRow).where(
            DatabaseVersionRow.database_id == database.id, DatabaseVersionRow.version == version
        )
    )
    if row is None:
        raise NotFoundError(f"database {database.name!r} has no version {version!r}")
    return row


@dataclass(frozen=True)
class DatabaseSummary:
    name: str
    kind: str
    owner_name: str
    owner_kind: str
    visibility: str
    versions: tuple[str, ...]
    records: int


def list_databases(session: Session) -> list[DatabaseSummary]:
    """Every database with its versions and the record count of its latest version."""
    summaries = []
    for db in session.scalars(select(DatabaseRow).order_by(DatabaseRow.name)):
        versions = list(
            session.scalars(
                select(DatabaseVersionRow)
                .where(DatabaseVersionRow.database_id == db.id)
                .order_by(DatabaseVersionRow.id)
            )
        )
        records = 0
        if versions:
            latest = versions[-1].id
            table, column = (
                (MembershipRow, MembershipRow.database_version_id)
                if db.kind == "factors"
                else (ActivityRow, ActivityRow.database_version_id)
            )
            records = (
                session.scalar(select(func.count()).select_from(table).where(column == latest)) or 0
            )
        summaries.append(
            DatabaseSummary(
                name=db.name,
                kind=db.kind,
                owner_name=db.owner_name,
                owner_kind=db.owner_kind,
                visibility=db.visibility,
                versions=tuple(v.version for v in versions),
                records=records,
            )
        )
    return summaries


# --- Who may read which database ----------------------------------------------------


@dataclass(frozen=True)
class Readers:
    """Whose databases a reader may see (each database has a visibility: private, shared,
    public). ``None`` wherever a ``readers`` parameter is taken means the operator's own
    command line: everything. The web passes a reader's scope: anyone sees public
    databases; a signed-in person also shared ones and their organisation's own
    (``owner``: the database's owner name and kind); the platform operator everything.
    """

    owner: tuple[str, str] | None = None
    shared: bool = False
    everything: bool = False


#: What anyone, signed in or not, may read.
PUBLIC_READERS = Readers()


def readable_databases(readers: Readers | None) -> Any:
    """The condition on :class:`DatabaseRow` of the databases ``readers`` may read."""
    if readers is None or readers.everything:
        return true()
    allowed = [DatabaseRow.visibility == "public"]
    if readers.shared:
        allowed.append(DatabaseRow.visibility == "shared")
    if readers.owner is not None:
        name, kind = readers.owner
        allowed.append(and_(DatabaseRow.owner_name == name, DatabaseRow.owner_kind == kind))
    return or_(*allowed)


def restrict_to_readable(query: Any, readers: Readers | None) -> Any:
    """``query`` (joined to :class:`DatabaseRow`) kept to what ``readers`` may see."""
    if readers is None or readers.everything:
        return query
    return query.where(readable_databases(readers))


def readable(session: Session, database_id: int, readers: Readers | None) -> bool:
    """Whether ``readers`` may read the database ``database_id``."""
    if readers is None or readers.everything:
        return True
    query = restrict_to_readable(
        select(DatabaseRow.id).where(DatabaseRow.id == database_id), readers
    )
    return session.scalar(query) is not None


def readers_of(session: Session, actor: Actor | None) -> Readers:
    """The databases ``actor`` may read (:class:`Readers`):
    public ones for anyone; shared ones and their organisation's own when signed in;
    all of them for the platform operator."""
    if actor is None:
        return PUBLIC_READERS
    return readers_of_org(session, actor.org_id)


def readers_of_org(session: Session, org_id: int) -> Readers:
    """The databases an organisation may read: public and shared ones and its own (the
    platform operator: all). A product computes with its owner's eyes, whoever asks."""
    org = session.get(OrganisationRow, org_id)
    if org is None:
        return PUBLIC_READERS
    kind = OrgKind(org.kind)
    if kind is OrgKind.PLATFORM_ADMIN:
        return Readers(everything=True)
    return Readers(owner=(org.name, OWNER_KIND[kind]), shared=True)
