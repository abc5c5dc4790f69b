"""The battery and PV templates computed end to end, on both stores.

An enterprise creates a product from the template, enters its own quantities and, for the
lines no public factor exists for (SOURCES.md, "Template lines without a public factor"),
its suppliers' footprints — nothing else. Every other line computes from the shipped
factor the template links, so the result is the hand sum of published values plus the
suppliers' ones, and no line is left at the placeholder's 0 kg CO2e.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from tanji.services import product_calculation, products
from tanji.services.background import BackgroundStore

from .test_products_store import _rules_and_cheap_hashes, backgrounds, enterprise

__all__ = ["_rules_and_cheap_hashes", "backgrounds"]  # fixtures shared with the store tests

#: Published values of the shipped rows the templates link (kg CO2e per unit of the line).
AL_PRIMARY = 15.1  # materials-sector IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO, 15.1 t/t
GRAPHITE = 43.8715  # materials-sector ISTRATE2024-GRAPHITE-SYNTHETIC-CN, per kg
AL_FOIL = 9.11590131  # materials-sector DESNZ2025-MATERIAL-ALUMINIUM-CANS-FOIL-PRIMARY, per kg
GLASS = 1.40276667  # materials-sector DESNZ2025-MATERIAL-GLASS-PRIMARY, per kg
FILM = 2.91650513  # materials-sector DESNZ2025-MATERIAL-PLASTIC-FILM-AVERAGE-PRIMARY, per kg
ROAD = 0.12522  # freight-transport DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW, per t*km
SEA = 0.01977  # freight-transport DESNZ2025-FREIGHT-SEA-CONTAINER-AVG-WTW, per t*km
GRID = 0.5777  # cn-electricity CN-ELEC-LCA-2024-CN: Jiangsu 2024 takes the national 2024
GAS_M3 = 2.162188809  # cn-fuels CN-NDRC-NATURAL-GAS-M3, kg CO2 per m3


def _supplier(unit: str, co2e_kg: float, what: str) -> dict[str, Any]:
    """A supplier's declared footprint as the enterprise types it in (made up for the test)."""
    return {
        "unit": unit,
        "co2e_kg": co2e_kg,
        "name": f"{what}, supplier's declared footprint (illustrative)",
        "illustrative": True,
        "source": {
            "publisher": "Example supplier (illustrative)",
            "title": f"Cradle-to-gate footprint of {what} declared by the supplier — test data",
        },
    }


def _compute(
    session: Session,
    backgrounds: BackgroundStore,
    template: str,
    output: str,
    lines: dict[str, dict[str, Any]],
) -> float:
    actor = enterprise(session)
    product = products.create_product(
        session, actor, template=template, code=template, name_zh="模板算例", output=output
    )
    filename, text = products.model_yaml(session, actor, product.id)
    document = yaml.safe_load(text)
    assert {line["id"] for line in document["lines"]} == set(lines)  # every line is filled
    for line in document["lines"]:
        line.update(lines[line["id"]])
    products.update_document(
        session, actor, product.id, yaml.safe_dump(document, allow_unicode=True), filename
    )
    report = product_calculation.findings(session, backgrounds, actor, product.id)
    codes = {f.code for f in report.findings}
    assert "factor-to-choose" not in codes, codes
    assert "quantity-to-fill" not in codes, codes
    saved = product_calculation.calculate_product(session, backgrounds, actor, product.id)
    return saved.total


def test_the_battery_template_computes_with_only_enterprise_data_entered(
    session: Session, backgrounds: BackgroundStore
) -> None:
    total = _compute(
        session, backgrounds, "battery", "100000 kWh",
        {
            # the enterprise's suppliers' footprints, for the lines without a public factor
            "cathode": {"quantity": "220000 kg", "factor": _supplier("kg", 8.0, "LFP cathode")},
            "electrolyte": {"quantity": "90000 kg",
                            "factor": _supplier("kg", 6.0, "electrolyte")},
            "separator": {"quantity": "1500000 m2",
                          "factor": _supplier("m2", 0.45, "separator")},
            "copper-foil": {"quantity": "60000 kg",
                            "factor": _supplier("kg", 7.5, "copper foil")},
            # the enterprise's quantities only: the template's shipped factors stay
            "anode": {"quantity": "110000 kg"},
            "aluminium-foil": {"quantity": "35000 kg"},
            "casing": {"quantity": "50000 kg"},
            "inbound-road": {"transport": {"mass": "330 t", "distance": "500 km",
                                           "mode": "road"}},
            "electricity": {"quantity": "4000 MWh"},
            "natural-gas": {"quantity": "360000 m3"},
            "delivery-road": {"transport": {"mass": "600 t", "distance": "1000 km",
                                            "mode": "road"}},
        },
    )  # fmt: skip
    suppliers = 220000 * 8.0 + 90000 * 6.0 + 1500000 * 0.45 + 60000 * 7.5
    shipped = (
        110000 * GRAPHITE
        + 35000 * AL_FOIL
        + 50000 * AL_PRIMARY
        + (330 * 500 + 600 * 1000) * ROAD
        + 4_000_000 * GRID
        + 360000 * GAS_M3
    )
    assert total == pytest.approx((suppliers + shipped) / 100000, rel=1e-9)  # per kWh
    assert shipped / (suppliers + shipped) > 0.7  # most of it from the shipped factors


def test_the_pv_template_computes_with_only_enterprise_data_entered(
    session: Session, backgrounds: BackgroundStore
) -> None:
    total = _compute(
        session, backgrounds, "pv", "55 kW",  # 100 modules of 550 W
        {
            "wafers": {"quantity": "7200 piece",
                       "factor": _supplier("piece", 1.9, "M10 wafer")},
            "glass": {"quantity": "2150 kg"},
            "frame": {"quantity": "240 kg"},
            "encapsulant": {"quantity": "250 kg"},
            "inbound-road": {"transport": {"mass": "2.7 t", "distance": "180 km",
                                           "mode": "road"}},
            "cell-electricity": {"quantity": "4000 kWh"},
            "module-electricity": {"quantity": "2800 kWh"},
            "export-sea": {"transport": {"mass": "3 t", "distance": "19500 km",
                                         "mode": "sea-container"}},
        },
    )  # fmt: skip
    expected = (
        7200 * 1.9
        + 2150 * GLASS
        + 240 * AL_PRIMARY
        + 250 * FILM
        + 2.7 * 180 * ROAD
        + (4000 + 2800) * GRID
        + 3 * 19500 * SEA
    )
    assert total == pytest.approx(expected / 55, rel=1e-9)  # per kW
