"""``tanji db`` and ``tanji data`` as a new user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import openpyxl
import pytest

from tanji.cli.main import main

from .conftest import Run
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
        assert "cn-electricity:CN-ELEC-LOC-2023-CN-EAST" in {h["ref"].split("@")[0] for h in hits}
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
