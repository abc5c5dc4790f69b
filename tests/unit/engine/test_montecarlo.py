"""Monte Carlo: reproducible, constant without uncertainty, and exact draw by draw.

The statistical checks compare two independent samples within five standard errors of
their difference; every run is seeded, so none of them can flake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.typing import NDArray

from tanji.engine import (
    Distribution,
    Engine,
    EngineError,
    Exchanges,
    LcaSystem,
    MonteCarlo,
    build_system,
    summarize,
    uncertainty_records,
)

# The tests below reproduce the engine's own draws with its private resampler. That is
# deliberate: the Monte Carlo guarantees a forward error of at most 1e-6 per iteration
# (Richardson or direct fallback), and checking that guarantee needs the very matrix each
# iteration solved.
from tanji.engine.montecarlo import _Resampler

FloatArray = NDArray[np.float64]
NONE, LOGNORMAL, NORMAL = (
    int(Distribution.NONE),
    int(Distribution.LOGNORMAL),
    int(Distribution.NORMAL),
)
UNIFORM, TRIANGULAR = int(Distribution.UNIFORM), int(Distribution.TRIANGULAR)
STEEL, ELECTRICITY, COAL = 1, 2, 3
GWP = {"gwp": ([100, 101], [1.0, 30.0])}


def _record(kind: int, **parameters: float) -> NDArray[np.void]:
    return uncertainty_records(1, kind=kind, **parameters)  # type: ignore[arg-type]


def uncertain_steel_chain() -> LcaSystem:
    """conftest's steel chain with a distribution on every exchange but the productions."""
    technosphere = Exchanges(
        rows=[1, 2, 3, 2, 3, 3, 2],
        cols=[1, 1, 1, 2, 2, 3, 3],
        amounts=[2.0, 4.0, 1.0, 1.0, 0.5, 1.0, 0.2],
        flip=[False, True, True, False, True, False, True],
        uncertainty=np.concatenate(
            [
                _record(NONE, loc=2.0),
                _record(LOGNORMAL, loc=math.log(4.0), scale=0.1),
                _record(NORMAL, loc=1.0, scale=0.1),
                _record(NONE, loc=1.0),
                _record(UNIFORM, minimum=0.4, maximum=0.6),
                _record(NONE, loc=1.0),
                _record(TRIANGULAR, minimum=0.1, loc=0.2, maximum=0.3),
            ]
        ),
    )
    biosphere = Exchanges(
        rows=[100, 101],
        cols=[1, 3],
        amounts=[2.0, 0.1],
        uncertainty=np.concatenate(
            [
                _record(LOGNORMAL, loc=math.log(2.0), scale=0.2),
                _record(LOGNORMAL, loc=math.log(0.1), scale=0.3),
            ]
        ),
    )
    return build_system(technosphere, biosphere, GWP)


def _brute_force_scores(system: LcaSystem, iterations: int, seed: int) -> FloatArray:
    """Sample every exchange with numpy's own distributions and solve each draw densely."""
    rng = np.random.default_rng(seed)
    ids = list(system.activity_ids)
    flows = list(system.flow_ids)
    c = system.method("gwp")
    scores = np.empty(iterations)
    for k in range(iterations):
        A = np.zeros((system.n_activities, system.n_activities))
        B = np.zeros((system.n_flows, system.n_activities))
        for exchanges, matrix, row_ids in (
            (system.technosphere_exchanges, A, ids),
            (system.biosphere_exchanges, B, flows),
        ):
            for row, col, amount, sign, record in zip(
                exchanges.rows,
                exchanges.cols,
                exchanges.amounts,
                exchanges.signs,
                exchanges.uncertainty,
                strict=True,
            ):
                value = _numpy_draw(rng, record, float(amount))
                matrix[row_ids.index(row), ids.index(col)] += sign * value
        demand = np.zeros(system.n_activities)
        demand[ids.index(STEEL)] = 1.0
        scores[k] = c @ B @ np.linalg.solve(A, demand)
    return scores


def _numpy_draw(rng: np.random.Generator, record: np.void, amount: float) -> float:
    kind = int(record["uncertainty_type"])
    loc, scale = float(record["loc"]), float(record["scale"])
    low, high = float(record["minimum"]), float(record["maximum"])
    if kind == LOGNORMAL:
        return float(rng.lognormal(loc, scale))
    if kind == NORMAL:
        return float(rng.normal(loc, scale))
    if kind == UNIFORM:
        return float(rng.uniform(low, high))
    if kind == TRIANGULAR:
        return float(rng.triangular(low, loc, high))
    return amount


# --- Reproducibility and the deterministic limit -----------------------------------------


