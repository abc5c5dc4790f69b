"""The admission domain with plain constructors: the transition table walked (allowed and
refused), the conflict-of-interest rule, the traceability checklists, inter-comparison
worked by hand, stale pins, confidentiality and every reason's English sentence."""

from __future__ import annotations

import pytest

from tanji.domain.admission import (
    CHECKLISTS,
    ENGLISH,
    TRANSITIONS,
    WITHHELD,
    AdmissionError,
    BackgroundRecord,
    Case,
    Comparable,
    Declaration,
    EvidenceItem,
    EvidenceKind,
    Quantity,
    RecordKind,
    Relation,
    State,
    Transition,
    compare,
    conflicts,
    next_state,
    public_view,
    refusals,
    stale_pins,
    trace,
)
from tanji.domain.factors import PefQuality

SUBMITTER, DEPARTMENT, R1, R2, R3 = 1, 2, 3, 4, 5
SHA = "a" * 64


def record(**changes: object) -> BackgroundRecord:
    fields: dict[str, object] = {
        "kind": RecordKind.EMISSION_FACTOR, "code": "X", "name_zh": "正极", "name_en": "",
        "unit": "kg", "geography": "CN-JS", "product": "lfp", "year": 2024, "co2e": 8.0,
        "dqr": PefQuality(2, 2, 2, 2),
        "quantities": (Quantity("electricity", 10.0, "kWh", ("meter.csv",)),),
    }  # fmt: skip
    fields.update(changes)
    return BackgroundRecord(**fields)  # type: ignore[arg-type]


EVIDENCE = (
    EvidenceItem("meter.csv", EvidenceKind.METERING_POINT, SHA),
    EvidenceItem("cal.pdf", EvidenceKind.CALIBRATION_CERTIFICATE, SHA, calibrates="meter.csv"),
    EvidenceItem("ledger.xlsx", EvidenceKind.PRODUCTION_RECORD, SHA),
)


def case(
    state: State = State.IN_REVIEW, reviewed: tuple[int, ...] = (R1, R2), **kw: object
) -> Case:
    fields: dict[str, object] = {
        "state": state, "submitter_org_id": SUBMITTER, "database": "db",
        "department_org_id": DEPARTMENT, "reviewer_org_ids": frozenset({R1, R2, R3}),
        "reviewed_by": reviewed, "minimum_reviews": 2,
        "checks": trace(record(), EVIDENCE), "rejection_reasons": ("why",),
    }  # fmt: skip
    fields.update(kw)
    return Case(**fields)  # type: ignore[arg-type]


PARTY = {"review": R3, "admit": DEPARTMENT, "reject": DEPARTMENT, "withdraw": SUBMITTER}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.state}-{t.action}")
def test_every_transition_is_allowed_to_its_party_and_refused_to_others(
    transition: Transition,
) -> None:
    action = transition.action
    c = case(reviewed=(R1,) if action == "review" else (R1, R2))
    assert refusals(c, action, PARTY[action]) == []
    assert next_state(transition.state, action) is transition.to
    if action != "review":
        assert [r.key for r in refusals(c, action, R1)] == ["admission.actor.not_allowed"]
    for final in (State.ADMITTED, State.REJECTED, State.WITHDRAWN):
        keys = [r.key for r in refusals(case(final), action, PARTY[action])]
        assert keys == ["admission.state.not_allowed"]


def test_review_refusals() -> None:
    assert [r.key for r in refusals(case(), "review", SUBMITTER)] == ["admission.review.self"]
    assert [r.key for r in refusals(case(), "review", 99)] == ["admission.review.not_registered"]
    assert [r.key for r in refusals(case(), "review", R1)] == ["admission.review.twice"]


def test_conflicts_competitor_either_way_consultant_one_way() -> None:
    competitor = Declaration(SUBMITTER, R3, Relation.COMPETITOR, "declared by submitter")
    assert len(conflicts(R3, SUBMITTER, [competitor])) == 1
    consultant = Declaration(R3, SUBMITTER, Relation.CONSULTANT, "registry")
    assert len(conflicts(R3, SUBMITTER, [consultant])) == 1
    client = Declaration(SUBMITTER, R3, Relation.CONSULTANT, "registry")  # we consult for R3
    assert conflicts(R3, SUBMITTER, [client]) == []
    assert [r.key for r in refusals(case(declarations=(competitor,)), "review", R3)] == [
        "admission.review.conflict"
    ]


