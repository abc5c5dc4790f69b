"""Building LCA systems from triples, checked against systems solved by hand."""

from __future__ import annotations

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tanji.engine import (
    Engine,
    Exchanges,
    InvalidProductionError,
    LcaSystem,
    NonFiniteValueError,
    NonSquareSystemError,
    SingularSystemError,
    UnknownIdError,
    build_system,
)

STEEL, ELECTRICITY, COAL = 1, 2, 3  # the activities of conftest's fixtures
CO2, CH4 = 100, 101

RTOL = 1e-12


def _names(identifier: object) -> str:
    """A pattern matching the id as a whole token of an error message."""
    return rf"(?<![\w.]){re.escape(str(identifier))}(?![\w.])"


# --- Hand-solved systems with loops ------------------------------------------------------


def test_electricity_coal_loop_matrices(electricity_coal: LcaSystem) -> None:
    assert_array_equal(electricity_coal.activity_ids, [ELECTRICITY, COAL])
    assert_array_equal(electricity_coal.flow_ids, [CO2, CH4])
    assert_array_equal(electricity_coal.technosphere.toarray(), [[1.0, -0.2], [-0.5, 1.0]])
    assert_array_equal(electricity_coal.biosphere.toarray(), [[1.0, 0.05], [0.0, 0.1]])
    assert_array_equal(electricity_coal.method("gwp"), [1.0, 30.0])


def test_electricity_coal_loop_for_one_kwh(electricity_coal: LcaSystem) -> None:
    # s_e − 0.2·s_c = 1 and −0.5·s_e + s_c = 0  ⇒  s_c = s_e/2, 0.9·s_e = 1
    #   s = (10/9, 5/9)
    # g_CO2 = 1·10/9 + 0.05·5/9 = 40/36 + 1/36 = 41/36;  g_CH4 = 0.1·5/9 = 1/18
    # h = 41/36 + 30·1/18 = 41/36 + 60/36 = 101/36
    result = Engine().lca(electricity_coal, {ELECTRICITY: 1.0}, "gwp")
    assert_allclose(result.supply, [10 / 9, 5 / 9], rtol=RTOL)
    assert_allclose(result.inventory, [41 / 36, 1 / 18], rtol=RTOL)
    assert result.score == pytest.approx(101 / 36, rel=RTOL)


def test_electricity_coal_loop_for_one_kg_coal(electricity_coal: LcaSystem) -> None:
    # s_e − 0.2·s_c = 0 and −0.5·s_e + s_c = 1  ⇒  s_e = s_c/5, 0.9·s_c = 1
    #   s = (2/9, 10/9)
    # g_CO2 = 2/9 + 0.05·10/9 = 4/18 + 1/18 = 5/18;  g_CH4 = 0.1·10/9 = 1/9
    # h = 5/18 + 30/9 = 65/18
    result = Engine().lca(electricity_coal, {COAL: 1.0}, "gwp")
    assert_allclose(result.supply, [2 / 9, 10 / 9], rtol=RTOL)
    assert_allclose(result.inventory, [5 / 18, 1 / 9], rtol=RTOL)
    assert result.score == pytest.approx(65 / 18, rel=RTOL)


def test_steel_chain_matrices(steel_chain: LcaSystem) -> None:
    assert_array_equal(
        steel_chain.technosphere.toarray(),
        [[2.0, 0.0, 0.0], [-4.0, 1.0, -0.2], [-1.0, -0.5, 1.0]],
    )
    assert_array_equal(steel_chain.biosphere.toarray(), [[2.0, 0.0, 0.0], [0.0, 0.0, 0.1]])


