"""The public JSON contract of certification (API v1): bodies, cases, steps,
certificates, statistics, notifications."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from tanji.services.certification.actions import StepInput
from tanji.services.certification.certificates import PublicCertificate
from tanji.services.certification.notifications import Notice
from tanji.services.certification.views import BodyChoice, CaseSummary, CaseView, Statistics

__all__ = [
    "BlacklistCreate",
    "BlacklistLift",
    "BodyRead",
    "BodyStatusUpdate",
    "CaseList",
    "CaseRead",
    "CaseSummaryRead",
    "CertificateRead",
    "NoticeList",
    "StatisticsRead",
    "StepCreate",
    "StepDone",
]


class ReasonRead(BaseModel):
    key: str
    params: dict[str, Any]


class BodyRead(BaseModel):
    org_id: int
    name: str
    name_en: str
    approval_number: str = Field(description="CNCA approval number")
    scope: list[str] = Field(description="category:certification-type")
    pilot_qualified: bool
    status: str = Field(description="active, suspended or revoked")
    blacklisted: bool
    credit_score: int = Field(description="100 − Σ penalties of the last three years")
    qualified_staff: int
    problems: list[ReasonRead] = Field(description="Why it may not act today; empty if it may")

    @classmethod
    def of(cls, b: BodyChoice, on: date) -> BodyRead:
        return cls(
            org_id=b.org_id, name=b.name, name_en=b.name_en, approval_number=b.approval_number,
            scope=list(b.scope), pilot_qualified=b.pilot_qualified,
            status=b.profile.body.status.value, blacklisted=b.profile.body.blacklisted(on),
            credit_score=b.profile.credit_score, qualified_staff=b.profile.qualified_staff,
            problems=[ReasonRead(key=r.key, params=dict(r.params)) for r in b.profile.problems],
        )  # fmt: skip


class CaseSummaryRead(BaseModel):
    id: int
    state: str
    applicant: str
    body: str
    body_org_id: int
    product_name: str
    product_id: int | None
    category: str
    certification_type: str
    declared_value: float
    unit: str
    per: str
    applied_on: date
    waiting_on: str = Field(description="body, team, decision-maker, applicant; empty: closed")
    next_deadline: date | None
    frozen: bool = Field(description="The body is not in good standing: the case cannot move")
    certificate: str | None
    certificate_status: str | None

    @classmethod
    def of(cls, s: CaseSummary) -> CaseSummaryRead:
        data = asdict(s)
        data.pop("applicant_en")
        data.pop("product_name_en")
        data.pop("body_en")
        return cls(**data)


class CaseList(BaseModel):
    count: int
    cases: list[CaseSummaryRead]


class FindingRead(BaseModel):
    number: int
    stage: str
    kind: str
    text: str
    deadline: date | None
    status: str
    answer: str
    answer_result_id: int | None
    overdue: bool


class EvidenceRead(BaseModel):
    id: int
    kind: str
    filename: str
    sha256: str
    size: int


class EventRead(BaseModel):
    action: str
    source: str
    target: str
    user_id: int | None
    at: datetime
    record: dict[str, Any]


class PersonRead(BaseModel):
    user_id: int
    name: str


class CaseRead(BaseModel):
    summary: CaseSummaryRead
    roles: list[str] = Field(description="Your roles to this case")
    actions: list[str] = Field(description="The steps the process table opens to your roles")
    findings: list[FindingRead]
    events: list[EventRead]
    evidence: list[EvidenceRead]
    team: list[PersonRead]
    decision_maker: PersonRead | None
    body_problems: list[ReasonRead]
    result_id: int
    result_fingerprint: str
    recomputed_value: float | None
    certificate_expires_on: date | None

    @classmethod
    def of(cls, v: CaseView) -> CaseRead:
        return cls(
            summary=CaseSummaryRead.of(v.summary),
            roles=sorted(v.roles),
            actions=list(v.actions),
            findings=[FindingRead(**asdict(f)) for f in v.findings],
            events=[EventRead(**e) for e in v.events],
            evidence=[
                EvidenceRead(
                    id=e.id, kind=e.kind, filename=e.filename, sha256=e.sha256, size=e.size
                )
                for e in v.evidence
            ],
            team=[PersonRead(user_id=p.user_id, name=p.name) for p in v.team],
            decision_maker=(
                PersonRead(user_id=v.decision_maker.user_id, name=v.decision_maker.name)
                if v.decision_maker
                else None
            ),
            body_problems=[ReasonRead(key=r.key, params=dict(r.params)) for r in v.body_problems],
            result_id=v.result_id,
            result_fingerprint=v.result_fingerprint,
            recomputed_value=v.recomputed_value,
            certificate_expires_on=v.certificate_expires_on,
        )


class StepCreate(BaseModel):
    """What a step carries; each action reads only the fields it needs."""

    reason: str = Field("", max_length=4000, description="not-accept, refuse, suspend, …")
    team: list[int] = Field(default_factory=list, max_length=50, description="plan: user ids")
    decision_maker: int | None = Field(None, description="plan: a user id not on the team")
    text: str = Field("", max_length=4000, description="raise-finding: the finding")
    kind: str = Field("nonconformity", description="raise-finding: nonconformity/observation")
    deadline: date | None = Field(None, description="raise-finding: corrective action due")
    finding: int | None = Field(None, description="answer-/close-finding: its number")
    answer: str = Field("", max_length=4000, description="answer-finding: the answer")
    result_id: int | None = Field(None, description="answer-finding: a revised result")
    standard: str = Field("GB/T 24067-2024", max_length=200, description="grant: the standard")

    def input(self) -> StepInput:
        return StepInput(
            reason=self.reason, team=tuple(self.team), decision_maker=self.decision_maker,
            text=self.text, kind=self.kind, deadline=self.deadline, finding=self.finding,
            answer=self.answer, result_id=self.result_id, standard=self.standard,
        )  # fmt: skip


class StepDone(BaseModel):
    case: CaseRead
    returned: str | float | int | None = Field(
        description="The finding's number, the recomputed value or the certificate number"
    )


class BodyStatusUpdate(BaseModel):
    status: str = Field(description="active, suspended or revoked")
    reason: str = Field(max_length=4000)


class BlacklistCreate(BaseModel):
    reason: str = Field(max_length=4000)
    authority: str = Field(max_length=400, description="Who decided (the competent authority)")
    listed_on: date | None = None


class BlacklistLift(BaseModel):
    appeal: str = Field(max_length=4000, description="The appeal or decision that lifts it")


class CertificateRead(BaseModel):
    number: str
    status: str = Field(description="valid, suspended, withdrawn, expired, cancelled")
    certification_type: str
    category: str
    product_name: str
    holder: str
    body: str
    body_status: str = Field(description="The issuing body's approval status today")
    body_blacklisted: bool
    body_in_good_standing: bool
    declared_unit: str
    declared_value: float
    unit: str
    rule_ref: str
    standard: str
    issued_on: date
    expires_on: date

    @classmethod
    def of(cls, c: PublicCertificate) -> CertificateRead:
        return cls(
            number=c.number, status=c.status, certification_type=c.certification_type,
            category=c.category, product_name=c.product_name, holder=c.holder, body=c.body,
            body_status=c.body_status, body_blacklisted=c.body_blacklisted,
            body_in_good_standing=c.body_in_good_standing, declared_unit=c.declared_unit,
            declared_value=c.declared_value, unit=c.unit, rule_ref=c.rule_ref,
            standard=c.standard, issued_on=c.issued_on, expires_on=c.expires_on,
        )  # fmt: skip


class StatisticsRead(BaseModel):
    cases_by_state: dict[str, int]
    certificates_by_status: dict[str, int]
    by_body: list[dict[str, Any]]
    valid_by_category: dict[str, int]
    bodies: int
    bodies_in_good_standing: int

    @classmethod
    def of(cls, s: Statistics) -> StatisticsRead:
        return cls(
            cases_by_state=s.cases_by_state, certificates_by_status=s.certificates_by_status,
            by_body=[{"body": b, "cases": n, "valid_certificates": v} for b, n, v in s.by_body],
            valid_by_category=s.by_category, bodies=s.bodies,
            bodies_in_good_standing=s.bodies_in_good_standing,
        )  # fmt: skip


class NoticeRead(BaseModel):
    id: int
    kind: str
    params: dict[str, Any]
    case_id: int | None
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, n: Notice) -> NoticeRead:
        return cls(**asdict(n))


class NoticeList(BaseModel):
    unread: int
    notices: list[NoticeRead]
