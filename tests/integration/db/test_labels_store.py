"""Carbon labels on both stores: issued from a certificate in force only, signed by the
platform and the body, logged with an inclusion proof; the label follows its
certificate at once; every file checks and any one-character change is refused; GTIN
and industrial-internet identifiers resolve; fake reports reach the operator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session
from tests.integration.db.test_certification_store import (  # the certification world
    World,
    _rules_and_cheap_hashes,  # noqa: F401 (an autouse fixture, used by name)
    backgrounds,  # noqa: F401 (a fixture, used by name)
    planned,
    world,  # noqa: F401 (a fixture, used by name)
)

from tanji.domain.labels import LabelStatus
from tanji.services.background import BackgroundStore
from tanji.services.certification import cases
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.labels import files, identifiers, issuance, reports, trust
from tanji.services.labels.issuance import LabelRefusedError
from tanji.services.labels.public import current_label, public_label
from tanji.services.labels.workspace import product_labels
from tanji.services.signing import KeyRing

KEYS = KeyRing.from_secret("label-test-secret")
BASE = "https://tanji.example"


@dataclass(frozen=True)
class Certified:
    world: World
    case_id: int
    number: str
    product_id: int


@pytest.fixture
def certified(session: Session, backgrounds: BackgroundStore, world: World) -> Certified:  # noqa: F811
    case_id = planned(session, world)
    lead = world.body.team[0]
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)
    cases.verify_footprint(session, backgrounds, lead, case_id)
    cases.complete_verification(session, lead, case_id)
    number = cases.grant(session, world.body.decider, case_id)
    from tanji.db.models import CertificationCaseRow

    row = session.get(CertificationCaseRow, case_id)
    assert row is not None
    assert row.product_id is not None
    return Certified(world, case_id, number, row.product_id)


def _one_character_changed(data: bytes, at: bytes) -> bytes:
    position = data.index(at)
    replacement = b"9" if data[position : position + 1] != b"9" else b"8"
    return data[:position] + replacement + data[position + 1 :]


def test_a_label_is_signed_logged_and_follows_its_certificate(
    session: Session, certified: Certified
) -> None:
    w = certified.world
    issued = issuance.issue_label(session, w.company, certified.number, base_url=BASE, keys=KEYS)
    assert issued.verify_url == f"{BASE}/l/{issued.public_id}"
    assert issued.qr_url == issued.verify_url  # no GTIN or identifier: the platform URL
    view = public_label(session, issued.public_id)
    assert view.status is LabelStatus.VALID
    assert [(s.signer, s.ok) for s in view.signatures] == [
        ("platform", True), (f"body:{w.body.org_id}", True)
    ]  # fmt: skip
    assert view.claim["certificate"]["number"] == certified.number
    assert view.claim["footprint"]["value"] > 0
    assert view.ledger is not None
    assert view.ledger.verified
    assert view.ledger.index == issued.ledger_index

    keys = trust.store_keys(session)
    for fmt, marker in (
        ("svg", b"</text>"),
        ("pdf", b"/Subject"),
        ("png", b"IDAT"),
        ("json", b'"claim"'),
    ):
        data, _ = files.label_file(session, issued.public_id, fmt, "small")
        assert files.check_file(f"label.{fmt}", data, keys).ok, fmt
        changed = _one_character_changed(data, marker)
        assert not files.check_file(f"label.{fmt}", changed, keys).ok, fmt
    json_file, _ = files.label_file(session, issued.public_id, "json")
    value = str(view.claim["footprint"]["value"]).encode()
    forged = json_file.replace(value, _one_character_changed(value, value[:1]), 1)
    check = files.check_file("label.json", forged, keys)
    assert not check.ok
    assert "the content was changed" in " ".join(check.problems)

    body = w.body
    cases.start_surveillance(session, body.admin, certified.case_id)
    cases.complete_surveillance(session, body.team[0], certified.case_id)
    cases.suspend(session, body.admin, certified.case_id, reason="监督发现数据问题")
    assert public_label(session, issued.public_id).status is LabelStatus.SUSPENDED
    with pytest.raises(LabelRefusedError) as refused:
        issuance.issue_label(session, w.company, certified.number, base_url=BASE, keys=KEYS)
    assert refused.value.keys == ("labels.certificate.not_valid",)
    cases.reinstate(session, body.admin, certified.case_id)
    assert public_label(session, issued.public_id).status is LabelStatus.VALID
    cases.withdraw(session, body.admin, certified.case_id, reason="出具虚假数据")
    assert public_label(session, issued.public_id).status is LabelStatus.WITHDRAWN
    assert public_label(session, "no-such-label").status is LabelStatus.UNKNOWN


def test_only_the_body_or_the_operator_revokes_a_label(
    session: Session, certified: Certified
) -> None:
    w = certified.world
    issued = issuance.issue_label(session, w.body.admin, certified.number, base_url=BASE, keys=KEYS)
    with pytest.raises(PermissionDeniedError):
        issuance.revoke_label(session, w.company, issued.public_id, reason="x", keys=KEYS)
    issuance.revoke_label(session, w.operator, issued.public_id, reason="印刷错误", keys=KEYS)
    view = public_label(session, issued.public_id)
    assert (view.status, view.revoked_reason) == (LabelStatus.REVOKED, "印刷错误")
    with pytest.raises(ConflictError):
        issuance.revoke_label(session, w.body.admin, issued.public_id, reason="y", keys=KEYS)
    stranger = w.body.outsider  # a body editor, but the body is the certificate's
    other = issuance.issue_label(session, stranger, certified.number, base_url=BASE, keys=KEYS)
    assert other.public_id != issued.public_id


def test_identifiers_resolve_to_the_products_label(session: Session, certified: Certified) -> None:
    w, product_id = certified.world, certified.product_id
    with pytest.raises(InvalidInputError) as wrong:
        identifiers.set_identifiers(
            session, w.company, product_id, gtin="9506000134353", handle=None
        )
    assert "check digit should be 2" in wrong.value.fields["gtin"]  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError):  # another organisation's product
        identifiers.set_identifiers(
            session, w.body.admin, product_id, gtin="9506000134352", handle=None
        )
    identifiers.set_identifiers(
        session, w.company, product_id, gtin="9506000134352", handle="88.100.1/TJ-0001"
    )
    issued = issuance.issue_label(
        session, w.company, certified.number, base_url=BASE, keys=KEYS, batch="B2026"
    )
    assert issued.qr_url == f"{BASE}/01/09506000134352/10/B2026"
    assert identifiers.product_for_gtin(session, "09506000134352") == product_id
    assert identifiers.product_for_gtin(session, "9506000134353") is None
    assert identifiers.product_for_handle(session, "88.100.1/TJ-0001") == product_id
    assert current_label(session, product_id, "B2026") == issued.public_id
    view = product_labels(session, w.company, product_id)
    assert [line.public_id for line in view.labels] == [issued.public_id]
    assert view.identifiers.gtin == "09506000134352"


def test_fake_reports_reach_the_operator_only(session: Session, certified: Certified) -> None:
    w = certified.world
    report_id = reports.report_fake(
        session, "not-a-label", description="包装上的标识扫不出来", where_seen="某电商"
    )
    with pytest.raises(InvalidInputError):
        reports.report_fake(session, "x", description="  ")
    with pytest.raises(PermissionDeniedError):
        reports.fake_reports(session, w.company)
    seen = reports.fake_reports(session, w.operator)
    assert [(r.id, r.known_label) for r in seen][:1] == [(report_id, False)]
    reports.mark_reviewed(session, w.operator, report_id)
    assert reports.fake_reports(session, w.operator, status="new") == [
        r for r in reports.fake_reports(session, w.operator, status="new") if r.id != report_id
    ]
