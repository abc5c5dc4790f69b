"""The certification demo: the demo certifier as a registered body with twelve staff
(each with a login), and three cases of the demo battery maker — one granted (its
certificate), one in progress (a nonconformity waiting for the enterprise's answer) and
one application the body did not accept.

:func:`load_certification_demo` is idempotent and returns the granted certificate's id
(the label demo follows it); :func:`certification_demo` returns the three cases.
Everything here is demo data: the organisations are marked ``demo`` and never count in
the province's progress; the documents are placeholders.

The footprints are computed from shipped factors only (no invented factor): the
electricity of the production stage (the Jiangsu grid) and the road freight of the raw
materials (DESNZ 2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateRow,
    CertificationBodyRow,
    CertificationCaseRow,
    OrganisationRow,
    ProductRow,
    UserRow,
)
from tanji.domain.accounts import Actor, Role
from tanji.services import accounts, logins, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.certification import bodies, cases
from tanji.services.certification._common import today
from tanji.services.certification.evidence import Document
from tanji.services.product_lines import LineInput

__all__ = [
    "DEMO_APPROVAL_NUMBER",
    "DEMO_STAFF_PASSWORD",
    "CertificationDemo",
    "certification_demo",
    "certification_logins",
    "ensure_demo_body",
    "load_certification_demo",
    "mark_demo_organisations",
]

#: Not a real CNCA approval number (the real ones are CNCA-R-…; this says DEMO).
DEMO_APPROVAL_NUMBER = "DEMO-CNCA-R-0000-001"
DEMO_STAFF_PASSWORD = "tanji-demo-staff-1"
STAFF = 12
#: The general template's shipped road-freight factor (DESNZ 2025, GHG conversion factors).
ROAD_FREIGHT = "freight-transport:DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW"
#: The staff with logins who play the team, the decision-maker and the rest.
LEAD, MEMBER, DECIDER = 0, 1, 2
_PRODUCTS = (
    (
        "demo-cert-pack",
        "示范储能电池包（认证演示）",
        "Demo battery pack (certification demo)",
    ),
    ("demo-cert-module", "示范电池模组（认证演示）", "Demo battery module (certification demo)"),
    ("demo-cert-cell", "示范电芯（认证演示）", "Demo cell (certification demo)"),
)


@dataclass(frozen=True)
class CertificationDemo:
    certificate_id: int
    in_progress_case_id: int
    refused_case_id: int


def staff_email(index: int) -> str:
    return f"staff{index + 1:02d}@certifier.tanji.example"


def certification_logins() -> list[tuple[str, str, str]]:
    """The body's staff logins shown with the demo's: (email, password, what)."""
    roles = {LEAD: "team lead", MEMBER: "team member", DECIDER: "decision-maker"}
    return [
        (staff_email(i), DEMO_STAFF_PASSWORD,
         f"示范认证中心 certification staff ({roles.get(i, 'staff')})")
        for i in range(STAFF)
    ]  # fmt: skip


def mark_demo_organisations(session: Session) -> None:
    """Every organisation of a demo account is demo data (never counted in progress)."""
    emails = [email for email, _, _ in accounts.DEMO_ACCOUNTS]
    for email in emails:
        actor = _login(session, email)
        if actor is not None:
            session.execute(
                update(OrganisationRow).where(OrganisationRow.id == actor.org_id).values(demo=True)
            )


def _login(session: Session, email: str) -> Actor | None:
    password = next((p for e, p, _ in accounts.DEMO_ACCOUNTS if e == email), DEMO_STAFF_PASSWORD)
    try:
        return logins.authenticate(session, email, password)
    except Exception:
        return None


def ensure_demo_body(session: Session, category: str) -> tuple[int, list[Actor]]:
    """Register the demo certifier (once) with its scope and twelve qualified staff
    with logins; returns its organisation id and the staff's actors."""
    operator = _login(session, accounts.DEMO_ACCOUNTS[0][0])
    admin = _login(session, accounts.DEMO_ACCOUNTS[2][0])
    assert operator is not None, "the demo accounts come first"
    assert admin is not None, "the demo accounts come first"
    if not _registered(session, admin.org_id):
        bodies.register_body(
            session, operator, admin.org_id, approval_number=DEMO_APPROVAL_NUMBER,
            scope=[(category, "footprint"), ("lithium-battery", "footprint"),
                   ("lithium-battery", "low-carbon")],
            pilot_qualified=True,
        )  # fmt: skip
    staff: list[Actor] = []
    for index in range(STAFF):
        email = staff_email(index)
        if session.scalar(select(UserRow.id).where(UserRow.email == email)) is None:
            user_id = accounts.add_member(
                session, admin, admin.org_id, email, Role.EDITOR, password=DEMO_STAFF_PASSWORD,
                display_name=f"示范认证员{index + 1:02d}",
            )  # fmt: skip
            bodies.add_staff(
                session, admin, admin.org_id, name=f"示范认证员{index + 1:02d}",
                qualification="CCAA 产品碳足迹认证人员（示范）",
                experience_since=date(2020, 3, 1), user_id=user_id,
            )  # fmt: skip
        actor = _login(session, email)
        assert actor is not None
        staff.append(actor)
    return admin.org_id, staff


