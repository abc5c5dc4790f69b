"""Peer review: the structured review, and the conflict-of-interest rule.

A reviewer's organisation must be another than the submitter's, be registered as a
reviewer of the target database, review once, and have no conflict of interest: it is
not a declared competitor of the submitter (either party may declare it; the relation is
symmetric) and not a consultant of the submitter (declared by either party, or recorded
as a consultancy in the certification registry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tanji.domain.admission.reasons import Reason
from tanji.domain.factors import PefQuality

__all__ = ["Declaration", "Recommendation", "Relation", "Review", "conflicts"]


class Recommendation(StrEnum):
    ADMIT = "admit"
    REVISE = "revise"
    REJECT = "reject"


class Relation(StrEnum):
    """``competitor``: the two compete (symmetric); ``consultant``: ``org_id`` consults
    for ``other_org_id``."""

    COMPETITOR = "competitor"
    CONSULTANT = "consultant"


@dataclass(frozen=True)
class Declaration:
    org_id: int
    other_org_id: int
    relation: Relation
    #: who recorded it: "declared by <org>", "certification registry"
    source: str = ""


def _score(name: str, value: int) -> None:
    if not 1 <= value <= 5:
        raise Reason("admission.invalid.score", {"field": name, "value": value}).error()


@dataclass(frozen=True)
class Review:
    """One organisation's review: scores 1 (poor) to 5 (excellent) for completeness,
    representativeness and consistency with comparable records, the DQR it proposes,
    comments per field (field name → comment) and its recommendation."""

    reviewer_org_id: int
    completeness: int
    representativeness: int
    consistency: int
    dqr: PefQuality
    recommendation: Recommendation
    summary: str
    comments: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("completeness", "representativeness", "consistency"):
            _score(name, getattr(self, name))
        if None in (self.dqr.ter, self.dqr.ger, self.dqr.tir, self.dqr.p):
            raise Reason("admission.invalid.text", {"field": "dqr (TeR, GeR, TiR, P)"}).error()
        if not self.summary.strip():
            raise Reason("admission.invalid.text", {"field": "summary"}).error()


def conflicts(
    reviewer_org_id: int, submitter_org_id: int, declarations: Sequence[Declaration]
) -> list[Reason]:
    """The conflicts of interest between a reviewer's and the submitter's organisation."""
    found = []
    for d in declarations:
        pair = (d.org_id, d.other_org_id)
        if d.relation is Relation.COMPETITOR and set(pair) == {reviewer_org_id, submitter_org_id}:
            found.append(
                Reason(
                    "admission.review.conflict", {"relation": "a competitor", "source": d.source}
                )
            )
        elif d.relation is Relation.CONSULTANT and pair == (reviewer_org_id, submitter_org_id):
            found.append(
                Reason(
                    "admission.review.conflict", {"relation": "a consultant", "source": d.source}
                )
            )
    return found
