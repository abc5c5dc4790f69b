"""Tanji's engine agrees with Brightway's bw2calc on the same datapackages.

Both read the synthetic, ecoinvent-shaped databases of ``benchmarks/synthetic.py``
unchanged, waste treatments (negative reference production) included, at N = 300, 600
and 3,000. Deterministic results must agree to rounding (1e-9 relative) — every
activity's footprint included; Monte Carlo results, drawn by two different random
generators, must agree statistically.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from scipy import stats

from tanji.engine import Engine, LcaSystem, MonteCarlo
from tanji.io.brightway import system_from_datapackages

bw2calc = pytest.importorskip("bw2calc")
bwp = pytest.importorskip("bw_processing")

SEEDS = {300: 20_240_611, 600: 20_240_612, 3000: 20_241_207}
RTOL = 1e-9
N_DEMANDS = 20
MC_ITERATIONS = 400


@dataclass(frozen=True)
class Database:
    arrays: Any
    paths: list[Path]
    system: LcaSystem
    method: str
    demands: list[dict[int, float]]


@pytest.fixture(scope="module", params=sorted(SEEDS), ids=lambda n: f"n{n}")
def database(
    request: pytest.FixtureRequest,
    synthetic: ModuleType,
    tmp_path_factory: pytest.TempPathFactory,
) -> Database:
    n = request.param
    arrays = synthetic.generate(synthetic.SyntheticSpec(n_activities=n, seed=SEEDS[n]))
    paths = synthetic.write_datapackages(arrays, tmp_path_factory.mktemp(f"agreement{n}"))
    system = system_from_datapackages(paths)
    (method,) = system.methods
    return Database(arrays, paths, system, method, _demands(arrays))


def _demands(arrays: Any) -> list[dict[int, float]]:
    """The five biggest market hubs, two waste treatments, activities spread over the ids,
    and one mixed demand."""
    ids = arrays.activity_ids
    hubs = [int(h) for h in arrays.hub_ids[:5]]
    treatments = [int(t) for t in arrays.treatment_ids[:2]]
    spread = np.random.default_rng(0).choice(
        ids, size=N_DEMANDS - len(hubs) - len(treatments) - 1, replace=False
    )
    singles: list[dict[int, float]] = [
        {i: 1.0} for i in [*hubs, *treatments, *(int(i) for i in spread)]
    ]
    mixed = {int(ids[0]): 2.5, int(ids[-1]): 0.3, hubs[0]: 1e-3, treatments[0]: 0.7}
    return [*singles, mixed]


@pytest.fixture(scope="module")
def bw2calc_scores(database: Database) -> list[float]:
    """bw2calc's score per demand, reusing one factorization as its docs recommend."""
    lca = bw2calc.LCA(database.demands[0], data_objs=database.paths)
    lca.lci()
    lca.lcia()
    scores = [lca.score]
    for demand in database.demands[1:]:
        lca.lcia(demand=demand)
        scores.append(lca.score)
    return scores


def test_scores_of_demands_equal_bw2calc(database: Database, bw2calc_scores: list[float]) -> None:
    engine = Engine()
    ours = [engine.lca(database.system, d, database.method).score for d in database.demands]
    np.testing.assert_allclose(ours, bw2calc_scores, rtol=RTOL, atol=0)


def test_footprints_equal_bw2calc_per_demand_scores(
    database: Database, bw2calc_scores: list[float]
) -> None:
    table = Engine().footprints(database.system, database.method)
    ours = [table.score_for(d) for d in database.demands]
    np.testing.assert_allclose(ours, bw2calc_scores, rtol=RTOL, atol=0)
    single = [(d, s) for d, s in zip(database.demands, bw2calc_scores, strict=True) if len(d) == 1]
    lookups = [table.score_of(next(iter(d))) for d, _ in single]
    np.testing.assert_allclose(lookups, [s for _, s in single], rtol=RTOL, atol=0)


