"""Authority verification: the sector's competent department admits or rejects.

Admission stores the record as a factor in a **new version** of the target database
(every earlier version stays as it was; unchanged factors carry over), marks its source
(the submitting organisation, the submission, its evidence by SHA-256) and links the
submission to the version. Rejection keeps the reasons. Both go to the decision log.

Design notes: into a factor database, an LCI activity is admitted as its aggregated
cradle-to-gate factor (kind ``process``), an emission factor and a footprint result as a
``material`` factor; into an LCI database, an LCI activity is admitted as its unit
process (:mod:`.unit_process`: a new version with its exchanges, providers resolved
inside the database). The
admitted record's data-quality ratings are the median (the higher middle value) of the
reviewers' proposals, each rating on its own — the reviewers', not the submitter's.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    AdmissionEvidenceRow,
    AdmissionReviewRow,
    AdmissionSubmissionRow,
    DatabaseRow,
    FactorRecordRow,
    FactorVersionRow,
    MembershipRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.admission import BackgroundRecord, RecordKind, State, next_state, refusals
from tanji.domain.factors import (
    Boundary,
    EmissionFactor,
    FactorKind,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.services.admission._common import (
    admission_database,
    case_of,
    log_decision,
    org_name,
    record_of,
    refused,
    submission_row,
)
from tanji.services.admission.unit_process import admit_unit_process, unresolved
from tanji.services.catalog import Destination, get_version
from tanji.services.errors import NotFoundError
from tanji.services.factors import import_factors, stored_factors
from tanji.services.permissions import require

__all__ = ["Admitted", "admit", "reject"]

_FACTOR_KIND = {
    RecordKind.LCI_ACTIVITY: FactorKind.PROCESS,
    RecordKind.EMISSION_FACTOR: FactorKind.MATERIAL,
    RecordKind.FOOTPRINT_RESULT: FactorKind.MATERIAL,
}


@dataclass(frozen=True)
class Admitted:
    submission_id: int
    database: str
    version: str
    #: ``database:CODE@n`` (a factor) or ``database:key@version`` (an activity)
    factor_ref: str


def _adopted_dqr(session: Session, submission_id: int) -> PefQuality:
    proposals = [
        tuple(int(v) for v in dqr.split(","))
        for dqr in session.scalars(
            select(AdmissionReviewRow.dqr).where(AdmissionReviewRow.submission_id == submission_id)
        )
    ]
    ter, ger, tir, p = (statistics.median_high(column) for column in zip(*proposals, strict=True))
    return PefQuality(ter, ger, tir, p)


def _factor(
    record: BackgroundRecord, submitter: str, submission_id: int, dqr: PefQuality,
    evidence: Sequence[AdmissionEvidenceRow],
) -> EmissionFactor:  # fmt: skip
    trail = "; ".join(f"{e.name} ({e.kind}) sha256:{e.sha256}" for e in evidence)
    return EmissionFactor(
        code=record.code,
        name_zh=record.name_zh,
        name_en=record.name_en,
        kind=_FACTOR_KIND[record.kind],
        unit=record.unit,
        geography=record.geography,
        source=Source(
            publisher=submitter,
            title=f"Shared data admitted after review and verification (#{submission_id})",
            year=record.year,
            document=f"tanji admission submission #{submission_id}",
            url=f"/admission/submissions/{submission_id}",
        ),
        co2e=record.co2e,
        gwp_basis=record.gwp_basis,
        boundary=Boundary.LIFE_CYCLE,
        uncertainty=Uncertainty("lognormal", gsd=record.gsd) if record.gsd else Uncertainty(),
        pef=dqr,
        product_code=None if "product" in record.confidential else record.product,
        illustrative=record.illustrative,
        notes=f"Source organisation: {submitter}. Evidence: {trail}",
    )


def admit(session: Session, actor: Actor, submission_id: int) -> Admitted:
    """The department admits the submission: a new version of the target database."""
    require(actor, "admission.verify")
    row = submission_row(session, submission_id)
    reasons = refusals(case_of(session, row), "admit", actor.org_id)
    if reasons:
        raise refused(reasons)
    adb = admission_database(session, row.admission_db_id)
    database = session.get(DatabaseRow, adb.database_id)
    assert database is not None
    record = record_of(row)
    evidence = list(
        session.scalars(
            select(AdmissionEvidenceRow)
            .where(AdmissionEvidenceRow.submission_id == row.id)
            .order_by(AdmissionEvidenceRow.id)
        )
    )
    if database.kind == "lci":
        return _admit_unit_process(session, actor, row, database, record, evidence)
    factor = _factor(
        record, org_name(session, row.submitter_org_id), row.id, _adopted_dqr(session, row.id),
        evidence,
    )  # fmt: skip
    try:
        current = [f for f in stored_factors(session, database.name) if f.code != factor.code]
    except NotFoundError:  # the database has no version yet
        current = []
    summary = import_factors(
        session,
        [*current, factor],
        Destination(name=database.name, import_file=f"admission submission #{row.id}"),
        import_format="admission",
    )
    version = get_version(session, database, summary.version)
    submitter = org_name(session, row.submitter_org_id)
    version.note = f"Admitted submission #{row.id} ({record.code}) from {submitter}"
    factor_version = session.scalar(
        select(FactorVersionRow)
        .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
        .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
        .where(MembershipRow.database_version_id == version.id, FactorRecordRow.code == factor.code)
    )
    assert factor_version is not None
    row.state = next_state(State(row.state), "admit").value
    row.decided_at = utcnow()
    row.decided_by = actor.user_id
    row.database_version_id = version.id
    row.factor_version_id = factor_version.id
    session.flush()
    ref = f"{database.name}:{factor.code}@{factor_version.version}"
    log_decision(session, actor, "admission.admit", f"admission-submission:{row.id}", {
        "database": database.name, "version": version.version, "factor": ref,
        "source_org_id": row.submitter_org_id,
        "evidence": [{"name": e.name, "sha256": e.sha256} for e in evidence],
        "dqr": [factor.pef.ter, factor.pef.ger, factor.pef.tir, factor.pef.p],
    })  # fmt: skip
    return Admitted(row.id, database.name, version.version, ref)


def _admit_unit_process(
    session: Session, actor: Actor, row: AdmissionSubmissionRow, database: DatabaseRow,
    record: BackgroundRecord, evidence: Sequence[AdmissionEvidenceRow],
) -> Admitted:  # fmt: skip
    """An LCI activity into an LCI database: its unit process in a new version."""
    problems = unresolved(session, database, record)
    if problems:
        raise refused(problems)
    submitter = org_name(session, row.submitter_org_id)
    version = admit_unit_process(session, database, record, row.id, submitter, evidence)
    row.state = next_state(State(row.state), "admit").value
    row.decided_at = utcnow()
    row.decided_by = actor.user_id
    row.database_version_id = version.id
    session.flush()
    ref = f"{database.name}:{record.code}@{version.version}"
    log_decision(session, actor, "admission.admit", f"admission-submission:{row.id}", {
        "database": database.name, "version": version.version, "activity": ref,
        "source_org_id": row.submitter_org_id,
        "evidence": [{"name": e.name, "sha256": e.sha256} for e in evidence],
        "exchanges": [[e.kind, e.target, e.amount] for e in record.exchanges],
    })  # fmt: skip
    return Admitted(row.id, database.name, version.version, ref)


def reject(session: Session, actor: Actor, submission_id: int, reasons: Sequence[str]) -> None:
    """The department rejects the submission; the reasons go back to the submitter."""
    require(actor, "admission.verify")
    row = submission_row(session, submission_id)
    given = [r.strip() for r in reasons if r.strip()]
    problems = refusals(case_of(session, row, given), "reject", actor.org_id)
    if problems:
        raise refused(problems)
    row.state = next_state(State(row.state), "reject").value
    row.decided_at = utcnow()
    row.decided_by = actor.user_id
    row.decision_reasons = json.dumps(given, ensure_ascii=False)
    session.flush()
    log_decision(
        session, actor, "admission.reject", f"admission-submission:{row.id}", {"reasons": given}
    )
