"""National and peer exchange (R3.6): a background database version as openLCA JSON-LD.

Each factor of the version becomes an openLCA process: 1 ``unit`` of its product out,
and its emissions in: the kg of each gas where the factor states them per gas, else one
flow "Carbon dioxide equivalent (<GWP set>)" with the stated CO2e. The process keeps the
factor's source in its description — publisher, document, year, table, the submitting
organisation and the evidence SHA-256 of an admitted record (the factor's notes) — and
its Tanji reference (``database:CODE@n``), so an importer keeps where each value comes
from. Process and flow ids are UUIDv5 of those references: the same version exports the
same ids. Read back with :func:`tanji.io.olca_jsonld.read_jsonld`.

Design note: a CO2e-only factor has no elementary flow of its own; the CO2e flow is a
characterized quantity, named for its GWP set so that no importer mistakes it for CO2.

The same version also exports as ILCD (process, flow, flow property, unit group, source and
contact datasets in a zip) and as TIDAS (the same datasets as TianGong JSON), and both
import back as a new version of a database with every factor's source kept
(:func:`import_exchange`; :mod:`tanji.io.exchange`).
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import DatabaseRow, DatabaseVersionRow, GasRow
from tanji.domain.accounts import Actor
from tanji.domain.factors import EmissionFactor, Source
from tanji.domain.lci import Activity, ElementaryFlow, Exchange, ExchangeKind, LciBundle
from tanji.io.exchange import (
    ILCD_FORMAT,
    TIDAS_FORMAT,
    ExchangeVersion,
    GasInfo,
    read_ilcd_factors,
    read_tidas_factors,
    write_ilcd,
    write_tidas,
)
from tanji.io.olca_jsonld import write_jsonld
from tanji.services.catalog import (
    Destination,
    file_sha256,
    get_database,
    get_version,
    readable,
    readers_of,
)
from tanji.services.errors import InvalidInputError, NotFoundError, ServiceError
from tanji.services.factors import ImportSummary, import_factors, stored_factors

__all__ = [
    "EXPORT_FORMATS",
    "ExportFile",
    "exchange_version",
    "export_for",
    "export_ilcd",
    "export_jsonld",
    "export_tidas",
    "export_version",
    "exportable_versions",
    "factor_bundle",
    "import_exchange",
]

#: Export formats: name → (file suffix, media type).
EXPORT_FORMATS = {
    "jsonld": ("-olca-jsonld.zip", "application/zip"),
    ILCD_FORMAT: ("-ilcd.zip", "application/zip"),
    TIDAS_FORMAT: ("-tidas.zip", "application/zip"),
}

_NAMESPACE = uuid.UUID("6f1c3a52-5a8e-4d0e-9a57-7a6e6a1f0015")


def _uid(text: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, text))


def _description(factor: EmissionFactor, ref: str) -> str:
    lines = [f"Source: {factor.source.citation()}", f"Tanji reference: {ref}"]
    if factor.illustrative:
        lines.append("ILLUSTRATIVE value — not a published factor.")
    if factor.notes:
        lines.append(factor.notes)
    return "\n".join(lines)


def factor_bundle(session: Session, database: str, version: str | None = None) -> LciBundle:
    """The factors of ``database``'s ``version`` (the latest by default) as an LCI bundle."""
    db = get_database(session, database)
    dbv = get_version(session, db, version)
    gases = {g.id: g for g in session.scalars(select(GasRow))}
    flows: dict[str, ElementaryFlow] = {}
    activities = []
    for factor in stored_factors(session, database, dbv.version):
        ref = f"{database}:{factor.code}@{dbv.version}"
        key = _uid(ref)
        exchanges = [Exchange(ExchangeKind.PRODUCTION, key, 1.0, factor.unit)]
        if factor.gases:
            for amount in factor.gases:
                gas = gases.get(amount.gas)
                flow_key = _uid(f"gas:{amount.gas}")
                flows.setdefault(flow_key, ElementaryFlow(
                    flow_key, gas.name_en if gas else amount.gas, "kg", "air",
                    gas.cas if gas else None, gas.formula if gas else None, amount.gas,
                ))  # fmt: skip
                exchanges.append(Exchange(ExchangeKind.BIOSPHERE, flow_key, amount.kg, "kg"))
        else:
            basis = factor.gwp_basis or "as published"
            flow_key = _uid(f"co2e:{basis}")
            flows.setdefault(flow_key, ElementaryFlow(
                flow_key, f"Carbon dioxide equivalent ({basis})", "kg", "air",
            ))  # fmt: skip
            exchanges.append(
                Exchange(ExchangeKind.BIOSPHERE, flow_key, float(factor.co2e or 0.0), "kg")
            )
        activities.append(
            Activity(
                key,
                factor.name_en or factor.name_zh,
                factor.unit,
                tuple(exchanges),
                location=factor.geography,
                reference_product=factor.name_en or factor.name_zh,
                category=factor.kind.value,
                name_zh=factor.name_zh,
                comment=_description(factor, ref),
            )
        )
    return LciBundle(
        format="tanji-factors",
        activities=tuple(activities),
        flows=tuple(flows.values()),
        source=Source(db.owner_name, f"{database} version {dbv.version}"),
    )