def test_footprints_of_all_activities_equal_bw2calc_adjoint(
    database: Database, synthetic: ModuleType
) -> None:
    fast = bw2calc.FastScoresOnlyMultiLCA
    if "direction" not in inspect.signature(fast.__init__).parameters:
        pytest.skip("this bw2calc has no adjoint FastScoresOnlyMultiLCA (added in 3.1)")
    ids = database.system.activity_ids
    lca = fast(
        {str(i): {int(i): 1.0} for i in ids},
        {"impact_categories": [synthetic.METHOD]},
        data_objs=_with_method_identifier(database.paths, synthetic.METHOD),
        direction="adjoint",
    )
    next(lca)
    theirs = lca.product_scores.sel(products=ids).to_numpy()[0]
    ours = Engine().footprints(database.system, database.method).scores
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0)


def _with_method_identifier(paths: list[Path], method: tuple[str, ...]) -> list[Any]:
    """The datapackages, with the method's resources labelled by the method's identifier.

    MultiLCA picks each impact category's characterization resources by their
    ``identifier`` attribute, which bw2data writes and the synthetic method package (as a
    bare bw_processing package) does not have; labelled in memory, the files are unchanged.
    """
    packages = [bwp.load_datapackage(bwp.generic_directory_filesystem(dirpath=p)) for p in paths]
    for package in packages:
        for resource in package.resources:
            if resource.get("matrix") == "characterization_matrix":
                resource["identifier"] = list(method)
    return packages


def test_monte_carlo_over_all_activities_runs_exactly(database: Database) -> None:
    every = MonteCarlo(Engine(), database.system, database.method).all_activities(32, seed=3)
    assert every.samples.shape == (32, database.system.n_activities)
    assert np.isfinite(every.samples).all()
    assert every.max_error_estimate <= 1e-6
    # A waste treatment's footprint is minus the burden of treating its waste, in every
    # draw; products' footprints stay positive.
    treatment = np.isin(database.system.activity_ids, database.arrays.treatment_ids)
    assert treatment.any()
    assert (every.samples[:, treatment] < 0).all()
    assert (every.samples[:, ~treatment] > 0).all()


@pytest.mark.slow
def test_monte_carlo_agrees_statistically_with_bw2calc(database: Database) -> None:
    demand = database.demands[0]  # the most used market hub: its supply chain is the widest
    result = MonteCarlo(Engine(), database.system, database.method).run(
        demand, MC_ITERATIONS, seed=1
    )
    ours = result.scores[:, 0]
    assert result.max_error_estimate <= 1e-6
    theirs = _bw2calc_monte_carlo(database.paths, demand, MC_ITERATIONS, seed=7)

    # Means: a Welch t-test, and the difference within three standard errors.
    assert stats.ttest_ind(ours, theirs, equal_var=False).pvalue > 0.001
    standard_error = np.sqrt(ours.var(ddof=1) / ours.size + theirs.var(ddof=1) / theirs.size)
    assert abs(ours.mean() - theirs.mean()) < 3 * standard_error
    # Medians and spreads, loosely: the standard error of a median is about 1.25 σ/√n, and
    # that of σ(ln x) about σ(ln x)/√(2n), i.e. 3.5 % per sample at n = 400.
    median_error = 1.25 * np.sqrt(2 / MC_ITERATIONS) * max(ours.std(), theirs.std())
    assert abs(np.median(ours) - np.median(theirs)) < 4 * median_error
    sigma_ours, sigma_theirs = np.log(ours).std(ddof=1), np.log(theirs).std(ddof=1)
    assert sigma_ours == pytest.approx(sigma_theirs, rel=0.2)


def _bw2calc_monte_carlo(
    paths: list[Path], demand: dict[int, float], iterations: int, seed: int
) -> np.ndarray:
    lca = bw2calc.LCA(demand, data_objs=paths, use_distributions=True, seed_override=seed)
    lca.lci()
    lca.lcia()
    scores = [lca.score]  # the matrices built by lci() are already the first draw
    for _ in range(iterations - 1):
        next(lca)
        scores.append(lca.score)
    return np.array(scores)
