"""``tanji rules …`` and ``tanji calc --rule`` as a user runs them, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanji.io import rule_file
from tanji.services import rules as library

from .conftest import Run

GENERAL = "general-gbt24067@2024.2"

#: A rule for a category Tanji has no code for, with another GWP set than the general one.
TEXTILE = """\
tanji: rule/1
id: test-textile
version: "1"
status: trial
title: {zh: 纺织品测试规则, en: Textile test rule}
category: textile
declared_unit: {quantity: 1 kg}
boundary: cradle-to-gate
stages:
  - {id: raw_materials, name: {zh: 纤维, en: Fibre}, required: true}
  - id: production
    name: {zh: 纺织, en: Textile production}
    required: true
    processes:
      - {id: dyeing, name: {zh: 染色, en: Dyeing}, primary: true,
         citation: {document: Test textile rule, clause: "5.2"}}
cut_off: {single: 0.01, total: 0.05, citation: {document: Test textile rule, clause: "4.3"}}
methods: [ipcc-ar5-gwp100]
citations: [{document: Test textile rule, clause: "1"}]
"""

MODEL = """\
tanji: product-model/1
id: shirt
version: "1"
product:
  name: {{zh: 衬衫, en: Shirt}}
  category: textile
  declared_unit: 1 kg
method: {method}
lines:
  - id: fibre
    stage: raw_materials
    quantity: 1.2 kg
    factor: {{unit: kg, co2e_kg: 3.0, source: {{publisher: T, title: test}}}}
  - id: dye
    stage: production
    quantity: 0.01 kg
    gas: CH4-fossil
{process}"""

GOOD = {"method": "ipcc-ar5-gwp100", "process": "    process: dyeing\n    data: primary\n"}
BROKEN = {"method": "ipcc-ar6-gwp100", "process": ""}


@pytest.fixture
def fresh_store() -> bool:
    """A new store for each test: the shipped rules it loads are narrowed below."""
    return True


@pytest.fixture(autouse=True)
def only_the_general_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ship only the general rule here: other shipped rules are other tests' business."""
    general = [p for p in rule_file.shipped_rule_files() if p.name == "general-gbt24067.yaml"]
    monkeypatch.setattr(library, "shipped_rule_files", lambda: general)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def textile(tanji: Run, tmp_path: Path) -> Path:
    """The textile rule imported into the library."""
    path = write(tmp_path, "textile.yaml", TEXTILE)
    status, out, err = tanji("rules", "import", str(path))
    assert status == 0, err
    assert out.startswith("imported test-textile@1 (trial): 纺织品测试规则 / Textile test rule")
    return path


