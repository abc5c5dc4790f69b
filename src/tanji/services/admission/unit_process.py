"""Admitting an LCI activity as a unit process into an LCI background database.

When the target database holds LCI data (kind ``lci``), an admitted LCI activity is not
aggregated into a factor: its unit process — the reference product (one unit of the
record's ``unit``, key = the record's code), its technosphere inputs (providers by key
in the target database) and its biosphere exchanges (elementary flows by key) — is
added to a **new version** of the database, built from the latest version with every
activity, flow, method and product system carried over (an activity of the same key is
replaced). Earlier versions never change. A provider or flow the latest version does not
hold refuses the admission, naming the exchange.

The record's source is marked on the new version (its note: the submitting
organisation, the submission, every evidence file with its SHA-256) and the submission
links to the version; :func:`activity_source` finds it for an activity of any later
version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    ActivityRow,
    AdmissionEvidenceRow,
    AdmissionSubmissionRow,
    DatabaseRow,
    DatabaseVersionRow,
    FlowRow,
)
from tanji.domain.admission import BackgroundRecord, Reason, RecordKind, State
from tanji.domain.lci import Activity, Exchange, ExchangeKind, LciBundle
from tanji.services.catalog import Destination, get_version, latest_version
from tanji.services.errors import NotFoundError
from tanji.services.lci_import import import_bundle, load_bundle

__all__ = ["ActivitySource", "activity_source", "admit_unit_process", "unresolved"]


def _latest(session: Session, database: DatabaseRow) -> DatabaseVersionRow | None:
    try:
        return latest_version(session, database)
    except NotFoundError:
        return None


def unresolved(session: Session, database: DatabaseRow, record: BackgroundRecord) -> list[Reason]:
    """Why ``record`` cannot become a unit process of ``database``'s latest version
    (empty when it can): not an LCI activity, no exchanges, or an exchange whose provider
    activity or elementary flow the version does not hold (each one named)."""
    name = database.name
    if record.kind is not RecordKind.LCI_ACTIVITY:
        return [Reason("admission.lci.not_activity", {"database": name})]
    if not record.exchanges:
        return [Reason("admission.lci.no_exchanges", {"database": name})]
    dbv = _latest(session, database)
    activities: set[str] = {record.code}
    flows: set[str] = set()
    if dbv is not None:
        activities.update(
            session.scalars(
                select(ActivityRow.key).where(ActivityRow.database_version_id == dbv.id)
            )
        )
        flows.update(
            session.scalars(select(FlowRow.key).where(FlowRow.database_version_id == dbv.id))
        )
    version = dbv.version if dbv is not None else "—"
    reasons = []
    for exchange in record.exchanges:
        values = {"target": exchange.target, "database": name, "version": version}
        if exchange.kind == "technosphere" and exchange.target not in activities:
            reasons.append(Reason("admission.lci.no_provider", values))
        elif exchange.kind == "biosphere" and exchange.target not in flows:
            reasons.append(Reason("admission.lci.no_flow", values))
    return reasons


def _activity(record: BackgroundRecord, submitter: str, submission_id: int) -> Activity:
    kinds = {"technosphere": ExchangeKind.TECHNOSPHERE, "biosphere": ExchangeKind.BIOSPHERE}
    return Activity(
        key=record.code,
        name=record.name_en or record.name_zh,
        name_zh=record.name_zh,
        unit=record.unit,
        location=record.geography,
        reference_product=record.product if "product" not in record.confidential else "",
        category=f"admitted/{submitter}",
        comment=f"Admitted submission #{submission_id} from {submitter}",
        exchanges=(
            Exchange(ExchangeKind.PRODUCTION, record.code, 1.0, record.unit),
            *(
                Exchange(kinds[e.kind], e.target, e.amount, e.unit, comment=e.quantity or None)
                for e in record.exchanges
            ),
        ),
    )


def admit_unit_process(
    session: Session,
    database: DatabaseRow,
    record: BackgroundRecord,
    submission_id: int,
    submitter: str,
    evidence: Sequence[AdmissionEvidenceRow],
) -> DatabaseVersionRow:
    """The new version of LCI ``database`` holding ``record``'s unit process (the caller
    has checked :func:`unresolved`); the version's note marks the source and evidence."""
    dbv = _latest(session, database)
    if dbv is not None:
        current = load_bundle(session, database.name, dbv.version)
        kept = tuple(a for a in current.activities if a.key != record.code)
        bundle = replace(current, format="admission", activities=kept)
    else:
        bundle = LciBundle(format="admission", activities=(), flows=())
    bundle = replace(bundle, activities=(*bundle.activities, _activity(
        record, submitter, submission_id
    )))  # fmt: skip
    summary = import_bundle(
        session,
        bundle,
        Destination(name=database.name, import_file=f"admission submission #{submission_id}"),
    )
    version = get_version(session, database, summary.version)
    trail = "; ".join(f"{e.name} ({e.kind}) sha256:{e.sha256}" for e in evidence)
    version.note = (
        f"Admitted submission #{submission_id} ({record.code}, unit process) from {submitter}. "
        f"Evidence: {trail}"
    )
    session.flush()
    return version


@dataclass(frozen=True)
class ActivitySource:
    """Where an admitted activity comes from: the submission and its organisation."""

    submission_id: int
    submitter_org_id: int
    admitted_in: str  # the database version that admitted it
    note: str


def activity_source(
    session: Session, database: str, key: str, version: str | None = None
) -> ActivitySource | None:
    """The admitted submission behind activity ``key`` as ``database``'s ``version``
    (the latest by default) holds it: the last admission of that key at or before the
    version; ``None`` for an activity that came with an import."""
    db = session.scalar(select(DatabaseRow).where(DatabaseRow.name == database))
    if db is None:
        raise NotFoundError(f"No database {database!r}.")
    dbv = get_version(session, db, version)
    found = session.execute(
        select(AdmissionSubmissionRow, DatabaseVersionRow)
        .join(
            DatabaseVersionRow, DatabaseVersionRow.id == AdmissionSubmissionRow.database_version_id
        )
        .where(
            DatabaseVersionRow.database_id == db.id,
            DatabaseVersionRow.id <= dbv.id,
            AdmissionSubmissionRow.kind == RecordKind.LCI_ACTIVITY.value,
            AdmissionSubmissionRow.code == key,
            AdmissionSubmissionRow.state == State.ADMITTED.value,
        )
        .order_by(DatabaseVersionRow.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    row, admitted = found
    return ActivitySource(row.id, row.submitter_org_id, admitted.version, admitted.note or "")