def test_same_seed_same_scores_and_different_seed_different_scores() -> None:
    mc = MonteCarlo(Engine(), uncertain_steel_chain(), "gwp")
    first = mc.run({STEEL: 1.0}, 200, seed=42)
    again = mc.run({STEEL: 1.0}, 200, seed=42)
    other = mc.run({STEEL: 1.0}, 200, seed=43)
    assert np.array_equal(first.scores, again.scores)
    assert first.seed == 42
    assert not np.array_equal(first.scores, other.scores)


def test_a_generator_is_accepted_as_the_seed() -> None:
    mc = MonteCarlo(Engine(), uncertain_steel_chain(), "gwp")
    seeded = mc.run({STEEL: 1.0}, 50, seed=7)
    with_generator = mc.run({STEEL: 1.0}, 50, seed=np.random.default_rng(7))
    assert np.array_equal(seeded.scores, with_generator.scores)
    assert with_generator.seed is None


def test_without_uncertainty_every_score_is_the_deterministic_score(
    steel_chain: LcaSystem,
) -> None:
    engine = Engine()
    deterministic = engine.lca(steel_chain, {STEEL: 1.0}, "gwp").score
    result = MonteCarlo(engine, steel_chain, "gwp").run({STEEL: 1.0}, 100, seed=1)
    np.testing.assert_allclose(result.scores[:, 0], deterministic, rtol=1e-12)
    assert np.ptp(result.scores) == 0.0  # every iteration is the same number
    # np.std of identical numbers is 0 up to the rounding of their mean.
    assert result.summary.std <= 4 * np.finfo(float).eps * abs(deterministic)
    assert result.fallbacks == 0


def test_with_uncertainty_scores_vary() -> None:
    result = MonteCarlo(Engine(), uncertain_steel_chain(), "gwp").run({STEEL: 1.0}, 200, seed=3)
    assert len(np.unique(result.scores)) == 200
    assert result.summary.std > 0.05 * result.summary.mean


def test_iterations_must_be_positive() -> None:
    mc = MonteCarlo(Engine(), uncertain_steel_chain(), "gwp")
    with pytest.raises(EngineError, match="at least one iteration"):
        mc.run({STEEL: 1.0}, 0, seed=1)


def test_mean_agrees_with_an_independent_brute_force_reference() -> None:
    system = uncertain_steel_chain()
    n = 2000
    engine_scores = MonteCarlo(Engine(), system, "gwp").run({STEEL: 1.0}, n, seed=11).scores
    reference = _brute_force_scores(system, n, seed=12)
    standard_error = math.sqrt((engine_scores.var(ddof=1) + reference.var(ddof=1)) / n)
    assert abs(engine_scores.mean() - reference.mean()) <= 5 * standard_error
    # The spread must agree too: compare the standard deviations to 10 %.
    assert engine_scores.std() == pytest.approx(reference.std(), rel=0.1)


# --- Paired comparisons and all activities at once ---------------------------------------


def shared_electricity() -> LcaSystem:
    """Products 10 and 11 each use 1 kWh of electricity (12), whose CO2 is very uncertain."""
    technosphere = Exchanges(
        rows=[10, 11, 12, 12, 12],
        cols=[10, 11, 12, 10, 11],
        amounts=[1.0, 1.0, 1.0, 1.0, 1.0],
        flip=[False, False, False, True, True],
    )
    biosphere = Exchanges(
        rows=[100, 100, 100],
        cols=[10, 11, 12],
        amounts=[0.2, 0.3, 1.0],
        uncertainty=np.concatenate(
            [
                _record(LOGNORMAL, loc=math.log(0.2), scale=0.1),
                _record(LOGNORMAL, loc=math.log(0.3), scale=0.1),
                _record(LOGNORMAL, loc=0.0, scale=0.5),
            ]
        ),
    )
    return build_system(technosphere, biosphere, {"gwp": ([100], [1.0])})


def test_comparing_a_demand_with_itself() -> None:
    mc = MonteCarlo(Engine(), uncertain_steel_chain(), "gwp")
    paired = mc.compare({STEEL: 1.0}, {STEEL: 1.0}, 200, seed=5)
    assert np.array_equal(paired.a, paired.b)
    assert paired.a_lower_share == 0.0
    assert (paired.difference.mean, paired.difference.std) == (0.0, 0.0)


def test_products_sharing_an_upstream_are_compared_on_the_same_draws() -> None:
    # 10: 0.2 + e, 11: 0.3 + e with e ~ lognormal(0, 0.5): the shared e dominates both.
    paired = MonteCarlo(Engine(), shared_electricity(), "gwp").compare(
        {10: 1.0}, {11: 1.0}, 2000, seed=9
    )
    assert np.corrcoef(paired.a, paired.b)[0, 1] > 0.5
    # Paired, 10 is lower in nearly every iteration (ln 0.3 − ln 0.2 = 0.41 against a
    # spread of 0.1·√2 of the two direct emissions); unpaired it would be near a coin toss.
    assert paired.a_lower_share > 0.95
    assert paired.difference.mean == pytest.approx(-0.1, abs=0.01)