def _registered(session: Session, org_id: int) -> bool:
    found = select(CertificationBodyRow.id).where(CertificationBodyRow.org_id == org_id)
    return session.scalar(found) is not None


def _footprint(
    session: Session, backgrounds: BackgroundStore, maker: Actor, code: str, zh: str, en: str
) -> tuple[int, str]:
    """A product of the battery maker computed from shipped factors only."""
    made = products.create_product(
        session, maker, template="general", code=code, name_zh=zh, name_en=en,
        output="1 piece",
    )  # fmt: skip
    products.edit_line(
        session, maker, made.id, "electricity",
        LineInput(id="electricity", stage="production", kind="electricity", amount=120,
                  unit="kWh", geography="CN-JS", year=2022, data="primary"),
    )  # fmt: skip
    products.edit_line(
        session, maker, made.id, "inbound-road",
        LineInput(id="inbound-road", stage="raw_materials", kind="transport", mode="road",
                  mass_t=0.5, distance_km=200, factor=ROAD_FREIGHT),
    )  # fmt: skip
    for line_id in ("main-material", "natural-gas"):
        products.delete_line(session, maker, made.id, line_id)
    saved = product_calculation.calculate_product(session, backgrounds, maker, made.id)
    return saved.result_id, products.get_product(session, maker, made.id).summary.category


def _documents() -> list[Document]:
    kinds = ("power-of-attorney", "business-licence", "process-flow", "materials-list",
             "management-system")  # fmt: skip
    return [
        Document(kind, f"{kind}.txt", "text/plain",
                 f"示范文件（虚构，仅供演示）: {kind}".encode())
        for kind in kinds
    ]  # fmt: skip


def load_certification_demo(session: Session, backgrounds: BackgroundStore) -> int:
    """The certification demo (once); returns the granted certificate's id (the label
    demo follows it)."""
    return certification_demo(session, backgrounds).certificate_id


def certification_demo(session: Session, backgrounds: BackgroundStore) -> CertificationDemo:
    """The certification demo (once); the granted certificate's id and the other two
    cases."""
    mark_demo_organisations(session)
    maker = _login(session, accounts.DEMO_ACCOUNTS[1][0])
    assert maker is not None
    # The demo's own cases, found through its products' codes: the maker may hold other
    # certificates and cases (made on the platform or by other tests on one store).
    codes = [code for code, _zh, _en in _PRODUCTS]
    demo_cases = list(
        session.execute(
            select(ProductRow.code, CertificationCaseRow.id)
            .join(ProductRow, ProductRow.id == CertificationCaseRow.product_id)
            .where(
                CertificationCaseRow.applicant_org_id == maker.org_id,
                ProductRow.org_id == maker.org_id,
                ProductRow.code.in_(codes),
            )
            .order_by(CertificationCaseRow.id)
        )
    )
    if demo_cases:
        first: dict[str, int] = {}
        for code, case_id in demo_cases:  # each product's first case
            first.setdefault(code, case_id)
        granted_id = session.scalar(
            select(CertificateRow.id).where(CertificateRow.case_id == first[codes[0]])
        )
        assert granted_id is not None
        return CertificationDemo(granted_id, first[codes[1]], first[codes[2]])
    results = [_footprint(session, backgrounds, maker, *p) for p in _PRODUCTS]
    body_org_id, staff = ensure_demo_body(session, results[0][1])
    since = today() - timedelta(days=200)

    def apply(result_id: int) -> int:
        return cases.apply_for_certification(
            session, maker, result_id=result_id, body_org_id=body_org_id,
            management_system_since=since, documents=_documents(),
        )  # fmt: skip

    lead, member, decider = staff[LEAD], staff[MEMBER], staff[DECIDER]
    team = [lead.user_id, member.user_id]
    granted = apply(results[0][0])
    cases.accept(session, lead, granted)
    cases.plan(session, lead, granted, team=team, decision_maker=decider.user_id)
    number = cases.raise_finding(
        session, lead, granted, text="电力数据需附电费发票（示范）",
        deadline=today() + timedelta(days=30),
    )  # fmt: skip
    cases.answer_finding(session, maker, granted, number, answer="已上传 2024 年电费发票（示范）")
    cases.close_finding(session, lead, granted, number)
    cases.complete_document_review(session, lead, granted)
    cases.complete_inspection(session, lead, granted)
    cases.verify_footprint(session, backgrounds, lead, granted)
    cases.complete_verification(session, lead, granted)
    certificate = cases.grant(session, decider, granted)

    in_progress = apply(results[1][0])
    cases.accept(session, lead, in_progress)
    cases.plan(session, lead, in_progress, team=team, decision_maker=decider.user_id)
    cases.raise_finding(
        session, lead, in_progress, text="原辅材料清单缺少正极材料供应商（示范）",
        deadline=today() + timedelta(days=21),
    )  # fmt: skip

    refused = apply(results[2][0])
    cases.not_accept(session, lead, refused, reason="产品不在本次申请的认证范围内（示范）")
    certificate_id = session.scalar(
        select(CertificateRow.id).where(CertificateRow.number == certificate)
    )
    assert certificate_id is not None
    return CertificationDemo(certificate_id, in_progress, refused)
