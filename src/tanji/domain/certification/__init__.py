"""Certification of product footprints: bodies, the process, certificates.

- :mod:`.bodies`: the registry of certification bodies (approval, scope, staff, status,
  credit score, blacklist) and whether a body is in good standing;
- :mod:`.case`: the process's values (states, actions, roles, the case, a step);
- :mod:`.guards`: the named guards the table refers to;
- :mod:`.process`: the process as a table of transitions and :func:`.process.apply`;
- :mod:`.impartiality`: consultancy declarations and the conflicts they make;
- :mod:`.certificates`: certificate numbers, the two-year validity, statuses;
- :mod:`.errors`: refusals as message keys (:class:`.errors.Reason`).

docs/certification.md maps the process to the CNCA general implementation rules.
"""

from tanji.domain.certification.bodies import (
    BlacklistEntry,
    BodyStatus,
    CertificationBody,
    CertificationType,
    CreditFinding,
    CreditFindingKind,
    ScopeEntry,
    StaffMember,
    credit_score,
    in_good_standing,
    qualified_staff,
    standing_problems,
)
from tanji.domain.certification.case import (
    Action,
    Applied,
    Case,
    CaseFinding,
    CaseRole,
    CaseState,
    Context,
    DocumentKind,
    Event,
    FindingKind,
    FindingStatus,
    Refused,
    Step,
    Transition,
)
from tanji.domain.certification.certificates import (
    Certificate,
    CertificateStatus,
    certificate_number,
    expiry_date,
)
from tanji.domain.certification.errors import CertificationError, Reason
from tanji.domain.certification.impartiality import ConsultancyDeclaration, conflicts
from tanji.domain.certification.process import TRANSITIONS, application_problems, apply

__all__ = [
    "TRANSITIONS",
    "Action",
    "Applied",
    "BlacklistEntry",
    "BodyStatus",
    "Case",
    "CaseFinding",
    "CaseRole",
    "CaseState",
    "Certificate",
    "CertificateStatus",
    "CertificationBody",
    "CertificationError",
    "CertificationType",
    "ConsultancyDeclaration",
    "Context",
    "CreditFinding",
    "CreditFindingKind",
    "DocumentKind",
    "Event",
    "FindingKind",
    "FindingStatus",
    "Reason",
    "Refused",
    "ScopeEntry",
    "StaffMember",
    "Step",
    "Transition",
    "application_problems",
    "apply",
    "certificate_number",
    "conflicts",
    "credit_score",
    "expiry_date",
    "in_good_standing",
    "qualified_staff",
    "standing_problems",
]