def test_all_activities_reuse_the_draws_of_single_runs() -> None:
    # Both walk the same resampler from the same seed, so iteration k solves the same
    # matrix in both and they agree up to the solver tolerance, while different draws
    # would differ by several per cent. (Exactness per draw is tested further down.)
    system = uncertain_steel_chain()
    mc = MonteCarlo(Engine(), system, "gwp")
    every = mc.all_activities(300, seed=21)
    for j, activity in enumerate(system.activity_ids):
        single = mc.run({int(activity): 1.0}, 300, seed=21).scores[:, 0]
        np.testing.assert_allclose(every.samples[:, j], single, rtol=1e-4)
        assert every.samples[:, j].mean() == pytest.approx(single.mean(), rel=1e-6)
    assert every.summary_of(COAL).mean == pytest.approx(float(every.samples[:, 2].mean()))


# --- Summaries ---------------------------------------------------------------------------


def test_summary_of_a_hand_array() -> None:
    x = np.array([1.0, 2.0, 4.0, 8.0])
    summary = summarize(x)
    # mean 15/4; deviations −2.75, −1.75, 0.25, 4.25 → Σ² = 28.75, s = √(28.75/3)
    std = math.sqrt(28.75 / 3)
    # ln x = (0, 1, 2, 3)·ln 2 → s(ln x) = ln 2·√(5/3)
    assert summary.iterations == 4
    assert summary.mean == 3.75
    assert summary.median == 3.0
    assert summary.std == pytest.approx(std, rel=1e-15)
    assert summary.gsd == pytest.approx(2 ** math.sqrt(5 / 3), rel=1e-14)
    # numpy's linear percentiles: 2.5 % at position 0.075, 97.5 % at 2.925
    assert summary.p2_5 == pytest.approx(1.075, rel=1e-15)
    assert summary.p97_5 == pytest.approx(7.7, rel=1e-15)
    assert (summary.p2_5, summary.p97_5) == tuple(np.percentile(x, [2.5, 97.5]))
    assert summary.relative_standard_error == pytest.approx(std / (2 * 3.75), rel=1e-15)
    assert summary.convergence == pytest.approx((1.0, 1.5, 7 / 3, 3.75), rel=1e-15)


def test_gsd_needs_one_sign_and_no_zero() -> None:
    assert math.isnan(summarize(np.array([-1.0, 2.0, 3.0])).gsd)
    assert math.isnan(summarize(np.array([0.0, 2.0, 3.0])).gsd)
    negative = summarize(np.array([-1.0, -2.0, -4.0, -8.0]))
    assert negative.gsd == pytest.approx(2 ** math.sqrt(5 / 3), rel=1e-14)


def test_summary_of_one_and_of_no_iteration() -> None:
    one = summarize(np.array([5.0]))
    assert (one.mean, one.median, one.std) == (5.0, 5.0, 0.0)
    assert math.isnan(one.gsd)
    with pytest.raises(EngineError, match="zero"):
        summarize(np.array([]))


# --- Exact per draw, even on a strongly recycling loop -----------------------------------


def recycling_loop(low: float, high: float) -> LcaSystem:
    """A can (1) of aluminium (2), which takes back r kg recycled aluminium (3) per kg.

    Recycling consumes 1 kg of aluminium scrap per kg, so the loop returns r of its input;
    s_Al = 1/(1 − r) = 10 at r = 0.9, and r ~ uniform(low, high) moves it a lot.
    """
    technosphere = Exchanges(
        rows=[1, 2, 2, 3, 3, 2],
        cols=[1, 1, 2, 2, 3, 3],
        amounts=[1.0, 1.0, 1.0, 0.9, 1.0, 1.0],
        flip=[False, True, False, True, False, True],
        uncertainty=np.concatenate(
            [
                _record(NONE, loc=1.0),
                _record(NONE, loc=1.0),
                _record(NONE, loc=1.0),
                _record(UNIFORM, minimum=low, maximum=high),
                _record(NONE, loc=1.0),
                _record(NONE, loc=1.0),
            ]
        ),
    )
    biosphere = Exchanges(
        rows=[100, 100, 100],
        cols=[1, 2, 3],
        amounts=[0.1, 10.0, 0.5],
        uncertainty=np.concatenate(
            [
                _record(LOGNORMAL, loc=math.log(0.1), scale=0.1),
                _record(LOGNORMAL, loc=math.log(10.0), scale=0.3),
                _record(LOGNORMAL, loc=math.log(0.5), scale=0.3),
            ]
        ),
    )
    return build_system(technosphere, biosphere, {"gwp": ([100], [1.0])})