def test_steel_chain_for_one_kg_steel(steel_chain: LcaSystem) -> None:
    # steel:       2·s_s = 1                       ⇒ s_s = 1/2
    # electricity: s_e − 0.2·s_c = 4·s_s = 2
    # coal:        s_c − 0.5·s_e = 1·s_s = 1/2     ⇒ s_c = 1/2 + s_e/2
    #   s_e − 0.1 − 0.1·s_e = 2 ⇒ s_e = 2.1/0.9 = 7/3;  s_c = 1/2 + 7/6 = 5/3
    # g_CO2 = 2·1/2 = 1;  g_CH4 = 0.1·5/3 = 1/6;  h = 1 + 30/6 = 6
    result = Engine().lca(steel_chain, {STEEL: 1.0}, "gwp")
    assert_allclose(result.supply, [1 / 2, 7 / 3, 5 / 3], rtol=RTOL)
    assert_allclose(result.inventory, [1.0, 1 / 6], rtol=RTOL)
    assert result.score == pytest.approx(6.0, rel=RTOL)


def test_demand_is_linear_and_summed_over_products(steel_chain: LcaSystem) -> None:
    # 3 kg steel and 1 kWh: h = 3·6 + 5/3 (the kWh's footprint, see test_lca.py) = 59/3
    result = Engine().lca(steel_chain, {STEEL: 3.0, ELECTRICITY: 1.0}, "gwp")
    assert result.score == pytest.approx(59 / 3, rel=RTOL)


# --- How triples become matrices ---------------------------------------------------------


def _steel_triples(electricity_inputs: list[float], co2: list[float]) -> LcaSystem:
    """The steel chain with steel's electricity input and CO2 split over several triples."""
    k, m = len(electricity_inputs), len(co2)
    technosphere = Exchanges(
        rows=[1, *[2] * k, 3, 2, 3, 3, 2],
        cols=[1, *[1] * k, 1, 2, 2, 3, 3],
        amounts=[2.0, *electricity_inputs, 1.0, 1.0, 0.5, 1.0, 0.2],
        flip=[False, *[True] * k, True, False, True, False, True],
    )
    biosphere = Exchanges(rows=[100] * m + [101], cols=[1] * m + [3], amounts=[*co2, 0.1])
    return build_system(technosphere, biosphere, {"gwp": ([100, 101], [1.0, 30.0])})


def test_duplicate_triples_are_summed(steel_chain: LcaSystem) -> None:
    split = _steel_triples(electricity_inputs=[3.0, 1.0], co2=[1.5, 0.5])
    assert_array_equal(split.technosphere.toarray(), steel_chain.technosphere.toarray())
    assert_array_equal(split.biosphere.toarray(), steel_chain.biosphere.toarray())
    assert Engine().lca(split, {STEEL: 1.0}, "gwp").score == pytest.approx(6.0, rel=RTOL)


def test_flip_negates_the_stored_amount() -> None:
    flipped = Exchanges(rows=[5, 6, 6], cols=[5, 5, 6], amounts=[1.0, 0.25, 1.0], flip=[0, 1, 0])
    negative = Exchanges(rows=[5, 6, 6], cols=[5, 5, 6], amounts=[1.0, -0.25, 1.0])
    assert_array_equal(flipped.signed_amounts, [1.0, -0.25, 1.0])
    empty = Exchanges(rows=[], cols=[], amounts=[])
    a = build_system(flipped, empty).technosphere.toarray()
    b = build_system(negative, empty).technosphere.toarray()
    assert_array_equal(a, [[1.0, 0.0], [-0.25, 1.0]])
    assert_array_equal(a, b)


def test_factors_for_flows_outside_the_biosphere_are_kept_and_add_nothing(
    steel_chain: LcaSystem,
) -> None:
    technosphere = steel_chain.technosphere_exchanges
    biosphere = steel_chain.biosphere_exchanges
    wide = build_system(technosphere, biosphere, {"gwp": ([100, 101, 999], [1.0, 30.0, 1e3])})
    assert_array_equal(wide.flow_ids, [CO2, CH4, 999])
    assert wide.method("gwp")[wide.flow_index([999])[0]] == 1e3
    result = Engine().lca(wide, {STEEL: 1.0}, "gwp")
    assert_allclose(result.inventory, [1.0, 1 / 6, 0.0], rtol=RTOL)
    assert result.score == pytest.approx(6.0, rel=RTOL)


