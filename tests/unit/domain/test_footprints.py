"""Product footprints computed by hand: every expected number is written out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tanji.domain.burdens import Burden, Pin, factor_burden, gas_burden
from tanji.domain.factors import DomainError, Uncertainty
from tanji.domain.footprint_uncertainty import monte_carlo
from tanji.domain.footprints import compute
from tanji.domain.products import DEFAULT_GRID_BASIS, Link, LinkKind, ProductModel
from tanji.io.errors import DataFormatError
from tanji.io.product_model import model_from_document, parse_document

GWP = {"CO2": 1.0, "CH4-fossil": 29.8, "N2O": 273.0, "SF6": 25200.0, "CO2-biogenic": 1.0}
BASIS = "IPCC-AR6-GWP100"


class FakeResolver:
    """Stored factors by ref, grid factors by geography, sub-models by id."""

    gwp = GWP
    basis = BASIS

    def __init__(self, factors: dict[str, Burden], models: dict[str, ProductModel] | None = None):
        self.factors = factors
        self.models = models or {}

    def prefetch(self, links: object) -> None:
        pass

    def burden(self, link: Link, where: str) -> Burden:
        if link.kind is LinkKind.INLINE:
            assert link.inline is not None
            return factor_burden(link.inline, self.gwp, self.basis, None)
        if link.kind is LinkKind.GAS:
            return gas_burden(link.ref, self.gwp, self.basis, "AR6")
        key = (
            f"{link.kind.value}:{link.ref}:{link.basis or DEFAULT_GRID_BASIS}"
            if link.kind is LinkKind.GRID
            else link.ref
        )
        if key not in self.factors:
            raise DomainError(f"{where}: unknown {key}")
        return self.factors[key]

    def submodel(self, ref: str, parent: ProductModel, where: str) -> ProductModel:
        return self.models[ref]

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> np.ndarray:
        raise AssertionError("no background samples in these tests")


def per_unit(
    unit: str, value: float, *, gas: str = "CO2", label: str = "f", **kw: object
) -> Burden:
    return Burden(
        unit, {(gas, "fossil"): value}, label, "test source", (Pin("factor", label),), **kw
    )  # type: ignore[arg-type]


def model(text: str, source: str = "m.yaml") -> ProductModel:
    return model_from_document(parse_document(text, source))


HEAD = """
tanji: product-model/1
id: {id}
product:
  name: {{zh: 测试, en: Test}}
  category: test
  declared_unit: 1 kg
"""


def test_direct_lines_by_stage_and_gas() -> None:
    m = model(
        HEAD.format(id="p")
        + """
output: 2 t
lines:
  - {id: steel, stage: raw_materials, quantity: 500 kg, factor: "db:STEEL"}
  - id: power
    stage: production
    quantity: 1.2 MWh
    electricity: {grid: {geography: CN-JS, year: 2022}}
  - {id: ch4, stage: production, quantity: 2 kg, gas: CH4-fossil}
  - {id: truck, stage: distribution, transport: {mass: 2 t, distance: 100 km}, factor: "db:TRUCK"}
"""
    )
    resolver = FakeResolver(
        {
            "db:STEEL": per_unit("t", 2000.0, label="steel"),
            "grid:CN-JS:lifecycle": per_unit("kWh", 0.5, label="grid"),
            "db:TRUCK": per_unit("t*km", 0.1, label="truck"),
        }
    )
    fp = compute(m, resolver)
    # output 2 t = 2000 declared units of 1 kg
    steel = 0.5 * 2000.0 / 2000
    power = 1200 * 0.5 / 2000
    ch4 = 2 * 29.8 / 2000
    truck = 200 * 0.1 / 2000
    assert fp.total == pytest.approx(steel + power + ch4 + truck, rel=1e-12)
    assert fp.stages["raw_materials"] == pytest.approx(steel)
    assert fp.stages["production"] == pytest.approx(power + ch4)
    assert fp.stages["distribution"] == pytest.approx(truck)
    assert fp.gases["CH4-fossil"] == pytest.approx(ch4)
    assert fp.gases["CO2"] == pytest.approx(steel + power + truck)
    assert fp.categories["fossil"] == pytest.approx(fp.total)


def test_submodels_with_a_loop_are_solved_not_recursed() -> None:
    # A needs 0.5 B per unit and 2 kWh; B needs 0.1 A per unit and 1 kWh.
    # h_A = 2·0.5 + 0.5 h_B ; h_B = 1·0.5 + 0.1 h_A  → h_A = 1.25 / 0.95
    a = model(
        HEAD.format(id="A")
        + """
