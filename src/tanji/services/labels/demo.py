"""The label demo: the demo enterprise's certified product carries a label.

Runs after the other demo steps (:func:`tanji.services.demo.load_demo`) and is
idempotent. It labels the certification demo's certificate
(:mod:`tanji.services.certification.demo`) when that step ran; otherwise it makes one
through the certification services (the demo body of
:func:`~tanji.services.certification.demo.ensure_demo_body`, with twelve staff; the
enterprise applies for a product computed from shipped factors only, and the case goes
through every step to the grant). The product gets GS1's own example GTIN
(9506000134352, from the GS1 Digital Link standard's examples: it belongs to no real
product), so the label's QR code is a Digital Link.

DEMO DATA: the product's activity amounts are made up; the factors are the shipped
ones, each with its source.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.label_tables import LabelRow
from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
    ProductRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.certification import DocumentKind
from tanji.services import accounts, logins, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.certification import cases
from tanji.services.certification.demo import DECIDER, LEAD, MEMBER, ensure_demo_body
from tanji.services.certification.evidence import Document
from tanji.services.demo import DemoStore
from tanji.services.labels.identifiers import identifiers_of, product_for_gtin, set_identifiers
from tanji.services.labels.issuance import claim_of, issue_label
from tanji.services.product_lines import LineInput
from tanji.services.signing import KeyRing

__all__ = ["DEMO_GTIN", "DEMO_PRODUCT", "load_label_demo"]

DEMO_GTIN = "9506000134352"
DEMO_PRODUCT = "demo-certified-panel"
#: worldsteel's global crude-steel intensity (shipped, with its source).
_STEEL = "WSA-SI2023-CO2-CRUDE-STEEL-2022-GLO"


def _actor(session: Session, index: int) -> Actor:
    email, password, _ = accounts.DEMO_ACCOUNTS[index]
    return logins.authenticate(session, email, password)


def _product(session: Session, backgrounds: BackgroundStore, company: Actor) -> tuple[int, int]:
    """(product id, result id): the demo product, made and computed once."""
    row = session.scalar(
        select(ProductRow).where(
            ProductRow.org_id == company.org_id, ProductRow.code == DEMO_PRODUCT
        )
    )
    if row is None:
        made = products.create_product(
            session, company, template="general", code=DEMO_PRODUCT,
            name_zh="示范光伏接线盒（演示认证）", output="100 piece",
        )  # fmt: skip
        product_id = made.id
        products.edit_line(
            session, company, product_id, "electricity",
            LineInput(id="electricity", stage="production", kind="electricity", amount=1.2,
                      unit="MWh", geography="CN-JS", year=2022, data="primary"),
        )  # fmt: skip
        products.edit_line(
            session, company, product_id, "main-material",
            LineInput(id="main-material", stage="raw_materials", kind="factor", amount=0.08,
                      unit="t", factor=f"materials-sector:{_STEEL}", data="secondary"),
        )  # fmt: skip
        products.delete_line(session, company, product_id, "inbound-road")
        products.delete_line(session, company, product_id, "natural-gas")
    else:
        product_id = row.id
    result = session.scalar(
        select(FootprintResultRow.id)
        .where(FootprintResultRow.product_id == product_id)
        .order_by(FootprintResultRow.id.desc())
    )
    if result is None:
        result = product_calculation.calculate_product(
            session, backgrounds, company, product_id
        ).result_id
    return product_id, result


def _certificate(
    session: Session, backgrounds: BackgroundStore, company: Actor, certifier: Actor,
    product_id: int, result_id: int,
) -> str:  # fmt: skip
    """A certificate in force for the product: the certification demo's, else one made
    through every step of the process."""
    existing = session.scalar(
        select(CertificateRow.number)
        .join(CertificationCaseRow, CertificationCaseRow.id == CertificateRow.case_id)
        .where(CertificationCaseRow.product_id == product_id, CertificateRow.status == "valid")
    )
    if existing is not None:
        return existing
    category = products.get_product(session, company, product_id).summary.category
    _, staff = ensure_demo_body(session, category)
    lead, member, decider = staff[LEAD], staff[MEMBER], staff[DECIDER]
    documents = [
        Document(kind.value, f"{kind.value}.pdf", "application/pdf", f"%PDF demo {kind}".encode())
        for kind in DocumentKind
        if kind is not DocumentKind.OTHER
    ]
    case_id = cases.apply_for_certification(
        session, company, result_id=result_id, body_org_id=certifier.org_id,
        management_system_since=date.today() - timedelta(days=400), documents=documents,
    )  # fmt: skip
    cases.accept(session, certifier, case_id)
    cases.plan(
        session, certifier, case_id, team=[lead.user_id, member.user_id],
        decision_maker=decider.user_id,
    )  # fmt: skip
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)
    return _verified_and_granted(session, backgrounds, lead, decider, case_id)


def _verified_and_granted(
    session: Session, backgrounds: BackgroundStore, lead: Actor, decider: Actor, case_id: int
) -> str:
    cases.verify_footprint(session, backgrounds, lead, case_id)
    cases.complete_verification(session, lead, case_id)
    return cases.grant(session, decider, case_id)


def _certification_demo_certificate(session: Session, company: Actor) -> tuple[str, int] | None:
    """(number, product id) of the certification demo's certificate in force for the demo
    enterprise, if that demo step ran (``tanji serve --demo``)."""
    row = session.execute(
        select(CertificateRow.number, CertificationCaseRow.product_id)
        .join(CertificationCaseRow, CertificationCaseRow.id == CertificateRow.case_id)
        .where(
            CertificateRow.holder_org_id == company.org_id,
            CertificateRow.status == "valid",
            CertificationCaseRow.product_id.is_not(None),
        )
        .order_by(CertificateRow.id)
    ).first()
    return None if row is None or row[1] is None else (str(row[0]), int(row[1]))


def load_label_demo(store: DemoStore, base_url: str, keys: KeyRing) -> str:
    """Make (once) the demo's certified product and its label; returns the address of
    the page of a label in force (a new one when the earlier one's certificate is no
    longer valid)."""
    with store.unit_of_work() as uow:
        session = uow.session
        company, certifier = _actor(session, 1), _actor(session, 2)
        made = session.scalar(
            select(LabelRow)
            .join(CertificateRow, CertificateRow.id == LabelRow.certificate_id)
            .where(
                LabelRow.holder_org_id == company.org_id,
                LabelRow.revoked_at.is_(None),
                CertificateRow.status == "valid",
            )
            .order_by(LabelRow.id)
        )
        if made is not None:  # the demo ran before (whichever product it labelled)
            return str(claim_of(made)["label"]["verify_url"])
        found = _certification_demo_certificate(session, company)
        if found is None:
            product_id, result_id = _product(session, store.backgrounds, company)
        else:
            number, product_id = found
        if found is None:
            number = _certificate(
                session, store.backgrounds, company, certifier, product_id, result_id
            )
        if (
            identifiers_of(session, product_id).gtin is None
            and product_for_gtin(session, DEMO_GTIN) is None  # once per store
        ):
            set_identifiers(session, company, product_id, gtin=DEMO_GTIN, handle=None)
        return issue_label(session, company, number, base_url=base_url, keys=keys).verify_url