def test_tags_label_activities_and_default_to_empty() -> None:
    technosphere = Exchanges(rows=[5, 6], cols=[5, 6], amounts=[1.0, 1.0])
    system = build_system(technosphere, Exchanges([], [], []), tags={"site": {6: "Suzhou"}})
    assert list(system.tags["site"]) == ["", "Suzhou"]


# --- The digest that keys the factorization cache ----------------------------------------


def test_version_is_stable_when_nothing_changes(steel_chain: LcaSystem) -> None:
    rebuilt = _steel_triples(electricity_inputs=[4.0], co2=[2.0])
    assert rebuilt.version == steel_chain.version


def test_version_changes_when_one_amount_changes(steel_chain: LcaSystem) -> None:
    changed = _steel_triples(electricity_inputs=[4.000001], co2=[2.0])
    assert changed.version != steel_chain.version


def test_version_ignores_the_biosphere(steel_chain: LcaSystem) -> None:
    # Only A is factorized, so a biosphere change must not invalidate the cache.
    other_emissions = _steel_triples(electricity_inputs=[4.0], co2=[3.0])
    assert other_emissions.version == steel_chain.version


# --- Errors name what is wrong -----------------------------------------------------------

A_ID, B_ID, FLOW_ID = 7001, 7002, 9001
NO_EMISSIONS = Exchanges(rows=[], cols=[], amounts=[])


def _pair(
    rows: list[int] | None = None,
    cols: list[int] | None = None,
    amounts: list[float] | None = None,
) -> Exchanges:
    """Activities 7001 and 7002 in a loop: A = [[1, −0.5], [−0.5, 1]] unless overridden."""
    return Exchanges(
        rows=rows or [A_ID, B_ID, B_ID, A_ID],
        cols=cols or [A_ID, A_ID, B_ID, B_ID],
        amounts=amounts or [1.0, -0.5, 1.0, -0.5],
    )


def test_product_without_an_activity_is_non_square() -> None:
    technosphere = _pair(rows=[A_ID, 7777, B_ID, A_ID])
    with pytest.raises(NonSquareSystemError, match=_names(7777)):
        build_system(technosphere, NO_EMISSIONS)


def test_activity_without_a_reference_product_is_non_square() -> None:
    technosphere = Exchanges(rows=[A_ID, A_ID], cols=[A_ID, 8888], amounts=[1.0, -0.5])
    with pytest.raises(NonSquareSystemError, match=_names(8888)):
        build_system(technosphere, NO_EMISSIONS)


def test_zero_production_is_invalid() -> None:
    technosphere = _pair(amounts=[1.0, -0.5, 0.0, -0.5])
    with pytest.raises(InvalidProductionError, match=_names(B_ID) + ".*zero"):
        build_system(technosphere, NO_EMISSIONS)


def test_negative_production_is_a_waste_treatment() -> None:
    technosphere = _pair(amounts=[1.0, -0.5, -1.0, -0.5])
    system = build_system(technosphere, NO_EMISSIONS)
    assert system.technosphere.diagonal().tolist() == [1.0, -1.0]


def test_production_that_sums_to_zero_is_invalid() -> None:
    technosphere = _pair(
        rows=[A_ID, B_ID, B_ID, A_ID, B_ID],
        cols=[A_ID, A_ID, B_ID, B_ID, B_ID],
        amounts=[1.0, -0.5, 1.0, -0.5, -1.0],
    )
    with pytest.raises(InvalidProductionError, match=_names(B_ID)):
        build_system(technosphere, NO_EMISSIONS)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_technosphere_amount_names_its_exchange(bad: float) -> None:
    with pytest.raises(NonFiniteValueError, match=re.escape(f"({B_ID}, {A_ID})")):
        _pair(amounts=[1.0, bad, 1.0, -0.5])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_biosphere_amount_names_its_exchange(bad: float) -> None:
    with pytest.raises(NonFiniteValueError, match=re.escape(f"({FLOW_ID}, {B_ID})")):
        Exchanges(rows=[FLOW_ID, FLOW_ID], cols=[A_ID, B_ID], amounts=[1.0, bad])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_characterization_factor_names_its_flow(bad: float) -> None:
    biosphere = Exchanges(rows=[FLOW_ID], cols=[A_ID], amounts=[1.0])
    with pytest.raises(NonFiniteValueError, match=_names(9002)):
        build_system(_pair(), biosphere, {"gwp": ([FLOW_ID, 9002], [1.0, bad])})


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_demand_names_its_activity(bad: float) -> None:
    system = build_system(_pair(), NO_EMISSIONS, {"gwp": ([FLOW_ID], [1.0])})
    with pytest.raises(NonFiniteValueError, match=_names(B_ID)):
        Engine().lca(system, {A_ID: 1.0, B_ID: bad}, "gwp")


