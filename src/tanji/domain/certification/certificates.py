"""Certificates: number, scope, product, declared unit and value, rule, standard, body,
dates and status.

The CNCA general implementation rules make a certificate valid for **two years**, kept
valid by surveillance. The platform reads that as: valid from the issue date through the
day before its second anniversary (:func:`expiry_date`), so a certificate issued on
2026-03-17 is valid through 2028-03-16. The number format is the platform's
(:data:`NUMBER_FORM`); the rules' own certificate format could not be read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from tanji.domain.certification.bodies import CertificationType
from tanji.domain.certification.errors import Reason, require_text

__all__ = [
    "NUMBER_FORM",
    "VALIDITY_YEARS",
    "Certificate",
    "CertificateStatus",
    "add_years",
    "certificate_number",
    "expiry_date",
    "parse_certificate_number",
]

VALIDITY_YEARS = 2

_TYPE_CODE = {
    CertificationType.FOOTPRINT: "CFP",
    CertificationType.LOW_CARBON: "LCP",
    CertificationType.CARBON_NEUTRAL: "CNP",
}
_CODE_TYPE = {code: kind for kind, code in _TYPE_CODE.items()}
#: type code - year of issue - issuing body (organisation id) - sequence in the body's year
NUMBER_FORM = "CFP-2026-0007-000001"
_NUMBER = re.compile(r"^(CFP|LCP|CNP)-(\d{4})-(\d{4,})-(\d{6,})$")


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # 暂停: surveillance found a problem; may be reinstated
    WITHDRAWN = "withdrawn"  # 撤销: the body withdrew it; final
    EXPIRED = "expired"  # its two years ran out without renewal
    CANCELLED = "cancelled"  # 注销: given up by its holder, or replaced by a renewal


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expiry_date(issued_on: date) -> date:
    """The last day a certificate issued on ``issued_on`` is valid (two years, inclusive)."""
    return add_years(issued_on, VALIDITY_YEARS) - timedelta(days=1)


def certificate_number(
    certification_type: CertificationType, year: int, body_org_id: int, sequence: int
) -> str:
    """The platform's certificate number, e.g. ``CFP-2026-0007-000001``."""
    if sequence < 1 or body_org_id < 1:
        raise Reason("certification.invalid.value").error()
    return f"{_TYPE_CODE[certification_type]}-{year:04d}-{body_org_id:04d}-{sequence:06d}"


def parse_certificate_number(number: str) -> tuple[CertificationType, int, int, int]:
    """(type, year, body organisation id, sequence) of a number; refuses anything else."""
    match = _NUMBER.match(number)
    if match is None:
        raise Reason(
            "certification.invalid.number", {"number": number, "form": NUMBER_FORM}
        ).error()
    code, year, body, sequence = match.groups()
    return _CODE_TYPE[code], int(year), int(body), int(sequence)


@dataclass(frozen=True)
class Certificate:
    """A certificate as issued. ``declared_value`` is in ``unit`` per ``declared_unit``
    (e.g. 61.2 kg CO2e per 1 kWh); ``rule_ref`` is ``rule-id@version``."""

    number: str
    certification_type: CertificationType
    category: str
    product_name: str
    holder_org_id: int
    body_org_id: int
    declared_unit: str
    declared_value: float
    unit: str
    rule_ref: str
    standard: str  # e.g. GB/T 24067-2024
    issued_on: date
    expires_on: date
    status: CertificateStatus = CertificateStatus.VALID
    case_id: int | None = None
    renews: str | None = None  # the number of the certificate this one renews

    def __post_init__(self) -> None:
        kind, year, body, _ = parse_certificate_number(self.number)
        if kind is not self.certification_type or body != self.body_org_id:
            raise Reason(
                "certification.invalid.number", {"number": self.number, "form": NUMBER_FORM}
            ).error()
        if year != self.issued_on.year:
            raise Reason(
                "certification.invalid.number", {"number": self.number, "form": NUMBER_FORM}
            ).error()
        for name in ("category", "product_name", "declared_unit", "unit", "rule_ref", "standard"):
            require_text(getattr(self, name), name)
        if not math.isfinite(self.declared_value) or self.declared_value < 0:
            raise Reason("certification.invalid.value").error()
        if self.expires_on != expiry_date(self.issued_on):
            raise Reason("certification.invalid.dates", {"field": "expires_on"}).error()

    def valid_on(self, day: date) -> bool:
        """Whether the certificate is in force on ``day``: status valid and within dates."""
        return self.status is CertificateStatus.VALID and self.issued_on <= day <= self.expires_on

    def expired_by(self, day: date) -> bool:
        return day > self.expires_on

    def with_status(self, status: CertificateStatus) -> Certificate:
        return replace(self, status=status)
