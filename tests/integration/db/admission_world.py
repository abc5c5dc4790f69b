"""Builders for the admission tests: a department, an association, a submitter, reviewer
enterprises, a sector database, a record with its evidence."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise

from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.admission import BackgroundRecord, Quantity, RecordKind
from tanji.domain.factors import PefQuality
from tanji.services import accounts
from tanji.services.admission import databases
from tanji.services.admission.submissions import EvidenceFile

PASSWORD = "correct-horse-9"


@dataclass(frozen=True)
class World:
    operator: Actor
    department: Actor
    association: Actor
    submitter: Actor
    reviewers: tuple[Actor, Actor]
    competitor: Actor
    database: str
    admission_db_id: int


def organisation(session: Session, operator: Actor, kind: OrgKind, name: str) -> Actor:
    org_id = accounts.register_organisation(
        session, operator, kind, f"{name} {secrets.token_hex(3)}",
        admin_email=f"x-{secrets.token_hex(4)}@example.com", admin_password=PASSWORD,
    )  # fmt: skip
    admin = accounts.members(session, operator, org_id)[0]
    return Actor(admin.user_id, org_id, kind, Role.ADMIN)


def world(session: Session, *, min_reviews: int = 2) -> World:
    operator = accounts.ensure_platform_admin(
        session, f"op-{secrets.token_hex(3)}@example.com", PASSWORD
    )
    department = organisation(session, operator, OrgKind.DEPARTMENT_PROVINCE, "江苏省工信厅")
    association = organisation(session, operator, OrgKind.ASSOCIATION, "江苏省电池协会")
    sector = f"battery-{secrets.token_hex(3)}"
    databases.ensure_sector(session, department, sector, "锂电池", "Batteries", department.org_id)
    name = f"js-{sector}"
    adb = databases.create_background_database(
        session, department, name, sector, min_reviews=min_reviews
    )
    submitter = enterprise(session)
    reviewers = (enterprise(session), enterprise(session))
    competitor = enterprise(session)
    for r in (*reviewers, competitor):
        databases.register_reviewer(session, department, adb, r.org_id)
    return World(operator, department, association, submitter, reviewers, competitor, name, adb)


def record(
    *, code: str = "LFP-CATHODE", co2e: float = 8.0, gsd: float | None = 1.2,
    product: str = "lfp-cathode", evidence: tuple[str, ...] = ("meter.csv",),
) -> BackgroundRecord:  # fmt: skip
    return BackgroundRecord(
        kind=RecordKind.EMISSION_FACTOR,
        code=code,
        name_zh="磷酸铁锂正极材料",
        name_en="LFP cathode material",
        unit="kg",
        geography="CN-JS",
        product=product,
        year=2024,
        co2e=co2e,
        gsd=gsd,
        dqr=PefQuality(2, 2, 1, 2),
        quantities=(
            Quantity("electricity", 1.2e7, "kWh", evidence),
            Quantity("output", 1.5e6, "kg", ("production.xlsx",)),
        ),
        confidential=frozenset({"quantity:electricity"}),
    )


def files() -> list[EvidenceFile]:
    return [
        EvidenceFile("meter.csv", "metering_point", b"meter,kwh\nM1,12000000\n", "text/csv"),
        EvidenceFile("calibration.pdf", "calibration_certificate", b"%PDF cal",
                     "application/pdf", calibrates="meter.csv"),
        EvidenceFile("production.xlsx", "production_record", b"PK output", "application/xlsx"),
    ]  # fmt: skip
