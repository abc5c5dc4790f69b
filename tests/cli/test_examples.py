"""The worked examples in ``examples/`` give the numbers a hand calculation gives.

Each test runs ``tanji calc EXAMPLE --json --no-save`` (on SQLite and PostgreSQL) and
compares the total, every stage and the gases with arithmetic written out below from the
quantities in the YAML files and the factors. Shipped factors are named constants citing
their table row; the examples' own factors are inline and illustrative, repeated here as
they stand in the YAML. The lines of the examples are annual totals divided by ``output``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REL = 1e-9

# --- shipped factors (src/tanji/data/factors/*.csv) and GWPs (src/tanji/data/gwp.csv) ------
#: Jiangsu 2024 under a product-footprint rule: no provincial or regional 2024 life-cycle
#: factor is published, so the national one (cn-electricity CN-ELEC-LCA-2024-CN), CO2e.
JS_GRID_2024 = 0.5777
#: The remainder of a market-based line, 2024 asked: the latest earlier national residual
#: factor (cn-electricity CN-ELEC-RES-2023-CN), kg CO2/kWh.
CN_RESIDUAL_2023 = 0.6096
GWP_CH4_FOSSIL = 29.8  # gwp.csv CH4-fossil, ar6_gwp100
GWP_N2O = 273.0  # gwp.csv N2O, ar6_gwp100
GWP_HFC134A = 1530.0  # gwp.csv HFC-134a, ar6_gwp100
# ipcc2006-fuels IPCC2006-SC-EI-NATURAL-GAS-TJ, kg per TJ (co2e_kg published: 56157.1)
NG_CO2, NG_CH4, NG_N2O = 56100.0, 1.0, 0.1
NG_PER_TJ = NG_CO2 + NG_CH4 * GWP_CH4_FOSSIL + NG_N2O * GWP_N2O
# ipcc2006-fuels IPCC2006-SC-EI-COKING-COAL-T, kg per t of fuel (co2e_kg published: 2680.10826)
COAL_CO2, COAL_CH4, COAL_N2O = 2667.72, 0.0282, 0.0423
COAL_PER_T = COAL_CO2 + COAL_CH4 * GWP_CH4_FOSSIL + COAL_N2O * GWP_N2O
# freight-transport DESNZ2025-FREIGHT-SEA-CONTAINER-AVG, per t*km: the published CO2e counts
SEA_CONTAINER_CO2E, SEA_CONTAINER_CO2 = 0.01612, 0.01592
# freight-transport DESNZ2025-FREIGHT-SEA-BULK-AVG, per t*km
SEA_BULK_CO2E, SEA_BULK_CO2 = 0.00353, 0.00349

# --- illustrative inline factor used by every example -----------------------------------
ROAD = 0.09  # kg CO2e per t*km, heavy truck (illustrative)


def calc(tanji: Run, example: str, *options: str) -> dict[str, Any]:
    status, out, err = tanji("calc", str(EXAMPLES / example), "--json", "--no-save", *options)
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    assert result["illustrative"] is True
    return result


def approx(value: float) -> Any:
    return pytest.approx(value, rel=REL)


def assert_stages(result: dict[str, Any], expected: dict[str, float]) -> None:
    assert set(result["stages"]) == {
        "raw_materials",
        "production",
        "distribution",
        "use",
        "end_of_life",
    }
    for stage, value in result["stages"].items():
        assert value == pytest.approx(expected.get(stage, 0.0), rel=REL, abs=1e-12), stage


# --- the battery: a cell, and a pack that uses it as a sub-model --------------------------

CELL_OUTPUT = 100_000.0  # kWh of cells in the year
CELL_RAW = (
    220_000 * 8.0  # cathode: 220 t × 8.0 kg CO2e/kg
    + 110_000 * 5.0  # anode: 110 t × 5.0 /kg
    + 90 * 6000.0  # electrolyte: 90 t × 6000 /t
    + 1_500_000 * 0.45  # separator: 1,500,000 m2 × 0.45 /m2
    + 60_000 * 7.5  # copper foil: 60 t × 7.5 /kg
    + 35_000 * 18.0  # aluminium foil: 35 t × 18.0 /kg
    + 50_000 * 17.0  # casing: 50 t × 17.0 /kg
    + 220 * 350 * ROAD  # cathode by road: 220 t × 350 km
    + 110 * 800 * ROAD  # anode by road: 110 t × 800 km
)
# 4000 MWh, of which 20 green certificates × 1 MWh and 1500 MWh green power at 0;
# the remaining 2480 MWh take the residual mix (CN-JS has none: the national one).
CELL_RESIDUAL_KWH = 4_000_000 - 20 * 1000 - 1_500_000
CELL_GAS_TJ = 3600 / 1000  # 3,600 GJ of natural gas
CELL_HFC_KG = 45.0
CELL_PRODUCTION = (
    CELL_RESIDUAL_KWH * CN_RESIDUAL_2023 + CELL_GAS_TJ * NG_PER_TJ + CELL_HFC_KG * GWP_HFC134A
)
CELL_TOTAL = (CELL_RAW + CELL_PRODUCTION) / CELL_OUTPUT  # kg CO2e per kWh
CELL_CO2 = (CELL_RESIDUAL_KWH * CN_RESIDUAL_2023 + CELL_GAS_TJ * NG_CO2) / CELL_OUTPUT


def test_lfp_cell(tanji: Run) -> None:
    result = calc(tanji, "battery/lfp-cell.yaml")

    assert result["per"] == "1 kWh"
    assert result["total"] == approx(CELL_TOTAL)
    assert abs(CELL_TOTAL - 72.5267356) < 1e-9  # kg CO2e per kWh (71.9315356 on the 2022 factors)
    assert_stages(
        result,
        {"raw_materials": CELL_RAW / CELL_OUTPUT, "production": CELL_PRODUCTION / CELL_OUTPUT},
    )
    gases = result["gases"]
    assert gases["HFC-134a"] == approx(CELL_HFC_KG * GWP_HFC134A / CELL_OUTPUT)
    assert gases["CH4-fossil"] == approx(CELL_GAS_TJ * NG_CH4 * GWP_CH4_FOSSIL / CELL_OUTPUT)
    assert gases["N2O"] == approx(CELL_GAS_TJ * NG_N2O * GWP_N2O / CELL_OUTPUT)
    assert gases["CO2"] == approx(CELL_CO2)
    assert gases["CO2e"] == approx(CELL_RAW / CELL_OUTPUT)  # inline factors given as CO2e
    # Market-based electricity: the certificates at zero, the rest on the residual mix.
    power = [line for line in result["lines"] if line["line"] == "electricity"]
    assert [line["co2e"] for line in power[:2]] == [0.0, 0.0]
    assert power[2]["per_unit"] == CN_RESIDUAL_2023
    assert "residual" in power[2]["link"]
    assert power[2]["co2e"] == approx(CELL_RESIDUAL_KWH * CN_RESIDUAL_2023 / CELL_OUTPUT)
    assert result["data_quality"]["dqr"] is not None


PACKS = 2000.0  # packs in the year
PACK_KWH = 46.592  # 52 cells × 3.2 V × 280 Ah
CELLS_KWH = PACKS * PACK_KWH  # 93,184 kWh of cells
PACK_OWN_RAW = (
    2000 * 85.0  # BMS: 2000 pieces × 85 kg CO2e/piece
    + 96_000 * 2.4  # steel housing: 96 t × 2.4 /kg
    + 10_000 * 7.0  # copper busbars: 10 t × 7.0 /kg
    + 24_000 * 17.0  # cooling plates: 24 t × 17.0 /kg
    + 96 * 300 * ROAD  # housings by road: 96 t × 300 km
)
PACK_POWER = 160_000 * JS_GRID_2024  # 160 MWh, life-cycle
PACK_DELIVERY = 620 * 1100 * ROAD  # 620 t × 1100 km by road


# Functional unit: 1 kWh delivered over the life = 1 / (6000 cycles × 0.9 DoD × 0.9 mean SoH)
# kWh of rated energy (illustrative parameters in lfp-pack.yaml).
PACK_KWH_DELIVERED_PER_KWH = 6000 * 0.9 * 0.9  # 4860


def test_lfp_pack_uses_the_cell_model(tanji: Run) -> None:
    result = calc(tanji, "battery/lfp-pack.yaml")

    # Declared per 1 kWh of rated pack energy: the year's lines over 93,184 kWh of packs.
    own = PACK_OWN_RAW + PACK_POWER + PACK_DELIVERY
    total = (CELL_TOTAL * CELLS_KWH + own) / CELLS_KWH
    assert result["per"] == "1 kWh"
    assert result["total"] == approx(total)
    assert abs(total * PACK_KWH - 3896.5677) < 1e-3  # per pack (46.592 kWh); 3870.4441 before
    assert_stages(
        result,
        {
            "raw_materials": (CELL_TOTAL * CELLS_KWH + PACK_OWN_RAW) / CELLS_KWH,
            "production": PACK_POWER / CELLS_KWH,
            "distribution": PACK_DELIVERY / CELLS_KWH,
        },
    )
    gases = result["gases"]
    assert gases["HFC-134a"] == approx(CELL_HFC_KG * GWP_HFC134A / CELL_OUTPUT)
    assert gases["CO2"] == approx(CELL_CO2)  # the pack's power is life-cycle CO2e
    assert result["per_functional_unit"]["total"] == approx(total / PACK_KWH_DELIVERED_PER_KWH)
    [cell] = result["components"]
    assert cell["id"] == "lfp-cell"
    assert cell["total"] == approx(CELL_TOTAL)
    [cells_line] = [line for line in result["lines"] if line["line"] == "cells"]
    assert cells_line["co2e"] == approx(CELL_TOTAL)  # 1 kWh of cells per kWh of pack


def test_monte_carlo_of_the_pack(tanji: Run) -> None:
    result = calc(tanji, "battery/lfp-pack.yaml", "--mc", "200", "--seed", "1")

    u = result["uncertainty"]
    assert (u["iterations"], u["seed"]) == (200, 1)
    assert u["p2_5"] < result["total"] < u["p97_5"]
    assert u["p2_5"] < u["median"] < u["p97_5"]
    lines = {line["line"] for line in result["lines"]}
    assert u["drivers"]
    assert {d["line"] for d in u["drivers"]} <= lines
    assert u["drivers"][0]["line"] == "cells"  # the cells' uncertain inputs dominate
    assert calc(tanji, "battery/lfp-pack.yaml", "--mc", "200", "--seed", "1")["uncertainty"] == u


# --- the PV module: a supplier's PACT file, sea freight and the CFF at end of life ---------

WAFERS = 0.84 * 165.0  # 0.84 kg × 165.0 kg CO2e/kg (supplier-wafer.pact.json, illustrative)


def cff(
    mass: float,
    *,
    a: float,
    r1: float,
    r2: float,
    qsin: float,
    qsout: float,
    ev: float,
    erecycled: float = 0.0,
    erecycling_eol: float,
    ev_star: float,
    ed: float,
) -> tuple[float, float]:
    """(material terms, end-of-life terms) of the Circular Footprint Formula with R3 = 0."""
    material = (1 - r1) * ev + r1 * a * erecycled + r1 * (1 - a) * ev * qsin
    eol = (1 - a) * r2 * erecycling_eol - (1 - a) * r2 * ev_star * qsout + (1 - r2) * ed
    return mass * material, mass * eol


def test_pv_module(tanji: Run) -> None:
    result = calc(tanji, "pv/pv-module.yaml")

    frame = cff(
        2.4, a=0.2, r1=0.4, r2=0.9, qsin=1.0, qsout=0.9,
        ev=16.0, erecycled=1.2, erecycling_eol=0.5, ev_star=16.0, ed=0.02,
    )  # fmt: skip
    glass = cff(
        21.5, a=0.2, r1=0.0, r2=0.3, qsin=1.0, qsout=0.6,
        ev=1.1, erecycling_eol=0.04, ev_star=0.85, ed=0.008,
    )  # fmt: skip
    # Written out: frame 2.4 × (0.6·16 + 0.4·0.2·1.2 + 0.4·0.8·16·1.0) = 2.4 × 14.816 and
    # 2.4 × (0.8·0.9·0.5 − 0.8·0.9·16·0.9 + 0.1·0.02) = 2.4 × −10.006; glass 21.5 × 1.1 and
    # 21.5 × (0.8·0.3·0.04 − 0.8·0.3·0.85·0.6 + 0.7·0.008) = 21.5 × −0.1072.
    assert frame[0] == pytest.approx(2.4 * 14.816)
    assert frame[1] == pytest.approx(2.4 * -10.006)
    assert glass[0] == pytest.approx(21.5 * 1.1)
    assert glass[1] == pytest.approx(21.5 * -0.1072)
    raw = (
        WAFERS
        + 0.0125 * 180.0  # silver paste: 12.5 g × 180 /kg
        + 1.6 * 3.2  # EVA
        + 0.9 * 6.5  # backsheet
        + 1 * 4.8  # junction box, per piece
        + 0.0215 * 180 * ROAD  # glass by road: 21.5 kg × 180 km
        + frame[0]
        + glass[0]
    )
    production = (40 + 28) * JS_GRID_2024  # cell 40 kWh + module 28 kWh, life-cycle
    sea_tkm = 0.030 * 19_500  # 30 kg × 19,500 km
    distribution = 0.030 * 250 * ROAD + sea_tkm * SEA_CONTAINER_CO2E
    end_of_life = frame[1] + glass[1] + 3.5 * 0.9  # + other materials 3.5 kg × 0.9 /kg
    total = raw + production + distribution + end_of_life

    # The lines are one module; the declared unit is 1 kWp ("1 kW"): divide by 0.55 kW.
    kw = 0.55
    assert result["per"] == "1 kW"
    assert result["total"] == approx(total / kw)
    assert abs(total - 242.3963) < 1e-3  # kg CO2e per module (243.7631 on the 2022 factor)
    assert_stages(
        result,
        {
            "raw_materials": raw / kw,
            "production": production / kw,
            "distribution": distribution / kw,
            "end_of_life": end_of_life / kw,
        },
    )
    assert result["stages"]["use"] == 0.0
    co2 = sea_tkm * SEA_CONTAINER_CO2  # production is life-cycle electricity, CO2e only
    assert result["gases"]["CO2"] == approx(co2 / kw)
    assert result["gases"]["CO2e"] == approx((total - co2) / kw)
    # Functional unit: 1 kWh generated; 1000 kWh/(m²·a) × PR 0.8 × 30 a × (1 − 0.005 × 29/2)
    # = 22,260 kWh per kWp over the life (illustrative site parameters).
    lifetime_kwh = 1000 * 0.8 * 30 * (1 - 0.005 * 29 / 2)
    assert lifetime_kwh == pytest.approx(22_260)
    assert result["per_functional_unit"]["total"] == approx(total / kw / lifetime_kwh)
    [wafers] = [line for line in result["lines"] if line["line"] == "wafers"]
    assert wafers["co2e"] == approx(WAFERS / kw)
    assert "Example Wafer Co. (illustrative)" in wafers["link"]
    assert result["end_of_life"] == "cff"


# --- the steel coil: economic allocation vs system expansion, and an offset ---------------

COIL_T = 1_000_000.0  # t of coil in the year
STEEL_RAW = (
    1_550_000 * 30.0  # iron ore: 1,550,000 t × 30 kg CO2e/t
    + 1_550_000 * 6500 * SEA_BULK_CO2E  # ore by bulk carrier: 6500 km
    + 650_000 * (40.0 + 2.7 * GWP_CH4_FOSSIL)  # coal supply: 40 kg CO2 + 2.7 kg CH4 per t
    + 150_000 * 10.0  # limestone quarrying
)
CALCINATION = 150_000 * 0.44 * 1000  # kg CO2: 150,000 t CaCO3 × 0.44 t CO2/t
STEEL_PRODUCTION = 650_000 * COAL_PER_T + CALCINATION + 450_000_000 * JS_GRID_2024
STEEL_DELIVERY = 1_000_000 * 150 * ROAD  # not allocated (distribution)
# Economic allocation: coil revenue over all revenues (coil, BF slag, BOF gas).
SHARE = 4.0e9 / (4.0e9 + 3.0e7 + 1.4e7)
# System expansion: slag replaces clinker, BOF gas replaces natural gas (700,000 GJ).
CREDITS = 300_000 * 850.0 + 700 * NG_PER_TJ


def test_steel_coil_allocation_and_offsets(tanji: Run) -> None:
    economic = calc(tanji, "steel/hot-rolled-coil.yaml")
    expansion = calc(tanji, "steel/hot-rolled-coil-expansion.yaml")

    shared = STEEL_RAW + STEEL_PRODUCTION
    economic_total = (SHARE * shared + STEEL_DELIVERY) / COIL_T
    expansion_total = (shared - CREDITS + STEEL_DELIVERY) / COIL_T
    assert economic["per"] == expansion["per"] == "1 t"
    assert economic["allocation"]["share"] == approx(SHARE)
    assert economic["total"] == approx(economic_total)
    assert_stages(
        economic,
        {
            "raw_materials": SHARE * STEEL_RAW / COIL_T,
            "production": SHARE * STEEL_PRODUCTION / COIL_T,
            "distribution": STEEL_DELIVERY / COIL_T,
        },
    )
    coal_ch4 = 650_000 * (2.7 + COAL_CH4) * GWP_CH4_FOSSIL
    assert economic["gases"]["CH4-fossil"] == approx(SHARE * coal_ch4 / COIL_T)
    assert economic["gases"]["N2O"] == approx(SHARE * 650_000 * COAL_N2O * GWP_N2O / COIL_T)
    co2 = 1_550_000 * 6500 * SEA_BULK_CO2 + 650_000 * (40.0 + COAL_CO2) + CALCINATION
    assert economic["gases"]["CO2"] == approx(SHARE * co2 / COIL_T)
    # The life-cycle electricity factor is published as CO2e only, and the line says why.
    [power] = [line for line in economic["lines"] if line["line"] == "electricity"]
    assert power["per_unit"] == JS_GRID_2024
    assert power["gases"] == {"CO2e": approx(SHARE * 450_000_000 * JS_GRID_2024 / COIL_T)}
    assert power["grid"]["geography"] == "CN"
    assert power["grid"]["reason"] == "national"

    assert expansion["allocation"]["share"] == 1.0
    assert expansion["total"] == approx(expansion_total)
    assert_stages(
        expansion,
        {
            "raw_materials": STEEL_RAW / COIL_T,
            "production": (STEEL_PRODUCTION - CREDITS) / COIL_T,  # credits: last shared stage
            "distribution": STEEL_DELIVERY / COIL_T,
        },
    )
    avoided_ch4 = 700 * NG_CH4 * GWP_CH4_FOSSIL
    assert expansion["gases"]["CH4-fossil"] == approx((coal_ch4 - avoided_ch4) / COIL_T)
    # The two files differ by exactly the allocation difference.
    difference = ((SHARE - 1) * shared + CREDITS) / COIL_T
    assert economic["total"] - expansion["total"] == pytest.approx(difference, rel=1e-9)

    # The CCER credits are listed apart (the amount as entered: 20,000 t) and never netted:
    # the totals above are the hand calculations without them.
    for result in (economic, expansion):
        [offset] = result["offsets"]
        assert offset["line"] == "ccer"
        # 20,000 t of credits for the year's 1,000,000 t: 20 kg per declared unit (1 t),
        # listed apart, never subtracted.
        assert offset["kg_co2e_total"] == 20_000 * 1000.0
        assert offset["kg_co2e"] == pytest.approx(20.0, rel=1e-12)
        assert "CCER" in offset["evidence"]
        assert not any(line["line"] == "ccer" for line in result["lines"])


# worldsteel value of scrap (illustrative RR, S, Y, Xpr, Xre in hot-rolled-coil-worldsteel.yaml):
# −(RR − S)·Y·(Xpr − Xre) per t of coil.
SCRAP_CREDIT = -(0.85 - 0.12) * 0.92 * (2200.0 - 500.0)  # −1141.72 kg CO2e per t


def test_steel_coil_worldsteel_value_of_scrap(tanji: Run) -> None:
    result = calc(tanji, "steel/hot-rolled-coil-worldsteel.yaml")

    expansion_total = (STEEL_RAW + STEEL_PRODUCTION - CREDITS + STEEL_DELIVERY) / COIL_T
    assert abs(SCRAP_CREDIT + 1141.72) < 1e-9  # kg CO2e per t of coil
    assert result["end_of_life"] == "worldsteel"
    assert result["total"] == approx(expansion_total + SCRAP_CREDIT)
    assert result["recycling_credit"] == approx(SCRAP_CREDIT)
    assert_stages(
        result,
        {
            "raw_materials": STEEL_RAW / COIL_T,
            "production": (STEEL_PRODUCTION - CREDITS) / COIL_T,
            "distribution": STEEL_DELIVERY / COIL_T,
            "end_of_life": SCRAP_CREDIT,
        },
    )
    [offset] = result["offsets"]
    assert offset["kg_co2e"] == pytest.approx(20.0, rel=1e-12)  # listed apart, not netted


EXAMPLE_RULES = {
    "battery/lfp-cell.yaml": "cn-battery-declaration",
    "battery/lfp-pack.yaml": "cn-battery-declaration",
    "pv/pv-module.yaml": "pv-module-csi",
    "steel/hot-rolled-coil.yaml": "steel-worldsteel",
    "steel/hot-rolled-coil-expansion.yaml": "steel-worldsteel",
    "steel/hot-rolled-coil-worldsteel.yaml": "steel-worldsteel",
}


def test_every_example_is_listed_here() -> None:
    assert {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.glob("*/*.yaml")} == set(EXAMPLE_RULES)


@pytest.mark.parametrize(("example", "rule"), sorted(EXAMPLE_RULES.items()))
def test_each_example_names_its_rule_and_passes_it(tanji: Run, example: str, rule: str) -> None:
    """The README tour's ``tanji rules validate`` on an example exits 0 under its own rule."""
    assert f"\nrule: {rule}\n" in (EXAMPLES / example).read_text(encoding="utf-8")
    status, out, err = tanji("rules", "validate", str(EXAMPLES / example), "--json")
    assert status == 0, out + err
    report = json.loads(out)
    assert rule in json.dumps(report)
