"""The admission demo (kept apart from :mod:`tanji.services.demo`, which calls it).

Idempotent. On top of the demo accounts it makes: the sectors battery, PV and steel
under the demo provincial department; the provincial background databases of the three
sectors and an association sub-database (battery cathode materials) run by a demo
battery association; two reviewer organisations with published demo passwords; one
dataset of the demo battery maker admitted (after two reviews) as version 1 of the
battery database, and one more waiting for its reviews. Every value is ILLUSTRATIVE —
made up for the demo, never a published factor.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import DatabaseRow
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.admission import BackgroundRecord, Quantity, Recommendation, RecordKind, Review
from tanji.domain.factors import PefQuality
from tanji.services import accounts, logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.admission import databases, decisions, reviews, submissions
from tanji.services.admission.submissions import EvidenceFile

__all__ = ["BATTERY_DATABASE", "REVIEWER_ACCOUNTS", "load_admission_demo"]

BATTERY_DATABASE = "jiangsu-battery-background"
#: The demo reviewers (a demo store is public: so are their passwords).
REVIEWER_ACCOUNTS = (
    ("reviewer1@tanji.example", "tanji-demo-reviewer-1", "江苏省电池行业协会（示范）",
     "Jiangsu Battery Industry Association (demo)", OrgKind.ASSOCIATION),
    ("reviewer2@tanji.example", "tanji-demo-reviewer-2", "示范电池材料研究院（示范）",
     "Demo Battery Materials Institute (demo)", OrgKind.SERVICE_PROVIDER),
)  # fmt: skip
_SECTORS = (
    ("battery", "锂电池", "Lithium batteries", BATTERY_DATABASE),
    ("pv", "光伏", "Photovoltaics", "jiangsu-pv-background"),
    ("steel", "钢铁", "Steel", "jiangsu-steel-background"),
)


def _actor(session: Session, email: str, password: str) -> Actor:
    return logins.authenticate(session, email, password)


def _reviewer(
    session: Session, operator: Actor, account: tuple[str, str, str, str, OrgKind]
) -> Actor:
    email, password, name, name_en, kind = account
    if logins.user_by_email(session, email) is None:
        accounts.register_organisation(
            session, operator, kind, name, name_en=name_en, admin_email=email,
            admin_password=password, admin_display_name=name,
        )  # fmt: skip
    return _actor(session, email, password)


def _record(code: str, co2e: float, electricity: float) -> BackgroundRecord:
    return BackgroundRecord(
        kind=RecordKind.EMISSION_FACTOR, code=code, name_zh="磷酸铁锂正极材料（示例）",
        name_en="LFP cathode active material (example)", unit="kg", geography="CN-JS",
        product="lfp-cathode", year=2024, co2e=co2e, gsd=1.25, dqr=PefQuality(2, 2, 1, 2),
        quantities=(
            Quantity("electricity", electricity, "kWh", ("meter-2024.csv",)),
            Quantity("output", 1.5e6, "kg", ("production-2024.xlsx",)),
        ),
        confidential=frozenset({"quantity:electricity"}),
        notes="ILLUSTRATIVE demo value (示例数据，虚构) — not a published factor.",
        illustrative=True,
    )  # fmt: skip


def _files() -> list[EvidenceFile]:
    return [
        EvidenceFile("meter-2024.csv", "metering_point",
                     b"meter,period,kWh\nM-01,2024,12000000\n", "text/csv"),
        EvidenceFile("calibration-M-01.pdf", "calibration_certificate",
                     b"%PDF-1.4 illustrative calibration certificate", "application/pdf",
                     calibrates="meter-2024.csv"),
        EvidenceFile("production-2024.xlsx", "production_record",
                     b"PK illustrative production ledger", "application/octet-stream"),
    ]  # fmt: skip


def _review(reviewer: Actor) -> Review:
    return Review(reviewer.org_id, 4, 4, 4, PefQuality(2, 2, 2, 2), Recommendation.ADMIT,
                  "示例评议：计量数据可溯源，计量器具检定有效。")  # fmt: skip


def load_admission_demo(session: Session) -> bool:
    """Make the admission demo once; ``False`` when it is there already."""
    if session.scalar(select(DatabaseRow.id).where(DatabaseRow.name == BATTERY_DATABASE)):
        return False
    platform, battery, _, province = DEMO_ACCOUNTS
    operator = _actor(session, platform[0], platform[1])
    department = _actor(session, province[0], province[1])
    maker = _actor(session, battery[0], battery[1])
    first, second = (_reviewer(session, operator, a) for a in REVIEWER_ACCOUNTS)
    ids = {}
    for code, zh, en, name in _SECTORS:
        databases.ensure_sector(session, department, code, zh, en, department.org_id)
        ids[code] = databases.create_background_database(
            session, department, name, code, description=f"江苏省{zh}背景数据库（示范）"
        )
        for reviewer in (first, second):
            databases.register_reviewer(session, department, ids[code], reviewer.org_id)
    association = Actor(first.user_id, first.org_id, OrgKind.ASSOCIATION, Role.ADMIN)
    sub = databases.create_background_database(
        session, association, "association-battery-cathode", "battery", anonymous_reviews=False
    )
    databases.register_reviewer(session, association, sub, second.org_id)
    admitted = submissions.submit(
        session, maker, ids["battery"], _record("LFP-CATHODE-JS", 8.0, 1.2e7), _files()
    )
    for reviewer in (first, second):
        reviews.review(session, reviewer, admitted, _review(reviewer))
    decisions.admit(session, department, admitted)
    submissions.submit(
        session, maker, ids["battery"], _record("LFP-CATHODE-JS", 7.6, 1.1e7), _files()
    )
    return True
