"""``tanji db`` and ``tanji data`` as a new user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tanji.cli.main import main

from .conftest import Run
from .datapackages import GWP, HAND_FOOTPRINTS, add_database, add_method, write_package
from .jsonld import CF4_GWP100, smelter_zip

DATA = Path(__file__).parents[1] / "data"

HEADER = (
    "code,name_zh,name_en,kind,unit,geography,valid_from,valid_to,co2_kg,ch4_kg,n2o_kg,co2e_kg,"
    "gwp_basis,boundary,distribution,gsd,source_publisher,source_title,source_year,"
    "source_document,source_table,source_url,source_licence,illustrative,notes"
)
ROW = (
    "{code},热轧钢卷,Hot-rolled coil,material,t,CN,2023-01-01,2023-12-31,{co2},,,,,life_cycle,,,"
    "Example Association,Example steel factors,2024,,Table 1,,,true,illustrative example"
)


def test_the_openlca_model_gives_its_known_result(tanji: Run, shared_standards: Path) -> None:
    folder = shared_standards / "openlca" / "authored"
    expected = json.loads((folder / "lfp-cell-illustrative.expected.json").read_text())
    status, out, err = tanji(
        "data", "import", str(folder / "lfp-cell-illustrative.jsonld.zip"),
        "--format", "olca-jsonld", "--name", "lfp",
    )  # fmt: skip
    assert status == 0, err
    status, out, err = tanji(
        "data", "footprint", "lfp", "--activity", expected["product_system_id"], "--json"
    )
    assert status == 0, err
    answer = json.loads(out)
    assert answer["score"] == pytest.approx(expected["expected_total_kg_co2e"], rel=1e-9)
    assert answer["unit"] == "kg CO2e"
    assert answer["warnings"] == []  # every greenhouse gas of the model has a GWP
    status, out, err = tanji("data", "show", f"lfp:{answer['activity']}", "--json")
    assert status == 0, err
    assert json.loads(out)["name"] == answer["activity_name"]


def test_exported_jsonld_reimports_to_the_same_result(
    tanji: Run, shared_standards: Path, tmp_path: Path
) -> None:
    source = shared_standards / "openlca" / "authored" / "lfp-cell-illustrative.jsonld.zip"
    assert tanji("data", "import", str(source), "--format", "olca-jsonld", "--name", "a")[0] == 0
    exported = tmp_path / "exported.zip"
    assert tanji("data", "export", "a", "--format", "olca-jsonld", "-o", str(exported))[0] == 0
    assert tanji("data", "import", str(exported), "--format", "olca-jsonld", "--name", "b")[0] == 0
    scores = []
    for name in ("a", "b"):  # the product system by its name, as openLCA shows it
        status, out, err = tanji(
            "data", "footprint", name, "--activity", "LFP cell, per kWh (illustrative)", "--json"
        )
        assert status == 0, err
        scores.append(json.loads(out)["score"])
    assert scores[0] == pytest.approx(scores[1], rel=1e-12)


def test_ecospold2_and_ilcd_samples_import(tanji: Run, shared_standards: Path) -> None:
    spold = shared_standards / "ecospold" / "sample_ecospold2.xml"
    status, _, err = tanji("data", "import", str(spold), "--format", "ecospold2", "--name", "e")
    assert status == 2
    assert "--unlinked cut-off" in err
    status, out, err = tanji(
        "data", "import", str(spold), "--format", "ecospold2", "--name", "e",
        "--unlinked", "cut-off",
    )  # fmt: skip
    assert status == 0, err
    assert "import policies and notes: " in out
    assert "cut-off 1" in out
    assert "| cut-off | " in out
    assert "1,1-dimethylcyclopentane" in out
    ilcd = shared_standards / "ilcd" / "olca-modules"
    status, out, err = tanji("data", "import", str(ilcd), "--format", "ilcd", "--name", "i")
    assert status == 0, err
    status, out, _ = tanji("data", "list", "--json")
    names = {d["name"]: d for d in json.loads(out)}
    assert names["e"]["records"] == 1
    assert names["i"]["records"] == 1


@pytest.mark.parametrize("query", ["江苏 电网", "Jiangsu grid", "江苏 电力 2023"])
def test_shipped_factors_are_searchable_with_their_source(tanji: Run, query: str) -> None:
    status, out, err = tanji("data", "search", query, "--json")
    assert status == 0, err
    hits = json.loads(out)["factors"]
    assert hits
    # Jiangsu's own factors, and its regional grid's (East China covers Jiangsu).
    assert {h["geography"] for h in hits} <= {"CN-JS", "CN-EAST"}
    if "2023" in query:
        assert "cn-electricity:CN-ELEC-LOC-2023-CN-JS" in {h["ref"].split("@")[0] for h in hits}
    status, out, err = tanji("data", "show", hits[0]["ref"], "--json")
    assert status == 0, err
    source = json.loads(out)["factor"]["source"]
    assert source["publisher"]
    assert source["title"]


def test_csv_and_excel_tables_with_versions_and_a_row_by_row_report(
    tanji: Run, tmp_path: Path
) -> None:
    table = tmp_path / "steel.csv"
    table.write_text("\n".join([HEADER, ROW.format(code="S1", co2=1850)]) + "\n", encoding="utf-8")
    assert (
        tanji("data", "import", str(table), "--format", "csv", "--name", "steel", "-v", "2024")[0]
        == 0
    )
    table.write_text("\n".join([HEADER, ROW.format(code="S1", co2=1900)]) + "\n", encoding="utf-8")
    status, out, err = tanji(
        "data", "import", str(table), "--format", "csv", "--name", "steel", "-v", "2025"
    )
    assert status == 0, err
    assert "changed: 1" in out
    status, out, _ = tanji("data", "diff", "steel:S1", "1", "2", "--json")
    (change,) = json.loads(out)
    assert change["field"] == "gases"
    assert change["before"][0]["kg"] == 1850.0
    assert change["after"][0]["kg"] == 1900.0

    workbook = tmp_path / "steel.xlsx"
    assert tanji("data", "export", "steel", "--format", "xlsx", "-o", str(workbook))[0] == 0
    status, out, err = tanji("data", "import", str(workbook), "--format", "xlsx", "--name", "copy")
    assert status == 0, err
    assert "new: 1" in out

    broken = tmp_path / "broken.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book["factors"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("co2_kg") + 1, value="abc")
    sheet.cell(row=2, column=header.index("kind") + 1, value="metal")
    book.save(broken)
    status, out, err = tanji("data", "import", str(broken), "--format", "xlsx", "--name", "bad")
    assert status == 2
    assert "row 2, column co2_kg: 'abc' is not a number" in err
    assert "row 2, column kind: 'metal'" in err
    assert "Traceback" not in err
    status, out, _ = tanji("data", "list", "--json")
    assert "bad" not in {d["name"] for d in json.loads(out)}  # nothing half-imported


def test_errors_are_one_clear_message(tanji: Run, tmp_path: Path) -> None:
    status, _, err = tanji("data", "import", str(tmp_path / "nope.csv"), "-f", "csv", "-n", "x")
    assert status == 2
    assert "no such file" in err
    status, _, err = tanji("data", "show", "nope:X")
    assert status == 2
    assert "no database named 'nope'" in err
    status, _, err = tanji("data", "import", str(tmp_path), "-f", "pdf", "-n", "x")
    assert status == 2
    assert "--format must be one of" in err


def test_commands_before_upgrade_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("TANJI_DATABASE_URL", raising=False)
    assert main(["data", "list"]) == 2
    assert "run 'tanji db upgrade'" in capsys.readouterr().err


def test_the_template_workbook(tanji: Run, tmp_path: Path) -> None:
    status, _, err = tanji("data", "template", str(tmp_path / "t.xlsx"))
    assert status == 0, err
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert "factors" in book.sheetnames
    assert [c.value for c in book["factors"][1]][:3] == ["code", "name_zh", "name_en"]


def test_greenhouse_gas_flows_without_a_gwp_are_warned(tanji: Run, tmp_path: Path) -> None:
    path, process = smelter_zip(tmp_path / "smelter.zip")
    status, out, err = tanji(
        "data", "import", str(path), "--format", "olca-jsonld", "--name", "smelter"
    )
    assert status == 0, err
    assert (
        "warning: greenhouse-gas-like flow without a GWP: Perfluorocarbons, unspecified "
        "(Elementary flows/Emission to air/unspecified)" in err
    )
    assert "R-14" not in err  # CF4 is recognised by its name
    status, out, err = tanji("data", "footprint", "smelter", "-a", process, "--json")
    assert status == 0, err
    answer = json.loads(out)
    assert answer["score"] == pytest.approx(CF4_GWP100)  # CF4's GWP, not methane's
    assert "Perfluorocarbons, unspecified" in answer["warnings"][0]


def _footprints_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_footprint_of_a_stored_database_in_one_file(
    tanji: Run, shared_standards: Path, tmp_path: Path
) -> None:
    folder = shared_standards / "openlca" / "authored"
    source = folder / "lfp-cell-illustrative.jsonld.zip"
    assert tanji("data", "import", str(source), "--format", "olca-jsonld", "--name", "lfp")[0] == 0
    out_csv = tmp_path / "lfp.csv"
    status, out, err = tanji("data", "footprints", "lfp:1", "-o", str(out_csv))
    assert status == 0, err
    assert "wrote 3 footprints" in out
    rows = _footprints_csv(out_csv)
    with zipfile.ZipFile(source) as archive:
        processes = {
            json.loads(archive.read(n))["@id"]: json.loads(archive.read(n))["name"]
            for n in archive.namelist()
            if n.startswith("processes/")
        }
    assert {r["key"]: r["name"] for r in rows} == processes  # openLCA's process ids and names
    for row in rows:  # each as one footprint of its own (a solve per activity)
        status, out, err = tanji("data", "footprint", "lfp", "--activity", row["key"], "--json")
        assert status == 0, err
        answer = json.loads(out)
        assert float(row["score"]) == pytest.approx(answer["score"], rel=1e-12)
        assert row["unit"] in ("kWh", "kg", "MJ")
    expected = json.loads((folder / "lfp-cell-illustrative.expected.json").read_text())
    cell = next(r for r in rows if r["name"] == "LFP cell production (illustrative)")
    assert float(cell["score"]) == pytest.approx(expected["expected_total_kg_co2e"], rel=1e-9)


def _import_brightway(tanji: Run, tmp_path: Path) -> None:
    """The hand-checked datapackages of the engine tests, stored as database "bw"."""
    packages = tmp_path / "bw"
    packages.mkdir()
    write_package(packages / "database", add_database)
    write_package(packages / "gwp.zip", lambda p: add_method(p, "gwp", GWP))
    status, _, err = tanji("data", "import", str(packages), "-f", "bw-datapackage", "-n", "bw")
    assert status == 0, err


def test_footprints_of_a_brightway_database_are_keyed_by_its_ids(
    tanji: Run, tmp_path: Path
) -> None:
    _import_brightway(tanji, tmp_path)
    out_csv = tmp_path / "bw.csv"
    status, _, err = tanji("data", "footprints", "bw", "--method", "bw/gwp", "-o", str(out_csv))
    assert status == 0, err
    scores = {int(r["key"]): float(r["score"]) for r in _footprints_csv(out_csv)}
    assert scores == pytest.approx(HAND_FOOTPRINTS, rel=1e-12)


def test_footprints_errors_name_what_is_missing(tanji: Run, tmp_path: Path) -> None:
    _import_brightway(tanji, tmp_path)
    out_csv = tmp_path / "out.csv"
    cases = {
        ("nope",): "no database named 'nope'",
        ("bw:7",): "database 'bw' has no version '7'",
        ("bw", "--method", "nope"): "no impact method 'nope' for database 'bw' version 1",
        ("bw", "--method", "ipcc-ar6-gwp101"): "usable: ipcc-ar5-gwp100",
        ("cn-electricity",): "holds emission factors, not LCI activities",
    }
    for args, message in cases.items():
        status, _, err = tanji("data", "footprints", *args, "-o", str(out_csv))
        assert status == 2, args
        assert message in err, (args, err)
        assert "Traceback" not in err
        assert not out_csv.exists()


def test_a_stored_database_exports_with_its_ids_and_reimports_to_the_same_footprints(
    tanji: Run, shared_standards: Path, tmp_path: Path
) -> None:
    """Through the store: the export keeps openLCA's ids (processes, product and elementary
    flows, flow properties, unit groups, impact category and method, product system), and
    every footprint of the
    reimported database, under Tanji's GWP and under the database's own method, is the
    same to 1e-12."""
    source = shared_standards / "openlca" / "authored" / "lfp-cell-illustrative.jsonld.zip"
    assert tanji("data", "import", str(source), "--format", "olca-jsonld", "--name", "a")[0] == 0
    exported = tmp_path / "a.zip"
    assert tanji("data", "export", "a", "--format", "olca-jsonld", "-o", str(exported))[0] == 0
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(exported) as written:
        # Tanji keeps a location's code, not its openLCA id.
        before = {n for n in original.namelist() if "/" in n and "locations/" not in n}
        after = {n for n in written.namelist() if "/" in n and "locations/" not in n}
    assert before == after  # every other entity at its original <folder>/<@id>.json
    assert tanji("data", "import", str(exported), "--format", "olca-jsonld", "--name", "b")[0] == 0
    category = "Climate change - GWP100 (AR6)"
    for method_a, method_b in (("ipcc-ar6-gwp100",) * 2, (f"a/{category}", f"b/{category}")):
        rows = []
        for name, method in (("a", method_a), ("b", method_b)):
            out_csv = tmp_path / f"{name}.csv"
            status, _, err = tanji("data", "footprints", name, "-m", method, "-o", str(out_csv))
            assert status == 0, err
            rows.append({r["key"]: float(r["score"]) for r in _footprints_csv(out_csv)})
        assert rows[0].keys() == rows[1].keys()
        assert rows[1] == pytest.approx(rows[0], rel=1e-12)


def test_the_us_lci_database_imports_as_published_with_the_policies(
    tanji: Run, tmp_path: Path
) -> None:
    """The README's walk-through: the export's folder as published, refused with every
    problem listed, then imported under the policies, and a footprint from it."""
    with tarfile.open(DATA / "uslci-1.5-jsonld.tar.xz") as archive:
        archive.extractall(tmp_path, filter="data")
    folder = tmp_path / "uslci-1.5-jsonld"
    status, out, err = tanji("data", "import", str(folder), "-f", "olca-jsonld", "-n", "uslci")
    assert status == 2
    assert "problems; nothing was imported" in err
    assert "Hardboard, at hardboard plant (processes/ca1d1dfa" in err
    assert "--multi-output reference-only or own" in err
    status, out, err = tanji(
        "data", "import", str(folder), "-f", "olca-jsonld", "-n", "uslci",
        "--unlinked", "cut-off", "--multi-output", "reference-only",
        "--providers", "default-provider",
    )  # fmt: skip
    assert status == 0, err
    assert "activities: 766" in out
    assert "co-product dropped 256" in out
    assert "| provider chosen |" in out
    status, out, err = tanji(
        "data", "footprint", "uslci", "--activity", "Aluminum, primary, ingot, at plant, 1998",
        "--json",
    )  # fmt: skip
    assert status == 0, err
    # The same number test_uslci.py checks against bw2calc.
    assert json.loads(out)["score"] == pytest.approx(13.549444432739, rel=1e-9)


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def test_footprints_of_a_database_with_waste_treatments(tanji: Run, tmp_path: Path) -> None:
    """A generated ecoinvent-shaped database with waste treatments (production −1), written
    as openLCA JSON-LD, imported, every footprint in one file: the numbers of the engine on
    the bundle itself, treatments (negative, the Brightway convention) included."""
    from tanji.domain.inventory import build_inventory_system
    from tanji.engine import Engine
    from tanji.io.olca_jsonld import write_jsonld

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    synthetic = _load("tanji_benchmarks_synthetic", benchmarks / "synthetic.py")
    generated = _load("tanji_benchmarks_import_olca", benchmarks / "import_olca.py").bundle_of(
        synthetic.generate(synthetic.SyntheticSpec(n_activities=150, seed=3)), synthetic
    )
    assert any(a.production_amount < 0 for a in generated.activities)
    write_jsonld(generated, tmp_path / "g.zip")
    assert tanji("data", "import", str(tmp_path / "g.zip"), "-f", "olca-jsonld", "-n", "g")[0] == 0
    (method,) = generated.methods
    out_csv = tmp_path / "g.csv"
    status, _, err = tanji("data", "footprints", "g", "-m", f"g/{method.name}", "-o", str(out_csv))
    assert status == 0, err
    stored = {r["key"]: float(r["score"]) for r in _footprints_csv(out_csv)}
    system, index = build_inventory_system(
        generated.activities, generated.flows, {"m": dict(method.factors)}
    )
    scores = Engine().footprints(system, "m").scores
    expected = {a.key: float(scores[index.activity_id(a.key)]) for a in generated.activities}
    assert stored == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert min(stored.values()) < 0  # a treatment's own footprint, per −1 kg treated


@pytest.mark.parametrize("fmt", ["ilcd-factors", "tidas"])
def test_a_shipped_factor_database_exchanges_and_imports_back(
    tanji: Run, tmp_path: Path, fmt: str
) -> None:
    exported = tmp_path / f"materials.{fmt}.zip"
    status, out, err = tanji(
        "data", "export", "materials-sector", "--format", fmt, "-o", str(exported)
    )
    assert status == 0, err
    assert "wrote 41 records" in out
    status, out, err = tanji("data", "import", str(exported), "--format", fmt, "--name", "peer")
    assert status == 0, err
    assert "new: 41" in out
    status, out, err = tanji("data", "show", "peer:IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO", "--json")
    assert status == 0, err
    assert json.loads(out)["factor"]["source"]["publisher"].startswith("International Aluminium")
