"""Admission of shared data into the provincial background databases (issue 15).

Records and their evidence (records), the traceability checklist per record kind
(traceability), peer review and the conflict-of-interest rule (review), the process as
a table of transitions (process), inter-comparison (comparison) and change propagation
(propagation). docs/admission.md describes the process.
"""

from tanji.domain.admission.comparison import Comparable, Comparison, compare
from tanji.domain.admission.process import (
    TRANSITIONS,
    Case,
    Party,
    State,
    Transition,
    next_state,
    refusals,
)
from tanji.domain.admission.propagation import Change, ChangeSummary, stale_pins, summarize
from tanji.domain.admission.reasons import ENGLISH, AdmissionError, Reason
from tanji.domain.admission.records import (
    WITHHELD,
    BackgroundRecord,
    EvidenceItem,
    EvidenceKind,
    Quantity,
    RecordKind,
    UnitExchange,
    public_view,
)
from tanji.domain.admission.review import Declaration, Recommendation, Relation, Review, conflicts
from tanji.domain.admission.traceability import CHECKLISTS, TraceCheck, blocking_failures, trace

__all__ = [
    "CHECKLISTS",
    "ENGLISH",
    "TRANSITIONS",
    "WITHHELD",
    "AdmissionError",
    "BackgroundRecord",
    "Case",
    "Change",
    "ChangeSummary",
    "Comparable",
    "Comparison",
    "Declaration",
    "EvidenceItem",
    "EvidenceKind",
    "Party",
    "Quantity",
    "Reason",
    "Recommendation",
    "RecordKind",
    "Relation",
    "Review",
    "State",
    "TraceCheck",
    "Transition",
    "UnitExchange",
    "blocking_failures",
    "compare",
    "conflicts",
    "next_state",
    "public_view",
    "refusals",
    "stale_pins",
    "summarize",
    "trace",
]
