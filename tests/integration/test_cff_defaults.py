"""The shipped PEF Annex C table: its rows are sourced, and rules that name it get its values."""

from __future__ import annotations

import csv
from pathlib import Path

from tanji.io.cff_defaults import CFF_TABLES, cff_table
from tanji.io.rule_file import read_rule, rule_from_text, shipped_rule_files

CFF = Path(__file__).resolve().parents[2] / "src" / "tanji" / "data" / "cff"

RULE = """
tanji: rule/1
id: test-cff
version: "1"
status: trial
title: {zh: 测试, en: Test}
category: test
declared_unit: {quantity: 1 kg}
boundary: cradle-to-gate
stages: [{id: raw_materials, name: {zh: 原材料, en: Raw materials}}]
end_of_life:
  method: cff
  defaults_table: pef-annex-c
  defaults:
    aluminium: {A: 0.5, R2: 0.9}
    copper: {R1: 0.3}
methods: [ipcc-ar6-gwp100]
citations: [{document: Test rule, clause: "1"}]
"""


def test_every_row_is_sourced_and_in_range() -> None:
    for name in CFF_TABLES.values():
        with (CFF / name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows
        for row in rows:
            for column in ("source_publisher", "source_title", "source_year", "source_table"):
                assert row[column].strip(), f"{name} {row['material']}: {column}"
            assert "2011/833/EU" in row["source_licence"]
            for key in ("A", "Qsin/Qp", "Qsout/Qp"):
                assert 0.0 <= float(row[key]) <= 1.0


def test_pef_annex_c_values_as_read() -> None:
    # Annex C v2.1: A = 0.2 for metals and glass; Qs/Qp = 1 for steel, aluminium, glass
    table = cff_table("pef-annex-c")
    for material in ("steel", "aluminium", "glass"):
        assert table[material] == {"a": 0.2, "qsin_qp": 1.0, "qsout_qp": 1.0}


def test_a_rules_own_defaults_override_the_table_value_by_value() -> None:
    rule = rule_from_text(RULE, "rule.yaml")
    assert rule.cff_defaults["aluminium"] == {"a": 0.5, "qsin_qp": 1.0, "qsout_qp": 1.0, "r2": 0.9}
    assert rule.cff_defaults["steel"] == {"a": 0.2, "qsin_qp": 1.0, "qsout_qp": 1.0}
    assert rule.cff_defaults["copper"] == {"r1": 0.3}
    assert dict(cff_table("pef-annex-c")["aluminium"])["a"] == 0.2  # the table is not changed


def test_the_battery_regulation_rule_uses_the_table() -> None:
    [path] = [p for p in shipped_rule_files() if p.stem == "eu-battery-regulation"]
    rule = read_rule(path)
    assert rule.end_of_life == "cff"
    assert rule.cff_defaults["aluminium"]["a"] == 0.2
