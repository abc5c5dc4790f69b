"""Label values: GTIN check digits (GS1 examples), Digital Link URIs, industrial-internet
identifiers, the claim and the status a label shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tanji.domain.certification import CertificationType
from tanji.domain.labels import (
    ClaimInput,
    IdentifierError,
    LabelKind,
    LabelStatus,
    build_claim,
    claim_problems,
    digital_link,
    gtin_check_digit,
    label_status,
    normalise_gtin,
    parse_handle,
)

FOOTPRINT = LabelKind(
    "footprint", CertificationType.FOOTPRINT, "产品碳足迹标识", "Product carbon footprint label",
    states_value=True, design_published=True, source="CNCA 2025",
)  # fmt: skip


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ("950600013435", 2),  # GS1 General Specifications, GTIN-13 example 9506000134352
        ("0950600013435", 2),
        ("629104150021", 3),  # 6291041500213, GS1 check digit calculator example
        ("9638507", 4),  # GTIN-8 96385074
    ],
)
def test_check_digits_of_gs1_examples(data: str, check: int) -> None:
    assert gtin_check_digit(data) == check


def test_gtins_normalise_to_fourteen_digits_and_wrong_ones_are_refused() -> None:
    assert normalise_gtin("9506000134352") == "09506000134352"
    assert normalise_gtin("96385074") == "00000096385074"
    with pytest.raises(IdentifierError, match="check digit should be 2") as wrong:
        normalise_gtin("9506000134353")
    assert wrong.value.field == "gtin"
    with pytest.raises(IdentifierError, match="8, 12, 13 or 14 digits"):
        normalise_gtin("95060001343")
    with pytest.raises(IdentifierError):
        normalise_gtin("95060001343５2")  # a full-width digit is not a digit here


def test_digital_link_uris() -> None:
    base = "https://tanji.example/"
    assert digital_link(base, "9506000134352") == "https://tanji.example/01/09506000134352"
    assert (
        digital_link(base, "9506000134352", "AB/12")
        == "https://tanji.example/01/09506000134352/10/AB%2F12"
    )
    with pytest.raises(IdentifierError):
        digital_link(base, "9506000134352", "批次1")  # outside GS1 character set 82


def test_industrial_internet_identifiers() -> None:
    assert parse_handle("88.100.1/TJ-PV-0001") == ("88.100.1", "TJ-PV-0001")
    for wrong in ("86.100.1/x", "88.100.1", "88.abc/x", "88.100.1/has space"):
        with pytest.raises(IdentifierError):
            parse_handle(wrong)


def _input(**changes: object) -> ClaimInput:
    values: dict[str, object] = {
        "label_id": "abc", "kind": FOOTPRINT, "certificate_number": "CFP-2026-0007-000001",
        "certificate_status": "valid", "body_name": "认证中心", "body_approval": "CNCA-R-1",
        "holder_name": "企业", "product_name": "组件", "category": "photovoltaic", "value": 412.5,
        "unit": "kg CO2e", "declared_unit": "1 kW", "standard": "GB/T 24067-2024",
        "rule_ref": "pv-module-csi@1.0", "issued_on": date(2026, 3, 17),
        "expires_on": date(2028, 3, 16), "verify_url": "https://t.example/l/abc", "gtin": None,
        "batch": None, "handle": None, "issued_at": datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
    }  # fmt: skip
    values.update(changes)
    return ClaimInput(**values)  # type: ignore[arg-type]


def test_the_claim_states_the_certificates_values() -> None:
    claim = build_claim(_input(gtin="09506000134352"))
    assert claim["footprint"] == {
        "value": 412.5, "unit": "kg CO2e", "declared_unit": "1 kW", "category": "photovoltaic"
    }  # fmt: skip
    assert claim["certificate"]["rule"] == {"id": "pv-module-csi", "version": "1.0"}
    assert claim["certificate"]["valid_until"] == "2028-03-16"
    assert claim["identifiers"] == {"label": "abc", "gtin": "09506000134352"}


def test_no_claim_from_a_certificate_not_in_force() -> None:
    today = date(2026, 12, 7)
    assert claim_problems(_input(), today) == []
    assert claim_problems(_input(certificate_status="suspended"), today) == [
        "labels.certificate.not_valid"
    ]
    assert claim_problems(_input(), date(2028, 3, 17)) == ["labels.certificate.out_of_dates"]
    assert claim_problems(_input(certificate_number="LCP-2026-0007-000001"), today) == [
        "labels.kind.mismatch"
    ]


@pytest.mark.parametrize(
    ("certificate", "revoked", "day", "expected"),
    [
        ("valid", False, date(2027, 1, 1), LabelStatus.VALID),
        ("valid", False, date(2028, 3, 17), LabelStatus.EXPIRED),  # before the sweep ran
        ("suspended", False, date(2027, 1, 1), LabelStatus.SUSPENDED),
        ("withdrawn", False, date(2027, 1, 1), LabelStatus.WITHDRAWN),
        ("expired", False, date(2027, 1, 1), LabelStatus.EXPIRED),
        ("cancelled", False, date(2027, 1, 1), LabelStatus.REVOKED),
        ("valid", True, date(2027, 1, 1), LabelStatus.REVOKED),
        (None, False, date(2027, 1, 1), LabelStatus.UNKNOWN),
    ],
)
def test_the_label_follows_its_certificate(
    certificate: str | None, revoked: bool, day: date, expected: LabelStatus
) -> None:
    expires = date(2028, 3, 16) if certificate else None
    assert label_status(certificate, expires, label_revoked=revoked, today=day) is expected
