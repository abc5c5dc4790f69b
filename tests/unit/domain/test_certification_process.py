"""The certification process, walked row by row from its own table: every transition
allowed with its guards met, and refused for the wrong role, a body not in good
standing, and a state it does not start from."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tanji.domain.certification import (
    TRANSITIONS,
    Action,
    Applied,
    BlacklistEntry,
    BodyStatus,
    Case,
    CaseFinding,
    CaseRole,
    CaseState,
    CertificationBody,
    CertificationType,
    ConsultancyDeclaration,
    Context,
    DocumentKind,
    FindingKind,
    FindingStatus,
    Refused,
    ScopeEntry,
    StaffMember,
    Step,
    Transition,
    application_problems,
    apply,
)
from tanji.domain.certification.case import REQUIRED_DOCUMENTS
from tanji.domain.certification.errors import ENGLISH
from tanji.domain.certification.guards import GUARDS
from tanji.domain.certification.process import transition_for

TODAY = date(2026, 12, 7)
BODY_ORG, ENTERPRISE_ORG = 7, 42
STAFF_IDS = tuple(range(101, 111))  # ten qualified people
TEAM, DECIDER = frozenset({101, 102}), 103


def body(**changes: object) -> CertificationBody:
    staff = tuple(
        StaffMember(f"认证人员 {uid}", "CCAA PCF", date(2020, 1, 1), user_id=uid)
        for uid in STAFF_IDS
    )
    made = CertificationBody(
        org_id=BODY_ORG,
        name="示范认证中心",
        approval_number="CNCA-R-2099-001",
        pilot_qualified=True,
        scope=frozenset({ScopeEntry("lithium-battery", CertificationType.FOOTPRINT)}),
        staff=staff,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def context(role: CaseRole, *, user_id: int | None = 1, on: date = TODAY, **changes: object):
    return Context(
        user_id=user_id,
        roles=frozenset({role}),
        body=changes.pop("body", body()),  # type: ignore[arg-type]
        on=on,
        declarations=changes.pop("declarations", ()),  # type: ignore[arg-type]
        qualified_user_ids=frozenset(STAFF_IDS),
    )


def case(state: CaseState, **changes: object) -> Case:
    made = Case(
        id=1,
        applicant_org_id=ENTERPRISE_ORG,
        body_org_id=BODY_ORG,
        category="lithium-battery",
        certification_type=CertificationType.FOOTPRINT,
        result_id=9,
        declared_value=61.25,
        state=state,
        team=TEAM,
        decision_maker=DECIDER,
        certificate_expires_on=TODAY + timedelta(days=365),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def nonconformity(status: FindingStatus = FindingStatus.OPEN) -> CaseFinding:
    return CaseFinding(
        1,
        CaseState.DOCUMENT_REVIEW,
        FindingKind.NONCONFORMITY,
        "电力因子年份不符",
        TODAY + timedelta(days=30),
        status,
    )


def satisfied(row: Transition) -> tuple[Case, Step]:
    """A case in the row's source state and a step that meet every guard of the row."""
    state = row.source
    found = case(state)
    step = Step(row.action, reason="依据记录")
    if row.action is Action.PLAN:
        found = replace(found, team=frozenset(), decision_maker=None)
        step = replace(step, team=TEAM, decision_maker=DECIDER)
    elif row.action is Action.RAISE_FINDING:
        step = replace(step, finding=nonconformity())
    elif row.action is Action.ANSWER_FINDING:
        found = replace(found, findings=(nonconformity(),))
        step = replace(step, finding_id=1, answer="已更正为2023年因子", answer_result_id=10)
    elif row.action is Action.CLOSE_FINDING:
        found = replace(found, findings=(nonconformity(FindingStatus.ANSWERED),))
        step = replace(step, finding_id=1)
    elif row.action is Action.RECORD_RECOMPUTATION:
        step = replace(step, recomputed_value=61.25)
    elif row.action is Action.COMPLETE_VERIFICATION:
        found = replace(found, recomputed_value=61.25)
    elif row.action is Action.EXPIRE:
        found = replace(found, certificate_expires_on=TODAY - timedelta(days=1))
    return found, step


def ident(row: Transition) -> str:
    return f"{row.source}-{row.action}"


def test_the_table_is_a_function_of_state_and_action() -> None:
    keys = [(row.source, row.action) for row in TRANSITIONS]
    assert len(keys) == len(set(keys))
    assert all(name in GUARDS for row in TRANSITIONS for name in row.guards)


def test_every_state_but_the_final_ones_has_a_way_out() -> None:
    sources = {row.source for row in TRANSITIONS}
    final = {CaseState.NOT_ACCEPTED, CaseState.REFUSED, CaseState.WITHDRAWN}
    final |= {CaseState.EXPIRED, CaseState.CANCELLED}
    assert sources == set(CaseState) - final


