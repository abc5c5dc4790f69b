"""Materials and sector data in the library, on both stores: found by 钢 / 铝 with sources."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tanji.services import product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.factors import factor_detail, search_factors
from tanji.services.product_lines import LineInput

from .test_products_store import _rules_and_cheap_hashes, backgrounds, enterprise

__all__ = ["_rules_and_cheap_hashes", "backgrounds"]  # fixtures shared with the store tests


@pytest.mark.parametrize(
    ("query", "material_code"),
    [
        ("钢", "WSA-SI2022-CO2-CRUDE-STEEL-2021-GLO"),
        ("steel", "WSA-SI2022-CO2-CRUDE-STEEL-2021-GLO"),
        ("铝", "IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO"),
        ("aluminium", "IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO"),
    ],
)
def test_steel_and_aluminium_are_found_with_their_sources(
    session: Session, query: str, material_code: str
) -> None:
    hits = search_factors(session, query)
    refs = {h.ref.split("@")[0] for h in hits}
    assert f"materials-sector:{material_code}" in refs
    assert any(r.startswith("eu-cbam-defaults:") for r in refs)  # CBAM goods of both metals
    for hit in hits:
        source = factor_detail(session, hit.ref).factor.source
        assert all((source.publisher, source.title, source.year, source.table, source.licence))


def test_the_sector_values_are_stored_as_published(session: Session) -> None:
    steel = factor_detail(session, "materials-sector:WSA-SI2022-CO2-CRUDE-STEEL-2021-GLO").factor
    assert {g.gas: g.kg for g in steel.gases} == {"CO2": 1910.0}  # 1.91 t CO2 / t crude steel
    assert steel.co2e is None  # CO2 only: not restated as CO2e
    aluminium = factor_detail(session, "materials-sector:IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO")
    assert aluminium.factor.co2e == 15100.0  # 15.1 t CO2e / t primary aluminium
    assert aluminium.factor.unit == "t"


@pytest.mark.parametrize(
    ("query", "material_code"),
    [
        ("玻璃", "DESNZ2025-MATERIAL-GLASS-PRIMARY"),
        ("glass", "DESNZ2025-MATERIAL-GLASS-PRIMARY"),
        ("再生铝", "DESNZ2025-MATERIAL-ALUMINIUM-CANS-FOIL-CLOSED-LOOP"),
        ("PP", "DESNZ2025-MATERIAL-PP-PRIMARY"),
    ],
)
def test_material_use_proxies_are_found_and_labelled(
    session: Session, query: str, material_code: str
) -> None:
    hits = search_factors(session, query)
    assert f"materials-sector:{material_code}" in {h.ref.split("@")[0] for h in hits}
    factor = factor_detail(session, f"materials-sector:{material_code}").factor
    assert factor.geography == "GB"  # a UK value, named as a proxy for China
    assert "proxy for China" in (factor.name_en or "")
    assert "Open Government Licence" in (factor.source.licence or "")


def test_steel_routes_and_process_defaults_are_found_with_their_kind(session: Session) -> None:
    refs = {h.ref.split("@")[0]: h for h in search_factors(session, "BF-BOF")}
    direct = refs["materials-sector:IEA2020-STEEL-BF-BOF-DIRECT"]
    total = refs["materials-sector:IEA2020-STEEL-BF-BOF-TOTAL"]
    assert (direct.kind, total.kind) == ("process", "material")
    bof = factor_detail(session, "materials-sector:IEA2020-STEEL-BF-BOF-TOTAL").factor
    assert {g.gas: g.kg for g in bof.gases} == {"CO2": 2200.0}  # 2.2 t CO2 / t crude steel
    clinker = {h.ref.split("@")[0] for h in search_factors(session, "熟料")}
    assert "ipcc2006-ippu:IPCC2006-IPPU-CEMENT-CLINKER" in clinker
    factor = factor_detail(session, "ipcc2006-ippu:IPCC2006-IPPU-CEMENT-CLINKER").factor
    assert {g.gas: g.kg for g in factor.gases} == {"CO2": 520.0}  # 0.52 t CO2 / t clinker
    assert factor.kind == "process"
    assert "Volume 3" in factor.source.title


def test_cbam_defaults_are_their_own_kind_and_found_by_cbam(session: Session) -> None:
    hits = search_factors(session, "CBAM 中国")
    assert hits
    assert {h.kind for h in hits} == {"cbam_default"}
    assert {h.geography for h in hits} == {"CN"}
    coil = factor_detail(session, "eu-cbam-defaults:EU-CBAM-2025-2621-CN-7208-DIRECT").factor
    assert coil.co2e == 3190.0  # 3.19 t CO2e per t of hot-rolled flat products from China
    assert "2025/2621" in coil.source.title
    assert "Decision 2011/833/EU" in (coil.source.licence or "")


# --------------------------------------------------------------- templates link the factors

#: template line → (output, shipped factor, kg CO2e per kg of the line's mass)
TEMPLATE_MATERIALS = {
    # materials-sector IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO: 15.1 t CO2e per t
    ("battery", "casing"): ("10 kWh", "materials-sector:IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO", 15.1),
    ("pv", "frame"): ("10 kW", "materials-sector:IAI-GHG-PRIMARY-ALUMINIUM-2022-GLO", 15.1),
    # materials-sector ISTRATE2024-GRAPHITE-SYNTHETIC-CN: 43.8715 kg CO2e per kg
    ("battery", "anode"): ("10 kWh", "materials-sector:ISTRATE2024-GRAPHITE-SYNTHETIC-CN", 43.8715),
    # materials-sector DESNZ2025-MATERIAL-*: DESNZ 2025 material use, kg CO2e per tonne
    ("pv", "glass"): ("10 kW", "materials-sector:DESNZ2025-MATERIAL-GLASS-PRIMARY", 1.40276667),
    ("pv", "encapsulant"): (
        "10 kW",
        "materials-sector:DESNZ2025-MATERIAL-PLASTIC-FILM-AVERAGE-PRIMARY",
        2.91650513,
    ),
    ("steel", "fluxes"): (
        "10 t",
        "materials-sector:DESNZ2025-MATERIAL-AGGREGATES-PRIMARY",
        0.00779306,
    ),
}


@pytest.mark.parametrize(("template", "line_id"), sorted(TEMPLATE_MATERIALS))
def test_material_lines_of_the_templates_compute_from_the_shipped_factor(
    session: Session, backgrounds: BackgroundStore, template: str, line_id: str
) -> None:
    output, ref, per_kg = TEMPLATE_MATERIALS[template, line_id]
    actor = enterprise(session)
    product = products.create_product(
        session, actor, template=template, code="t", name_zh="模板", output=output
    )
    document = products.template_document(template)
    [line] = [x for x in document["lines"] if x["id"] == line_id]
    assert line["factor"] == ref
    report = product_calculation.findings(session, backgrounds, actor, product.id)
    to_choose = {f.message.split(":")[0] for f in report.findings if f.code == "factor-to-choose"}
    assert f"line {line_id}" not in to_choose  # the enterprise only enters the mass
    assert to_choose  # other lines still wait for a factor (no public value was read)

    for other in document["lines"]:
        if other["id"] != line_id:
            products.delete_line(session, actor, product.id, other["id"])
    products.edit_line(
        session, actor, product.id, line_id,
        LineInput(id=line_id, stage=line["stage"], kind="factor", amount=250, unit="kg",
                  factor=ref, data="secondary"),
    )  # fmt: skip
    saved = product_calculation.calculate_product(session, backgrounds, actor, product.id)
    assert saved.total == pytest.approx(250 * per_kg / 10, rel=1e-9)  # per unit of 10
