"""``tanji calc``, ``tanji footprint …`` and ``tanji supplier …`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanji.cli.main import main

from .conftest import Run

MODEL = """\
tanji: product-model/1
id: {id}
version: "{version}"
product:
  name: {{zh: 测试零件, en: Test part}}
  category: test
  declared_unit: 1 kg
  company: Test Co.
output: 1000 kg
lines:
  - id: steel
    stage: raw_materials
    quantity: 1.1 t
    factor:
      {{unit: kg, co2e_kg: {steel}, source: {{publisher: T, title: test}}, illustrative: true}}
  - id: power
    stage: production
    quantity: 500 kWh
    electricity: {{grid: {{geography: CN-JS, year: 2022}}}}
    data: primary
    quality: {{ter: 1, ger: 1, tir: 1, p: 2}}
    uncertainty: {{distribution: normal, sd: 25}}
"""
#: Jiangsu 2022, life-cycle basis (the default): no life-cycle factor of 2022 or earlier is
#: published, so the earliest later one, national 2023 (CN-ELEC-LCA-2023-CN), kg CO2e/kWh.
#: It was 0.5978 (CN-ELEC-LOC-2022-CN-JS, CO2 only) before the life-cycle default.
JS_GRID_2022 = 0.6205


def write(tmp_path: Path, name: str, **values: object) -> Path:
    path = tmp_path / name
    defaults: dict[str, object] = {"id": "part", "version": "1", "steel": 2.0}
    path.write_text(MODEL.format(**{**defaults, **values}), encoding="utf-8")
    return path


def test_calc_json_saves_and_recomputes(tanji: Run, tmp_path: Path) -> None:
    status, out, err = tanji("calc", str(write(tmp_path, "part.yaml")), "--json")
    assert status == 0, err
    result = json.loads(out)
    expected = (1100 * 2.0 + 500 * JS_GRID_2022) / 1000
    assert result["total"] == pytest.approx(expected, rel=1e-12)
    assert result["unit"] == "kg CO2e"
    assert result["per"] == "1 kg"
    assert result["stages"]["production"] == pytest.approx(0.5 * JS_GRID_2022, rel=1e-12)
    assert "CO2" not in result["gases"]  # steel and the life-cycle grid factor: CO2e only
    assert result["gases"]["CO2e"] == pytest.approx(expected, rel=1e-12)
    assert result["illustrative"] is True
    status, out, err = tanji("footprint", "recompute", str(result["result_id"]))
    assert status == 0, err
    assert "identical" in out


def test_calc_text_with_monte_carlo(tanji: Run, tmp_path: Path) -> None:
    status, out, err = tanji("calc", str(write(tmp_path, "p.yaml")), "--mc", "200", "--seed", "7")
    assert status == 0, err
    assert "footprint: 2.51 kg CO2e per 1 kg" in out
    assert "Monte Carlo (200 iterations, seed 7)" in out
    assert "driver power" in out


def test_compare_two_versions(tanji: Run, tmp_path: Path) -> None:
    tanji("calc", str(write(tmp_path, "v1.yaml")), "--json")
    tanji("calc", str(write(tmp_path, "v2.yaml", version="2", steel=1.5)), "--json")
    status, out, err = tanji("footprint", "compare", "1", "2", "--json")
    assert status == 0, err
    comparison = json.loads(out)
    assert comparison["total"][0]["difference"] == pytest.approx(-0.55, rel=1e-12)
    steel = next(row for row in comparison["lines"] if row["key"] == "steel")
    assert steel["relative"] == pytest.approx(-0.25)


def test_supplier_chain_from_a_published_result(tanji: Run, tmp_path: Path) -> None:
    status, out, err = tanji("calc", str(write(tmp_path, "s.yaml", id="acme-part")), "--json")
    supplier_total = json.loads(out)["total"]
    status, out, err = tanji("footprint", "publish", "1", "--verifier", "CQC Jiangsu")
    assert status != 0  # a typed verifier name no longer makes a footprint verified
    status, out, err = tanji("footprint", "publish", "1", "--certificate", "CFP-2026-0001-000001")
    assert status != 0  # no such certificate of this result
    status, out, err = tanji("footprint", "publish", "1")
    assert status == 0, err
    assert "self-declared" in out
    customer = tmp_path / "c.yaml"
    customer.write_text(
        MODEL.split("lines:")[0].format(id="assembly", version="1", steel=0)
        + "lines:\n  - {id: part, stage: raw_materials, quantity: 2 t, "
        "supplier: {product: acme-part}}\n",
        encoding="utf-8",
    )
    status, out, err = tanji("calc", str(customer), "--json")
    assert status == 0, err
    assert json.loads(out)["total"] == pytest.approx(2 * supplier_total, rel=1e-12)
    status, out, err = tanji("supplier", "list")
    assert "acme-part" in out
    assert "self-declared" in out


def test_pact_supplier_import(tanji: Run, shared_standards: Path) -> None:
    example = shared_standards / "pact" / "examples" / "v2" / "product-footprint-pv.json"
    status, out, err = tanji("supplier", "import", str(example))
    assert status == 0, err
    assert out.startswith("imported ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tanji: product-model/1\nid: x\n", "x.yaml:1: (document): 'product' is a required"),
        ("a: [1, 2\n", "x.yaml:2: not valid YAML/JSON"),
    ],
)
def test_bad_model_files_give_one_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TANJI_DATABASE_URL", raising=False)
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["calc", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err


def test_a_wrong_unit_names_the_line_and_nothing_is_saved(tanji: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "w.yaml")
    path.write_text(path.read_text().replace("500 kWh", "500 kg"), encoding="utf-8")
    status, out, err = tanji("calc", str(path))
    assert status == 2
    assert "w.yaml: line 16 (lines[1], id power): cannot convert 'kg'" in err
    status, out, err = tanji("footprint", "list", "--json")
    assert json.loads(out) == []


def test_schema_in_docs_is_the_packaged_one() -> None:
    root = Path(__file__).resolve().parents[2]
    docs = root / "docs" / "schemas" / "product-model.schema.json"
    packaged = root / "src" / "tanji" / "io" / "schemas" / "product-model.schema.json"
    assert json.loads(docs.read_text()) == json.loads(packaged.read_text())


def test_the_certification_expiry_sweep_runs_from_the_command_line(tanji: Run) -> None:
    status, out, err = tanji("certification", "expire", "--on", "2099-01-01")
    assert status == 0, err
    assert "0 certificate(s) expired" in out
    status, out, err = tanji("certification", "expire", "--on", "tomorrow")
    assert status != 0
    assert "not a date" in err + out
