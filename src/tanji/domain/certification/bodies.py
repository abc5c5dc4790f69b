"""Certification bodies as a registry: approval, scope, staff, status, credit, blacklist.

What the CNCA general implementation rules ask of a body (产品碳足迹标识认证通用实施规则
（试行）, 2025-03-17, as reported — see docs/certification.md for what could be read):
CNCA approval for the product field and the pilot qualification, and at least ten
full-time certification staff with two years or more of product-footprint work in the
field. :func:`standing_problems` checks these and the body's status; a body that is not
in good standing accepts no new application and its open cases freeze (every transition
of the process asks :func:`in_good_standing`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tanji.domain.certification.errors import Reason, require_text

__all__ = [
    "CREDIT_PENALTIES",
    "MIN_FULL_TIME_STAFF",
    "MIN_STAFF_EXPERIENCE_YEARS",
    "PILOT_CATEGORIES",
    "BlacklistEntry",
    "BodyStatus",
    "CertificationBody",
    "CertificationType",
    "CreditFinding",
    "CreditFindingKind",
    "ScopeEntry",
    "StaffMember",
    "credit_score",
    "in_good_standing",
    "qualified_staff",
    "standing_problems",
    "years_between",
]

#: "10名（含）以上 … 专职认证人员" with "两年及以上 … 产品碳足迹专业工作经历".
MIN_FULL_TIME_STAFF = 10
MIN_STAFF_EXPERIENCE_YEARS = 2

#: The first pilot's ten product categories (SAMR, MEE, NDRC, MIIT, January 2025):
#: 锂电池, 光伏, 钢铁, 电解铝, 纺织品, 电子电器, 轮胎, 水泥, 磷铵, 木制品.
PILOT_CATEGORIES: tuple[str, ...] = (
    "lithium-battery",
    "photovoltaic",
    "steel",
    "electrolytic-aluminium",
    "textile",
    "electronics-electrical",
    "tyre",
    "cement",
    "ammonium-phosphate",
    "wood-product",
)


class CertificationType(StrEnum):
    """The product carbon label certifications (产品碳标识认证): footprint, low-carbon,
    carbon-neutral. Only the footprint label has general implementation rules so far."""

    FOOTPRINT = "footprint"
    LOW_CARBON = "low-carbon"
    CARBON_NEUTRAL = "carbon-neutral"


class BodyStatus(StrEnum):
    """The body's approval on the platform: only the operator or the competent
    department changes it."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ScopeEntry:
    """One product category the body is approved for, for one certification type."""

    category: str
    certification_type: CertificationType

    def __post_init__(self) -> None:
        require_text(self.category, "category")


@dataclass(frozen=True)
class StaffMember:
    """A certification person of the body. ``experience_since`` is when their
    product-footprint work in the field began; ``user_id`` links a platform account
    (``None`` for staff without one)."""

    name: str
    qualification: str  # e.g. the certificate of the personnel registration body
    experience_since: date
    full_time: bool = True
    active: bool = True
    user_id: int | None = None

    def __post_init__(self) -> None:
        require_text(self.name, "name")
        require_text(self.qualification, "qualification")

    def experience_years(self, on: date) -> int:
        return years_between(self.experience_since, on)


@dataclass(frozen=True)
class BlacklistEntry:
    """A body on the blacklist (S4): why, by which authority, since when, and its appeal.
    ``lifted_on`` ends the entry (an appeal upheld, or the term over)."""

    reason: str
    authority: str
    listed_on: date
    appeal: str = ""
    lifted_on: date | None = None

    def __post_init__(self) -> None:
        require_text(self.reason, "reason")
        require_text(self.authority, "authority")
        if self.lifted_on is not None and self.lifted_on < self.listed_on:
            raise Reason("certification.invalid.lifted_before_listed").error()

    def in_force(self, on: date) -> bool:
        return self.listed_on <= on and (self.lifted_on is None or on < self.lifted_on)


