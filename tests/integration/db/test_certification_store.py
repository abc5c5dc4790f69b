"""Certification on both stores: a real footprint from application to certificate,
the body registry, a blacklisted body stopped at every step, impartiality, evidence,
certificate numbers and expiry."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise

from tanji.db.models import AuditRow, CertificateRow, CertificationCaseRow, EvidenceRow
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.certification import BodyStatus, CaseState, CreditFindingKind, DocumentKind
from tanji.domain.certification.certificates import expiry_date, parse_certificate_number
from tanji.engine import Engine
from tanji.services import accounts, logins, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.certification import bodies, cases, evidence
from tanji.services.certification._common import CertificationRefusedError
from tanji.services.certification.evidence import Document
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.product_lines import InlineFactor, LineInput
from tanji.services.rules import ensure_shipped_rules

TODAY = date.today()
MANAGEMENT_SINCE = TODAY - timedelta(days=200)


@pytest.fixture(autouse=True)
def _rules_and_cheap_hashes(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    ensure_shipped_rules(session)


@pytest.fixture
def backgrounds(tmp_path: Path) -> BackgroundStore:
    return BackgroundStore(Engine(), tmp_path / "cache", "test")


@dataclass(frozen=True)
class Body:
    org_id: int
    admin: Actor
    team: tuple[Actor, Actor]
    decider: Actor
    outsider: Actor  # a body editor who is not qualified staff


def _operator(session: Session) -> Actor:
    return accounts.ensure_platform_admin(
        session, f"op-{secrets.token_hex(3)}@example.com", "correct-horse-9"
    )


def _member(session: Session, admin: Actor, org_id: int, role: Role = Role.EDITOR) -> Actor:
    user_id = accounts.add_member(
        session, admin, org_id, f"p-{secrets.token_hex(4)}@example.com", role,
        password="correct-horse-9", display_name="认证人员",
    )  # fmt: skip
    return Actor(user_id, org_id, OrgKind.CERTIFICATION_BODY, role)


def make_body(session: Session, operator: Actor, category: str) -> Body:
    org_id = accounts.register_organisation(
        session, operator, OrgKind.CERTIFICATION_BODY, f"认证中心 {secrets.token_hex(3)}",
        admin_email=f"b-{secrets.token_hex(4)}@example.com", admin_password="correct-horse-9",
    )  # fmt: skip
    admin_user = accounts.members(session, operator, org_id)[0]
    admin = Actor(admin_user.user_id, org_id, OrgKind.CERTIFICATION_BODY, Role.ADMIN)
    bodies.register_body(
        session, operator, org_id, approval_number=f"CNCA-R-2099-{secrets.token_hex(3)}",
        scope=[(category, "footprint")], pilot_qualified=True,
    )  # fmt: skip
    people = [_member(session, admin, org_id) for _ in range(3)]
    for index in range(10):
        bodies.add_staff(
            session, admin, org_id, name=f"认证人员{index}", qualification="CCAA 产品碳足迹",
            experience_since=date(2020, 1, 1),
            user_id=people[index].user_id if index < 3 else None,
        )  # fmt: skip
    outsider = _member(session, admin, org_id)
    return Body(org_id, admin, (people[0], people[1]), people[2], outsider)


def footprint(
    session: Session, backgrounds: BackgroundStore, actor: Actor, *, stage: str = "production"
) -> tuple[int, str]:
    """A product and its computed result (the products test's): no rule errors while
    the electricity is in the production stage (the general rule requires one)."""
    product = products.create_product(
        session, actor, template="general", code=f"w-{secrets.token_hex(3)}", name_zh="小部件",
        output="10 piece",
    )  # fmt: skip
    products.edit_line(
        session, actor, product.id, "electricity",
        LineInput(id="electricity", stage=stage, kind="electricity", amount=2,
                  unit="MWh", geography="CN-JS", year=2022, data="primary"),
    )  # fmt: skip
    for line_id in ("main-material", "inbound-road", "natural-gas"):
        products.delete_line(session, actor, product.id, line_id)
    steel = InlineFactor(unit="kg", co2e_kg=2.0, publisher="Test", title="A test value")
    products.add_line(
        session, actor, product.id,
        LineInput(id="steel", stage="raw_materials", kind="inline", amount=5, unit="kg",
                  inline=steel),
    )  # fmt: skip
    saved = product_calculation.calculate_product(session, backgrounds, actor, product.id)
    category = products.get_product(session, actor, product.id).summary.category
    return saved.result_id, category


def documents(kinds: tuple[DocumentKind, ...] = tuple(DocumentKind)) -> list[Document]:
    return [
        Document(kind.value, f"{kind.value}.pdf", "application/pdf", f"%PDF {kind}".encode())
        for kind in kinds
    ]


@dataclass(frozen=True)
class World:
    operator: Actor
    company: Actor
    body: Body
    result_id: int
    category: str


@pytest.fixture
def world(session: Session, backgrounds: BackgroundStore) -> World:
    operator = _operator(session)
    company = enterprise(session)
    result_id, category = footprint(session, backgrounds, company)
    return World(operator, company, make_body(session, operator, category), result_id, category)


def application(session: Session, world: World) -> int:
    return cases.apply_for_certification(
        session, world.company, result_id=world.result_id, body_org_id=world.body.org_id,
        management_system_since=MANAGEMENT_SINCE, documents=documents(),
    )  # fmt: skip


def planned(session: Session, world: World) -> int:
    case_id = application(session, world)
    cases.accept(session, world.body.admin, case_id)
    team = [member.user_id for member in world.body.team]
    cases.plan(
        session, world.body.admin, case_id, team=team, decision_maker=world.body.decider.user_id
    )
    return case_id


def _state(session: Session, case_id: int) -> CaseState:
    row = session.get(CertificationCaseRow, case_id)
    assert row is not None
    session.refresh(row)
    return CaseState(row.state)


def test_from_application_to_certificate_and_on_to_expiry(
    session: Session, backgrounds: BackgroundStore, world: World
) -> None:
    body, company = world.body, world.company
    lead = body.team[0]
    case_id = planned(session, world)
    assert _state(session, case_id) is CaseState.DOCUMENT_REVIEW

    number = cases.raise_finding(
        session, lead, case_id, text="电力数据缺少电费发票", deadline=TODAY + timedelta(days=30)
    )
    with pytest.raises(CertificationRefusedError) as refused:
        cases.complete_document_review(session, lead, case_id)
    assert refused.value.reasons[0].key == "certification.findings.open"
    revised, _ = footprint(session, backgrounds, company)
    cases.answer_finding(session, company, case_id, number, answer="已补充发票", result_id=revised)
    cases.close_finding(session, lead, case_id, number)
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)

    with pytest.raises(PermissionDeniedError):
        cases.verify_footprint(session, backgrounds, body.decider, case_id)  # not on the team
    value = cases.verify_footprint(session, backgrounds, lead, case_id)
    row = session.get(CertificationCaseRow, case_id)
    assert row is not None
    assert value == row.declared_value
    cases.complete_verification(session, lead, case_id)

    with pytest.raises(PermissionDeniedError):
        cases.grant(session, lead, case_id)  # the team does not decide
    number_text = cases.grant(session, body.decider, case_id)
    kind, year, body_org, sequence = parse_certificate_number(number_text)
    assert (kind.value, year, body_org, sequence) == ("footprint", TODAY.year, body.org_id, 1)
    certificate = session.scalar(select(CertificateRow).where(CertificateRow.number == number_text))
    assert certificate is not None
    assert certificate.expires_on == expiry_date(TODAY)
    assert (certificate.expires_on - TODAY).days in (729, 730)
    assert (certificate.status, certificate.declared_value) == ("valid", row.declared_value)
    assert certificate.rule_ref != "-"

    cases.start_surveillance(session, body.admin, case_id)
    cases.complete_surveillance(session, lead, case_id)
    cases.suspend(session, body.admin, case_id, reason="监督发现数据问题")
    session.refresh(certificate)
    assert certificate.status == "suspended"
    cases.reinstate(session, body.admin, case_id)
    assert cases.expire_due(session, on=certificate.expires_on) == []
    assert cases.expire_due(session, on=certificate.expires_on + timedelta(days=1)) == [number_text]
    session.refresh(certificate)
    assert (certificate.status, _state(session, case_id)) == ("expired", CaseState.EXPIRED)

    renewal = cases.apply_for_certification(
        session, company, result_id=world.result_id, body_org_id=body.org_id,
        management_system_since=MANAGEMENT_SINCE, documents=documents(), renews=number_text,
    )  # fmt: skip
    with pytest.raises(InvalidInputError, match="not one of your certificates"):
        cases.apply_for_certification(
            session, company, result_id=world.result_id, body_org_id=body.org_id,
            management_system_since=MANAGEMENT_SINCE, documents=documents(),
            renews="CFP-2020-0001-000001",
        )  # fmt: skip
    renewal_row = session.get(CertificationCaseRow, renewal)
    assert renewal_row is not None
    assert renewal_row.renews_certificate_id == certificate.id

    history = [event["action"] for event in cases.case_events(session, company, case_id)]
    assert history[:3] == ["apply", "accept", "plan"]
    assert history[-1] == "expire"
    audited = set(
        session.scalars(
            select(AuditRow.action).where(
                AuditRow.entity_kind == "certification_case", AuditRow.entity_id == str(case_id)
            )
        )
    )
    assert {"certification.apply", "certification.grant", "certification.expire"} <= audited


def test_an_application_is_refused_with_every_reason(session: Session, world: World) -> None:
    with pytest.raises(CertificationRefusedError) as refused:
        cases.apply_for_certification(
            session, world.company, result_id=world.result_id, body_org_id=world.body.org_id,
            management_system_since=TODAY - timedelta(days=30),
            documents=documents((DocumentKind.BUSINESS_LICENCE,)),
        )  # fmt: skip
    assert [r.key for r in refused.value.reasons] == [
        "certification.application.documents_missing",
        "certification.application.management_system_too_young",
    ]
    stranger = enterprise(session)
    with pytest.raises(NotFoundError):  # another enterprise's result does not exist for it
        cases.apply_for_certification(
            session, stranger, result_id=world.result_id, body_org_id=world.body.org_id,
            management_system_since=MANAGEMENT_SINCE, documents=documents(),
        )  # fmt: skip
    assert session.scalar(select(CertificationCaseRow.id).where(
        CertificationCaseRow.applicant_org_id == world.company.org_id)) is None  # fmt: skip


def test_a_result_with_rule_errors_cannot_be_submitted(
    session: Session, backgrounds: BackgroundStore, world: World
) -> None:
    result_id, _ = footprint(session, backgrounds, world.company, stage="distribution")
    with pytest.raises(CertificationRefusedError) as refused:
        cases.apply_for_certification(
            session, world.company, result_id=result_id, body_org_id=world.body.org_id,
            management_system_since=MANAGEMENT_SINCE, documents=documents(),
        )  # fmt: skip
    keys = [r.key for r in refused.value.reasons]
    assert keys == ["certification.application.result_has_errors"]


STEPS: list[tuple[str, Callable[[Session, World, int], object]]] = [
    ("accept", lambda s, w, c: cases.accept(s, w.body.admin, c)),
    ("not-accept", lambda s, w, c: cases.not_accept(s, w.body.admin, c, reason="超出范围")),
    ("plan", lambda s, w, c: cases.plan(
        s, w.body.admin, c, team=[w.body.team[0].user_id], decision_maker=w.body.decider.user_id)),
    ("raise-finding", lambda s, w, c: cases.raise_finding(
        s, w.body.team[0], c, text="x", deadline=TODAY)),
    ("complete-document-review", lambda s, w, c: cases.complete_document_review(
        s, w.body.team[0], c)),
]  # fmt: skip


@pytest.mark.parametrize("penalty", ["blacklist", "suspend", "revoke"])
def test_a_body_not_in_good_standing_is_stopped_at_every_step(
    session: Session, backgrounds: BackgroundStore, world: World, penalty: str
) -> None:
    fresh, accepted = application(session, world), application(session, world)
    cases.accept(session, world.body.admin, accepted)
    reviewing = planned(session, world)
    file_id = evidence.add_evidence(session, world.company, reviewing, documents()[0])
    if penalty == "blacklist":
        bodies.blacklist_body(
            session, world.operator, world.body.org_id, reason="出具虚假核查报告",
            authority="江苏省市场监督管理局",
        )  # fmt: skip
    else:
        status = BodyStatus.SUSPENDED if penalty == "suspend" else BodyStatus.REVOKED
        bodies.set_body_status(session, world.operator, world.body.org_id, status, reason="检查")
    at = {"accept": fresh, "not-accept": fresh, "plan": accepted}
    for name, step in STEPS:
        with pytest.raises(CertificationRefusedError) as refused:
            step(session, world, at.get(name, reviewing))
        keys = {r.key for r in refused.value.reasons}
        assert keys & {"certification.body.blacklisted", "certification.body.not_active"}, name
    with pytest.raises(CertificationRefusedError):
        application(session, world)  # no new application either
    with pytest.raises(CertificationRefusedError):
        evidence.read_evidence(session, world.body.team[0], file_id)  # nor its frozen files
    with pytest.raises(CertificationRefusedError):
        evidence.add_evidence(session, world.body.team[0], reviewing, documents()[0])
    with pytest.raises(CertificationRefusedError):
        cases.verify_footprint(session, backgrounds, world.body.team[0], reviewing)
    assert _state(session, reviewing) is CaseState.DOCUMENT_REVIEW  # frozen where it was
    cases.cancel(session, world.company, fresh, reason="改投其他机构")  # the applicant may leave
    assert _state(session, fresh) is CaseState.CANCELLED


def test_only_overseers_change_a_body_and_a_lifted_entry_frees_it(
    session: Session, world: World
) -> None:
    for actor in (world.company, world.body.admin):
        with pytest.raises(PermissionDeniedError):
            bodies.blacklist_body(session, actor, world.body.org_id, reason="x", authority="y")
    entry = bodies.blacklist_body(
        session, world.operator, world.body.org_id, reason="虚假报告", authority="国家认监委"
    )
    with pytest.raises(CertificationRefusedError):
        application(session, world)
    bodies.lift_blacklist(session, world.operator, entry, appeal="复议撤销原决定")
    case_id = application(session, world)
    cases.accept(session, world.body.admin, case_id)
    bodies.record_credit_finding(
        session, world.operator, world.body.org_id, CreditFindingKind.COMPLAINT_UPHELD
    )
    profile = bodies.body_profile(session, world.company, world.body.org_id)
    assert (profile.credit_score, profile.qualified_staff, profile.problems) == (90, 10, ())
    actions = list(
        session.scalars(
            select(AuditRow.action)
            .where(AuditRow.entity_kind == "certification_body")
            .where(AuditRow.entity_id == str(world.body.org_id))
            .order_by(AuditRow.id)
        )
    )
    assert actions[0] == "certifier.register"
    assert actions[-3:] == [
        "certifier.blacklist", "certifier.blacklist-lift", "certifier.credit-finding",
    ]  # fmt: skip


def test_an_understaffed_body_accepts_nothing(session: Session, world: World) -> None:
    case_id = application(session, world)
    bodies.add_staff(
        session, world.body.admin, world.body.org_id, name="新人", qualification="CCAA",
        experience_since=TODAY - timedelta(days=200),
    )  # fmt: skip  # a newcomer does not count; the ten still do
    cases.accept(session, world.body.admin, case_id)
    with pytest.raises(InvalidInputError):
        bodies.add_staff(
            session, world.body.admin, world.body.org_id, name=" ", qualification="x",
            experience_since=TODAY,
        )  # fmt: skip


def test_impartiality_bars_the_body_and_its_people(session: Session, world: World) -> None:
    case_id = application(session, world)
    person = world.body.team[0]
    bodies.declare_consultancy(
        session, world.body.admin, world.company.org_id, started_on=TODAY - timedelta(days=400),
        ended_on=TODAY - timedelta(days=100), user_id=person.user_id,
    )  # fmt: skip
    cases.accept(session, world.body.admin, case_id)  # the person, not the body, consulted
    with pytest.raises(CertificationRefusedError) as refused:
        cases.plan(
            session, world.body.admin, case_id, team=[person.user_id],
            decision_maker=world.body.decider.user_id,
        )  # fmt: skip
    assert [r.key for r in refused.value.reasons] == ["certification.impartiality.consulted"]
    bodies.declare_consultancy(
        session, world.body.admin, world.company.org_id, started_on=TODAY - timedelta(days=10)
    )
    with pytest.raises(CertificationRefusedError) as refused:
        cases.accept(session, world.body.admin, application(session, world))
    assert [r.key for r in refused.value.reasons] == ["certification.impartiality.consulted"]


def test_the_plan_keeps_the_decision_maker_off_the_team(session: Session, world: World) -> None:
    case_id = application(session, world)
    cases.accept(session, world.body.admin, case_id)
    decider = world.body.decider.user_id
    for team, reason in (
        ([world.body.team[0].user_id, decider], "certification.plan.decision_maker_on_team"),
        ([world.body.outsider.user_id], "certification.plan.team_not_staff"),
    ):
        with pytest.raises(CertificationRefusedError) as refused:
            cases.plan(session, world.body.admin, case_id, team=team, decision_maker=decider)
        assert [r.key for r in refused.value.reasons] == [reason]


def _to_evaluation(session: Session, backgrounds: BackgroundStore, world: World) -> int:
    case_id = planned(session, world)
    lead = world.body.team[0]
    cases.complete_document_review(session, lead, case_id)
    cases.complete_inspection(session, lead, case_id)
    cases.verify_footprint(session, backgrounds, lead, case_id)
    cases.complete_verification(session, lead, case_id)
    return case_id


def test_certificate_numbers_count_up_per_body_and_year(
    session: Session, backgrounds: BackgroundStore, world: World
) -> None:
    first, second = (_to_evaluation(session, backgrounds, world) for _ in range(2))
    numbers = [cases.grant(session, world.body.decider, case_id) for case_id in (first, second)]
    assert [parse_certificate_number(n)[3] for n in numbers] == [1, 2]
    assert len(set(numbers)) == 2


def test_evidence_keeps_its_hash_every_read_is_audited_and_closes_with_the_case(
    session: Session, world: World
) -> None:
    case_id = application(session, world)
    file_id = evidence.add_evidence(
        session,
        world.company,
        case_id,
        Document("other", "现场照片.jpg", "image/jpeg", b"\xff\xd8"),
    )
    got = evidence.read_evidence(session, world.body.admin, file_id)
    assert got.sha256 == hashlib.sha256(b"\xff\xd8").hexdigest()
    reads = session.scalars(
        select(AuditRow.actor_org_id).where(
            AuditRow.action == "certification.evidence-read", AuditRow.entity_id == str(file_id)
        )
    )
    assert list(reads) == [world.body.org_id]
    with pytest.raises(NotFoundError):
        evidence.read_evidence(session, enterprise(session), file_id)
    cases.not_accept(session, world.body.admin, case_id, reason="不在认证目录内")
    with pytest.raises(NotFoundError):  # the case is closed: the body no longer reads it
        evidence.read_evidence(session, world.body.admin, file_id)
    assert evidence.read_evidence(session, world.company, file_id).content == b"\xff\xd8"
    with pytest.raises(ConflictError):
        evidence.add_evidence(session, world.company, case_id, documents()[0])
    session.execute(update(EvidenceRow).where(EvidenceRow.id == file_id).values(content=b"x"))
    session.expire_all()
    with pytest.raises(ConflictError, match="SHA-256"):
        evidence.read_evidence(session, world.company, file_id)
