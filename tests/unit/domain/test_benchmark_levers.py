"""Reduction levers as model variants, and paired Monte Carlo on common random numbers."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from tanji.domain.benchmarks import (
    BenchmarkError,
    Lever,
    LeverKind,
    apply_lever,
    difference,
    sample_footprints,
)
from tanji.domain.benchmarks.paired import sample_footprint
from tanji.domain.burdens import Burden, Pin, factor_burden
from tanji.domain.factors import DomainError, Uncertainty
from tanji.domain.footprints import compute
from tanji.domain.products import DEFAULT_GRID_BASIS, Link, LinkKind, ProductModel
from tanji.io.product_model import ModelDocument, model_from_document, parse_document


def per_unit(unit: str, value: float, label: str, **kw: Any) -> Burden:
    return Burden(
        unit, {("CO2", "fossil"): value}, label, "test source", (Pin("factor", label),), **kw
    )


class Resolver:
    gwp: ClassVar[dict[str, float]] = {"CO2": 1.0}
    basis = "IPCC-AR6-GWP100"

    def __init__(self, factors: dict[str, Burden]) -> None:
        self.factors = factors

    def prefetch(self, links: object) -> None:
        pass

    def burden(self, link: Link, where: str) -> Burden:
        if link.kind is LinkKind.INLINE:
            assert link.inline is not None
            return factor_burden(link.inline, self.gwp, self.basis, None)
        key = (
            f"grid:{link.ref}:{link.basis or DEFAULT_GRID_BASIS}"
            if link.kind is LinkKind.GRID
            else link.ref
        )
        if key not in self.factors:
            raise DomainError(f"{where}: unknown {key}")
        return self.factors[key]

    def submodel(self, ref: str, parent: ProductModel, where: str) -> ProductModel:
        raise AssertionError

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> np.ndarray:
        raise AssertionError


RESOLVER = Resolver(
    {
        "grid:CN-JS:lifecycle": per_unit(
            "kWh", 0.6, "grid", uncertainty=Uncertainty("lognormal", gsd=1.15)
        ),
        "grid:CN-JS:residual": per_unit("kWh", 0.6, "residual"),
        "db:ALU": per_unit("kg", 17.0, "alu", uncertainty=Uncertainty("lognormal", gsd=1.3)),
        "db:ALU-REC": per_unit("kg", 1.0, "alu-rec", uncertainty=Uncertainty("lognormal", gsd=1.3)),
        "db:ROAD": per_unit("t*km", 0.09, "road", uncertainty=Uncertainty("lognormal", gsd=1.2)),
        "db:RAIL": per_unit("t*km", 0.03, "rail", uncertainty=Uncertainty("lognormal", gsd=1.2)),
    }
)

DOC = """
tanji: product-model/1
id: cell
product:
  name: {zh: 电芯, en: Cell}
  category: lithium-battery
  declared_unit: 1 kWh
output: 1000 kWh
lines:
  - id: electricity
    stage: production
    name: electricity
    quantity: 100 MWh
    electricity: {grid: {geography: CN-JS}}
    uncertainty: {distribution: normal, sd: 5}
  - id: casing
    stage: raw_materials
    name: aluminium
    quantity: 2 t
    factor: "db:ALU"
  - id: truck
    stage: distribution
    name: road
    transport: {mass: 10 t, distance: 500 km, mode: road}
    factor: "db:ROAD"