lines:
  - {id: b, stage: raw_materials, quantity: 0.5 kg, model: B}
  - {id: e, stage: production, quantity: 2 kWh, factor: "db:E"}
"""
    )
    b = model(
        HEAD.format(id="B")
        + """
lines:
  - {id: a, stage: raw_materials, quantity: 0.1 kg, model: A}
  - {id: e, stage: production, quantity: 1 kWh, factor: "db:E"}
"""
    )
    resolver = FakeResolver({"db:E": per_unit("kWh", 0.5)}, {"A": a, "B": b})
    fp = compute(a, resolver)
    h_a = 1.25 / 0.95
    h_b = 0.5 + 0.1 * h_a
    assert fp.total == pytest.approx(h_a, rel=1e-12)
    assert fp.stages["raw_materials"] == pytest.approx(0.5 * h_b)
    assert [c.id for c in fp.components] == ["A", "B"]
    assert fp.components[1].total == pytest.approx(h_b)


def test_market_based_electricity_uses_the_residual_mix_for_the_rest() -> None:
    m = model(
        HEAD.format(id="p")
        + """
lines:
  - id: power
    stage: production
    quantity: 5 MWh
    electricity:
      grid: {geography: CN, year: 2022}
      market:
        - {instrument: green-certificate, ids: [GEC-1, GEC-2], evidence: "registry record 42"}
"""
    )
    resolver = FakeResolver(
        {
            "grid:CN:lifecycle": per_unit("kWh", 0.5366),
            "grid:CN:residual": per_unit("kWh", 0.5856),
        }
    )
    fp = compute(m, resolver)
    assert fp.total == pytest.approx(3000 * 0.5856)


def test_certificates_beyond_consumption_are_refused() -> None:
    m = model(
        HEAD.format(id="p")
        + """
lines:
  - id: power
    stage: production
    quantity: 1 MWh
    electricity:
      grid: {geography: CN}
      market: [{instrument: green-certificate, ids: [A, B], evidence: "x"}]
"""
    )
    with pytest.raises(DomainError, match="cover 2000 kWh, more than the 1000 kWh"):
        compute(m, FakeResolver({"grid:CN:residual": per_unit("kWh", 0.6)}))


def test_mass_allocation_and_system_expansion() -> None:
    alloc = model(
        HEAD.format(id="p")
        + """
allocation:
  method: mass
  main_value: 80
  coproducts: [{name: slag, quantity: 20 kg, value: 20}]
lines:
  - {id: ore, stage: raw_materials, quantity: 10 kg, factor: "db:F"}
  - {id: truck, stage: distribution, quantity: 10 kg, factor: "db:F"}
"""
    )
    resolver = FakeResolver({"db:F": per_unit("kg", 1.0), "db:SUB": per_unit("kg", 0.5)})
    fp = compute(alloc, resolver)
    assert fp.allocation_share == pytest.approx(0.8)
    assert fp.total == pytest.approx(10 * 0.8 + 10)
    expansion = model(
        HEAD.format(id="q")
        + """
allocation:
  method: system-expansion
  coproducts: [{name: slag, quantity: 20 kg, substitutes: {factor: "db:SUB"}}]
lines:
  - {id: ore, stage: raw_materials, quantity: 10 kg, factor: "db:F"}
"""
    )
    assert compute(expansion, resolver).total == pytest.approx(10 - 20 * 0.5)


def test_cff_and_cut_off() -> None:
    text = """
end_of_life: {eol}
lines:
  - id: al
    stage: end_of_life
    quantity: 2 kg
    cff:
      A: 0.2
      R1: 0.3
      R2: 0.9
      Qsin/Qp: 1
      Qsout/Qp: 1
      Ev: {{factor: "db:EV"}}
      Erecycled: {{factor: "db:ERC"}}
      ErecyclingEoL: {{factor: "db:EREOL"}}
      E*v: {{factor: "db:EV"}}
      ED: {{factor: "db:ED"}}
