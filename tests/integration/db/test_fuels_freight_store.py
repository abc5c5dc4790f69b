"""Shipped fuel and freight factors on both stores: found by search, computed in a model."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise

from tanji.engine import Engine
from tanji.services import logins, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.factors import search_factors
from tanji.services.product_lines import SHIPPED_TRANSPORT, TRANSPORT_MODES, LineInput
from tanji.services.rules import ensure_shipped_rules

# cn-fuels CN-NDRC-NATURAL-GAS-M3, worked by hand from the NDRC guideline defaults:
# 389.31 GJ per 10^4 Nm3 × 15.3 kg C/GJ × 99 % oxidised × 44/12 kg CO2 per kg C.
NG_PER_M3 = 389.31 / 10_000 * 15.3 * 0.99 * 44 / 12
# freight-transport well-to-wheel rows: DESNZ 2025 tank-to-wheel + well-to-tank, kg CO2e/t·km.
WTW = {
    "road": 0.10163 + 0.02359,  # HGV (all diesel), all HGVs, average laden
    "rail": 0.02779 + 0.00691,  # freight train
    "sea-container": 0.01612 + 0.00365,  # container ship, average
    "sea-bulk": 0.00353 + 0.0008,  # bulk carrier, average
    "air": 0.5313 + 0.13516,  # international freight flights, without radiative forcing
}


@pytest.fixture(autouse=True)
def _rules_and_cheap_hashes(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    ensure_shipped_rules(session)


@pytest.mark.parametrize(
    ("query", "code", "publisher"),
    [
        ("公路货运", "DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW", "DESNZ"),
        ("road freight proxy", "DESNZ2025-FREIGHT-ROAD-HGV-ARTIC-GT33T-LADEN100", "DESNZ"),
        ("铁路货运", "DESNZ2025-FREIGHT-RAIL-TRAIN-WTW", "DESNZ"),
        ("航空货运", "DESNZ2025-FREIGHT-AIR-INTERNATIONAL-NORF-WTW", "DESNZ"),
        ("海运 集装箱船 油井到车轮", "DESNZ2025-FREIGHT-SEA-CONTAINER-AVG-WTW", "DESNZ"),
        ("natural gas m3", "CN-NDRC-NATURAL-GAS-M3", "NDRC"),
        ("天然气", "CN-NDRC-NATURAL-GAS-NM3", "NDRC"),
        ("天然气 制造业", "IPCC2006-SC-MI-NATURAL-GAS-TJ", "IPCC"),
        ("coke manufacturing", "IPCC2006-SC-MI-COKE-OVEN-COKE-T", "IPCC"),
    ],
)
def test_search_finds_fuels_and_freight_with_their_source(
    session: Session, query: str, code: str, publisher: str
) -> None:
    hits = {hit.ref.split("@")[0].split(":", 1)[1]: hit for hit in search_factors(session, query)}
    assert code in hits, sorted(hits)
    assert publisher in hits[code].source
    assert "2025" in hits[code].source or "2006" in hits[code].source or "2013" in hits[code].source


def test_natural_gas_in_m3_and_a_leg_of_every_mode_compute(
    session: Session, tmp_path: Path
) -> None:
    backgrounds = BackgroundStore(Engine(), tmp_path / "cache", "test")
    actor = enterprise(session)
    product = products.create_product(
        session, actor, template="general", code="part", name_zh="零件", output="1 piece"
    )
    for line_id in ("main-material", "inbound-road", "electricity"):
        products.delete_line(session, actor, product.id, line_id)
    products.edit_line(
        session, actor, product.id, "natural-gas",
        LineInput(id="natural-gas", stage="production", kind="factor", amount=1000, unit="m3",
                  factor="cn-fuels:CN-NDRC-NATURAL-GAS-M3", data="primary"),
    )  # fmt: skip
    for mode in TRANSPORT_MODES:
        products.add_line(
            session, actor, product.id,
            LineInput(id=f"leg-{mode}", stage="distribution", kind="transport", mode=mode,
                      mass_t=2, distance_km=100, data="secondary"),
        )  # fmt: skip
    # Every mode but inland waterway gets its shipped factor; that one keeps a placeholder.
    assert set(SHIPPED_TRANSPORT) == set(TRANSPORT_MODES) - {"inland-waterway"}
    report = product_calculation.findings(session, backgrounds, actor, product.id)
    to_choose = [f.line for f in report.findings if f.code == "factor-to-choose"]
    assert len(to_choose) == 1
    assert "leg-inland-waterway" in to_choose[0]
    products.delete_line(session, actor, product.id, "leg-inland-waterway")
    saved = product_calculation.calculate_product(session, backgrounds, actor, product.id)
    expected = 1000 * NG_PER_M3 + sum(200 * value for value in WTW.values())
    assert saved.total == pytest.approx(expected, rel=1e-9)
    assert round(1000 * NG_PER_M3, 2) == 2162.19  # about 2.162 kg CO2 per m3