"""


def parsed(data: dict[str, Any]) -> ProductModel:
    return model_from_document(ModelDocument(data, {}, "m.yaml"))


@pytest.fixture(scope="module")
def baseline() -> tuple[ProductModel, dict[str, Any]]:
    document = parse_document(DOC, "m.yaml")
    return model_from_document(document), dict(document.data)


LEVERS = [
    Lever(LeverKind.RENEWABLE, share=0.5),
    Lever(LeverKind.ONSITE_PV, kwh=10_000.0),
    Lever(LeverKind.EFFICIENCY, line="electricity", share=0.1),
    Lever(LeverKind.RECYCLED, line="casing", share=0.5, factor="db:ALU-REC"),
    Lever(LeverKind.SUPPLIER, line="casing", factor="db:ALU-REC"),
    Lever(LeverKind.TRANSPORT, line="truck", factor="db:RAIL", mode="rail"),
]
# Per kWh: electricity 100,000·0.6/1000 = 60; casing 2000·17/1000 = 34; truck 5000·0.09/1000 = 0.45.
EXPECTED = [30.0, 6.0 - 0.41, 6.0, 16.0, 32.0, 0.3]


@pytest.mark.parametrize(("lever", "reduction"), list(zip(LEVERS, EXPECTED, strict=True)))
def test_each_lever_by_hand(
    baseline: tuple[ProductModel, dict[str, Any]], lever: Lever, reduction: float
) -> None:
    model, data = baseline
    base = compute(model, RESOLVER)
    assert base.total == pytest.approx(60.0 + 34.0 + 0.45)
    variant = compute(parsed(apply_lever(model, data, lever)), RESOLVER)
    assert base.total - variant.total == pytest.approx(reduction)
    assert data["lines"][0]["quantity"] == "100 MWh"  # the baseline is never changed


def test_levers_refuse_what_does_not_fit(baseline: tuple[ProductModel, dict[str, Any]]) -> None:
    model, data = baseline
    with pytest.raises(BenchmarkError, match="not a transport line"):
        apply_lever(model, data, Lever(LeverKind.TRANSPORT, line="casing", factor="db:RAIL"))
    with pytest.raises(BenchmarkError, match="'nope'"):
        apply_lever(model, data, Lever(LeverKind.EFFICIENCY, line="nope", share=0.1))
    with pytest.raises(BenchmarkError, match="share"):
        Lever(LeverKind.RENEWABLE, share=1.5)
    with pytest.raises(BenchmarkError, match="new factor"):
        Lever(LeverKind.SUPPLIER, line="casing")


def test_paired_monte_carlo_narrows_the_difference(
    baseline: tuple[ProductModel, dict[str, Any]],
) -> None:
    """Common random numbers: the reduction's interval is far narrower than that of two
    independent runs, and centred on the same mean (the lever touches one line)."""
    model, data = baseline
    lever = Lever(LeverKind.EFFICIENCY, line="electricity", share=0.1)
    base = compute(model, RESOLVER)
    variant = compute(parsed(apply_lever(model, data, lever)), RESOLVER)
    n = 4000
    a, b = sample_footprints([base, variant], RESOLVER, n, seed=11)
    paired = difference(a, b)
    independent = difference(
        sample_footprint(base, RESOLVER, n, seed=11),
        sample_footprint(variant, RESOLVER, n, seed=12),
    )
    assert paired.mean == pytest.approx(6.0, rel=0.05)
    assert independent.mean == pytest.approx(6.0, abs=1.5)
    assert (paired.high - paired.low) < (independent.high - independent.low) / 5
    assert paired.probability == 1.0  # 10 % less electricity is always less
    assert independent.probability < 0.9
    # The same seed reproduces the draws; untouched inputs have identical samples.
    again, _ = sample_footprints([base, variant], RESOLVER, n, seed=11)
    assert np.array_equal(a, again)


def test_a_new_input_gets_fresh_draws(baseline: tuple[ProductModel, dict[str, Any]]) -> None:
    model, data = baseline
    lever = Lever(LeverKind.SUPPLIER, line="casing", factor="db:ALU-REC")
    base = compute(model, RESOLVER)
    variant = compute(parsed(apply_lever(model, data, lever)), RESOLVER)
    a, b = sample_footprints([base, variant], RESOLVER, 3000, seed=5)
    result = difference(a, b)
    assert result.mean == pytest.approx(32.0, rel=0.1)  # 34 − 2 per kWh
    assert result.low < result.mean < result.high
    assert 0.99 <= result.probability <= 1.0
