"""The claim: the JSON document a label's signatures cover.

It holds what the label states (R4.2: the quantified footprint with its unit and
declared unit) and what makes it checkable: the certificate's number and body, the
standard and the rule with its version, the validity, the label's kind and id, the
product's identifiers and the address of its public verification page, and when it
was issued. Only values from a certificate go in — a self-declared result never does.

The document is plain JSON (strings, numbers, objects); the signing service puts it in
RFC 8785 canonical form before signing, so field order and spacing do not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tanji.domain.certification.certificates import parse_certificate_number
from tanji.domain.labels.kinds import LabelKind

__all__ = ["CLAIM_TYPE", "ClaimInput", "build_claim", "claim_problems"]

#: The claim's schema name and version; a reader refuses another.
CLAIM_TYPE = "tanji.carbon-label/1"


@dataclass(frozen=True)
class ClaimInput:
    """Everything a claim states, taken from a certificate and its product."""

    label_id: str
    kind: LabelKind
    certificate_number: str
    certificate_status: str
    body_name: str
    body_approval: str
    holder_name: str
    product_name: str
    category: str
    value: float
    unit: str
    declared_unit: str
    standard: str
    rule_ref: str
    issued_on: date
    expires_on: date
    verify_url: str
    gtin: str | None
    batch: str | None
    handle: str | None
    issued_at: datetime


def claim_problems(data: ClaimInput, today: date) -> list[str]:
    """Why no label may be issued from this certificate (empty when it may)."""
    problems: list[str] = []
    if data.certificate_status != "valid":
        problems.append("labels.certificate.not_valid")
    if not data.issued_on <= today <= data.expires_on:
        problems.append("labels.certificate.out_of_dates")
    if data.kind.certification_type.value != _certification_of(data.certificate_number):
        problems.append("labels.kind.mismatch")
    if not math.isfinite(data.value) or data.value < 0:
        problems.append("labels.value.invalid")
    return problems


def _certification_of(number: str) -> str:
    return parse_certificate_number(number)[0].value


def _rule(rule_ref: str) -> dict[str, str]:
    rule_id, _, version = rule_ref.partition("@")
    return {"id": rule_id, "version": version}


def build_claim(data: ClaimInput) -> dict[str, Any]:
    """The claim document of a label (see the module docstring)."""
    identifiers: dict[str, str] = {"label": data.label_id}
    if data.gtin:
        identifiers["gtin"] = data.gtin
    if data.batch:
        identifiers["batch"] = data.batch
    if data.handle:
        identifiers["handle"] = data.handle
    footprint: dict[str, Any] = {
        "value": data.value,
        "unit": data.unit,
        "declared_unit": data.declared_unit,
        "category": data.category,
    }
    return {
        "type": CLAIM_TYPE,
        "label": {
            "id": data.label_id,
            "kind": data.kind.id,
            "name": {"zh": data.kind.name_zh, "en": data.kind.name_en},
            "issued_at": data.issued_at.isoformat(timespec="seconds"),
            "verify_url": data.verify_url,
        },
        "product": {"name": data.product_name, "holder": data.holder_name},
        "footprint": footprint if data.kind.states_value else None,
        "certificate": {
            "number": data.certificate_number,
            "body": {"name": data.body_name, "approval": data.body_approval},
            "standard": data.standard,
            "rule": _rule(data.rule_ref),
            "valid_from": data.issued_on.isoformat(),
            "valid_until": data.expires_on.isoformat(),
        },
        "identifiers": identifiers,
    }
