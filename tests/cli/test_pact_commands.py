"""``tanji pact battery-passport``, ``catenax`` and ``import-catenax`` as a user runs
them: a battery computed per kWh, its passport section; a PACT file to Catena-X and
back in as a supplier footprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from .conftest import Run

BATTERY = """\
tanji: product-model/1
id: pack
version: "1"
product:
  name: {zh: 储能电池包, en: Storage pack}
  category: battery
  declared_unit: 1 kWh
  company: Test Co.
output: 1000 kWh
lines:
  - {id: cells, stage: raw_materials, quantity: 1000 kg,
     factor: {unit: kg, co2e_kg: 50, source: {publisher: T, title: test}, illustrative: true}}
  - {id: assembly, stage: production, quantity: 1000 kg,
     factor: {unit: kg, co2e_kg: 20, source: {publisher: T, title: test}, illustrative: true}}
  - {id: trucking, stage: distribution, quantity: 1000 kg,
     factor: {unit: kg, co2e_kg: 1, source: {publisher: T, title: test}, illustrative: true}}
  - {id: recycling, stage: end_of_life, quantity: 1000 kg,
     factor: {unit: kg, co2e_kg: 4, source: {publisher: T, title: test}, illustrative: true}}
"""


# One backend: the commands add no SQL of their own (the services' are tested on both).
@pytest.mark.parametrize("tanji", ["sqlite"], indirect=True)
def test_battery_passport_and_catenax_round_trip(
    tanji: Run, tmp_path: Path, shared_standards: Path
) -> None:
    model = tmp_path / "pack.yaml"
    model.write_text(BATTERY, encoding="utf-8")
    status, out, err = tanji("calc", str(model), "--json")
    assert status == 0, err
    result_id = json.loads(out)["result_id"]
    status, out, err = tanji(
        "pact", "battery-passport", str(result_id), "--study-url", "https://x.example/study.pdf"
    )
    assert status == 0, err
    passport = json.loads(out)
    stages = {
        s["lifecycleStage"]: s["carbonFootprint"]
        for s in passport["carbonFootprintPerLifecycleStage"]
    }
    assert stages == pytest.approx(
        {
            "RawMaterialExtraction": 50.0,
            "MainProduction": 20.0,
            "Distribution": 1.0,
            "Recycling": 4.0,
        }
    )
    assert passport["batteryCarbonFootprint"] == pytest.approx(75.0)
    schema = (
        shared_standards / "battery-pass" / "v1.2.0" / "CarbonFootprintForBatteries-schema.json"
    )
    if schema.is_file():
        assert not list(Draft4Validator(json.loads(schema.read_text())).iter_errors(passport))
    status, _, err = tanji("pact", "battery-passport", str(result_id), "--study-url", "nope")
    assert status == 2
    assert "study URL" in err

    pact = shared_standards / "pact" / "examples" / "v3" / "product-footprint-battery.json"
    if not pact.is_file():
        pytest.skip(f"{pact} not found")
    out_file = tmp_path / "cx.json"
    status, out, err = tanji(
        "pact", "catenax", str(pact), "--waste-incineration", "cut-off", "-o", str(out_file)
    )
    assert status == 0, err
    status, out, err = tanji("pact", "import-catenax", str(out_file))
    assert status == 0, err
    assert "urn:gtin:06901234567892" in out
    assert "68.4 kg CO2e per 1 kWh" in out
    assert "Catena-X PCF 9.0.0 file cx.json" in out
