"""Sector background databases and association sub-databases that take submissions.

The province's competent department owns a sector's background database (battery, PV,
steel first; a new sector is a row, :func:`ensure_sector`); an association runs its own
sub-database with its own reviewers and visibility. Each database says how many reviews
a submission needs (default 2) and whether reviewers stay anonymous to the submitter.
Organisations declare their competitors and the organisations they consult for; the
reviews check these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    AdmissionDatabaseRow,
    AdmissionDeclarationRow,
    AdmissionReviewerRow,
    AdmissionSectorRow,
    DatabaseRow,
    OrganisationRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.admission import Relation
from tanji.services.admission._common import org_name
from tanji.services.audit import audit
from tanji.services.catalog import OWNER_KIND, ensure_database
from tanji.services.errors import ConflictError, NotFoundError, invalid_field
from tanji.services.permissions import require

__all__ = [
    "SECTORS",
    "BackgroundDatabase",
    "create_background_database",
    "declare",
    "ensure_sector",
    "list_background_databases",
    "register_reviewer",
]

#: The first sectors of the provincial background database (R3.5): code, names.
SECTORS = (
    ("battery", "锂电池", "Lithium batteries"),
    ("pv", "光伏", "Photovoltaics"),
    ("steel", "钢铁", "Steel"),
)


@dataclass(frozen=True)
class BackgroundDatabase:
    id: int
    name: str
    sector: str
    sector_zh: str
    sector_en: str
    scope: str
    operator: str
    department: str
    department_org_id: int
    min_reviews: int
    anonymous_reviews: bool
    visibility: str
    reviewers: tuple[str, ...]


def ensure_sector(
    session: Session, actor: Actor, code: str, name_zh: str, name_en: str, department_org_id: int
) -> int:
    """The sector ``code`` (created if new) with the department competent for it."""
    require(actor, "admission.manage")
    department = session.get(OrganisationRow, department_org_id)
    if department is None or OrgKind(department.kind) not in (
        OrgKind.DEPARTMENT_PROVINCE,
        OrgKind.DEPARTMENT_CITY,
    ):
        raise invalid_field("department_org_id", "The competent authority must be a department.")
    row = session.scalar(select(AdmissionSectorRow).where(AdmissionSectorRow.code == code))
    if row is None:
        if not code.strip():
            raise invalid_field("code", "A sector needs a code (battery, pv, steel, …).")
        row = AdmissionSectorRow(
            code=code, name_zh=name_zh, name_en=name_en, department_org_id=department_org_id
        )
        session.add(row)
        session.flush()
        audit(session, actor, "admission.sector", "admission_sector", row.id, None,
              {"code": code, "department_org_id": department_org_id})  # fmt: skip
    return row.id


def create_background_database(
    session: Session,
    actor: Actor,
    name: str,
    sector: str,
    *,
    min_reviews: int = 2,
    anonymous_reviews: bool = True,
    visibility: str = "public",
    description: str | None = None,
    kind: str = "factors",
) -> int:
    """A database of ``sector`` run by the actor's organisation, open to submissions:
    the province's sector database when a department creates it, an association's
    sub-database when an association does. ``kind`` ``factors`` (records admitted as
    factors) or ``lci`` (an LCI database, e.g. one imported before: LCI activities
    admitted as unit processes)."""
    if kind not in ("factors", "lci"):
        raise invalid_field("kind", "factors or lci")
    require(actor, "admission.manage")
    sector_row = session.scalar(select(AdmissionSectorRow).where(AdmissionSectorRow.code == sector))
    if sector_row is None:
        raise invalid_field("sector", f"No sector {sector!r}; a department registers it first.")
    if min_reviews < 1:
        raise invalid_field("min_reviews", "At least one review is needed.")
    org = session.get(OrganisationRow, actor.org_id)
    assert org is not None
    org_kind = OrgKind(org.kind)
    database = ensure_database(
        session,
        name,
        kind=kind,
        owner_name=org.name,
        owner_kind=OWNER_KIND[org_kind],
        visibility=visibility,
        description=description,
    )
    if session.scalar(
        select(AdmissionDatabaseRow.id).where(AdmissionDatabaseRow.database_id == database.id)
    ):
        raise ConflictError(f"Database {name!r} already takes submissions.")
    row = AdmissionDatabaseRow(
        database_id=database.id,
        sector_id=sector_row.id,
        operator_org_id=actor.org_id,
        scope="association" if org_kind is OrgKind.ASSOCIATION else "provincial",
        min_reviews=min_reviews,
        anonymous_reviews=anonymous_reviews,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "admission.database", "admission_database", row.id, None,
          {"name": name, "sector": sector, "scope": row.scope, "min_reviews": min_reviews,
           "anonymous_reviews": anonymous_reviews, "kind": kind})  # fmt: skip
    return row.id


def _operated(session: Session, actor: Actor, admission_db_id: int) -> AdmissionDatabaseRow:
    row = session.get(AdmissionDatabaseRow, admission_db_id)
    if row is None or (row.operator_org_id != actor.org_id and not actor.is_platform_admin):
        raise NotFoundError(f"No background database #{admission_db_id} of yours.")
    return row


def register_reviewer(session: Session, actor: Actor, admission_db_id: int, org_id: int) -> None:
    """The database's operator registers an organisation as one of its reviewers."""
    require(actor, "admission.manage")
    row = _operated(session, actor, admission_db_id)
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise invalid_field("org_id", f"No organisation #{org_id}.")
    if OrgKind(org.kind) not in (
        OrgKind.ENTERPRISE,
        OrgKind.ASSOCIATION,
        OrgKind.CERTIFICATION_BODY,
        OrgKind.SERVICE_PROVIDER,
    ):
        raise invalid_field("org_id", f"{org.name} is a {org.kind}; it cannot review.")
    exists = session.scalar(
        select(AdmissionReviewerRow.id).where(
            AdmissionReviewerRow.admission_db_id == row.id, AdmissionReviewerRow.org_id == org_id
        )
    )
    if exists is None:
        session.add(AdmissionReviewerRow(admission_db_id=row.id, org_id=org_id))
        session.flush()
        audit(session, actor, "admission.reviewer", "admission_database", row.id, None,
              {"reviewer_org_id": org_id})  # fmt: skip


