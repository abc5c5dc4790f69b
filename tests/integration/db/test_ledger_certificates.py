# ruff: noqa: F811 (the fixtures are imported by name, then requested by name)
"""Every change of a certificate's status lands in the transparency log (both stores)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.db.test_certification_store import (  # fixtures, by name
    World,
    _rules_and_cheap_hashes,  # noqa: F401
    backgrounds,  # noqa: F401
    planned,
    world,  # noqa: F401
)

from tanji.db.models import CertificateRow
from tanji.services import ledger, signing
from tanji.services.background import BackgroundStore
from tanji.services.certification import cases


def test_issue_suspend_reinstate_withdraw_are_logged(
    session: Session,
    backgrounds: BackgroundStore,
    world: World,
) -> None:
    body = world.body
    lead = body.team[0]
    case_id = planned(session, world)
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)
    cases.verify_footprint(session, backgrounds, lead, case_id)
    cases.complete_verification(session, lead, case_id)
    number = cases.grant(session, body.decider, case_id)
    cases.start_surveillance(session, body.admin, case_id)  # status stays valid: not logged
    cases.complete_surveillance(session, lead, case_id)
    cases.suspend(session, body.admin, case_id, reason="监督发现数据问题")
    cases.reinstate(session, body.admin, case_id)
    cases.withdraw(session, body.admin, case_id, reason="数据造假")

    history = ledger.entries_about(session, f"certificate:{number}")
    assert [e.kind for e in history] == [
        "certificate.issue", "certificate.suspend", "certificate.reinstate",
        "certificate.withdraw",
    ]  # fmt: skip
    assert [e.payload["certificate"]["status"] for e in history] == [
        "valid", "suspended", "valid", "withdrawn",
    ]  # fmt: skip
    assert history[-1].payload["previous_status"] == "valid"
    certificate = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    assert certificate is not None
    assert history[0].payload["certificate"]["declared_value"] == certificate.declared_value
    ledger.signed_tree_head(session, signing.KeyRing.from_secret("s"))
    assert ledger.verify_ledger(session).ok


def test_expiry_is_logged(
    session: Session,
    backgrounds: BackgroundStore,
    world: World,
) -> None:
    lead = world.body.team[0]
    case_id = planned(session, world)
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)
    cases.verify_footprint(session, backgrounds, lead, case_id)
    cases.complete_verification(session, lead, case_id)
    number = cases.grant(session, world.body.decider, case_id)
    certificate = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    assert certificate is not None
    cases.expire_due(session, on=certificate.expires_on + timedelta(days=1))
    kinds = [e.kind for e in ledger.entries_about(session, f"certificate:{number}")]
    assert kinds == ["certificate.issue", "certificate.expire"]