class CreditFindingKind(StrEnum):
    """What counts against a body's credit."""

    COMPLAINT_UPHELD = "complaint-upheld"
    CERTIFICATE_WITHDRAWN_ON_REVIEW = "certificate-withdrawn-on-review"
    LATE_SURVEILLANCE = "late-surveillance"
    FALSE_REPORT = "false-report"


#: Points a finding takes from 100. A platform choice (no published scoring was found):
#: a false report weighs most, then a certificate withdrawn after review, then an
#: upheld complaint, then late surveillance.
CREDIT_PENALTIES: dict[CreditFindingKind, int] = {
    CreditFindingKind.FALSE_REPORT: 40,
    CreditFindingKind.CERTIFICATE_WITHDRAWN_ON_REVIEW: 20,
    CreditFindingKind.COMPLAINT_UPHELD: 10,
    CreditFindingKind.LATE_SURVEILLANCE: 5,
}
#: Findings older than this many years no longer count.
CREDIT_WINDOW_YEARS = 3


@dataclass(frozen=True)
class CreditFinding:
    kind: CreditFindingKind
    found_on: date
    note: str = ""


def credit_score(findings: tuple[CreditFinding, ...] | list[CreditFinding], on: date) -> int:
    """The body's credit score on ``on``: 100 − Σ penalty(kind) over the findings of the
    last :data:`CREDIT_WINDOW_YEARS` years (found on or before ``on``), never below 0.

    score = max(0, 100 − Σ_{f: on − 3 y < f.found_on ≤ on} CREDIT_PENALTIES[f.kind])
    """
    counted = (
        CREDIT_PENALTIES[f.kind]
        for f in findings
        if f.found_on <= on and years_between(f.found_on, on) < CREDIT_WINDOW_YEARS
    )
    return max(0, 100 - sum(counted))


@dataclass(frozen=True)
class CertificationBody:
    """A certification body as the process needs it (its organisation id is ``org_id``)."""

    org_id: int
    name: str
    approval_number: str  # CNCA approval (批准号), e.g. CNCA-R-2002-001
    status: BodyStatus = BodyStatus.ACTIVE
    pilot_qualified: bool = False
    scope: frozenset[ScopeEntry] = frozenset()
    staff: tuple[StaffMember, ...] = ()
    blacklist: tuple[BlacklistEntry, ...] = ()
    credit: tuple[CreditFinding, ...] = field(default=())

    def __post_init__(self) -> None:
        require_text(self.name, "name")
        require_text(self.approval_number, "approval_number")

    def covers(self, category: str, certification_type: CertificationType) -> bool:
        return ScopeEntry(category, certification_type) in self.scope

    def blacklisted(self, on: date) -> bool:
        return any(entry.in_force(on) for entry in self.blacklist)


def years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (a birthday count; 29 February → 28)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def qualified_staff(body: CertificationBody, on: date) -> tuple[StaffMember, ...]:
    """The staff who count against the minimum: active, full-time, and with at least
    :data:`MIN_STAFF_EXPERIENCE_YEARS` years of experience on ``on``."""
    return tuple(
        person
        for person in body.staff
        if person.active
        and person.full_time
        and person.experience_years(on) >= MIN_STAFF_EXPERIENCE_YEARS
    )


def standing_problems(body: CertificationBody, on: date) -> tuple[Reason, ...]:
    """Why the body may not take or continue cases on ``on``; empty when it may."""
    reasons: list[Reason] = []
    if body.status is not BodyStatus.ACTIVE:
        reasons.append(Reason("certification.body.not_active", {"status": body.status.value}))
    if body.blacklisted(on):
        reasons.append(Reason("certification.body.blacklisted"))
    staff = len(qualified_staff(body, on))
    if staff < MIN_FULL_TIME_STAFF:
        reasons.append(
            Reason(
                "certification.body.understaffed",
                {"qualified": staff, "minimum": MIN_FULL_TIME_STAFF},
            )
        )
    return tuple(reasons)


def in_good_standing(body: CertificationBody, on: date) -> bool:
    return not standing_problems(body, on)
