"""PACT ProductFootprint JSON: the shared examples read (v2.3, v3.0), the invalid ones
rejected naming the field, exports valid against the official 2.3 and 3.0 schemas, round
trips, and broken input answered with a DataFormatError, never a traceback."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tanji.domain.units import same_dimension
from tanji.io.errors import DataFormatError
from tanji.io.pact import (
    TANJI_SCHEMA_V2,
    TANJI_SCHEMA_V3,
    PactExport,
    PactSpec,
    pact_document,
    read_pact,
    read_pact_all,
    write_pact,
)

# Every example of ../shared/standards/pact/examples, with the footprint ids it holds
# (an empty tuple: a PACT message that carries no footprint, refused with that reason).
BATTERY = "3f6d2a0e-8b1c-4c7e-9a55-2d1e0b7c9f01"
STEEL = "9b2e7c14-5d3a-4f0b-8e6c-1a2b3c4d5e60"
PV_550 = "5a1c9e3b-7f2d-4a6e-b8c0-9d1e2f3a4b5c"
PV_600 = "6b2d0f4c-8e3a-4b7f-a9d1-0e2f3a4b5c6d"
VALID: dict[str, tuple[str, ...]] = {
    "v2/product-footprint-pv.json": (PV_550,),
    "v2/list-footprints-response.json": (PV_550, PV_600),
    "v2/event-published.json": (),
    "v2/event-request-created.json": (),
    "v3/product-footprint-battery.json": (BATTERY,),
    "v3/list-footprints-response.json": (BATTERY, STEEL),
    "v3/get-footprint-response.json": (BATTERY,),
    "v3/event-request-fulfilled.json": (BATTERY,),
    "v3/event-published.json": (),
    "v3/event-request-created.json": (),
    "v3/event-request-rejected.json": (),
    "v3/error-not-found.json": (),
}
# Each invalid example: the field at fault, and whether Tanji's own schema (the fields it
# reads) catches it; the others only the official schema does.
INVALID: dict[str, tuple[str, bool]] = {
    "v3-country-code-lowercase.json": ("pcf.geographyCountry", True),
    "v3-declared-unit-not-in-enum.json": ("pcf.declaredUnitOfMeasurement", True),
    "v3-id-not-uuid.json": ("id", True),
    "v3-ipcc-factor-pattern.json": ("pcf.ipccCharacterizationFactors[0]", False),
    "v3-missing-required-fossilGhgEmissions.json": ("pcf.fossilGhgEmissions", False),
    "v3-number-instead-of-decimal-string.json": ("pcf.pcfExcludingBiogenicUptake", True),
    "v3-product-id-not-urn.json": ("productIds[0]", True),
    "v3-status-not-in-enum.json": ("status", False),
    "v3-two-geography-fields.json": ("pcf", True),
}


@pytest.fixture(scope="session")
def pact_dir(shared_standards: Path) -> Path:
    path = shared_standards / "pact"
    if not (path / "schema").is_dir():
        pytest.skip(f"{path / 'schema'} not found: the PACT schemas are not in shared/standards")
    return path


@pytest.fixture(scope="session")
def schema_dir(pact_dir: Path) -> Path:
    return pact_dir / "schema"


def _official(schema_dir: Path, spec: PactSpec) -> Draft202012Validator:
    """The official schema, with checkers for PACT's custom formats (SOURCE.md)."""
    schema = json.loads((schema_dir / f"pact-v{spec}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker()

    @checker.checks("decimal")
    def _decimal(value: object) -> bool:
        return not isinstance(value, str) or re.fullmatch(r"-?\d+(\.\d+)?", value) is not None

    @checker.checks("urn")
    def _urn(value: object) -> bool:
        return not isinstance(value, str) or bool(
            re.match(r"(?i)urn:[a-z0-9][a-z0-9-]{0,31}:", value)
        )

    return Draft202012Validator(schema, format_checker=checker)


def _problems(validator: Draft202012Validator, document: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def _write(tmp_path: Path, document: object, name: str = "footprint.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Authored documents (no shared folder needed): the smallest valid v2.3 and v3.0
# --------------------------------------------------------------------------------------


def _v2_doc() -> dict[str, Any]:
    return {
        "id": "0d8e6d57-3c2a-4f1e-9b7d-6a5c4b3a2f10",
        "specVersion": "2.3.0",
        "version": 4,
        "created": "2025-03-01T00:00:00Z",
        "status": "Active",
        "comment": "",
        "companyName": "Wuxi Example Pulp Co.",
        "companyIds": ["urn:uuid:11111111-2222-4333-8444-555555555555"],
        "productDescription": "Bleached kraft pulp",
        "productIds": ["urn:pact:example.cn:product-id:PULP-1"],
        "productCategoryCpc": "32111",
        "productNameCompany": "Kraft pulp",
        "pcf": {
            "declaredUnit": "kilogram",
            "unitaryProductAmount": "1000",
            "pCfExcludingBiogenic": "1.1",
            "pCfIncludingBiogenic": "0.3",
            "fossilGhgEmissions": "0.9",
            "fossilCarbonContent": "0",
            "biogenicCarbonContent": "0.41",
            "dLucGhgEmissions": "0.15",
            "aircraftGhgEmissions": "0.01",
            "biogenicCarbonWithdrawal": "-0.8",
            "characterizationFactors": "AR6",
            "ipccCharacterizationFactorsSources": ["AR6"],
            "crossSectoralStandardsUsed": ["ISO Standard 14067"],
            "boundaryProcessesDescription": "Cradle-to-gate.",
            "referencePeriodStart": "2024-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "geographyRegionOrSubregion": "Eastern Asia",
            "exemptedEmissionsPercent": 0,
            "exemptedEmissionsDescription": "",
            "packagingEmissionsIncluded": False,
            "primaryDataShare": 40,
            "dqi": {
                "coveragePercent": 90,
                "technologicalDQR": 2.5,
                "temporalDQR": 1.49,
                "geographicalDQR": 3,
                "completenessDQR": 2,
                "reliabilityDQR": 1,
            },
            "assurance": {"assurance": True, "providerName": "Example Assurance Ltd."},
        },
    }


def _v3_doc() -> dict[str, Any]:
    return {
        "id": "7e2f1a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
        "specVersion": "3.0.0",
        "created": "2025-05-01T08:00:00Z",
        "status": "Active",
        "companyName": "Changzhou Example Cells Co.",
        "companyIds": ["urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"],
        "productDescription": "Prismatic cell",
        "productIds": ["urn:gtin:06901234567892"],
        "productNameCompany": "Cell C1",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "12",
            "productMassPerDeclaredUnit": "64.8",
            "referencePeriodStart": "2024-07-01T00:00:00+08:00",
            "referencePeriodEnd": "2025-06-30T23:59:59+08:00",
            "pcfExcludingBiogenicUptake": "540.25",
            "pcfIncludingBiogenicUptake": "540.05",
            "fossilGhgEmissions": "530",
            "fossilCarbonContent": "1.2",
            "landUseChangeGhgEmissions": "2.5",
            "aircraftGhgEmissions": "0.75",
            "biogenicCO2Uptake": "-0.2",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
            "exemptedEmissionsPercent": "1",
            "primaryDataShare": "35.5",
            "dqi": {"technologicalDQR": "4.5", "geographicalDQR": "6", "temporalDQR": "0.4"},
            "verification": {"providerName": "Example Verifier GmbH"},
        },
    }


def _export(**changes: Any) -> PactExport:
    export = PactExport(
        id="0b6a8f2e-3c1d-4e5f-8a9b-1c2d3e4f5a6b",
        version=3,
        created=datetime(2025, 7, 1, 9, 30, tzinfo=UTC),
        company_name="Jiangsu Example Battery Co., Ltd.",
        company_ids=("urn:uuid:7c0a4c4e-2f7b-4b61-9d1f-4a3b2c1d0e9f",),
        product_name="LFP cathode powder",
        product_ids=("urn:pact:example.cn:product-id:LFP-P1", "urn:gtin:06901234567809"),
        product_description="LiFePO4 cathode active material, cradle-to-gate",
        product_category_cpc="34290",
        declared_unit="kg",
        unitary_product_amount=25.0,
        total=11.35,
        excluding_biogenic=11.65,
        fossil=11.2,
        biogenic_removals=-0.3,
        dluc=0.45,
        aircraft=0.05,
        primary_data_share=0.625,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        geography="CN-JS",
        boundary="Cradle-to-gate: raw materials, precursor and calcination.",
        cross_sectoral_standards=("ISO Standard 14067", "GHGP-Product"),
        verified=True,
        verifier="Example Verification Ltd.",
        fossil_carbon_content=0.0,
        biogenic_carbon_content=0.0,
        exempted_emissions_percent=0.8,
        exempted_emissions_description="Office activities excluded.",
        packaging_emissions_included=True,
    )
    return replace(export, **changes)


# --------------------------------------------------------------------------------------
# The shared examples
# --------------------------------------------------------------------------------------


def test_every_shared_example_is_listed_here(pact_dir: Path) -> None:
    examples = pact_dir / "examples"
    found = {f"{p.parent.name}/{p.name}" for p in examples.glob("v[23]/*.json")}
    assert found == set(VALID)
    assert {p.name for p in (examples / "invalid").glob("*.json")} == set(INVALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_reads_every_valid_example(name: str, pact_dir: Path, schema_dir: Path) -> None:
    path = pact_dir / "examples" / name
    expected = VALID[name]
    for official in (None, schema_dir):
        if not expected:
            with pytest.raises(
                DataFormatError, match=r"not a ProductFootprint|no ProductFootprint"
            ):
                read_pact_all(path, schema_dir=official)
            continue
        footprints = read_pact_all(path, schema_dir=official)
        assert [f.ref for f in footprints] == list(expected)
        for footprint in footprints:
            assert footprint.source.endswith(f"file {path.name}")
            assert footprint.burden().unit == footprint.declared_unit
    if len(expected) == 1:
        assert read_pact(path, schema_dir=schema_dir).ref == expected[0]


def test_the_v2_pv_module_footprint(pact_dir: Path, schema_dir: Path) -> None:
    footprint = read_pact(pact_dir / "examples/v2/product-footprint-pv.json", schema_dir=schema_dir)
    assert footprint.ref == PV_550
    assert footprint.version == "1"
    assert footprint.product_id == "urn:pact:example.cn:product-id:PV-550M"
    assert footprint.product_name == "PV-550M"
    assert footprint.company == "Jiangsu Example PV Co., Ltd."
    # v2 values are per one declared unit (1 m²); unitaryProductAmount (2.58) is not used.
    assert (footprint.declared_amount, footprint.declared_unit) == (1.0, "m**2")
    assert (footprint.total, footprint.biogenic, footprint.dluc, footprint.aircraft) == (
        310.5,
        0.0,
        0.0,
        0.0,
    )
    assert footprint.primary_data_share == pytest.approx(0.55)
    # DQRs 1.6, 1.4, 1.2, 1.6 rounded half up.
    q = footprint.quality
    assert (q.ter, q.ger, q.tir, q.p) == (2, 1, 1, 2)
    # PACT's end (2025-01-01T00:00:00Z) is exclusive: the last day is 2024-12-31.
    assert (footprint.period_start, footprint.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert footprint.geography == "CN"
    assert not footprint.verified
    assert footprint.source == "PACT 2.3.0 file product-footprint-pv.json"


def test_the_v3_battery_cell_footprint(pact_dir: Path, schema_dir: Path) -> None:
    path = pact_dir / "examples/v3/product-footprint-battery.json"
    footprint = read_pact(path, schema_dir=schema_dir)
    assert footprint.ref == BATTERY
    assert footprint.version == "2025-06-30T08:00:00Z"  # v3 has no version: `created`
    assert footprint.product_id == "urn:gtin:06901234567892"
    assert (footprint.declared_amount, footprint.declared_unit) == (1.0, "kWh")
    assert footprint.total == 68.4
    assert footprint.biogenic == 0.0
    assert footprint.primary_data_share == pytest.approx(0.625)
    q = footprint.quality
    assert (q.ter, q.ger, q.tir, q.p) == (2, 2, 1, None)  # 1.8, 1.5 (half up), 1.2
    assert (footprint.period_start, footprint.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert footprint.geography == "CN-JS"
    assert footprint.source == "PACT 3.0.0 file product-footprint-battery.json"


def test_a_v3_declared_unit_of_1000_kg(pact_dir: Path) -> None:
    steel = read_pact_all(pact_dir / "examples/v3/list-footprints-response.json")[1]
    assert (steel.declared_amount, steel.declared_unit, steel.total) == (1000.0, "kg", 2150.0)
    assert steel.burden().parts[("CO2e", "fossil")] == pytest.approx(2.15)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_example_is_rejected_naming_the_field(
    name: str, pact_dir: Path, schema_dir: Path
) -> None:
    field, ours = INVALID[name]
    path = pact_dir / "examples/invalid" / name
    with pytest.raises(DataFormatError) as caught:
        read_pact(path, schema_dir=schema_dir)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert f"\n  {field}: " in message
    if name == "v3-two-geography-fields.json":
        assert "geographyCountry" in message
        assert "geographyCountrySubdivision" in message
    # Without the official schema, Tanji's own catches the defects in the fields it reads.
    if ours:
        with pytest.raises(DataFormatError, match=re.escape(f"{field}: ")):
            read_pact(path)
    else:
        assert read_pact(path).ref == BATTERY


# --------------------------------------------------------------------------------------
# Authored documents: mapping details
# --------------------------------------------------------------------------------------


def test_v2_biogenic_dluc_aircraft_quality_assurance(tmp_path: Path) -> None:
    footprint = read_pact(_write(tmp_path, _v2_doc()))
    assert footprint.version == "4"
    assert footprint.total == 0.3  # pCfIncludingBiogenic
    assert footprint.biogenic == -0.8  # 0.3 − 1.1, exact (decimal arithmetic)
    assert (footprint.dluc, footprint.aircraft) == (0.15, 0.01)
    assert footprint.burden().parts[("CO2e", "fossil")] == pytest.approx(0.94)
    assert footprint.primary_data_share == 0.4
    q = footprint.quality
    assert (q.ter, q.ger, q.tir, q.p) == (3, 3, 1, 1)  # 2.5 → 3 (half up), 3, 1.49 → 1, 1
    assert footprint.geography == "Eastern Asia"
    assert footprint.verified
    assert footprint.verifier == "Example Assurance Ltd."


def test_v2_without_including_biogenic_or_assurance(tmp_path: Path) -> None:
    doc = _v2_doc()
    del doc["pcf"]["pCfIncludingBiogenic"]
    doc["pcf"]["assurance"] = {"assurance": False, "providerName": "Nobody"}
    del doc["pcf"]["dqi"]
    footprint = read_pact(_write(tmp_path, doc))
    assert (footprint.total, footprint.biogenic) == (1.1, 0.0)
    assert not footprint.verified
    assert footprint.verifier == ""
    assert footprint.quality.ter is None


def test_v3_piece_period_quality_verification(tmp_path: Path) -> None:
    footprint = read_pact(_write(tmp_path, _v3_doc()))
    assert (footprint.declared_amount, footprint.declared_unit) == (12.0, "piece")
    assert footprint.total == 540.05
    assert footprint.biogenic == -0.2
    assert (footprint.dluc, footprint.aircraft) == (2.5, 0.75)
    assert footprint.primary_data_share == pytest.approx(0.355)
    q = footprint.quality
    assert (q.ter, q.ger, q.tir, q.p) == (5, 5, 1, None)  # 4.5 → 5, 6 → 5, 0.4 → 1
    # An end that is not midnight is the last day itself.
    assert (footprint.period_start, footprint.period_end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert footprint.geography == ""
    assert footprint.verified
    assert footprint.verifier == "Example Verifier GmbH"


def test_v3_updated_is_the_version(tmp_path: Path) -> None:
    doc = _v3_doc()
    doc["updated"] = "2025-06-01T00:00:00Z"
    assert read_pact(_write(tmp_path, doc)).version == "2025-06-01T00:00:00Z"


@pytest.mark.parametrize(
    ("pact_unit", "dimension_of"),
    [
        ("liter", "m3"),
        ("kilogram", "t"),
        ("cubic meter", "L"),
        ("kilowatt hour", "GJ"),
        ("megajoule", "kWh"),
        ("ton kilometer", "tkm"),
        ("square meter", "ha"),
        ("piece", "item"),
        ("hour", "min"),
    ],
)
def test_declared_units_become_units_tanji_converts(
    pact_unit: str, dimension_of: str, tmp_path: Path
) -> None:
    doc = _v3_doc()
    doc["pcf"]["declaredUnitOfMeasurement"] = pact_unit
    footprint = read_pact(_write(tmp_path, doc))
    assert same_dimension(footprint.declared_unit, dimension_of)


def test_megabit_second_is_refused(tmp_path: Path) -> None:
    doc = _v3_doc()
    doc["pcf"]["declaredUnitOfMeasurement"] = "megabit second"
    with pytest.raises(DataFormatError, match=r"pcf\.declaredUnitOfMeasurement: 'megabit"):
        read_pact(_write(tmp_path, doc))


def _edit(doc: dict[str, Any], dotted: str, value: object) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    *parents, last = dotted.split(".")
    node = doc
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("make", "field", "expected"),
    [
        (_v2_doc, "pcf.pCfExcludingBiogenic", 1.1),
        (_v2_doc, "pcf.pCfExcludingBiogenic", "1,1"),
        (_v2_doc, "pcf.pCfExcludingBiogenic", "1e3"),
        (_v2_doc, "pcf.pCfExcludingBiogenic", _DELETE),
        (_v2_doc, "pcf.referencePeriodEnd", "2025-01-01"),
        (_v2_doc, "pcf.declaredUnit", "piece"),
        (_v2_doc, "pcf.primaryDataShare", "40"),
        (_v2_doc, "pcf.primaryDataShare", 140),
        (_v2_doc, "pcf.assurance.assurance", "yes"),
        (_v2_doc, "version", "4"),
        (_v2_doc, "companyName", ""),
        (_v2_doc, "productIds", []),
        (_v2_doc, "pcf", [1]),
        (_v3_doc, "created", _DELETE),
        (_v3_doc, "pcf.dqi.technologicalDQR", 2),
        (_v3_doc, "pcf.declaredUnitAmount", "-12"),
        (_v3_doc, "pcf.primaryDataShare", "101"),
        (_v3_doc, "pcf.referencePeriodStart", "2024-13-01T00:00:00Z"),
        (_v3_doc, "pcf.pcfIncludingBiogenicUptake", "9" * 400),
    ],
)
def test_tanji_schema_names_the_field(
    make: Callable[[], dict[str, Any]], field: str, expected: object, tmp_path: Path
) -> None:
    path = _write(tmp_path, _edit(make(), field, expected))
    pointer = "pcf" if field == "pcf" else field
    with pytest.raises(
        DataFormatError, match=rf"{re.escape(pointer)}: .*(expected|required|large|valid)"
    ):
        read_pact(path)


def test_all_problems_in_one_message(tmp_path: Path) -> None:
    doc = _v2_doc()
    doc["id"] = "not-a-uuid"
    doc["pcf"]["dLucGhgEmissions"] = 0.15
    del doc["pcf"]["referencePeriodStart"]
    with pytest.raises(DataFormatError) as caught:
        read_pact(_write(tmp_path, doc))
    message = str(caught.value)
    assert "\n  id: expected a UUID" in message
    assert "\n  pcf.dLucGhgEmissions: expected a decimal number written as a JSON string" in message
    assert "\n  pcf.referencePeriodStart: required, but missing" in message


def test_a_list_response_names_the_entry(tmp_path: Path) -> None:
    bad = _v3_doc()
    bad["productIds"] = ["06901234567892"]
    path = _write(tmp_path, {"data": [_v3_doc(), bad]})
    with pytest.raises(DataFormatError, match=r"data\[1\]\.productIds\[0\]: expected a URN"):
        read_pact_all(path)


def test_read_pact_wants_exactly_one(tmp_path: Path) -> None:
    two = _write(tmp_path, {"data": [_v2_doc(), _v3_doc()]})
    assert [f.ref for f in read_pact_all(two)] == [_v2_doc()["id"], _v3_doc()["id"]]
    with pytest.raises(DataFormatError, match=r"found 2 ProductFootprints.*read_pact_all"):
        read_pact(two)
    with pytest.raises(DataFormatError, match="found no ProductFootprint"):
        read_pact(_write(tmp_path, {"data": []}, "empty.json"))


@pytest.mark.parametrize(
    ("spec_version", "match"),
    [
        ("1.0.0", "PACT 1.0.0 is not supported"),
        ("3.0", "specVersion: expected a version"),
        (_DELETE, "specVersion: required"),
    ],
)
def test_spec_versions(spec_version: object, match: str, tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=match):
        read_pact(_write(tmp_path, _edit(_v3_doc(), "specVersion", spec_version)))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{\n  "id": "x",\n  "pcf": {,}\n}', r"not valid JSON: line 3, column 11"),
        ("", r"not valid JSON: line 1, column 1"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"id": 1, "id": 2}', "the key 'id' appears twice"),
        ('"a string"', "expected a PACT ProductFootprint"),
        ('{"hello": 1}', "found none of these"),
        ('{"data": 5}', "data: expected a ProductFootprint"),
        ("[5]", r"\[0\]: expected a ProductFootprint"),
    ],
)
def test_broken_input(text: str, match: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=match) as caught:
        read_pact(path)
    assert caught.value.source == str(path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        read_pact(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"companyName": "Société"}'.encode("latin-1"))
    with pytest.raises(DataFormatError, match="not UTF-8"):
        read_pact(latin)


def test_a_missing_official_schema_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, _v3_doc())
    with pytest.raises(DataFormatError, match=r"pact-v3.0.schema.json.*not found"):
        read_pact(path, schema_dir=tmp_path / "nowhere")


def test_authored_documents_are_valid_pact(schema_dir: Path, tmp_path: Path) -> None:
    assert _problems(_official(schema_dir, "2.3"), _v2_doc()) == []
    assert _problems(_official(schema_dir, "3.0"), _v3_doc()) == []
    read_pact(_write(tmp_path, _v2_doc(), "v2.json"), schema_dir=schema_dir)
    read_pact(_write(tmp_path, _v3_doc(), "v3.json"), schema_dir=schema_dir)


@pytest.mark.parametrize("spec_version", ["2.0.0", "2.1.0", "2.2.0", "2.3.3"])
def test_earlier_v2_versions_use_the_v2_2_schema(
    spec_version: str, schema_dir: Path, tmp_path: Path
) -> None:
    doc = _edit(_v2_doc(), "specVersion", spec_version)
    doc["version"] = 4.0  # an integer written as a float is still version "4"
    footprint = read_pact(_write(tmp_path, doc), schema_dir=schema_dir)
    assert (footprint.version, footprint.total) == ("4", 0.3)
    assert footprint.source == f"PACT {spec_version} file footprint.json"
    if spec_version != "2.3.3":
        doc["pcf"]["dLucGhgEmissions"] = 0.15
        with pytest.raises(DataFormatError, match=r"pcf\.dLucGhgEmissions: expected a decimal"):
            read_pact(_write(tmp_path, doc), schema_dir=schema_dir)


def test_tanji_schemas_are_json_schemas() -> None:
    Draft202012Validator.check_schema(TANJI_SCHEMA_V2)
    Draft202012Validator.check_schema(TANJI_SCHEMA_V3)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

SPECS: tuple[PactSpec, ...] = ("2.3", "3.0")
EXPORTS: dict[str, dict[str, Any]] = {
    "battery material": {},
    "tonne, country": {"declared_unit": "t", "geography": "CN", "verified": False},
    "MWh, region, AR5": {
        "declared_unit": "MWh",
        "geography": "Eastern Asia",
        "characterization": "AR5",
        "primary_data_share": None,
        "cross_sectoral_standards": ("ISO14067",),
    },
    "square metre, global": {
        "declared_unit": "m2",
        "geography": "",
        "product_mass_per_declared_unit": 10.9,
        "verifier": "",
        "verified": False,
    },
}


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_exports_pass_the_official_schema(case: str, spec: PactSpec, schema_dir: Path) -> None:
    document = pact_document(_export(**EXPORTS[case]), spec=spec)
    assert _problems(_official(schema_dir, spec), document) == []
    assert document["specVersion"] == f"{spec}.0"


def test_the_format_checkers_are_live(schema_dir: Path) -> None:
    validator = _official(schema_dir, "3.0")
    document = pact_document(_export(), spec="3.0")
    document["pcf"]["fossilGhgEmissions"] = "1.2e3"
    document["companyIds"] = ["urn:"]
    document["id"] = "0b6a8f2e3c1d4e5f8a9b1c2d3e4f5a6b00"
    problems = _problems(validator, document)
    assert any("'1.2e3' is not a 'decimal'" in p for p in problems)
    assert any("'urn:' is not a 'urn'" in p for p in problems)
    assert any("is not a 'uuid'" in p for p in problems)


@pytest.mark.parametrize("spec", SPECS)
def test_round_trip(spec: PactSpec, schema_dir: Path, tmp_path: Path) -> None:
    export = _export()
    path = tmp_path / f"export-{spec}.json"
    write_pact(path, export, spec=spec)
    footprint = read_pact(path, schema_dir=schema_dir)
    assert footprint.ref == export.id
    assert footprint.version == ("3" if spec == "2.3" else "2025-07-01T09:30:00Z")
    assert footprint.product_id == export.product_ids[0]
    assert footprint.product_name == export.product_name
    assert footprint.company == export.company_name
    assert (footprint.declared_amount, footprint.declared_unit) == (1.0, "kg")
    assert footprint.total == export.total
    assert footprint.biogenic == pytest.approx(export.total - export.excluding_biogenic)
    assert (footprint.dluc, footprint.aircraft) == (export.dluc, export.aircraft)
    assert footprint.primary_data_share == export.primary_data_share
    assert (footprint.period_start, footprint.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert footprint.geography == "CN-JS"
    assert footprint.verified
    assert footprint.verifier == export.verifier
    assert footprint.source == f"PACT {spec}.0 file {path.name}"


def test_v2_exports_per_pact_unit_v3_states_the_amount(tmp_path: Path) -> None:
    export = _export(declared_unit="t", total=2150.0, excluding_biogenic=2150.0, fossil=2150.0)
    export = replace(export, biogenic_removals=0.0, dluc=0.0, aircraft=0.0)
    v2 = pact_document(export, spec="2.3")
    assert v2["pcf"]["declaredUnit"] == "kilogram"
    assert v2["pcf"]["pCfIncludingBiogenic"] == "2.15"
    assert v2["pcf"]["unitaryProductAmount"] == "25000"  # 25 t
    assert v2["pcf"]["productMassPerDeclaredUnit"] == "1"
    v3 = pact_document(export, spec="3.0")
    assert v3["pcf"]["declaredUnitOfMeasurement"] == "kilogram"
    assert v3["pcf"]["declaredUnitAmount"] == "1000"
    assert v3["pcf"]["pcfIncludingBiogenicUptake"] == "2150"
    assert v3["pcf"]["productMassPerDeclaredUnit"] == "1000"
    per_kg = []
    for spec, document in (("2.3", v2), ("3.0", v3)):
        footprint = read_pact(_write(tmp_path, document, f"{spec}.json"))
        per_kg.append(footprint.total / footprint.declared_amount)
    assert per_kg == pytest.approx([2.15, 2.15])


def test_document_fields(tmp_path: Path) -> None:
    v2 = pact_document(_export(), spec="2.3")
    assert v2["version"] == 3
    assert v2["created"] == "2025-07-01T09:30:00Z"
    assert v2["productCategoryCpc"] == "34290"
    assert v2["productClassifications"] == ["urn:pact:productclassification:un-cpc:34290"]
    pcf = v2["pcf"]
    assert pcf["geographyCountrySubdivision"] == "CN-JS"
    assert pcf["referencePeriodEnd"] == "2025-01-01T00:00:00Z"  # exclusive
    assert pcf["crossSectoralStandardsUsed"] == [
        "ISO Standard 14067",
        "GHG Protocol Product standard",
    ]
    assert pcf["crossSectoralStandards"] == ["ISO14067", "GHGP-Product"]
    assert pcf["primaryDataShare"] == 62.5
    assert pcf["biogenicCarbonWithdrawal"] == "-0.3"
    assert pcf["assurance"] == {"assurance": True, "providerName": "Example Verification Ltd."}
    v3 = pact_document(_export(), spec="3.0")
    assert "version" not in v3
    assert v3["pcf"]["primaryDataShare"] == "62.5"
    assert v3["pcf"]["biogenicCO2Uptake"] == "-0.3"
    assert v3["pcf"]["verification"] == {"providerName": "Example Verification Ltd."}
    assert v3["pcf"]["ipccCharacterizationFactors"] == ["AR6"]
    assert v3["pcf"]["crossSectoralStandards"] == ["ISO14067", "GHGP-Product"]
    mwh = pact_document(_export(declared_unit="MWh"), spec="3.0")["pcf"]
    assert (mwh["declaredUnitOfMeasurement"], mwh["declaredUnitAmount"]) == (
        "kilowatt hour",
        "1000",
    )
    assert mwh["productMassPerDeclaredUnit"] == "0"
    path = tmp_path / "written.json"
    write_pact(path, _export(), spec="3.0")
    assert json.loads(path.read_text(encoding="utf-8")) == v3


def test_pieces_only_in_v3(schema_dir: Path) -> None:
    with pytest.raises(DataFormatError, match="declared_unit: 'piece': PACT v2 has no per-piece"):
        pact_document(_export(declared_unit="piece"), spec="2.3")
    with pytest.raises(DataFormatError, match=r"product_mass_per_declared_unit: PACT 3.0 requires"):
        pact_document(_export(declared_unit="piece"), spec="3.0")
    document = pact_document(
        _export(declared_unit="piece", product_mass_per_declared_unit=5.4), spec="3.0"
    )
    assert document["pcf"]["declaredUnitOfMeasurement"] == "piece"
    assert document["pcf"]["productMassPerDeclaredUnit"] == "5.4"
    assert _problems(_official(schema_dir, "3.0"), document) == []


@pytest.mark.parametrize(
    ("spec", "changes", "match"),
    [
        (
            "3.0",
            {"fossil_carbon_content": None},
            "fossil_carbon_content: PACT 3.0 requires pcf.fossilCarbonContent",
        ),
        (
            "2.3",
            {"biogenic_carbon_content": None},
            "biogenic_carbon_content: PACT 2.3 requires pcf.biogenicCarbonContent",
        ),
        (
            "3.0",
            {"exempted_emissions_percent": None},
            "exempted_emissions_percent: PACT 3.0 requires pcf.exemptedEmissionsPercent",
        ),
        ("2.3", {"packaging_emissions_included": None}, "packagingEmissionsIncluded"),
        ("2.3", {"verifier": ""}, "verifier: PACT 2.3 assurance requires"),
        ("2.3", {"characterization": "AR4"}, "characterizationFactors is AR5 or AR6"),
        ("3.0", {"characterization": "GWP100"}, "characterization: expected an IPCC"),
        ("2.3", {"declared_unit": "h"}, "no per-hour declared unit"),
        ("3.0", {"declared_unit": "kg/m"}, "no PACT 3.0 declared unit for 'kg/m'"),
        ("3.0", {"declared_unit": "bushel of apples"}, "declared_unit: unknown unit"),
        ("3.0", {"id": "LFP-1"}, "id: expected a UUID"),
        ("3.0", {"product_ids": ("06901234567892",)}, "product_ids: expected URNs"),
        ("3.0", {"company_ids": ()}, "company_ids: expected a non-empty list"),
        ("2.3", {"product_category_cpc": ""}, "product_category_cpc: expected a non-empty"),
        ("3.0", {"geography": "Jiangsu"}, "geography: expected an ISO 3166-2 code"),
        ("3.0", {"primary_data_share": 62.5}, "primary_data_share: expected a fraction"),
        ("2.3", {"excluding_biogenic": -1.0}, "excluding_biogenic: PACT 2.3 requires a value >= 0"),
        ("3.0", {"biogenic_removals": 0.3}, "biogenic_removals: PACT 3.0 requires a value <= 0"),
        ("3.0", {"total": float("nan")}, "total: expected a finite number"),
        ("2.3", {"unitary_product_amount": 0.0}, "unitary_product_amount: .* > 0"),
        ("2.3", {"cross_sectoral_standards": ("PAS2050",)}, "PACT 2.3 knows"),
        ("2.3", {"cross_sectoral_standards": ("PEF",)}, "crossSectoralStandardsUsed"),
        ("3.0", {"period_end": date(2023, 12, 31)}, "period_start: 2024-01-01 is after"),
    ],
)
def test_export_refuses_what_pact_cannot_hold(
    spec: PactSpec, changes: dict[str, Any], match: str
) -> None:
    with pytest.raises(DataFormatError, match=match) as caught:
        pact_document(_export(**changes), spec=spec)
    assert caught.value.source == f"PACT {spec} export {changes.get('id', _export().id)}"


def test_v3_passes_unknown_standards_and_optional_fields(schema_dir: Path) -> None:
    export = _export(
        cross_sectoral_standards=("PAS2050",),
        biogenic_carbon_content=None,
        packaging_emissions_included=None,
        exempted_emissions_description="",
        comment="",
        boundary="",
        created=datetime(2025, 7, 1, 9, 30),  # naive: taken as UTC
    )
    document = pact_document(export, spec="3.0")
    assert document["pcf"]["crossSectoralStandards"] == ["PAS2050"]
    assert document["created"] == "2025-07-01T09:30:00Z"
    for absent in (
        "biogenicCarbonContent",
        "packagingEmissionsIncluded",
        "boundaryProcessesDescription",
    ):
        assert absent not in document["pcf"]
    assert "comment" not in document
    assert _problems(_official(schema_dir, "3.0"), document) == []
