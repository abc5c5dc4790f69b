"""What a certificate changes elsewhere: the province's progress (certified and
self-declared counted apart, a product once, never illustrative or demo data), the
supply-chain footprint published with it (verified only while it is valid), and the
notifications each waiting step leaves (to the right organisation and person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from tests.web.conftest import certified_products, new_enterprise

from tanji.bootstrap import App
from tanji.db.models import (
    CertificateRow,
    SupplierFootprintRow,
)
from tanji.domain.accounts import Actor
from tanji.services import logins
from tanji.services.certification import cases, notifications
from tanji.services.certification._common import today
from tanji.services.certification.demo import (
    DEMO_STAFF_PASSWORD,
    _documents,
    _footprint,
    certification_demo,
    staff_email,
)
from tanji.services.errors import ServiceError
from tanji.services.footprints import publish_result
from tanji.services.progress import footprint_progress


@dataclass(frozen=True)
class Certified:
    company: Actor
    result_id: int
    case_id: int
    number: str
    staff: tuple[Actor, ...]


def _staff(app: App) -> tuple[Actor, ...]:
    with app.unit_of_work() as uow:
        return tuple(
            logins.authenticate(uow.session, staff_email(i), DEMO_STAFF_PASSWORD) for i in range(4)
        )


@pytest.fixture(scope="module")
def certified(tanji_app: App) -> Certified:
    """A (non-demo) enterprise's product certified by the demo body, step by step."""
    app = tanji_app
    with app.unit_of_work() as uow:
        demo = certification_demo(uow.session, app.backgrounds)
        body_org_id = uow.session.get(CertificateRow, demo.certificate_id).body_org_id  # type: ignore[union-attr]
    company = new_enterprise(app, "认证效果企业").actor
    with app.unit_of_work() as uow:
        result_id, _ = _footprint(
            uow.session, app.backgrounds, company, "effects-part", "效果部件", "effects part"
        )
    lead, member, decider, _ = _staff(app)
    with app.unit_of_work() as uow:
        s = uow.session
        case_id = cases.apply_for_certification(
            s, company, result_id=result_id, body_org_id=body_org_id,
            management_system_since=today() - timedelta(days=100), documents=_documents(),
        )  # fmt: skip
    with app.unit_of_work() as uow:
        s = uow.session
        cases.accept(s, lead, case_id)
        cases.plan(s, lead, case_id, team=[lead.user_id, member.user_id],
                   decision_maker=decider.user_id)  # fmt: skip
        cases.complete_document_review(s, lead, case_id)
        cases.complete_inspection(s, lead, case_id)
        cases.verify_footprint(s, app.backgrounds, lead, case_id)
        cases.complete_verification(s, lead, case_id)
    with app.unit_of_work() as uow:
        number = cases.grant(uow.session, decider, case_id)
    return Certified(company, result_id, case_id, number, (lead, member, decider))


def test_progress_counts_certified_and_self_declared_apart(
    tanji_app: App, certified: Certified
) -> None:
    with tanji_app.unit_of_work() as uow:
        progress = footprint_progress(uow.session)
        counted = certified_products(uow.session)
    assert progress.products == progress.certified + progress.self_declared
    # Every product with a valid certificate outside the demo is counted once (however
    # many certified results it has); the demo's never.
    assert progress.certified == len(counted) >= 1
    maker = new_enterprise(tanji_app, "自我声明企业").actor
    with tanji_app.unit_of_work() as uow:
        _footprint(uow.session, tanji_app.backgrounds, maker, "self-part", "自声明部件", "part")
        after = footprint_progress(uow.session)
    assert after.self_declared == progress.self_declared + 1
    assert after.certified == progress.certified


def test_a_published_footprint_is_verified_only_while_its_certificate_is_valid(
    tanji_app: App, certified: Certified
) -> None:
    with tanji_app.unit_of_work() as uow:
        with pytest.raises(ServiceError, match="not a certificate of result"):
            publish_result(uow.session, certified.result_id + 10_000, certificate=certified.number)
        published = publish_result(
            uow.session, certified.result_id, certificate=certified.number,
            product_id="effects-part-certified",
        )  # fmt: skip
    assert published.verified
    assert certified.number in published.verifier
    lead = certified.staff[0]

    def verified() -> bool:
        with tanji_app.unit_of_work() as uow:
            row = uow.session.scalar(
                select(SupplierFootprintRow).where(
                    SupplierFootprintRow.product_id == "effects-part-certified"
                )
            )
            assert row is not None
            return row.verified

    with tanji_app.unit_of_work() as uow:
        cases.suspend(uow.session, lead, certified.case_id, reason="监督发现（测试）")
    assert not verified()
    with tanji_app.unit_of_work() as uow:
        cases.reinstate(uow.session, lead, certified.case_id)
    assert verified()
    with tanji_app.unit_of_work() as uow:
        self_declared = publish_result(uow.session, certified.result_id, product_id="effects-sd")
    assert not self_declared.verified


def test_each_waiting_step_notifies_who_it_waits_on(tanji_app: App, certified: Certified) -> None:
    _, member, decider = certified.staff
    other_staff = _staff(tanji_app)[3]
    with tanji_app.unit_of_work() as uow:
        s = uow.session
        mine = {n.kind for n in notifications.notices(s, decider) if n.case_id == certified.case_id}
        theirs = {n.kind for n in notifications.notices(s, other_staff)
                  if n.case_id == certified.case_id}  # fmt: skip
        team = {n.kind for n in notifications.notices(s, member) if n.case_id == certified.case_id}
        company = {n.kind for n in notifications.notices(s, certified.company)
                   if n.case_id == certified.case_id}  # fmt: skip
        before = notifications.unread_count(s, certified.company)
        assert before >= 1
        notifications.mark_all_read(s, certified.company)
        assert notifications.unread_count(s, certified.company) == 0
    assert "decision" in mine  # the decision-maker's own notice
    assert "decision" not in theirs  # not another staff member's
    assert {"application", "plan"} <= theirs  # the body's (every person of it)
    assert {"review", "inspection", "verification"} <= team
    assert {"accepted", "granted"} <= company
