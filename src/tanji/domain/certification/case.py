"""The values of the certification process: states, actions, roles, the case and its
findings, a step and its context, a transition row, and what applying one returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from tanji.domain.certification.bodies import CertificationBody, CertificationType
from tanji.domain.certification.errors import Reason
from tanji.domain.certification.impartiality import ConsultancyDeclaration

__all__ = [
    "MANAGEMENT_SYSTEM_MIN_DAYS",
    "OPEN_STATES",
    "RECOMPUTATION_TOLERANCE",
    "REQUIRED_DOCUMENTS",
    "Action",
    "Applied",
    "Case",
    "CaseFinding",
    "CaseRole",
    "CaseState",
    "Context",
    "DocumentKind",
    "Event",
    "FindingKind",
    "FindingStatus",
    "Refused",
    "Step",
    "Transition",
]


class CaseState(StrEnum):
    APPLIED = "applied"  # 认证委托: the application is with the body
    NOT_ACCEPTED = "not-accepted"  # 受理: refused, with reasons
    ACCEPTED = "accepted"  # 受理: accepted
    DOCUMENT_REVIEW = "document-review"  # 认证策划 done (plan, team); 文件评审
    ON_SITE_INSPECTION = "on-site-inspection"  # 现场检查
    VERIFICATION = "verification"  # 产品碳足迹核查
    EVALUATION = "evaluation"  # 认证结果的评价与批准
    REFUSED = "refused"  # the decision-maker refused certification
    CERTIFIED = "certified"  # a certificate is in force
    SURVEILLANCE = "surveillance"  # 获证后监督 in progress
    SUSPENDED = "suspended"  # 暂停
    WITHDRAWN = "withdrawn"  # 撤销
    EXPIRED = "expired"  # two years without renewal
    CANCELLED = "cancelled"  # the applicant withdrew the application, or gave up the certificate


#: States in which the case is still open (the team sees the enterprise's data).
OPEN_STATES = frozenset(
    {
        CaseState.APPLIED,
        CaseState.ACCEPTED,
        CaseState.DOCUMENT_REVIEW,
        CaseState.ON_SITE_INSPECTION,
        CaseState.VERIFICATION,
        CaseState.EVALUATION,
        CaseState.SURVEILLANCE,
    }
)


class Action(StrEnum):
    ACCEPT = "accept"
    NOT_ACCEPT = "not-accept"
    PLAN = "plan"
    RAISE_FINDING = "raise-finding"
    ANSWER_FINDING = "answer-finding"
    CLOSE_FINDING = "close-finding"
    COMPLETE_DOCUMENT_REVIEW = "complete-document-review"
    COMPLETE_INSPECTION = "complete-inspection"
    RECORD_RECOMPUTATION = "record-recomputation"
    COMPLETE_VERIFICATION = "complete-verification"
    GRANT = "grant"
    REFUSE = "refuse"
    START_SURVEILLANCE = "start-surveillance"
    COMPLETE_SURVEILLANCE = "complete-surveillance"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    CANCEL = "cancel"


class CaseRole(StrEnum):
    """Who someone is *to this case*; the service works it out from the actor."""

    APPLICANT = "applicant"  # an editor or admin of the applying enterprise
    BODY = "body"  # an editor or admin of the certification body
    TEAM = "team"  # a member of the case's team (认证/检查组)
    DECISION_MAKER = "decision-maker"  # the person who evaluates and decides
    SYSTEM = "system"  # the platform's scheduler (expiry)


class DocumentKind(StrEnum):
    """The application's documents (认证委托资料)."""

    POWER_OF_ATTORNEY = "power-of-attorney"  # 认证委托书
    BUSINESS_LICENCE = "business-licence"  # 营业执照
    PROCESS_FLOW = "process-flow"  # 产品工艺流程图
    MATERIALS_LIST = "materials-list"  # 原辅材料清单
    MANAGEMENT_SYSTEM = "management-system"  # 管理制度 and evidence it runs
    OTHER = "other"


REQUIRED_DOCUMENTS = frozenset(DocumentKind) - {DocumentKind.OTHER}
#: "运行满三个月": the platform counts three months as 90 days.
MANAGEMENT_SYSTEM_MIN_DAYS = 90
#: The team's recomputation must agree with the declared value to this relative tolerance.
RECOMPUTATION_TOLERANCE = 1e-9


class FindingKind(StrEnum):
    OBSERVATION = "observation"  # noted; does not block
    NONCONFORMITY = "nonconformity"  # a corrective action is requested, with a deadline


class FindingStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseFinding:
    """A finding of document review, inspection, verification or surveillance. The
    enterprise's ``answer`` may name a revised result (``answer_result_id``)."""

    id: int
    stage: CaseState
    kind: FindingKind
    text: str
    deadline: date | None = None
    status: FindingStatus = FindingStatus.OPEN
    answer: str = ""
    answer_result_id: int | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise Reason("certification.invalid.text", {"field": "text"}).error()
        if self.kind is FindingKind.NONCONFORMITY and self.deadline is None:
            raise Reason("certification.invalid.text", {"field": "deadline"}).error()

    @property
    def blocking(self) -> bool:
        return self.kind is FindingKind.NONCONFORMITY and self.status is not FindingStatus.CLOSED


@dataclass(frozen=True)
class Case:
    """One certification case: an application by ``applicant_org_id`` to ``body_org_id``
    for the footprint ``result_id`` (pinned: the result row holds its versions)."""

    id: int
    applicant_org_id: int
    body_org_id: int
    category: str
    certification_type: CertificationType
    result_id: int
    declared_value: float
    state: CaseState = CaseState.APPLIED
    management_system_since: date | None = None
    applied_on: date | None = None
    team: frozenset[int] = frozenset()
    decision_maker: int | None = None
    findings: tuple[CaseFinding, ...] = ()
    recomputed_value: float | None = None
    certificate_expires_on: date | None = None

    def finding(self, finding_id: int) -> CaseFinding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    @property
    def open_nonconformities(self) -> int:
        return sum(1 for f in self.findings if f.blocking)


@dataclass(frozen=True)
class Step:
    """An action with what it carries (only the fields the action uses are read)."""

    action: Action
    reason: str = ""
    team: frozenset[int] = frozenset()
    decision_maker: int | None = None
    finding: CaseFinding | None = None
    finding_id: int | None = None
    answer: str = ""
    answer_result_id: int | None = None
    recomputed_value: float | None = None


@dataclass(frozen=True)
class Context:
    """What the guards need besides the case: who acts (their roles to this case), the
    body as it stands, the consultancy declarations, and the day."""

    user_id: int | None
    roles: frozenset[CaseRole]
    body: CertificationBody
    on: date
    declarations: tuple[ConsultancyDeclaration, ...] = ()
    qualified_user_ids: frozenset[int] = frozenset()  # the body's staff who count


@dataclass(frozen=True)
class Transition:
    """One row of the process: ``action`` moves a case from ``source`` to ``target``
    (the same state for steps that record without moving), taken by ``role``, allowed
    when every guard in ``guards`` holds, recording the named fields ``records``."""

    source: CaseState
    action: Action
    target: CaseState
    role: CaseRole
    guards: tuple[str, ...] = ()
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """What a step produced: stored in the case's history and the audit log."""

    action: Action
    source: CaseState
    target: CaseState
    user_id: int | None
    on: date
    record: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Applied:
    case: Case
    event: Event


@dataclass(frozen=True)
class Refused:
    reasons: tuple[Reason, ...]