def test_unknown_activity_in_a_demand() -> None:
    system = build_system(_pair(), NO_EMISSIONS, {"gwp": ([FLOW_ID], [1.0])})
    with pytest.raises(UnknownIdError, match=_names(4040)):
        Engine().lca(system, {A_ID: 1.0, 4040: 1.0}, "gwp")


def test_unknown_flow_id() -> None:
    system = build_system(_pair(), NO_EMISSIONS, {"gwp": ([FLOW_ID], [1.0])})
    with pytest.raises(UnknownIdError, match=_names(9999)):
        system.flow_index([FLOW_ID, 9999])


def test_biosphere_exchange_on_an_unknown_activity() -> None:
    biosphere = Exchanges(rows=[FLOW_ID, FLOW_ID], cols=[A_ID, 6060], amounts=[1.0, 1.0])
    with pytest.raises(UnknownIdError, match=_names(6060)):
        build_system(_pair(), biosphere)


def test_unknown_method_name() -> None:
    system = build_system(_pair(), NO_EMISSIONS, {"gwp": ([FLOW_ID], [1.0])})
    with pytest.raises(UnknownIdError, match="'acidification'"):
        Engine().lca(system, {A_ID: 1.0}, "acidification")


def test_tag_on_an_unknown_activity() -> None:
    with pytest.raises(UnknownIdError, match=_names(5050)):
        build_system(_pair(), NO_EMISSIONS, tags={"stage": {A_ID: "use", 5050: "end of life"}})


def test_activities_that_only_supply_each_other_are_singular() -> None:
    # A = [[1, −1], [−1, 1]]: each unit of A needs a unit of B and vice versa; det A = 0.
    technosphere = _pair(amounts=[1.0, -1.0, 1.0, -1.0])
    system = build_system(technosphere, NO_EMISSIONS, {"gwp": ([FLOW_ID], [1.0])})
    with pytest.raises(SingularSystemError):
        Engine().lca(system, {A_ID: 1.0}, "gwp")


@pytest.mark.parametrize("spread", [1, 10**12], ids=["compact ids", "scattered ids"])
def test_ids_in_any_order_and_range_build_the_same_system(spread: int) -> None:
    """Compact ids go through lookup tables, scattered ones through sorts: same result."""
    # The steel chain's triples, shuffled, with ids 1, 2, 3 → spread·(1, 2, 3) (flows too).
    rows = np.array([3, 1, 2, 2, 3, 2, 3])
    cols = np.array([3, 1, 1, 2, 1, 3, 2])
    amounts = [1.0, 2.0, 4.0, 1.0, 1.0, 0.2, 0.5]
    flip = [False, False, True, False, True, True, True]
    system = build_system(
        Exchanges(rows * spread, cols * spread, amounts, flip),
        Exchanges(np.array([101, 100]) * spread, np.array([3, 1]) * spread, [0.1, 2.0]),
        {"gwp": (np.array([100, 101]) * spread, [1.0, 28.0])},
    )
    assert_array_equal(system.activity_ids, np.array([1, 2, 3]) * spread)
    assert_array_equal(
        system.technosphere.toarray(),
        [[2.0, 0.0, 0.0], [-4.0, 1.0, -0.2], [-1.0, -0.5, 1.0]],
    )
    assert_array_equal(system.biosphere.toarray(), [[2.0, 0.0, 0.0], [0.0, 0.0, 0.1]])
    with pytest.raises(UnknownIdError, match=str(7 * spread)):
        system.activity_index([2 * spread, 7 * spread])