def test_too_few_reviews_and_missing_links_block_admission() -> None:
    assert [r.key for r in refusals(case(reviewed=(R1,)), "admit", DEPARTMENT)] == [
        "admission.review.too_few"
    ]
    untraced = trace(record(), EVIDENCE[:1])  # no calibration, no production record
    keys = [r.key for r in refusals(case(checks=untraced), "admit", DEPARTMENT)]
    assert keys == ["admission.trace.no_calibration", "admission.trace.no_kind"]
    assert [r.key for r in refusals(case(rejection_reasons=()), "reject", DEPARTMENT)] == [
        "admission.reject.reasons"
    ]


def test_checklists_per_kind() -> None:
    assert all(c.passed for c in trace(record(), EVIDENCE))
    activity = {c.key: c.passed for c in trace(record(kind=RecordKind.LCI_ACTIVITY), EVIDENCE)}
    assert activity == {"quantities": True, "traced": True, "calibrated": True,
                        "production": True, "metered": True, "invoices": False}  # fmt: skip
    result = trace(record(kind=RecordKind.FOOTPRINT_RESULT, result_id=7), EVIDENCE)
    certified = next(c for c in result if c.key == "certified")
    assert not certified.passed
    assert not certified.blocking
    assert set(CHECKLISTS) == set(RecordKind)


def test_interquartile_fences_and_uncertainties_worked_by_hand() -> None:
    # values 1, 2, 3, 4: Q1 = 1.75, Q3 = 3.25 (inclusive), IQR 1.5, fences −0.5 … 5.5
    peers = [Comparable(f"db:C{v}@1", float(v)) for v in (1, 2, 3, 4)]
    inside, outside = compare(5.5, None, peers), compare(5.6, None, peers)
    assert (inside.q1, inside.q3, inside.low_fence, inside.high_fence) == (1.75, 3.25, -0.5, 5.5)
    assert not inside.outlier
    assert outside.outside_fences
    # gsd 1.1: 95 % interval v/1.21 … v·1.21; 10 vs 13 disagree, 10 vs 12 overlap
    assert compare(10.0, 1.1, [Comparable("a", 13.0, 1.1)]).disagreeing == ("a",)
    assert compare(10.0, 1.1, [Comparable("a", 12.0, 1.1)]).disagreeing == ()
    assert compare(10.0, None, [Comparable("a", 100.0, 1.1)]).disagreeing == ()
    assert not compare(10.0, None, peers[:3]).outside_fences  # too few for fences


def test_stale_pins() -> None:
    pins = [
        {"kind": "factor", "ref": "db:A@1"},
        {"kind": "factor", "ref": "db:B@2"},
        {"kind": "factor", "ref": "other:A@1"},
        {"kind": "activity", "ref": "lci:x@1"},
    ]
    assert stale_pins(pins, "db", {"A": 2, "B": 2}) == ["db:A@1"]
    assert stale_pins(pins, "db", {"B": 2}) == ["db:A@1"]  # A left the database
    assert stale_pins(pins, "lci", None, "2") == ["lci:x@1"]
    assert stale_pins(pins, "lci", None, "1") == []


def test_confidential_fields_are_withheld_and_checked() -> None:
    secret = record(confidential=frozenset({"quantity:electricity", "product"}))
    public = public_view(secret)
    assert public["product"] == WITHHELD
    assert public["quantities"][0]["amount"] == WITHHELD
    assert secret.as_dict()["quantities"][0]["amount"] == 10.0
    assert BackgroundRecord.from_dict(secret.as_dict()) == secret
    with pytest.raises(AdmissionError, match="co2e"):
        record(confidential=frozenset({"co2e"}))
    with pytest.raises(AdmissionError, match="dqr"):
        record(dqr=PefQuality(2, 2, None, 2))


def test_every_reason_has_an_english_sentence() -> None:
    params = {"field": "f", "expected": "", "value": 1, "allowed": "a", "known": "k",
              "name": "n", "sha256": "s", "quantity": "q", "evidence": "e", "action": "a",
              "state": "s", "role": "r", "database": "d", "relation": "r", "source": "s",
              "count": 1, "minimum": 2, "item": "i", "result_id": 1, "target": "t",
              "version": "v", "meter": "m", "kind": "invoice"}  # fmt: skip
    for template in ENGLISH.values():
        assert template.format(**params)