def export_jsonld(session: Session, database: str, version: str | None, path: Path) -> int:
    """Write the version as an openLCA JSON-LD zip at ``path``; returns the process count."""
    bundle = factor_bundle(session, database, version)
    write_jsonld(bundle, path)
    return len(bundle.activities)


def exchange_version(session: Session, database: str, version: str | None) -> ExchangeVersion:
    """The factors of ``database``'s ``version`` (latest by default), ready to write."""
    db = get_database(session, database)
    dbv = get_version(session, db, version)
    gases = {
        g.id: GasInfo(g.name_en or g.id, g.cas, g.formula) for g in session.scalars(select(GasRow))
    }
    return ExchangeVersion(
        database, dbv.version, db.owner_name, stored_factors(session, database, dbv.version), gases
    )


def export_ilcd(session: Session, database: str, version: str | None, path: Path) -> int:
    """Write the version as an ILCD zip at ``path``; returns the process count."""
    return write_ilcd(exchange_version(session, database, version), path)


def export_tidas(session: Session, database: str, version: str | None, path: Path) -> int:
    """Write the version as a zip of TIDAS JSON datasets; returns the process count."""
    return write_tidas(exchange_version(session, database, version), path)


def export_version(
    session: Session, database: str, version: str | None, fmt: str, path: Path
) -> int:
    """Write the version in ``fmt`` (one of :data:`EXPORT_FORMATS`) at ``path``."""
    writers = {"jsonld": export_jsonld, ILCD_FORMAT: export_ilcd, TIDAS_FORMAT: export_tidas}
    if fmt not in writers:
        raise ServiceError(f"format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    return writers[fmt](session, database, version, path)


def import_exchange(session: Session, path: Path, fmt: str, target: Destination) -> ImportSummary:
    """Store an ILCD or TIDAS export (this platform's or a peer's) as a new version of
    ``target``; each factor keeps the source of its source dataset."""
    readers = {ILCD_FORMAT: read_ilcd_factors, TIDAS_FORMAT: read_tidas_factors}
    if fmt not in readers:
        raise ServiceError(f"format: expected one of {', '.join(readers)}, got {fmt!r}")
    factors = readers[fmt](path)
    if target.import_sha256 is None:
        target = replace(
            target, import_file=target.import_file or path.name, import_sha256=file_sha256(path)
        )
    return import_factors(session, factors, target, import_format=fmt)


@dataclass(frozen=True)
class ExportFile:
    """An export ready to download."""

    filename: str
    media_type: str
    content: bytes
    processes: int


def _readable_factor_database(session: Session, actor: Actor | None, name: str) -> DatabaseRow:
    database = session.scalar(select(DatabaseRow).where(DatabaseRow.name == name))
    if database is None or not readable(session, database.id, readers_of(session, actor)):
        raise NotFoundError(f"no database named {name!r} that you may read")
    if database.kind != "factors":
        raise InvalidInputError(
            f"database {name!r} holds LCI activities; only factor databases export here"
        )
    return database


def exportable_versions(session: Session, actor: Actor | None, name: str) -> list[str]:
    """The versions of a factor database the actor may read, newest first."""
    database = _readable_factor_database(session, actor, name)
    rows = session.scalars(
        select(DatabaseVersionRow)
        .where(DatabaseVersionRow.database_id == database.id)
        .order_by(DatabaseVersionRow.created_at.desc(), DatabaseVersionRow.id.desc())
    )
    return [row.version for row in rows]


def export_for(
    session: Session, actor: Actor | None, name: str, version: str, fmt: str
) -> ExportFile:
    """The actor's download of ``name``'s ``version`` in ``fmt`` (jsonld, ilcd, tidas).

    A database the actor may not read answers as if it did not exist.
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    database = _readable_factor_database(session, actor, name)
    label = get_version(session, database, version).version
    suffix, media_type = EXPORT_FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        count = export_version(session, name, label, fmt, path)
        content = path.read_bytes()
    return ExportFile(f"{name}-{label}{suffix}", media_type, content, count)
