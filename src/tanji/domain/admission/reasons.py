"""Why admission refuses something: structured reasons, not sentences.

A :class:`Reason` is a message key and its parameters. The web layer translates the key
(zh-CN first, English) through its Babel catalogue; :data:`ENGLISH` gives the English
sentence the services and the command line use in their errors. A test checks that every
key has an English sentence and a catalogue entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from tanji.domain.factors import DomainError
from tanji.domain.reasons import Reason as BaseReason

__all__ = ["ENGLISH", "AdmissionError", "Reason"]

#: key → English template (``str.format`` with the reason's parameters).
ENGLISH: Mapping[str, str] = {
    "admission.invalid.text": "{field} must not be empty.",
    "admission.invalid.number": "{field} must be a finite number{expected}.",
    "admission.invalid.score": "{field}: expected a score from 1 to 5, got {value}.",
    "admission.invalid.kind": "{field}: {value!r} is not one of {allowed}.",
    "admission.invalid.confidential": (
        "Confidential field {field!r} is not a field of the record (fields: {known})."
    ),
    "admission.invalid.sha256": "Evidence {name!r}: {sha256!r} is not a SHA-256 (64 hex digits).",
    "admission.invalid.quantity_evidence": (
        "Quantity {quantity!r} names evidence {evidence!r}, which was not handed in."
    ),
    "admission.evidence.missing": "A submission needs at least one evidence file.",
    "admission.state.not_allowed": "{action} is not possible while the submission is {state}.",
    "admission.actor.not_allowed": "{action} is for {role}; you are not.",
    "admission.review.self": "The submitter's own organisation cannot review its submission.",
    "admission.review.not_registered": (
        "Your organisation is not a registered reviewer of database {database}."
    ),
    "admission.review.twice": "Your organisation has already reviewed this submission.",
    "admission.review.conflict": (
        "Conflict of interest: your organisation is {relation} of the submitter ({source})."
    ),
    "admission.review.too_few": (
        "{count} review(s) from other organisations; database {database} needs {minimum}."
    ),
    "admission.trace.no_evidence_named": (
        "Traceability: the quantity {quantity} names no evidence."
    ),
    "admission.trace.not_handed_in": (
        "Traceability: the quantity {quantity} names the evidence {evidence}, which was not "
        "handed in."
    ),
    "admission.trace.no_quantities": (
        "Traceability: the record lists no quantity behind its value."
    ),
    "admission.trace.no_calibration": (
        "Traceability: the metering point {meter} has no calibration certificate."
    ),
    "admission.trace.no_kind": "Traceability: no evidence of the kind {kind} was handed in.",
    "admission.trace.no_result": "Traceability: no footprint result is named.",
    "admission.reject.reasons": "A rejection needs at least one reason.",
    "admission.result.not_own": "Footprint result #{result_id} is not your organisation's.",
    "admission.lci.not_activity": (
        "Database {database} holds unit processes: only an LCI activity can be admitted into it."
    ),
    "admission.lci.no_exchanges": (
        "Database {database} holds unit processes: the LCI activity needs its exchanges."
    ),
    "admission.lci.no_provider": (
        "Input {target!r}: database {database} (version {version}) has no activity with this key."
    ),
    "admission.lci.no_flow": (
        "Exchange {target!r}: database {database} (version {version}) has no elementary flow "
        "with this key."
    ),
}


@dataclass(frozen=True)
class Reason(BaseReason):
    """Why: a message key of :data:`ENGLISH` and the values its template names."""

    CATALOGUE: ClassVar[Mapping[str, str]] = ENGLISH

    def error(self) -> AdmissionError:
        return AdmissionError((self,))


class AdmissionError(DomainError):
    """An admission value was built with invalid fields; carries its reasons."""

    def __init__(self, reasons: tuple[Reason, ...]) -> None:
        super().__init__(" ".join(reason.english() for reason in reasons))
        self.reasons = reasons