"""
    resolver = FakeResolver(
        {
            "db:EV": per_unit("kg", 10.0),
            "db:ERC": per_unit("kg", 1.0),
            "db:EREOL": per_unit("kg", 0.8),
            "db:ED": per_unit("kg", 0.05),
        }
    )
    a, r1, r2, ev, erc, ereol, ed = 0.2, 0.3, 0.9, 10.0, 1.0, 0.8, 0.05
    cff = (
        (1 - r1) * ev + r1 * (a * erc + (1 - a) * ev) + (1 - a) * r2 * (ereol - ev) + (1 - r2) * ed
    )
    head = HEAD.format(id="p")
    fp = compute(model(head + text.format(eol="cff")), resolver)
    assert fp.total == pytest.approx(2 * cff, rel=1e-12)
    cut_off = (1 - r1) * ev + r1 * erc + (1 - r2) * ed
    assert compute(model(head + text.format(eol="cut-off")), resolver).total == pytest.approx(
        2 * cut_off
    )


def test_biogenic_dluc_aircraft_apart_and_offsets_never_netted() -> None:
    m = model(
        HEAD.format(id="p")
        + """
lines:
  - {id: wood, stage: raw_materials, quantity: 1 kg, gas: CO2-biogenic}
  - {id: land, stage: raw_materials, quantity: 1 kg, factor: "db:F", reporting: dluc}
  - {id: air, stage: distribution, quantity: 1 kg, factor: "db:F", reporting: aircraft}
  - id: credit
    stage: production
    quantity: 5 kg
    factor: "db:F"
    reporting: offset
    evidence: "CCER 123"
"""
    )
    fp = compute(m, FakeResolver({"db:F": per_unit("kg", 2.0)}))
    assert fp.categories == {"fossil": 0.0, "biogenic": 1.0, "dluc": 2.0, "aircraft": 2.0}
    assert fp.total == pytest.approx(5.0)
    assert [(o.line, o.kg_co2e) for o in fp.offsets] == [("credit", 5.0)]


def test_unit_mismatch_names_the_line() -> None:
    m = model(
        HEAD.format(id="p")
        + """
lines:
  - {id: steel, stage: raw_materials, quantity: 5 kWh, factor: "db:STEEL"}
"""
    )
    with pytest.raises(DomainError, match=r"m.yaml: line 10 \(lines\[0\], id steel\).*'kWh'.*'t'"):
        compute(m, FakeResolver({"db:STEEL": per_unit("t", 1.0)}))


def test_schema_errors_name_file_line_and_field() -> None:
    with pytest.raises(DataFormatError) as error:
        model(
            HEAD.format(id="p")
            + """
lines:
  - {id: a, stage: production, quantity: lots, factor: "db:F"}
  - {id: b, stage: production, quantity: 1 kg, factor: "db:F", colour: red}
"""
        )
    text = str(error.value)
    assert "m.yaml:10: lines[0].quantity: 'lots' is not valid here: expected a number" in text
    assert "m.yaml:11: lines[1]: unknown field(s) 'colour'" in text


def test_monte_carlo_varies_with_uncertainty_and_is_constant_without() -> None:
    text = """
lines:
  - {{id: a, stage: production, quantity: 10 kg, factor: "db:F"{u}}}
  - {{id: b, stage: production, quantity: 1 kg, factor: "db:G"}}
"""
    resolver = FakeResolver(
        {
            "db:F": per_unit("kg", 1.0, label="F"),
            "db:G": per_unit("kg", 3.0, label="G", uncertainty=Uncertainty("lognormal", gsd=1.2)),
        }
    )
    head = HEAD.format(id="p")
    fixed = model(head + text.format(u=""))
    result = monte_carlo(compute(fixed, resolver), resolver, 500, seed=1)
    # Only G varies: the total is 10 + 3·X with X lognormal (median 1).
    assert result.summary.median == pytest.approx(13.0, rel=0.02)
    assert [d.line for d in result.drivers] == ["b"]
    again = monte_carlo(compute(fixed, resolver), resolver, 500, seed=1)
    assert np.array_equal(result.samples, again.samples)
    certain = FakeResolver({"db:F": per_unit("kg", 1.0), "db:G": per_unit("kg", 3.0)})
    flat = monte_carlo(compute(fixed, certain), certain, 50, seed=1)
    assert np.all(flat.samples == 13.0)
    varied = model(head + text.format(u=", uncertainty: {distribution: normal, sd: 1}"))
    spread = monte_carlo(compute(varied, certain), certain, 4000, seed=2)
    assert spread.summary.std == pytest.approx(1.0, rel=0.05)


def test_example_path_type() -> None:
    assert Path("x").name == "x"


def test_an_empty_value_is_a_schema_error_with_its_line() -> None:
    with pytest.raises(DataFormatError, match=r"m.yaml:10: lines\[0\].quantity: None"):
        model(
            HEAD.format(id="p")
            + """
lines:
  - {id: a, stage: production, quantity: , factor: "db:F"}
"""
        )