@dataclass(frozen=True)
class ExactDraws:
    """Dense solves of the engine's own draws, and the error the engine may make on them.

    The guarantee is on the solution vector: ‖x − x*‖∞ ≤ 1e-6·‖x*‖∞. For footprints that
    is checked as it stands; a score q·s can then be off by at most 1e-6·‖s*‖∞·‖q‖₁.
    """

    scores: FloatArray
    score_tolerance: FloatArray
    footprints: FloatArray

    def check_scores(self, scores: FloatArray) -> None:
        error = np.abs(scores - self.scores)
        assert int(np.count_nonzero(error > self.score_tolerance)) == 0, (
            f"{(error > self.score_tolerance).sum()} draws off by up to "
            f"{(error / self.score_tolerance).max():.1f}× the 1e-6 guarantee"
        )

    def check_footprints(self, samples: FloatArray) -> None:
        error = np.abs(samples - self.footprints).max(axis=1)
        allowed = TOLERANCE * np.abs(self.footprints).max(axis=1)
        assert int(np.count_nonzero(error > allowed)) == 0, (
            f"{(error > allowed).sum()} draws off by up to "
            f"{(error / allowed).max():.1f}× the 1e-6 guarantee"
        )


TOLERANCE = 1e-6  # the Monte Carlo default


def exact_per_draw(system: LcaSystem, activity: int, iterations: int, seed: int) -> ExactDraws:
    resampler = _Resampler(system, "gwp")
    rng = np.random.default_rng(seed)
    # Draw in the engine's batches, in its order, so these are exactly the engine's draws.
    batches = [
        resampler.draw(rng, min(resampler.batch, iterations - start))
        for start in range(0, iterations, resampler.batch)
    ]
    data = np.concatenate([d for d, _ in batches])
    q = np.concatenate([q for _, q in batches])
    A = system.technosphere
    f = np.zeros(system.n_activities)
    f[system.activity_index([activity])[0]] = 1.0
    scores, tolerance = np.empty(iterations), np.empty(iterations)
    footprints = np.empty((iterations, system.n_activities))
    for k in range(iterations):
        A_k = sp.csc_array((data[k], A.indices, A.indptr), shape=A.shape).toarray()
        s = np.linalg.solve(A_k, f)
        scores[k] = q[k] @ s
        tolerance[k] = TOLERANCE * np.abs(s).max() * np.abs(q[k]).sum()
        footprints[k] = np.linalg.solve(A_k.T, q[k])
    return ExactDraws(scores, tolerance, footprints)


def test_steel_chain_is_exact_for_every_draw() -> None:
    system = uncertain_steel_chain()
    exact = exact_per_draw(system, STEEL, 300, seed=21)
    result = MonteCarlo(Engine(), system, "gwp").run({STEEL: 1.0}, 300, seed=21)
    exact.check_scores(result.scores[:, 0])


def test_steel_chain_footprints_are_exact_for_every_draw() -> None:
    system = uncertain_steel_chain()
    exact = exact_per_draw(system, STEEL, 300, seed=21)
    every = MonteCarlo(Engine(), system, "gwp").all_activities(300, seed=21)
    exact.check_footprints(every.samples)


@pytest.mark.parametrize(
    ("low", "high", "seed"),
    [(0.8, 0.98, 31), (0.0, 0.99, 32)],
    ids=["mostly-richardson", "mostly-fallback"],
)
def test_recycling_loop_is_exact_for_every_draw(low: float, high: float, seed: int) -> None:
    system = recycling_loop(low, high)
    mc = MonteCarlo(Engine(), system, "gwp")
    exact = exact_per_draw(system, 1, 300, seed)
    result = mc.run({1: 1.0}, 300, seed=seed)
    exact.check_scores(result.scores[:, 0])
    exact.check_footprints(mc.all_activities(300, seed=seed).samples)
    assert result.max_error_estimate <= TOLERANCE
    assert 0 < result.fallbacks < 300  # both paths were taken


def test_huge_uncertainty_forces_the_direct_fallback_and_stays_exact() -> None:
    # r ~ uniform(0, 0.99) around a reference of 0.9: the Richardson contraction ratio is
    # 10·|r − 0.9|, beyond the 0.8 limit whenever r < 0.82 — most draws.
    system = recycling_loop(0.0, 0.99)
    exact = exact_per_draw(system, 1, 200, seed=33)
    result = MonteCarlo(Engine(), system, "gwp").run({1: 1.0}, 200, seed=33)
    assert result.fallbacks > 100
    exact.check_scores(result.scores[:, 0])
