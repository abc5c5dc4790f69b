"""The EU battery passport's carbon-footprint section and the Catena-X PCF aspect
models: exports valid against the shared schemas (../shared/standards/battery-pass,
../shared/standards/catena-x), values carried exactly, refusals that say why."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from tanji.io.battery_pass import CLASS_NOT_DEFINED, battery_pass_document
from tanji.io.catenax import catenax_document, read_catenax
from tanji.io.errors import DataFormatError
from tanji.services.pact.testhost import illustrative_footprints


def _schema(path: Path) -> Draft4Validator:
    if not path.is_file():
        pytest.skip(f"{path} not found in shared/standards")
    return Draft4Validator(
        json.loads(path.read_text(encoding="utf-8")), format_checker=FormatChecker()
    )


def _errors(validator: Draft4Validator, document: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


#: A result declared per 1 kWh (capacity), 3000 kWh delivered over the service life per
#: kWh of capacity: kg CO2e per kWh of capacity by stage (illustrative numbers).
RESULT: dict[str, Any] = {
    "per": "1 kWh",
    "stages": {"raw_materials": 60.0, "production": 24.0, "distribution": 1.5, "use": 0.0,
               "end_of_life": 4.5},
    "per_functional_unit": {"total": 0.03, "functional_unit": "1 kWh delivered",
                            "declared_units": 1 / 3000},
}  # fmt: skip


def test_battery_passport_section_is_schema_valid(shared_standards: Path) -> None:
    validator = _schema(
        shared_standards / "battery-pass" / "v1.2.0" / "CarbonFootprintForBatteries-schema.json"
    )
    document = battery_pass_document(
        RESULT, study_url="https://pcf.example.cn/studies/lfp.pdf", lifetime_energy_kwh=840000
    )
    assert not _errors(validator, document)
    stages = {
        s["lifecycleStage"]: s["carbonFootprint"]
        for s in document["carbonFootprintPerLifecycleStage"]
    }
    assert stages == pytest.approx(
        {
            "RawMaterialExtraction": 0.02,
            "MainProduction": 0.008,
            "Distribution": 0.0005,
            "Recycling": 0.0015,
        }
    )
    assert document["batteryCarbonFootprint"] == pytest.approx(0.03)
    assert document["absoluteCarbonFootprint"] == pytest.approx(0.03 * 840000)
    assert document["carbonFootprintPerformanceClass"] == CLASS_NOT_DEFINED
    classed = battery_pass_document(RESULT, study_url="https://x.example/s", performance_class="B")
    assert classed["carbonFootprintPerformanceClass"] == "B"
    assert not _errors(validator, classed)
    # the authored declaration of the shared folder validates too (the schema is the one read)
    example = json.loads(
        (
            shared_standards / "battery-pass" / "examples" / "battery-cf-declaration-lfp.json"
        ).read_text()
    )
    assert not _errors(validator, example)


def test_battery_passport_refusals() -> None:
    with pytest.raises(DataFormatError, match="use 2"):
        battery_pass_document(
            {**RESULT, "stages": {**RESULT["stages"], "use": 2.0}}, study_url="https://x.example/s"
        )
    with pytest.raises(DataFormatError, match="per 1 kg"):
        battery_pass_document({"per": "1 kg", "stages": {}}, study_url="https://x.example/s")
    with pytest.raises(DataFormatError, match="study URL"):
        battery_pass_document(RESULT, study_url="study.pdf")
    with pytest.raises(DataFormatError, match="letter"):
        battery_pass_document(RESULT, study_url="https://x.example/s", performance_class="best")


def _pact_examples(shared_standards: Path) -> list[dict[str, Any]]:
    path = shared_standards / "pact" / "examples" / "v3" / "product-footprint-battery.json"
    shared = [json.loads(path.read_text(encoding="utf-8"))] if path.is_file() else []
    return [*illustrative_footprints(), *shared]


@pytest.mark.parametrize("version", ["9.0.0", "7.0.0"])
def test_catenax_export_is_schema_valid_and_reads_back(
    shared_standards: Path, version: str
) -> None:
    validator = _schema(shared_standards / "catena-x" / f"pcf-{version}" / "Pcf-schema.json")
    for footprint in _pact_examples(shared_standards):
        document = catenax_document(
            footprint, version=version, waste_incineration="cut-off",  # type: ignore[arg-type]
            packaging_included=False,
        )  # fmt: skip
        assert not _errors(validator, document), footprint["id"]
        back = read_catenax(document, source="export.json")
        pcf = footprint["pcf"]
        per = float(pcf["declaredUnitAmount"])
        assert back.ref == footprint["id"]
        assert back.total * (per if version == "7.0.0" else 1) == pytest.approx(
            float(pcf["pcfIncludingBiogenicUptake"])
        )
        assert back.product_id == footprint["productIds"][0]
        assert back.period_start.isoformat() == pcf["referencePeriodStart"][:10]
        assert back.source == f"Catena-X PCF {version} export.json"


@pytest.mark.parametrize("version", ["9.0.0", "7.0.0"])
def test_catenax_shared_example_imports(shared_standards: Path, version: str) -> None:
    path = shared_standards / "catena-x" / f"pcf-{version}" / "Pcf-example.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    supplier = read_catenax(json.loads(path.read_text(encoding="utf-8")), source=path.name)
    assert supplier.company == "My Corp"
    assert supplier.declared_unit == "L"
    if version == "9.0.0":
        assert (supplier.total, supplier.biogenic, supplier.dluc) == (1.9, -1.0, 1.4)
        assert supplier.verified
        assert supplier.verifier == "TÜV-X"


def test_catenax_refusals() -> None:
    footprint = illustrative_footprints()[0]
    with pytest.raises(DataFormatError, match="waste incineration"):
        catenax_document(footprint, waste_incineration="landfill", packaging_included=False)
    with pytest.raises(DataFormatError, match="packaging"):
        catenax_document(footprint, waste_incineration="cut-off")
    foreign = copy.deepcopy(footprint)
    foreign["pcf"]["geographyCountry"] = "BR"
    with pytest.raises(DataFormatError, match="M49"):
        catenax_document(foreign, waste_incineration="cut-off", packaging_included=True)
    with pytest.raises(DataFormatError, match="not a UN M49 region"):
        catenax_document(
            foreign, waste_incineration="cut-off", packaging_included=True, region="South America"
        )
    named = catenax_document(
        foreign,
        waste_incineration="cut-off",
        packaging_included=True,
        region="Latin America and the Caribbean",
    )
    geography = named["pcfAssessmentAndMethodology"][0]["pcfAssessmentInformation"][0]["geography"]
    assert geography == [
        {"geographyRegionOrSubregion": "Latin America and the Caribbean", "geographyCountry": "BR"}
    ]
    exempt = copy.deepcopy(footprint)
    exempt["pcf"]["exemptedEmissionsPercent"] = "7"
    catenax_document(exempt, waste_incineration="cut-off", packaging_included=True)  # 9.0.0: ≤ 10
    with pytest.raises(DataFormatError, match="at most 5"):
        catenax_document(
            exempt, version="7.0.0", waste_incineration="cut-off", packaging_included=True
        )
    with pytest.raises(DataFormatError, match="neither"):
        read_catenax({"id": "x"}, source="f.json")
