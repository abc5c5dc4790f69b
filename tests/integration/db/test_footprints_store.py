"""Product footprints against both stores: links, suppliers, pins, certificates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from tanji.domain.factors import DomainError, Uncertainty
from tanji.domain.lci import Activity, ElementaryFlow, Exchange, ExchangeKind, LciBundle
from tanji.domain.products import Link, LinkKind
from tanji.engine import Engine
from tanji.services.background import BackgroundStore
from tanji.services.catalog import Destination
from tanji.services.errors import ConflictError, NotFoundError
from tanji.services.footprints import (
    StoreResolver,
    calculate,
    publish_result,
    recompute,
    save_result,
)
from tanji.services.lci_import import import_bundle

P, T, B = ExchangeKind.PRODUCTION, ExchangeKind.TECHNOSPHERE, ExchangeKind.BIOSPHERE

HEAD = """
tanji: product-model/1
id: {id}
version: "{version}"
product:
  name: {{zh: {id}, en: {id}}}
  category: test
  declared_unit: 1 kg
  company: Test Co.
lines:
"""


def bundle() -> LciBundle:
    """electricity ↔ coal loop feeding a cell (h_cell = 33.25 kg CO2e per kWh, AR6).

    Supply for 1 kWh cell: e = 50/0.96 kWh, c = 20/0.96 kg. CO2: 1 + 0.5·e; CH4 fossil:
    0.01·c kg × 29.8.
    """
    return LciBundle(
        format="test",
        activities=(
            Activity(
                "elec",
                "electricity, grid",
                "kWh",
                (
                    Exchange(P, "elec", 1.0),
                    Exchange(T, "coal", 0.4, uncertainty=Uncertainty("lognormal", gsd=1.2)),
                    Exchange(B, "co2", 0.5),
                ),
            ),
            Activity(
                "coal",
                "hard coal",
                "kg",
                (Exchange(P, "coal", 1.0), Exchange(T, "elec", 0.1), Exchange(B, "ch4", 0.01)),
            ),
            Activity(
                "cell",
                "LFP cell",
                "kWh",
                (Exchange(P, "cell", 1.0), Exchange(T, "elec", 50.0), Exchange(B, "co2", 1.0)),
            ),
        ),
        flows=(
            ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", "air", "124-38-9", gas="CO2"),
            ElementaryFlow("ch4", "Methane, fossil", "kg", "air", "74-82-8", gas="CH4-fossil"),
        ),
    )


@pytest.fixture
def backgrounds(tmp_path: Path) -> BackgroundStore:
    return BackgroundStore(Engine(), tmp_path / "cache", "test")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_activity_links_use_the_prepared_background(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    import_bundle(session, bundle(), Destination("lci-fp", "1"))
    path = write(
        tmp_path,
        "pack.yaml",
        HEAD.format(id="pack", version="1")
        + "  - {id: cells, stage: raw_materials, quantity: 2 kWh, activity: 'lci-fp:cell'}\n"
        + "  - {id: power, stage: production, quantity: 10 kWh, "
        + "electricity: {grid: {geography: CN-JS, year: 2022}}}\n",
    )
    calc = calculate(session, backgrounds, path)
    e, c = 50 / 0.96, 20 / 0.96
    cell_co2, cell_ch4 = 1 + 0.5 * e, 0.01 * c * 29.8
    # The grid factor the shipped table gives CN-JS 2022 (life-cycle: the earliest later one).
    grid = calc.footprint.lines[1].per_unit
    assert calc.footprint.total == pytest.approx(2 * (cell_co2 + cell_ch4) + 10 * grid, rel=1e-12)
    assert calc.footprint.gases["CH4-fossil"] == pytest.approx(2 * cell_ch4, rel=1e-12)
    assert "CN-JS 2022" in calc.footprint.lines[1].link
    # Monte Carlo reuses the background's samples (the coal input varies).
    mc = calculate(session, backgrounds, path, iterations=64, seed=3)
    assert mc.uncertainty is not None
    assert np.ptp(mc.uncertainty.samples) > 0
    assert mc.uncertainty.drivers[0].line == "cells"
    # The prepared background is on disk: a new store object reads it back.
    again = BackgroundStore(Engine(), tmp_path / "cache", "test")
    assert calculate(session, again, path).footprint.total == calc.footprint.total
    assert not [n for n in calc.footprint.notes if n.startswith("LCI database")]


def test_a_background_with_greenhouse_gas_like_flows_without_a_gwp_says_so(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    base = bundle()
    cell = base.activities[2]
    pfc = ElementaryFlow("pfc", "Perfluorocarbons, unspecified", "kg", "air/unspecified")
    data = LciBundle(
        format="test",
        activities=(
            *base.activities[:2],
            Activity(cell.key, cell.name, cell.unit, (*cell.exchanges, Exchange(B, "pfc", 1e-6))),
        ),
        flows=(*base.flows, pfc),
    )
    import_bundle(session, data, Destination("lci-pfc", "1"))
    path = write(
        tmp_path,
        "pack.yaml",
        HEAD.format(id="pack-pfc", version="1")
        + "  - {id: cells, stage: raw_materials, quantity: 2 kWh, activity: 'lci-pfc:cell'}\n"
        + "  - {id: more, stage: production, quantity: 1 kWh, activity: 'lci-pfc:cell'}\n",
    )
    notes = calculate(session, backgrounds, path).footprint.notes
    (warning,) = [n for n in notes if n.startswith("LCI database")]  # once per database
    assert warning.startswith("LCI database lci-pfc version 1: 1 greenhouse-gas-like flow(s)")
    assert "Perfluorocarbons, unspecified (air/unspecified)" in warning


def test_supplier_footprint_chain_and_pinned_results(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    def supplier(version: str, x: float) -> str:
        return HEAD.format(id="acme-cell", version=version) + (
            "  - {id: steel, stage: raw_materials, quantity: 1 kg, "
            f"factor: {{unit: kg, co2e_kg: {x}, source: {{publisher: T, title: test}}}}}}\n"
        )

    s1 = write(tmp_path, "s1.yaml", supplier("1", 2.0))
    first = save_result(session, calculate(session, backgrounds, s1))
    publish_result(session, first)
    customer = write(
        tmp_path,
        "c.yaml",
        HEAD.format(id="pack", version="1")
        + "  - {id: cell, stage: raw_materials, quantity: 3 kg, supplier: {product: acme-cell}}\n",
    )
    before = calculate(session, backgrounds, customer)
    assert before.footprint.total == pytest.approx(6.0)
    pinned = save_result(session, before)

    s2 = write(tmp_path, "s2.yaml", supplier("2", 2.5))
    second = save_result(session, calculate(session, backgrounds, s2))
    publish_result(session, second)
    after = calculate(session, backgrounds, customer)
    assert after.footprint.total == pytest.approx(7.5)

    again, same = recompute(session, backgrounds, pinned)
    assert same
    assert again.footprint.total == before.footprint.total
    assert again.result["fingerprint"] == before.result["fingerprint"]


def test_unknown_supplier_is_a_clear_error(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        HEAD.format(id="pack", version="1")
        + "  - {id: cell, stage: raw_materials, quantity: 3 kg, supplier: {product: nobody}}\n",
    )
    with pytest.raises(DomainError, match=r"c.yaml: line 11 .*no verified footprint .*'nobody'"):
        calculate(session, backgrounds, path)


def test_a_certificate_counts_for_one_product_only(
    session: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    line = (
        "  - id: power\n    stage: production\n    quantity: 2 MWh\n    electricity:\n"
        "      grid: {geography: CN, year: 2022}\n"
        "      market: [{instrument: green-certificate, ids: [GEC-2025-0001], evidence: x}]\n"
    )
    one = write(tmp_path, "one.yaml", HEAD.format(id="one", version="1") + line)
    save_result(session, calculate(session, backgrounds, one))
    one_v2 = write(tmp_path, "one2.yaml", HEAD.format(id="one", version="2") + line)
    save_result(session, calculate(session, backgrounds, one_v2))  # the same product again
    other = write(tmp_path, "two.yaml", HEAD.format(id="two", version="1") + line)
    with pytest.raises(ConflictError, match=r"GEC-2025-0001.*already claimed by product one"):
        save_result(session, calculate(session, backgrounds, other))


def test_recompute_of_a_missing_result(session: Session, backgrounds: BackgroundStore) -> None:
    with pytest.raises(NotFoundError, match="no footprint result #999"):
        recompute(session, backgrounds, 999)


def test_prefetched_activities_give_the_burdens_of_one_by_one_lookups(
    session: Session, backgrounds: BackgroundStore
) -> None:
    import_bundle(session, bundle(), Destination("lci-fp", "1"))
    links = [Link(LinkKind.ACTIVITY, f"lci-fp:{key}") for key in ("cell", "elec", "coal")]
    batch = StoreResolver(session, backgrounds, "ipcc-ar6-gwp100")
    batch.prefetch(links)  # parts of all three read in one gather
    for link in links:
        single = StoreResolver(session, backgrounds, "ipcc-ar6-gwp100").burden(link, "here")
        together = batch.burden(link, "here")
        assert list(together.parts.items()) == list(single.parts.items())  # same order too
        assert together == single
