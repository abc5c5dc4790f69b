"""Admission on both stores: submit → two reviews → the department admits a new version;
every refusal (self-review, conflict of interest, missing evidence, too few reviews,
missing traceability links, not the department); confidentiality and anonymity;
inter-comparison."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.db.admission_world import files, record, world

from tanji.db.models import AuditRow, ConsultancyDeclarationRow, MembershipRow
from tanji.domain.accounts import Actor
from tanji.domain.admission import WITHHELD, AdmissionError, Recommendation, Review
from tanji.domain.factors import EmissionFactor, FactorKind, PefQuality, Source, Uncertainty
from tanji.services import ledger
from tanji.services.admission import databases, decisions, reviews, submissions
from tanji.services.admission._common import AdmissionRefusedError
from tanji.services.catalog import Destination, get_database, get_version
from tanji.services.errors import PermissionDeniedError
from tanji.services.factors import import_factors, stored_factors


def a_review(actor: Actor, recommendation: Recommendation = Recommendation.ADMIT) -> Review:
    return Review(
        reviewer_org_id=actor.org_id, completeness=4, representativeness=4, consistency=3,
        dqr=PefQuality(2, 2, 2, 3), recommendation=recommendation,
        summary="Metered data, calibrated meter, consistent with the sector.",
        comments={"quantity:electricity": "Matches the meter export."},
    )  # fmt: skip


def keys(error: pytest.ExceptionInfo[AdmissionRefusedError]) -> list[str]:
    return [r.key for r in error.value.reasons]


def test_submit_review_twice_and_admit_as_a_new_version(session: Session) -> None:
    w = world(session)
    first = submissions.submit(session, w.submitter, w.admission_db_id, record(), files())
    for reviewer in w.reviewers:
        reviews.review(session, reviewer, first, a_review(reviewer))
    admitted = decisions.admit(session, w.department, first)
    assert (admitted.version, admitted.factor_ref) == ("1", f"{w.database}:LFP-CATHODE@1")
    factor = stored_factors(session, w.database)[0]
    assert factor.co2e == 8.0
    assert factor.pef == PefQuality(2, 2, 2, 3)
    assert factor.source.publisher.startswith("测试企业")
    assert "sha256:" in (factor.notes or "")
    # a second admission (a changed value) is version 2; version 1 stays as it was
    second = submissions.submit(session, w.submitter, w.admission_db_id, record(co2e=7.5), files())
    for reviewer in w.reviewers:
        reviews.review(session, reviewer, second, a_review(reviewer))
    assert decisions.admit(session, w.department, second).version == "2"
    assert stored_factors(session, w.database, "1")[0].co2e == 8.0
    assert stored_factors(session, w.database, "2")[0].co2e == 7.5
    logged = [e.kind for e in ledger.entries_about(session, f"admission-submission:{first}")]
    assert logged == ["admission.submit", "admission.review", "admission.review", "admission.admit"]
    admitted_entry = ledger.entries_about(session, f"admission-submission:{first}")[-1]
    assert admitted_entry.payload["factor"] == f"{w.database}:LFP-CATHODE@1"
    assert admitted_entry.payload["actor_org_id"] == w.department.org_id
    audited = session.scalars(
        select(AuditRow.action).where(AuditRow.entity_id == f"admission-submission:{first}")
    ).all()
    assert audited == logged


def test_refusals_self_review_conflicts_too_few_reviews_and_not_the_department(
    session: Session,
) -> None:
    w = world(session)
    sid = submissions.submit(session, w.submitter, w.admission_db_id, record(), files())
    with pytest.raises(AdmissionRefusedError) as self_review:
        reviews.review(session, w.submitter, sid, a_review(w.submitter))
    assert keys(self_review) == ["admission.review.self"]
    # a competitor declared by the submitter may not review
    databases.declare(session, w.submitter, w.competitor.org_id, "competitor", ours=True)
    with pytest.raises(AdmissionRefusedError) as competitor:
        reviews.review(session, w.competitor, sid, a_review(w.competitor))
    assert keys(competitor) == ["admission.review.conflict"]
    # a consultant of the submitter (from the certification registry) may not either
    session.add(ConsultancyDeclarationRow(consultant_org_id=w.reviewers[1].org_id,
                                          enterprise_org_id=w.submitter.org_id,
                                          started_on=date(2024, 1, 1)))  # fmt: skip
    session.flush()
    with pytest.raises(AdmissionRefusedError) as consultant:
        reviews.review(session, w.reviewers[1], sid, a_review(w.reviewers[1]))
    assert "certification registry" in str(consultant.value)
    # an unregistered organisation may not review
    with pytest.raises(AdmissionRefusedError) as outsider:
        reviews.review(session, w.association, sid, a_review(w.association))
    assert keys(outsider) == ["admission.review.not_registered"]
    reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    with pytest.raises(AdmissionRefusedError) as twice:
        reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    assert keys(twice) == ["admission.review.twice"]
    with pytest.raises(AdmissionRefusedError) as too_few:
        decisions.admit(session, w.department, sid)
    assert keys(too_few) == ["admission.review.too_few"]
    with pytest.raises(PermissionDeniedError):
        decisions.admit(session, w.operator, sid)  # the platform is not the department
    with pytest.raises(AdmissionRefusedError) as no_reasons:
        decisions.reject(session, w.department, sid, ["  "])
    assert keys(no_reasons) == ["admission.reject.reasons"]
    decisions.reject(session, w.department, sid, ["Two independent reviews are needed."])
    view = submissions.submission(session, w.submitter, sid)
    assert view.summary.state == "rejected"
    assert view.decision_reasons == ("Two independent reviews are needed.",)


def test_missing_evidence_and_missing_traceability_links_are_refused(session: Session) -> None:
    w = world(session, min_reviews=1)
    with pytest.raises(AdmissionError) as none:
        submissions.submit(session, w.submitter, w.admission_db_id, record(), [])
    assert [r.key for r in none.value.reasons] == ["admission.evidence.missing"]
    # the electricity names a meter file that was not handed in; the meter has no certificate
    untraced = record(evidence=("meter-2.csv",))
    sid = submissions.submit(session, w.submitter, w.admission_db_id, untraced, files()[2:])
    reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    with pytest.raises(AdmissionRefusedError) as untraceable:
        decisions.admit(session, w.department, sid)
    assert "admission.trace.not_handed_in" in keys(untraceable)
    assert "meter-2.csv" in str(untraceable.value)


def test_confidential_fields_and_anonymous_reviewers(session: Session) -> None:
    w = world(session)
    sid = submissions.submit(session, w.submitter, w.admission_db_id, record(), files())
    for reviewer in w.reviewers:
        reviews.review(session, reviewer, sid, a_review(reviewer))
    own = submissions.submission(session, w.submitter, sid)
    assert [r.reviewer for r in own.reviews] == ["Reviewer 1", "Reviewer 2"]
    department = submissions.submission(session, w.department, sid)
    assert department.reviews[0].reviewer.startswith("测试企业")
    assert department.record["quantities"][0]["amount"] == 1.2e7
    decisions.admit(session, w.department, sid)
    public = submissions.submission(session, None, sid)
    assert public.record["quantities"][0]["amount"] == WITHHELD
    assert not public.reviews
    assert [e["name"] for e in public.evidence] == [
        "meter.csv",
        "calibration.pdf",
        "production.xlsx",
    ]
    evidence, content = submissions.read_evidence(
        session, w.reviewers[0], sid, department.evidence[0]["id"]
    )
    assert content.startswith(b"meter")
    assert evidence.sha256 == department.evidence[0]["sha256"]


def test_inter_comparison_flags_an_outlier(session: Session) -> None:
    w = world(session)
    product = f"cathode-{w.admission_db_id}"  # no other test's records compare with these
    source = Source("Test association", "Comparable records")
    existing = [
        EmissionFactor(f"C{i}", "正极", "cathode", FactorKind.MATERIAL, "kg", "CN-JS", source,
                       co2e=value, gwp_basis="IPCC-AR6-GWP100", product_code=product,
                       uncertainty=Uncertainty("lognormal", gsd=1.1))
        for i, value in enumerate((7.0, 7.5, 8.0, 8.5))
    ]  # fmt: skip
    import_factors(session, existing, Destination(f"{w.database}-peers"))
    usual = submissions.submit(
        session, w.submitter, w.admission_db_id, record(product=product), files()
    )
    odd = submissions.submit(
        session, w.submitter, w.admission_db_id, record(co2e=30.0, product=product), files()
    )
    usual_view = submissions.submission(session, w.department, usual).comparison
    odd_view = submissions.submission(session, w.department, odd).comparison
    assert usual_view["n"] == 4
    assert not usual_view["outlier"]
    assert odd_view["outside_fences"]
    assert len(odd_view["disagreeing"]) == 4


def test_admission_keeps_earlier_versions_members(session: Session) -> None:
    w = world(session, min_reviews=1)
    for code in ("A", "B"):
        sid = submissions.submit(
            session, w.submitter, w.admission_db_id, record(code=code), files()
        )
        reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
        decisions.admit(session, w.department, sid)
    database = get_database(session, w.database)
    counts = [
        len(session.scalars(select(MembershipRow).where(
            MembershipRow.database_version_id == get_version(session, database, v).id)).all())
        for v in ("1", "2")
    ]  # fmt: skip
    assert counts == [1, 2]


def test_an_admitted_version_exports_as_openlca_jsonld_with_its_sources(
    session: Session, tmp_path: Path
) -> None:
    from tanji.io.olca_jsonld import read_jsonld
    from tanji.services.admission.exchange import export_jsonld

    w = world(session, min_reviews=1)
    sid = submissions.submit(session, w.submitter, w.admission_db_id, record(), files())
    reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    decisions.admit(session, w.department, sid)
    path = tmp_path / "version-1.zip"
    assert export_jsonld(session, w.database, "1", path) == 1
    (process,) = read_jsonld(path).activities
    assert process.name == "LFP cathode material"
    assert f"{w.database}:LFP-CATHODE@1" in (process.comment or "")
    assert "sha256:" in (process.comment or "")  # the evidence trail
    assert process.comment is not None
    assert "测试企业" in process.comment  # the source organisation
    emission = next(e for e in process.exchanges if e.kind.value == "biosphere")
    assert emission.amount == 8.0