def test_list_and_show_the_shipped_general_rule(tanji: Run) -> None:
    status, out, err = tanji("rules", "list")
    assert status == 0, err
    line = next(x for x in out.splitlines() if x.startswith("general-gbt24067 "))
    assert "2024.2" in line
    assert "published" in line
    assert "shipped" in line
    status, out, err = tanji("rules", "show", "general-gbt24067")
    assert status == 0, err
    assert out.startswith(f"{GENERAL} — published (shipped)")
    for expected in (
        "raw_materials",
        "required",
        "allocation: subdivision > system-expansion > physical > economic",
        "(ISO 14067:2018 6.4.6 Allocation)",
        "electricity: location or market-based, national grid, lifecycle factor",
        "end of life: cut-off",
        "GWP sets: ipcc-ar6-gwp100 (the rule's), ipcc-ar5-gwp100",
        "report items:",
        "ISO 14067:2018 7.3 CFP study report",
        "next status: superseded",
    ):
        assert expected in out
    status, out, err = tanji("rules", "show", "general-gbt24067", "--version", "2024.2", "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["ref"] == GENERAL
    assert shown["status"] == "published"
    assert shown["origin"] == "shipped"
    assert [s["id"] for s in shown["stages"]][:2] == ["raw_materials", "production"]
    assert shown["methods"] == ["ipcc-ar6-gwp100", "ipcc-ar5-gwp100"]
    assert shown["section_citations"]["allocation"]["clause"] == "6.4.6 Allocation"
    status, _, err = tanji("rules", "show", "nothing")
    assert status == 2
    assert err == "error: no rule 'nothing' in the library (see 'tanji rules list')\n"


def test_an_imported_rule_is_a_new_category(tanji: Run, textile: Path) -> None:
    status, out, err = tanji("rules", "list", "--category", "textile", "--json")
    assert status == 0, err
    listed = json.loads(out)
    assert [(r["ref"], r["status"], r["origin"]) for r in listed] == [
        ("test-textile@1", "trial", "imported")
    ]
    status, out, err = tanji("rules", "show", "test-textile@1")
    assert status == 0, err
    assert "process dyeing: 染色 / Dyeing  primary data  (Test textile rule 5.2)" in out
    assert "cut-off: one excluded input ≤ 1.0%, all exclusions ≤ 5.0% of the footprint" in out
    # Changed content under the same version is refused.
    textile.write_text(TEXTILE.replace('clause: "1"', 'clause: "1.1"'), encoding="utf-8")
    status, _, err = tanji("rules", "import", str(textile))
    assert status == 2
    assert "test-textile@1 is already in the library" in err


def test_status_steps(tanji: Run, textile: Path) -> None:
    status, out, err = tanji("rules", "status", "test-textile@1", "published")
    assert status == 0, err
    assert out == "test-textile@1: trial → published\n"
    status, _, err = tanji("rules", "status", "test-textile@1", "draft")
    assert status == 2
    assert err == (
        "error: test-textile@1 is published: it cannot become draft (it can only become "
        "superseded)\n"
    )
    status, _, err = tanji("rules", "status", "test-textile", "draft")
    assert status == 2
    assert "name the version" in err


def test_validate_exits_1_on_errors(tanji: Run, textile: Path, tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", MODEL.format(**GOOD))
    status, out, err = tanji("rules", "validate", str(good))  # by the model's category
    assert status == 0, err
    assert out.startswith(f"{good} under test-textile@1 (trial): 0 error(s), 0 warning(s)")
    assert "footprint: 3.9 kg CO2e per 1 kg (ipcc-ar5-gwp100)" in out
    broken = write(tmp_path, "broken.yaml", MODEL.format(**BROKEN))
    status, out, err = tanji("rules", "validate", str(broken))
    assert status == 1, err
    assert "error: process-missing: stage production must contain process dyeing" in out
    assert "(Test textile rule 5.2)" in out
    assert "error: gwp-set:" in out
    status, out, err = tanji("rules", "validate", str(broken), "--rule", "test-textile@1", "--json")
    assert status == 1, err
    report = json.loads(out)
    assert report["valid"] is False
    run = report["rules"]["test-textile@1"]
    assert run["errors"] == 2
    assert run["method"] == "ipcc-ar5-gwp100"
    assert {f["code"] for f in run["findings"] if f["severity"] == "error"} == {
        "process-missing",
        "gwp-set",
    }
    assert set(run["findings"][0]) == {"severity", "code", "message", "line", "clause"}
    # A file that cannot be read is a usage error (2), not a finding.
    status, _, err = tanji("rules", "validate", str(tmp_path / "missing.yaml"))
    assert status == 2
    assert "missing.yaml: no such file" in err


def test_calc_under_two_rules_side_by_side(tanji: Run, textile: Path, tmp_path: Path) -> None:
    model = write(tmp_path, "shirt.yaml", MODEL.format(**BROKEN))
    status, out, err = tanji(
        "calc", str(model), "--rule", "general-gbt24067", "--rule", "test-textile", "--json"
    )
    assert status == 0, err
    results = json.loads(out)["rules"]
    assert list(results) == [GENERAL, "test-textile@1"]
    general, textile_result = results[GENERAL], results["test-textile@1"]
    # The general rule keeps the model's AR6 set (CH4 fossil 29.8); the textile rule uses
    # its own, AR5 (30).
    assert general["method"] == "ipcc-ar6-gwp100"
    assert general["total"] == pytest.approx(1.2 * 3.0 + 0.01 * 29.8, rel=1e-12)
    assert textile_result["method"] == "ipcc-ar5-gwp100"
    assert textile_result["total"] == pytest.approx(1.2 * 3.0 + 0.01 * 30.0, rel=1e-12)
    for ref, result in results.items():
        assert {"kind": "rule", "ref": ref, "digest": "", "link": "rule:applied"} in result["pins"]
        assert isinstance(result["result_id"], int)
        assert all(set(f) == {"severity", "code", "message", "line", "clause"} for f in
                   result["findings"])  # fmt: skip
    assert {f["code"] for f in general["findings"]} >= {"category"}
    assert {f["code"] for f in textile_result["findings"]} >= {"process-missing", "gwp-set"}
    # Each result is saved with its rule pinned, and recomputes under that rule version.
    status, out, err = tanji("footprint", "list", "--json")
    assert len(json.loads(out)) == 2
    status, out, err = tanji("footprint", "recompute", str(textile_result["result_id"]))
    assert status == 0, err
    assert "identical" in out


def test_calc_rule_text_and_reports(tanji: Run, textile: Path, tmp_path: Path) -> None:
    model = write(tmp_path, "shirt.yaml", MODEL.format(**{**GOOD, "method": "ipcc-ar6-gwp100"}))
    report = tmp_path / "out" / "shirt.html"
    report.parent.mkdir()
    status, out, err = tanji(
        "calc",
        str(model),
        "--rule",
        GENERAL,
        "--rule",
        "test-textile",
        "--no-save",
        "--report",
        str(report),
    )
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "衬衫 (shirt 1) under 2 rule(s)"
    assert GENERAL in lines[1]
    assert "test-textile@1" in lines[1]
    total = next(x for x in lines if x.startswith("total (kg CO2e per 1 kg)"))
    assert total.split()[-2:] == ["3.898", "3.9"]
    assert any(x.startswith("  production") for x in lines)
    assert next(x for x in lines if x.startswith("errors")).split()[1:] == ["1", "1"]
    assert "findings under test-textile@1:" in lines
    assert "  error: gwp-set: the rule uses ipcc-ar5-gwp100; the model ipcc-ar6-gwp100" in out
    assert "saved as result" not in out
    assert sorted(p.name for p in report.parent.iterdir()) == [
        "shirt.general-gbt24067.html",
        "shirt.test-textile.html",
    ]
    status, out, err = tanji("footprint", "list", "--json")
    assert json.loads(out) == []
    status, _, err = tanji("calc", str(model), "--rule", "nothing")
    assert status == 2
    assert "no rule 'nothing' in the library" in err