@pytest.mark.parametrize("row", TRANSITIONS, ids=ident)
def test_each_transition_is_allowed_with_its_guards_met(row: Transition) -> None:
    found, step = satisfied(row)
    outcome = apply(found, step, context(row.role))
    assert isinstance(outcome, Applied), outcome
    assert outcome.case.state is row.target
    assert outcome.event.source is row.source
    assert outcome.event.target is row.target
    assert set(outcome.event.record) == set(row.records) - {"certificate"}


@pytest.mark.parametrize("row", TRANSITIONS, ids=ident)
def test_each_transition_is_refused_to_every_other_role(row: Transition) -> None:
    found, step = satisfied(row)
    for role in set(CaseRole) - {row.role}:
        outcome = apply(found, step, context(role))
        assert isinstance(outcome, Refused)
        assert [r.key for r in outcome.reasons] == ["certification.actor.not_allowed"]


@pytest.mark.parametrize(
    "standing",
    [
        {"status": BodyStatus.SUSPENDED},
        {"status": BodyStatus.REVOKED},
        {"blacklist": (BlacklistEntry("虚假认证", "江苏省市场监管局", TODAY - timedelta(1)),)},
    ],
    ids=["suspended", "revoked", "blacklisted"],
)
@pytest.mark.parametrize("row", TRANSITIONS, ids=ident)
def test_a_body_not_in_good_standing_is_stopped_at_every_step_it_takes(
    row: Transition, standing: dict[str, object]
) -> None:
    found, step = satisfied(row)
    outcome = apply(found, step, context(row.role, body=body(**standing)))
    if row.role in (CaseRole.SYSTEM,) or row.action is Action.CANCEL:
        assert isinstance(outcome, Applied)  # expiry by date and the applicant's cancel
    else:
        assert isinstance(outcome, Refused)
        assert {r.key for r in outcome.reasons} & {
            "certification.body.not_active",
            "certification.body.blacklisted",
        }


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", list(Action))
def test_actions_outside_the_table_are_refused_by_state(state: CaseState, action: Action) -> None:
    if transition_for(state, action) is not None:
        return
    outcome = apply(case(state), Step(action, reason="x"), context(CaseRole.BODY))
    assert isinstance(outcome, Refused)
    assert [r.key for r in outcome.reasons] == ["certification.state.not_allowed"]


def test_a_lifted_blacklist_entry_no_longer_stops_the_body() -> None:
    entry = BlacklistEntry("x", "CNCA", TODAY - timedelta(100), "申诉成立", TODAY - timedelta(1))
    found, step = satisfied(transition_for(CaseState.APPLIED, Action.ACCEPT))  # type: ignore[arg-type]
    assert isinstance(
        apply(found, step, context(CaseRole.BODY, body=body(blacklist=(entry,)))), Applied
    )


def test_an_understaffed_body_cannot_act() -> None:
    nine = body().staff[:9]
    found, step = satisfied(transition_for(CaseState.APPLIED, Action.ACCEPT))  # type: ignore[arg-type]
    outcome = apply(found, step, context(CaseRole.BODY, body=body(staff=nine)))
    assert isinstance(outcome, Refused)
    assert outcome.reasons[0].params == {"qualified": 9, "minimum": 10}


def test_a_pilot_category_needs_the_pilot_qualification() -> None:
    found, step = satisfied(transition_for(CaseState.APPLIED, Action.ACCEPT))  # type: ignore[arg-type]
    outcome = apply(found, step, context(CaseRole.BODY, body=body(pilot_qualified=False)))
    assert isinstance(outcome, Refused)
    assert [r.key for r in outcome.reasons] == ["certification.body.not_pilot"]


def test_the_decision_maker_may_not_be_on_the_team() -> None:
    plan = Step(Action.PLAN, team=TEAM | {DECIDER}, decision_maker=DECIDER)
    outcome = apply(case(CaseState.ACCEPTED), plan, context(CaseRole.BODY))
    assert isinstance(outcome, Refused)
    assert [r.key for r in outcome.reasons] == ["certification.plan.decision_maker_on_team"]


def test_team_members_must_be_qualified_staff_of_the_body() -> None:
    plan = Step(Action.PLAN, team=frozenset({101, 999}), decision_maker=DECIDER)
    outcome = apply(case(CaseState.ACCEPTED), plan, context(CaseRole.BODY))
    assert isinstance(outcome, Refused)
    assert outcome.reasons[0].params == {"users": [999]}


@pytest.mark.parametrize(
    ("ended", "barred"),
    [(TODAY - timedelta(days=300), True), (date(2024, 12, 8), True), (date(2024, 12, 7), False)],
)
def test_a_body_that_consulted_for_the_enterprise_within_two_years_cannot_accept(
    ended: date, barred: bool
) -> None:
    declared = ConsultancyDeclaration(BODY_ORG, ENTERPRISE_ORG, date(2023, 1, 1), ended)
    found, step = satisfied(transition_for(CaseState.APPLIED, Action.ACCEPT))  # type: ignore[arg-type]
    outcome = apply(found, step, context(CaseRole.BODY, declarations=(declared,)))
    assert isinstance(outcome, Refused) is barred


