"""Certificates (numbers, the two-year validity) and the body registry (staff counted
against the minimum, credit score, blacklist)."""

from __future__ import annotations

from datetime import date

import pytest

from tanji.domain.certification import (
    BlacklistEntry,
    Certificate,
    CertificateStatus,
    CertificationError,
    CertificationType,
    CreditFinding,
    CreditFindingKind,
    StaffMember,
    certificate_number,
    credit_score,
    expiry_date,
)
from tanji.domain.certification.certificates import parse_certificate_number


@pytest.mark.parametrize(
    ("issued", "last_day"),
    [
        (date(2026, 3, 17), date(2028, 3, 16)),
        (date(2024, 2, 29), date(2026, 2, 27)),  # no 29 February in 2026
        (date(2026, 1, 1), date(2027, 12, 31)),
    ],
)
def test_a_certificate_is_valid_two_years_through_the_day_before_the_anniversary(
    issued: date, last_day: date
) -> None:
    assert expiry_date(issued) == last_day
    made = certificate(issued)
    assert made.valid_on(issued)
    assert made.valid_on(last_day)
    assert not made.valid_on(date.fromordinal(last_day.toordinal() + 1))
    assert made.expired_by(date.fromordinal(last_day.toordinal() + 1))
    assert not made.with_status(CertificateStatus.SUSPENDED).valid_on(issued)


def certificate(issued: date, **changes: object) -> Certificate:
    fields: dict[str, object] = {
        "number": certificate_number(CertificationType.FOOTPRINT, issued.year, 7, 1),
        "certification_type": CertificationType.FOOTPRINT,
        "category": "lithium-battery",
        "product_name": "磷酸铁锂电池 280Ah",
        "holder_org_id": 42,
        "body_org_id": 7,
        "declared_unit": "1 kWh",
        "declared_value": 61.25,
        "unit": "kg CO2e",
        "rule_ref": "js-pcf-lfp-battery@1.0",
        "standard": "GB/T 24067-2024",
        "issued_on": issued,
        "expires_on": expiry_date(issued),
    }
    fields.update(changes)
    return Certificate(**fields)  # type: ignore[arg-type]


def test_a_certificate_with_other_dates_or_a_foreign_number_is_refused() -> None:
    with pytest.raises(CertificationError, match="expires_on"):
        certificate(date(2026, 3, 17), expires_on=date(2029, 3, 16))
    with pytest.raises(CertificationError, match="certificate number"):
        certificate(date(2026, 3, 17), number="CFP-2026-0008-000001")  # another body's
    with pytest.raises(CertificationError, match="certificate number"):
        certificate(date(2026, 3, 17), number="PCF-2026-7-1")
    with pytest.raises(CertificationError, match="finite"):
        certificate(date(2026, 3, 17), declared_value=float("nan"))


def test_numbers_are_distinct_per_type_body_year_and_sequence_and_parse_back() -> None:
    numbers = {
        certificate_number(kind, year, body, sequence)
        for kind in CertificationType
        for year in (2026, 2027)
        for body in (7, 8)
        for sequence in (1, 2, 999_999)
    }
    assert len(numbers) == 3 * 2 * 2 * 3
    assert parse_certificate_number("CFP-2026-0007-000012") == (
        CertificationType.FOOTPRINT,
        2026,
        7,
        12,
    )


def test_credit_score_counts_findings_of_the_last_three_years() -> None:
    on = date(2026, 12, 7)
    findings = [
        CreditFinding(CreditFindingKind.COMPLAINT_UPHELD, date(2026, 5, 1)),  # −10
        CreditFinding(CreditFindingKind.LATE_SURVEILLANCE, date(2024, 1, 1)),  # −5
        CreditFinding(CreditFindingKind.FALSE_REPORT, date(2023, 12, 6)),  # over 3 years
        CreditFinding(CreditFindingKind.CERTIFICATE_WITHDRAWN_ON_REVIEW, date(2027, 1, 1)),
    ]
    assert credit_score(findings, on) == 85
    assert credit_score([CreditFinding(CreditFindingKind.FALSE_REPORT, on)] * 3, on) == 0
    assert credit_score([], on) == 100


def test_staff_experience_is_counted_in_whole_years() -> None:
    person = StaffMember("王工", "CCAA", date(2024, 12, 8))
    assert person.experience_years(date(2026, 12, 7)) == 1
    assert person.experience_years(date(2026, 12, 8)) == 2
    with pytest.raises(CertificationError, match="name"):
        StaffMember(" ", "CCAA", date(2024, 1, 1))


def test_a_blacklist_entry_needs_reason_and_authority_and_is_in_force_until_lifted() -> None:
    entry = BlacklistEntry("出具虚假报告", "国家认监委", date(2026, 1, 1), "", date(2026, 6, 1))
    assert entry.in_force(date(2026, 5, 31))
    assert not entry.in_force(date(2026, 6, 1))
    with pytest.raises(CertificationError, match="authority"):
        BlacklistEntry("x", "", date(2026, 1, 1))
    with pytest.raises(CertificationError, match="lifted"):
        BlacklistEntry("x", "CNCA", date(2026, 1, 1), lifted_on=date(2025, 1, 1))
