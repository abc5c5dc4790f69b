"""Waste treatments: activities whose reference production is negative.

ecoinvent and Brightway model the treatment of a waste as an activity that "produces"
−1 kg of the waste; an activity that generates the waste supplies it, a positive entry in
A. The system is conftest's ``waste_treatment`` (hand answers in its docstring): every
part of the engine must take it as it is and give those answers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tanji.engine import (
    Distribution,
    Engine,
    Exchanges,
    LcaSystem,
    MonteCarlo,
    SolverConfig,
    build_system,
    by_activity,
    sensitivity,
    supply_chain,
    uncertainty_records,
)

PRODUCT, POWER, INCINERATION = 1, 2, 4
RTOL = 1e-12
SUPPLY = [1.0, 0.52, 0.2]
FOOTPRINTS = [1.608, 0.4, -2.04]

SOLVERS = [
    pytest.param(SolverConfig("superlu"), id="superlu-metis"),
    pytest.param(SolverConfig("superlu", ordering="colamd"), id="superlu-colamd-At"),
    pytest.param(SolverConfig("superlu", transpose=False, ordering="colamd"), id="colamd-A"),
    pytest.param(
        SolverConfig("pardiso"),
        id="pardiso",
        marks=pytest.mark.skipif(
            SolverConfig("auto").resolved_backend() != "pardiso",
            reason="pypardiso is not installed",
        ),
    ),
]


@pytest.mark.parametrize("solver", SOLVERS)
def test_supply_score_and_footprints_by_hand(
    waste_treatment: LcaSystem, solver: SolverConfig
) -> None:
    engine = Engine(solver)
    result = engine.lca(waste_treatment, {PRODUCT: 1.0}, "gwp")
    np.testing.assert_allclose(result.supply, SUPPLY, rtol=RTOL)
    assert result.score == pytest.approx(1.608, rel=RTOL)
    table = engine.footprints(waste_treatment, "gwp")
    np.testing.assert_allclose(table.scores, FOOTPRINTS, rtol=RTOL)


def test_the_treatments_footprint_is_minus_the_burden_of_treating_one_kg(
    waste_treatment: LcaSystem,
) -> None:
    # A demand of one unit of the treatment's reference product is −1 kg of waste: the
    # treatment runs −1 times, and the score is the burden of treating 1 kg, negated.
    result = Engine().lca(waste_treatment, {INCINERATION: 1.0}, "gwp")
    np.testing.assert_allclose(result.supply, [0.0, -0.1, -1.0], rtol=RTOL, atol=1e-15)
    assert result.score == pytest.approx(-2.04, rel=RTOL)
    # Treating 1 kg of waste is a demand of −1 unit: a positive burden.
    assert Engine().lca(waste_treatment, {INCINERATION: -1.0}, "gwp").score == pytest.approx(
        2.04, rel=RTOL
    )


def test_contributions_sum_to_the_score(waste_treatment: LcaSystem) -> None:
    result = Engine().lca(waste_treatment, {PRODUCT: 1.0}, "gwp")
    contributions = {c.key: c.score for c in by_activity(result, top=None)}
    assert contributions == pytest.approx({PRODUCT: 1.0, INCINERATION: 0.4, POWER: 0.208})
    assert sum(contributions.values()) == pytest.approx(result.score, rel=RTOL)


def test_supply_chain_follows_the_waste_to_its_treatment(waste_treatment: LcaSystem) -> None:
    table = Engine().footprints(waste_treatment, "gwp")
    nodes = supply_chain(table, {PRODUCT: 1.0}, cutoff=0.0)
    by_path = {n.path: n for n in nodes}
    # The product's 0.2 kg of waste is −0.2 units of the treatment's product: a negative
    # amount whose cumulative score, −0.2 × −2.04, is the burden of treating it.
    waste = by_path[(PRODUCT, INCINERATION)]
    assert waste.amount == pytest.approx(-0.2, rel=RTOL)
    assert waste.cumulative == pytest.approx(0.408, rel=RTOL)
    assert waste.direct == pytest.approx(0.4, rel=RTOL)  # 0.2 kg × 2 kg CO2 per kg
    power = by_path[(PRODUCT, INCINERATION, POWER)]
    assert power.amount == pytest.approx(0.02, rel=RTOL)
    assert power.cumulative == pytest.approx(0.008, rel=RTOL)
    assert by_path[(PRODUCT, POWER)].cumulative == pytest.approx(0.2, rel=RTOL)
    root = by_path[(PRODUCT,)]
    children = [n for n in nodes if n.depth == 1]
    assert root.direct + sum(n.cumulative for n in children) == pytest.approx(
        root.cumulative, rel=RTOL
    )


def _uncertain_waste_treatment() -> LcaSystem:
    """The hand system with the waste exchange and the treatment's emission uncertain.

    The waste exchange is stored negative (−0.2), so its lognormal carries stats_arrays'
    ``negative`` flag: draws are −exp(μ + σ·z), and the flip makes them positive in A.
    """
    lognormal = int(Distribution.LOGNORMAL)
    none = int(Distribution.NONE)
    records = [
        uncertainty_records(1, kind=none, loc=1.0),
        uncertainty_records(1, kind=none, loc=0.5),
        uncertainty_records(1, kind=lognormal, loc=math.log(0.2), scale=0.4, negative=True),
        uncertainty_records(1, kind=none, loc=1.0),
        uncertainty_records(1, kind=none, loc=-1.0),
        uncertainty_records(1, kind=none, loc=0.1),
    ]
    technosphere = Exchanges(
        rows=[1, 2, 4, 2, 4, 2],
        cols=[1, 1, 1, 2, 4, 4],
        amounts=[1.0, 0.5, -0.2, 1.0, -1.0, 0.1],
        flip=[False, True, True, False, False, True],
        uncertainty=np.concatenate(records),
    )
    biosphere = Exchanges(
        rows=[100, 100, 100],
        cols=[1, 2, 4],
        amounts=[1.0, 0.4, 2.0],
        uncertainty=np.concatenate(
            [
                uncertainty_records(1, kind=none, loc=1.0),
                uncertainty_records(1, kind=none, loc=0.4),
                uncertainty_records(1, kind=lognormal, loc=math.log(2.0), scale=0.1),
            ]
        ),
    )
    return build_system(technosphere, biosphere, {"gwp": ([100], [1.0])})


def test_monte_carlo_draws_waste_as_positive_entries_and_is_exact() -> None:
    system = _uncertain_waste_treatment()
    mc = MonteCarlo(Engine(), system, "gwp")
    result = mc.run({PRODUCT: 1.0}, 400, seed=5)
    every = mc.all_activities(400, seed=5)
    # The same draws: every activity's footprint, and the product's equals its run.
    np.testing.assert_allclose(every.samples[:, 0], result.scores[:, 0], rtol=1e-6)
    # By hand per draw: score = 1 + 0.4·(0.5 + 0.1·w) + e·w = 1.2 + w·(e + 0.04), with w
    # the waste and e the treatment's emission per kg; its footprint is −(e + 0.04).
    incineration = every.samples[:, 2]
    burden = -incineration
    waste = (result.scores[:, 0] - 1.2) / burden
    assert (burden > 0).all()
    assert (waste > 0).all()
    np.testing.assert_allclose(every.samples[:, 1], 0.4, rtol=1e-6)
    # w is lognormal around 0.2 (σ = 0.4): its log-mean within 4 standard errors.
    assert abs(np.log(waste).mean() - math.log(0.2)) < 4 * 0.4 / math.sqrt(400)
    assert np.log(waste).std() == pytest.approx(0.4, rel=0.15)
    assert result.max_error_estimate <= 1e-6


def test_sensitivity_ranks_the_waste_exchange() -> None:
    result = sensitivity(Engine(), _uncertain_waste_treatment(), {PRODUCT: 1.0}, "gwp", 300, 3)
    first = result.entries[0]
    assert (first.matrix, first.row_id, first.col_id) == ("technosphere", INCINERATION, PRODUCT)
    assert first.amount == -0.2  # as stored, before the flip
    # More waste (a more negative stored amount) means a higher score.
    assert first.rank_correlation < -0.9
