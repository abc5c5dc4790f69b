"""Peer review: a registered reviewer of another organisation, without a conflict of
interest, reviews a submission once."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from tanji.db.models import AdmissionReviewRow
from tanji.domain.accounts import Actor
from tanji.domain.admission import Review, refusals
from tanji.services.admission._common import case_of, log_decision, refused, submission_row
from tanji.services.permissions import require

__all__ = ["review"]


def review(session: Session, actor: Actor, submission_id: int, given: Review) -> int:
    """Record ``given`` as the review of the actor's organisation; returns its id.

    Refused (every reason at once) for the submitter's own organisation, an organisation
    that is not a registered reviewer of the database, one that already reviewed, and one
    with a declared conflict of interest (competitor or consultant of the submitter).
    """
    require(actor, "admission.review")
    row = submission_row(session, submission_id)
    reasons = refusals(case_of(session, row), "review", actor.org_id)
    if reasons:
        raise refused(reasons)
    dqr = given.dqr
    review_row = AdmissionReviewRow(
        submission_id=row.id,
        reviewer_org_id=actor.org_id,
        reviewer_user_id=actor.user_id,
        completeness=given.completeness,
        representativeness=given.representativeness,
        consistency=given.consistency,
        dqr=f"{dqr.ter},{dqr.ger},{dqr.tir},{dqr.p}",
        recommendation=given.recommendation.value,
        summary=given.summary,
        comments=json.dumps(dict(given.comments), ensure_ascii=False),
    )
    session.add(review_row)
    session.flush()
    log_decision(session, actor, "admission.review", f"admission-submission:{row.id}", {
        "reviewer_org_id": actor.org_id, "recommendation": given.recommendation.value,
        "scores": [given.completeness, given.representativeness, given.consistency],
        "dqr": review_row.dqr,
    })  # fmt: skip
    return review_row.id
