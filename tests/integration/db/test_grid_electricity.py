"""Grid electricity against the shipped factor library, under the shipped rules.

A Jiangsu 2024 line under the battery, PV and steel rules takes the life-cycle electricity
carbon footprint factor (national 2024: no provincial or regional one is published), and
its result line says which factor and the rule's reason. A line may ask for the CO2-only
consumption factor instead; a result saved when an unstated basis meant that factor
recomputes to the same number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tanji.domain.burdens import Pin
from tanji.domain.products import Link, LinkKind
from tanji.domain.rules import check
from tanji.engine import Engine
from tanji.io.reports.html import render_html
from tanji.io.rule_file import read_rule, shipped_rule_files
from tanji.services.background import BackgroundStore
from tanji.services.footprints import StoreResolver
from tanji.services.rules import calculate_under

MODEL = """
tanji: product-model/1
id: grid-test
version: "1"
product:
  name: {{zh: 测试, en: test}}
  category: test
  declared_unit: 1 kWh
  company: Test Co.
lines:
  - id: power
    stage: production
    name: 外购电力 purchased electricity
    quantity: 1000 kWh
    electricity: {{grid: {{geography: CN-JS, year: 2024{basis}}}}}
    data: primary
"""


@pytest.fixture
def backgrounds(tmp_path: Path) -> BackgroundStore:
    return BackgroundStore(Engine(), tmp_path / "cache", "test")


def write(tmp_path: Path, basis: str = "") -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(MODEL.format(basis=f", basis: {basis}" if basis else ""), encoding="utf-8")
    return path


@pytest.mark.parametrize("rule_id", ["cn-battery-declaration", "pv-module-csi", "steel-worldsteel"])
def test_jiangsu_2024_under_a_product_rule_takes_the_life_cycle_factor(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path, rule_id: str
) -> None:
    rule = read_rule(next(p for p in shipped_rule_files() if p.stem == rule_id))
    calc = calculate_under(session, backgrounds, write(tmp_path), rule)

    [line] = calc.result["lines"]
    assert line["per_unit"] == 0.5777  # CN-ELEC-LCA-2024-CN, kg CO2e/kWh
    assert calc.footprint.total == pytest.approx(577.7)
    grid = line["grid"]
    assert grid["basis"] == "lifecycle"
    assert (grid["asked"], grid["asked_year"]) == ("CN-JS", 2024)
    assert (grid["geography"], grid["year"], grid["reason"]) == ("CN", 2024, "national")
    assert grid["basis_from"] == "rule"
    assert grid["rule"] == rule.ref
    assert "电力碳足迹因子" in grid["rule_reason_zh"]
    assert "carbon footprint factor" in grid["rule_reason_en"]
    assert any(
        p["ref"].startswith("cn-electricity:CN-ELEC-LCA-2024-CN@") for p in calc.result["pins"]
    )
    # The report says it too, in both languages.
    zh = render_html(calc.footprint, None, "zh")
    assert "2024年全国电力平均碳足迹因子（江苏 2024年无省级或区域因子，采用全国2024年" in zh
    assert f"口径依核算规则 {rule.ref}" in zh
    en = render_html(calc.footprint, None, "en")
    assert "no provincial or regional factor, national 2024 used" in en


def test_a_line_may_ask_for_the_co2_only_factor_and_the_rule_warns(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    rule = read_rule(next(p for p in shipped_rule_files() if p.stem == "cn-battery-declaration"))
    path = write(tmp_path, "location")
    calc = calculate_under(session, backgrounds, path, rule)

    [line] = calc.result["lines"]
    # No 2024 consumption factor: the latest earlier year, Jiangsu's own row first.
    assert line["per_unit"] == 0.5827  # CN-ELEC-LOC-2023-CN-JS, kg CO2/kWh
    assert (line["grid"]["geography"], line["grid"]["reason"]) == ("CN-JS", "earlier")
    assert line["grid"]["basis_from"] == "model"
    assert "electricity-basis" in {f.code for f in check(calc.footprint.model, rule)}


def test_a_result_saved_before_the_life_cycle_default_recomputes_unchanged(
    session: Session, backgrounds: BackgroundStore
) -> None:
    old = {
        "grid:CN-JS:2022:location": Pin(
            "factor", "cn-electricity:CN-ELEC-LOC-2022-CN-JS@1", link="grid:CN-JS:2022:location"
        )
    }
    link = Link(LinkKind.GRID, "CN-JS", year=2022)  # no basis stated, as then
    pinned = StoreResolver(session, backgrounds, "ipcc-ar6-gwp100", pins=old).burden(link, "m")
    assert pinned.total == 0.5978
    assert pinned.grid is not None
    assert pinned.grid.basis == "location"
    fresh = StoreResolver(session, backgrounds, "ipcc-ar6-gwp100").burden(link, "m")
    assert fresh.total == 0.6205  # today: life-cycle, nothing of 2022 → the 2023 national
    assert fresh.grid is not None
    assert fresh.grid.reason == "later"