def declare(
    session: Session, actor: Actor, other_org_id: int, relation: Relation | str, *, ours: bool
) -> int:
    """The actor's organisation declares a relation with ``other_org_id``: a competitor,
    or a consultancy — ``ours=True``: we consult for them; ``False``: they consult for us."""
    require(actor, "admission.declare")
    try:
        relation = Relation(relation)
    except ValueError:
        raise invalid_field("relation", f"{relation!r}: competitor or consultant.") from None
    if session.get(OrganisationRow, other_org_id) is None or other_org_id == actor.org_id:
        raise invalid_field("other_org_id", f"No other organisation #{other_org_id}.")
    first, second = (actor.org_id, other_org_id) if ours else (other_org_id, actor.org_id)
    row = AdmissionDeclarationRow(
        org_id=first, other_org_id=second, relation=relation.value, declared_by_org_id=actor.org_id
    )
    session.add(row)
    session.flush()
    audit(session, actor, "admission.declare", "admission_declaration", row.id, None,
          {"org_id": first, "other_org_id": second, "relation": relation.value})  # fmt: skip
    return row.id


def list_background_databases(session: Session) -> list[BackgroundDatabase]:
    """Every database that takes submissions (public knowledge: who runs it, the rules)."""
    found = []
    rows = session.execute(
        select(AdmissionDatabaseRow, DatabaseRow, AdmissionSectorRow)
        .join(DatabaseRow, DatabaseRow.id == AdmissionDatabaseRow.database_id)
        .join(AdmissionSectorRow, AdmissionSectorRow.id == AdmissionDatabaseRow.sector_id)
        .order_by(AdmissionSectorRow.code, DatabaseRow.name)
    )
    for adb, database, sector in rows:
        reviewers = session.scalars(
            select(OrganisationRow.name)
            .join(AdmissionReviewerRow, AdmissionReviewerRow.org_id == OrganisationRow.id)
            .where(AdmissionReviewerRow.admission_db_id == adb.id)
            .order_by(OrganisationRow.name)
        )
        found.append(
            BackgroundDatabase(
                id=adb.id,
                name=database.name,
                sector=sector.code,
                sector_zh=sector.name_zh,
                sector_en=sector.name_en,
                scope=adb.scope,
                operator=org_name(session, adb.operator_org_id),
                department=org_name(session, sector.department_org_id),
                department_org_id=sector.department_org_id,
                min_reviews=adb.min_reviews,
                anonymous_reviews=adb.anonymous_reviews,
                visibility=database.visibility,
                reviewers=tuple(reviewers),
            )
        )
    return found
