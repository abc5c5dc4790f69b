"""Deterministic LCA and adjoint footprints, on every solver backend that is installed."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tanji.engine import (
    Engine,
    Exchanges,
    LcaSystem,
    SingularSystemError,
    SolverConfig,
    SolverUnavailableError,
    build_system,
)

STEEL, ELECTRICITY, COAL = 1, 2, 3  # the activities of conftest's fixtures
RTOL = 1e-12


def _umfpack_installed() -> bool:
    try:
        return importlib.util.find_spec("scikits.umfpack") is not None
    except ModuleNotFoundError:  # no "scikits" namespace at all
        return False


PARDISO_MISSING = importlib.util.find_spec("pypardiso") is None

BACKENDS = [
    pytest.param(SolverConfig("superlu"), id="superlu-metis"),
    pytest.param(
        SolverConfig("superlu", transpose=True, ordering="colamd"), id="superlu-colamd-At"
    ),
    pytest.param(
        SolverConfig("superlu", transpose=False, ordering="colamd"), id="superlu-colamd-A"
    ),
    pytest.param(
        SolverConfig("pardiso"),
        id="pardiso",
        marks=pytest.mark.skipif(PARDISO_MISSING, reason="pypardiso is not installed"),
    ),
    pytest.param(
        SolverConfig("umfpack"),
        id="umfpack",
        marks=pytest.mark.skipif(
            not _umfpack_installed(), reason="scikit-umfpack is not installed"
        ),
    ),
]


# --- Hand answers on every backend -------------------------------------------------------


@pytest.mark.parametrize("solver", BACKENDS)
def test_lca_of_the_steel_chain(steel_chain: LcaSystem, solver: SolverConfig) -> None:
    # Worked out in test_systems.py: s = (1/2, 7/3, 5/3), g = (1, 1/6), h = 6.
    result = Engine(solver).lca(steel_chain, {STEEL: 1.0}, "gwp")
    assert_allclose(result.supply, [1 / 2, 7 / 3, 5 / 3], rtol=RTOL)
    assert_allclose(result.inventory, [1.0, 1 / 6], rtol=RTOL)
    assert result.score == pytest.approx(6.0, rel=RTOL)
    assert result.residual <= 1e-15


@pytest.mark.parametrize("solver", BACKENDS)
def test_footprints_of_the_steel_chain(steel_chain: LcaSystem, solver: SolverConfig) -> None:
    # q = Bᵀc = (2·1, 0, 0.1·30) = (2, 0, 3); Aᵀy = q:
    #   electricity: y_e − 0.5·y_c = 0           ⇒ y_e = y_c/2
    #   coal:        −0.2·y_e + y_c = 3          ⇒ 0.9·y_c = 3, y_c = 10/3, y_e = 5/3
    #   steel:       2·y_s − 4·y_e − 1·y_c = 2   ⇒ y_s = (2 + 20/3 + 10/3)/2 = 6
    table = Engine(solver).footprints(steel_chain, "gwp")
    assert_allclose(table.scores, [6.0, 5 / 3, 10 / 3], rtol=RTOL)


@pytest.mark.parametrize("solver", BACKENDS)
def test_footprints_of_the_electricity_coal_loop(
    electricity_coal: LcaSystem, solver: SolverConfig
) -> None:
    # q = (1, 0.05 + 0.1·30) = (1, 3.05); Aᵀy = q:
    #   y_e − 0.5·y_c = 1 and −0.2·y_e + y_c = 3.05  ⇒ 0.9·y_e = 1 + 1.525
    #   y_e = 2.525/0.9 = 101/36;  y_c = 3.05 + 0.2·101/36 = 130/36 = 65/18
    # (the scores of one kWh and one kg coal in test_systems.py)
    table = Engine(solver).footprints(electricity_coal, "gwp")
    assert_allclose(table.scores, [101 / 36, 65 / 18], rtol=RTOL)


@pytest.mark.parametrize("solver", BACKENDS)
def test_singular_system_is_reported_on_every_backend(solver: SolverConfig) -> None:
    technosphere = Exchanges(rows=[1, 2, 2, 1], cols=[1, 1, 2, 2], amounts=[1.0, -1.0, 1.0, -1.0])
    biosphere = Exchanges(rows=[100], cols=[1], amounts=[1.0])
    system = build_system(technosphere, biosphere, {"gwp": ([100], [1.0])})
    engine = Engine(solver)
    with pytest.raises(SingularSystemError):
        engine.lca(system, {1: 1.0}, "gwp")
    with pytest.raises(SingularSystemError):
        engine.footprints(system, "gwp")


@pytest.mark.skipif(_umfpack_installed(), reason="scikit-umfpack is installed")
def test_umfpack_without_scikit_umfpack_says_what_to_install(steel_chain: LcaSystem) -> None:
    with pytest.raises(SolverUnavailableError, match="scikit-umfpack"):
        Engine(SolverConfig("umfpack")).lca(steel_chain, {STEEL: 1.0}, "gwp")


def test_auto_prefers_pardiso_when_installed() -> None:
    expected = "superlu" if PARDISO_MISSING else "pardiso"
    assert SolverConfig("auto").resolved_backend() == expected


# --- The footprint table answers demands without a solve ---------------------------------


def test_score_of_equals_the_forward_solve(steel_chain: LcaSystem) -> None:
    engine = Engine()
    table = engine.footprints(steel_chain, "gwp")
    for activity in (STEEL, ELECTRICITY, COAL):
        forward = engine.lca(steel_chain, {activity: 1.0}, "gwp").score
        assert table.score_of(activity) == pytest.approx(forward, rel=RTOL)


def test_score_for_a_demand_equals_the_forward_solve(steel_chain: LcaSystem) -> None:
    engine = Engine()
    demand = {STEEL: 2.5, COAL: -1.0, ELECTRICITY: 4.0}
    # 2.5·6 − 10/3 + 4·5/3 = 15 + 10/3 = 55/3
    score = engine.footprints(steel_chain, "gwp").score_for(demand)
    assert score == pytest.approx(55 / 3, rel=RTOL)
    assert score == pytest.approx(engine.lca(steel_chain, demand, "gwp").score, rel=RTOL)


def test_footprint_table_is_read_only(steel_chain: LcaSystem) -> None:
    table = Engine().footprints(steel_chain, "gwp")
    with pytest.raises(ValueError, match="read-only"):
        table.scores[0] = 0.0


# --- The factorization cache -------------------------------------------------------------


def _two_activities(input_amount: float) -> LcaSystem:
    technosphere = Exchanges(
        rows=[1, 2, 2, 1], cols=[1, 1, 2, 2], amounts=[1.0, -input_amount, 1.0, -0.1]
    )
    return build_system(technosphere, Exchanges([100], [1], [1.0]), {"gwp": ([100], [1.0])})


def test_factorization_is_reused_for_the_same_technosphere() -> None:
    engine = Engine()
    first = engine.factorization(_two_activities(0.5))
    assert engine.factorization(_two_activities(0.5)) is first


def test_changed_amount_gets_a_new_factorization_and_new_answer() -> None:
    engine = Engine()
    before = engine.factorization(_two_activities(0.5))
    changed = _two_activities(0.6)
    assert engine.factorization(changed) is not before
    # s_1 − 0.1·s_2 = 1, −0.6·s_1 + s_2 = 0 ⇒ s_1 = 1/0.94
    assert engine.lca(changed, {1: 1.0}, "gwp").score == pytest.approx(1 / 0.94, rel=RTOL)


def test_cache_evicts_the_least_recently_used_factorization() -> None:
    engine = Engine(cache_size=1)
    old = engine.factorization(_two_activities(0.5))
    engine.factorization(_two_activities(0.6))
    assert engine.factorization(_two_activities(0.5)) is not old


# --- Properties on random systems --------------------------------------------------------


def random_system(seed: int, n: int) -> LcaSystem:
    """A random technosphere of n activities with loops, made solvable by column dominance.

    Each activity's production exceeds the sum of its inputs, so |A_jj| > Σ_i≠j |A_ij| for
    every column: Aᵀ is strictly diagonally dominant and A is non-singular.
    """
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(10**6, size=n, replace=False))
    inputs = np.where(rng.random((n, n)) < 0.3, rng.uniform(0.01, 1.0, (n, n)), 0.0)
    np.fill_diagonal(inputs, 0.0)
    production = inputs.sum(axis=0) + rng.uniform(0.2, 2.0, n)
    rows, cols = np.nonzero(inputs)
    m = int(rng.integers(1, 6))
    flows = np.sort(rng.choice(10**6, size=m, replace=False))
    emits = np.where(rng.random((m, n)) < 0.5, rng.uniform(0.0, 5.0, (m, n)), 0.0)
    b_rows, b_cols = np.nonzero(emits)
    technosphere = Exchanges(
        rows=np.concatenate([ids, ids[rows]]),
        cols=np.concatenate([ids, ids[cols]]),
        amounts=np.concatenate([production, inputs[rows, cols]]),
        flip=np.concatenate([np.zeros(n, bool), np.ones(len(rows), bool)]),
    )
    biosphere = Exchanges(rows=flows[b_rows], cols=ids[b_cols], amounts=emits[b_rows, b_cols])
    return build_system(technosphere, biosphere, {"gwp": (flows, rng.uniform(0.1, 10.0, m))})


def random_demand(system: LcaSystem, seed: int) -> dict[int, float]:
    rng = np.random.default_rng(seed)
    chosen = rng.random(system.n_activities) < 0.5
    chosen[rng.integers(system.n_activities)] = True
    amounts = rng.uniform(0.1, 10.0, chosen.sum())
    return {int(i): float(v) for i, v in zip(system.activity_ids[chosen], amounts, strict=True)}


seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=2, max_value=30)
# Hundredths in [−10, 10]: zero, signs and cancellation, but no subnormal demands (a demand
# of 5e-324 kg underflows inside the solve and says nothing about linearity).
coefficients = st.integers(min_value=-1000, max_value=1000).map(lambda k: k / 100)
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)


@PROPERTY_SETTINGS
@given(seed=seeds, n=sizes, a=coefficients, b=coefficients)
def test_score_is_linear_in_the_demand(seed: int, n: int, a: float, b: float) -> None:
    system = random_system(seed, n)
    f1, f2 = random_demand(system, seed + 1), random_demand(system, seed + 2)
    combined = {k: a * f1.get(k, 0.0) + b * f2.get(k, 0.0) for k in f1.keys() | f2.keys()}
    engine = Engine()
    h1 = engine.lca(system, f1, "gwp").score
    h2 = engine.lca(system, f2, "gwp").score
    h = engine.lca(system, combined, "gwp").score
    # Relative to the terms, not the sum: a·h1 and b·h2 may cancel.
    assert abs(h - (a * h1 + b * h2)) <= 1e-9 * (abs(a * h1) + abs(b * h2))


@PROPERTY_SETTINGS
@given(seed=seeds, n=sizes)
def test_footprints_equal_one_forward_solve_per_activity(seed: int, n: int) -> None:
    system = random_system(seed, n)
    engine = Engine()
    table = engine.footprints(system, "gwp")
    forward = [engine.lca(system, {int(j): 1.0}, "gwp").score for j in system.activity_ids]
    # An activity with no emissions upstream has footprint 0, computed as ±1e-16: compare
    # those against the table's scale instead of themselves.
    assert_allclose(table.scores, forward, rtol=1e-9, atol=1e-12 * np.abs(forward).max())


@PROPERTY_SETTINGS
@given(seed=seeds, n=sizes)
def test_supply_satisfies_the_demand(seed: int, n: int) -> None:
    system = random_system(seed, n)
    demand = random_demand(system, seed)
    result = Engine().lca(system, demand, "gwp")
    A = system.technosphere.toarray()
    f = np.zeros(n)
    f[system.activity_index(list(demand))] = list(demand.values())
    s = result.supply
    residual = np.abs(A @ s - f).max()
    bound = np.abs(A).sum(axis=1).max() * np.abs(s).max() + np.abs(f).max()
    assert residual <= 1e-10 * bound
    # A column-dominant M-matrix has a non-negative inverse (up to rounding).
    assert s.min() >= -1e-12 * np.abs(s).max()
