"""Why the certification process refuses something: structured reasons, not sentences.

A :class:`Reason` is a message key and its parameters. The web layer translates the key
(zh-CN first, English) through its Babel catalogue; :data:`ENGLISH` gives the English
sentence the services and the command line use in their errors, and a test checks that
every key the domain can produce has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from tanji.domain.factors import DomainError
from tanji.domain.reasons import Reason as BaseReason

__all__ = ["ENGLISH", "CertificationError", "Reason", "require_text"]

#: key → English template (``str.format`` with the reason's parameters).
ENGLISH: Mapping[str, str] = {
    "certification.invalid.text": "{field} must not be empty.",
    "certification.invalid.lifted_before_listed": (
        "A blacklist entry cannot be lifted before it was listed."
    ),
    "certification.invalid.dates": "{field}: the end date comes before the start date.",
    "certification.invalid.number": "{number!r} is not a certificate number (expected {form}).",
    "certification.invalid.value": "The declared value must be a finite number ≥ 0.",
    "certification.body.not_active": "The certification body is {status}, not active.",
    "certification.body.blacklisted": "The certification body is on the blacklist.",
    "certification.body.understaffed": (
        "The certification body has {qualified} qualified full-time certification staff; "
        "the rules ask for at least {minimum}."
    ),
    "certification.body.out_of_scope": (
        "The certification body is not approved for {category} ({certification_type})."
    ),
    "certification.body.not_pilot": "The certification body has no pilot qualification.",
    "certification.state.not_allowed": "{action} is not possible while the case is {state}.",
    "certification.actor.not_allowed": "{action} is for the {role}; you are not.",
    "certification.application.documents_missing": (
        "The application lacks these documents: {missing}."
    ),
    "certification.application.management_system_too_young": (
        "The management system has run {days} days; the rules ask for three months."
    ),
    "certification.application.result_has_errors": (
        "The footprint result has {count} rule error(s); correct the model first."
    ),
    "certification.application.illustrative": (
        "The footprint is illustrative (demo) data and cannot be certified."
    ),
    "certification.application.no_rule": (
        "The footprint was not computed under an accounting rule; certification needs one."
    ),
    "certification.application.not_own_result": (
        "Only the enterprise's own footprint results can be submitted."
    ),
    "certification.plan.no_team": "The plan names no team.",
    "certification.plan.team_not_staff": (
        "Team members must be qualified staff of the body: {users}."
    ),
    "certification.plan.decision_maker_on_team": (
        "The decision-maker must not be on the team that did the work."
    ),
    "certification.plan.decision_maker_not_staff": (
        "The decision-maker must be qualified staff of the body."
    ),
    "certification.impartiality.consulted": (
        "Impartiality: {who} consulted for the enterprise on {on}, within {years} years."
    ),
    "certification.findings.open": (
        "{count} nonconformit(y/ies) still open; the enterprise must answer and the team close "
        "them first."
    ),
    "certification.finding.unknown": "No finding {finding} in this case.",
    "certification.finding.not_open": "Finding {finding} is not open.",
    "certification.finding.not_answered": "Finding {finding} has no answer to close on.",
    "certification.verification.missing": "The footprint has not been recomputed by the team.",
    "certification.verification.mismatch": (
        "The team's recomputation ({recomputed}) differs from the declared value ({declared})."
    ),
    "certification.certificate.not_expired": "The certificate is valid until {expires_on}.",
    "certification.certificate.expired": "The certificate expired on {expires_on}.",
    "certification.reason.required": "Give a reason; it is recorded.",
}


@dataclass(frozen=True)
class Reason(BaseReason):
    """Why: a message key of :data:`ENGLISH` and the values its template names."""

    CATALOGUE: ClassVar[Mapping[str, str]] = ENGLISH

    def error(self) -> CertificationError:
        return CertificationError((self,))


class CertificationError(DomainError):
    """A certification value was built with invalid fields; carries its reasons."""

    def __init__(self, reasons: tuple[Reason, ...]) -> None:
        super().__init__(" ".join(reason.english() for reason in reasons))
        self.reasons = reasons


def require_text(value: str, field_name: str) -> None:
    if not value.strip():
        raise Reason("certification.invalid.text", {"field": field_name}).error()