def test_a_person_who_consulted_cannot_join_the_team_nor_decide() -> None:
    declared = ConsultancyDeclaration(99, ENTERPRISE_ORG, date(2026, 1, 1), None, 104)
    for team, decider in ((frozenset({101, 104}), DECIDER), (TEAM, 104)):
        plan = Step(Action.PLAN, team=team, decision_maker=decider)
        outcome = apply(
            case(CaseState.ACCEPTED), plan, context(CaseRole.BODY, declarations=(declared,))
        )
        assert isinstance(outcome, Refused)
        assert [r.key for r in outcome.reasons] == ["certification.impartiality.consulted"]


def test_another_enterprises_consultancy_does_not_bar() -> None:
    declared = ConsultancyDeclaration(BODY_ORG, ENTERPRISE_ORG + 1, date(2026, 1, 1))
    found, step = satisfied(transition_for(CaseState.APPLIED, Action.ACCEPT))  # type: ignore[arg-type]
    assert isinstance(apply(found, step, context(CaseRole.BODY, declarations=(declared,))), Applied)


def test_an_open_nonconformity_blocks_every_stage_until_answered_and_closed() -> None:
    current = case(CaseState.DOCUMENT_REVIEW)
    team = context(CaseRole.TEAM)
    raised = apply(current, Step(Action.RAISE_FINDING, finding=nonconformity()), team)
    assert isinstance(raised, Applied)
    blocked = apply(raised.case, Step(Action.COMPLETE_DOCUMENT_REVIEW), team)
    assert isinstance(blocked, Refused)
    assert blocked.reasons[0].key == "certification.findings.open"
    early = apply(raised.case, Step(Action.CLOSE_FINDING, finding_id=1), team)
    assert isinstance(early, Refused)  # not answered yet
    answered = apply(
        raised.case,
        Step(Action.ANSWER_FINDING, finding_id=1, answer="已更正", answer_result_id=11),
        context(CaseRole.APPLICANT),
    )
    assert isinstance(answered, Applied)
    assert answered.case.findings[0].answer_result_id == 11
    closed = apply(answered.case, Step(Action.CLOSE_FINDING, finding_id=1), team)
    assert isinstance(closed, Applied)
    done = apply(closed.case, Step(Action.COMPLETE_DOCUMENT_REVIEW), team)
    assert isinstance(done, Applied)
    assert done.case.state is CaseState.ON_SITE_INSPECTION


def test_verification_needs_the_same_number_recomputed() -> None:
    team = context(CaseRole.TEAM)
    current = case(CaseState.VERIFICATION)
    assert isinstance(apply(current, Step(Action.COMPLETE_VERIFICATION), team), Refused)
    other = apply(current, Step(Action.RECORD_RECOMPUTATION, recomputed_value=61.3), team)
    assert isinstance(other, Applied)
    outcome = apply(other.case, Step(Action.COMPLETE_VERIFICATION), team)
    assert isinstance(outcome, Refused)
    assert outcome.reasons[0].key == "certification.verification.mismatch"


def test_expiry_waits_for_the_date() -> None:
    current = case(CaseState.CERTIFIED, certificate_expires_on=TODAY)
    assert isinstance(apply(current, Step(Action.EXPIRE), context(CaseRole.SYSTEM)), Refused)
    later = context(CaseRole.SYSTEM, on=TODAY + timedelta(days=1))
    assert isinstance(apply(current, Step(Action.EXPIRE), later), Applied)


def test_an_application_needs_documents_three_months_and_no_rule_errors() -> None:
    problems = application_problems(
        documents=frozenset({DocumentKind.BUSINESS_LICENCE}),
        management_system_since=TODAY - timedelta(days=89),
        rule_errors=2,
        body=body(),
        category="cement",
        certification_type=CertificationType.FOOTPRINT,
        on=TODAY,
    )
    assert [p.key for p in problems] == [
        "certification.body.out_of_scope",
        "certification.application.documents_missing",
        "certification.application.management_system_too_young",
        "certification.application.result_has_errors",
    ]
    assert not application_problems(
        documents=REQUIRED_DOCUMENTS,
        management_system_since=TODAY - timedelta(days=90),
        rule_errors=0,
        body=body(),
        category="lithium-battery",
        certification_type=CertificationType.FOOTPRINT,
        on=TODAY,
    )


def test_every_reason_the_process_gives_has_an_english_text() -> None:
    for row in TRANSITIONS:
        found, step = satisfied(row)
        for role in CaseRole:
            outcome = apply(found, replace(step, reason=""), context(role, body=body(staff=())))
            if isinstance(outcome, Refused):
                for reason in outcome.reasons:
                    assert reason.key in ENGLISH
                    assert reason.english()
