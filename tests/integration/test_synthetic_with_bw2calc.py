"""The synthetic databases of benchmarks/synthetic.py load and compute in Brightway's bw2calc.

These are the data on which our engine is compared with bw2calc, so they must be valid
Brightway datapackages with a well-posed technosphere and real uncertainty.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import spsolve

bw2calc = pytest.importorskip("bw2calc")

N_ACTIVITIES = 300
SEED = 20_240_601


@pytest.fixture(scope="module")
def database(
    synthetic: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, list[Path]]:
    arrays = synthetic.generate(synthetic.SyntheticSpec(n_activities=N_ACTIVITIES, seed=SEED))
    paths = synthetic.write_datapackages(arrays, tmp_path_factory.mktemp("synthetic"))
    return arrays, paths


def _demands(arrays: Any) -> list[int]:
    """The most used market hub, and activities at both ends and in the middle of the ids
    (products, not waste treatments, whose scores are negative; see below)."""
    ids = np.setdiff1d(arrays.activity_ids, arrays.treatment_ids)
    return [int(arrays.hub_ids[0]), int(ids[0]), int(ids[ids.size // 2]), int(ids[-1])]


def _reference_score(arrays: Any, activity_id: int) -> float:
    """The GWP score computed straight from the generated arrays, independent of bw2calc."""
    ids, flows = arrays.activity_ids, arrays.flow_ids
    tech, bio, cf = arrays.technosphere, arrays.biosphere, arrays.characterization
    A = sparse.csc_matrix(
        (tech.signed(), (np.searchsorted(ids, tech.rows), np.searchsorted(ids, tech.cols))),
        shape=(ids.size, ids.size),
    )
    demand = np.zeros(ids.size)
    demand[np.searchsorted(ids, activity_id)] = 1.0
    emissions = np.bincount(
        np.searchsorted(flows, bio.rows),
        weights=bio.data * spsolve(A, demand)[np.searchsorted(ids, bio.cols)],
        minlength=flows.size,
    )
    present = np.isin(cf.rows, flows)
    return float(cf.data[present] @ emissions[np.searchsorted(flows, cf.rows[present])])


def test_generation_is_deterministic(synthetic: ModuleType) -> None:
    spec = synthetic.SyntheticSpec(n_activities=50, seed=3)
    first, second = synthetic.generate(spec), synthetic.generate(spec)
    other = synthetic.generate(synthetic.SyntheticSpec(n_activities=50, seed=4))
    for part in ("technosphere", "biosphere", "characterization"):
        a, b = getattr(first, part), getattr(second, part)
        for field in ("rows", "cols", "data", "flip"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        assert a.distributions.tobytes() == b.distributions.tobytes()
    assert not np.array_equal(first.technosphere.data, other.technosphere.data)


def test_technosphere_is_square_with_the_ecoinvent_waste_convention(
    database: tuple[Any, list[Path]],
) -> None:
    arrays, paths = database
    lca = bw2calc.LCA({_demands(arrays)[0]: 1}, data_objs=paths)
    lca.lci()
    matrix = lca.technosphere_matrix.tocsr()
    assert matrix.shape == (N_ACTIVITIES, N_ACTIVITIES)
    ids = arrays.activity_ids
    treatment = np.isin(ids, arrays.treatment_ids)
    assert 0.02 * N_ACTIVITIES <= treatment.sum() <= 0.04 * N_ACTIVITIES
    rows = np.array([lca.dicts.product[int(i)] for i in ids])
    cols = np.array([lca.dicts.activity[int(i)] for i in ids])
    diagonal = np.asarray(matrix[rows, cols]).ravel()
    # Products have a positive reference production, waste treatments a negative one.
    assert (diagonal[~treatment] > 0).all()
    assert (diagonal[treatment] < 0).all()
    # Inputs are stored positive and flipped: negative entries. Waste sent to a treatment
    # is stored negative and flipped: positive entries, in the treatments' rows only.
    offdiagonal = sparse.coo_matrix(matrix - sparse.diags(matrix.diagonal()))
    waste_rows = set(rows[treatment].tolist())
    in_waste_row = np.array([r in waste_rows for r in offdiagonal.row], dtype=bool)
    assert (offdiagonal.data[~in_waste_row] <= 0).all()
    assert (offdiagonal.data[in_waste_row] >= 0).all()
    assert in_waste_row.any()


def test_scores_are_finite_positive_and_match_the_arrays(
    database: tuple[Any, list[Path]],
) -> None:
    arrays, paths = database
    demands = _demands(arrays)
    lca = bw2calc.LCA({demands[0]: 1}, data_objs=paths)
    lca.lci()
    lca.lcia()
    for activity_id in demands:
        lca.lcia(demand={activity_id: 1})
        assert np.isfinite(lca.supply_array).all()
        # Zero for activities not upstream of the demand; tiny negatives are rounding.
        assert lca.supply_array.min() > -1e-12
        assert np.isfinite(lca.score)
        assert lca.score > 0
        assert lca.score == pytest.approx(_reference_score(arrays, activity_id), rel=1e-9)


def test_a_treatments_score_is_minus_the_burden_of_treating_its_waste(
    database: tuple[Any, list[Path]],
) -> None:
    arrays, paths = database
    lca = bw2calc.LCA({_demands(arrays)[0]: 1}, data_objs=paths)
    lca.lci()
    lca.lcia()
    for activity_id in arrays.treatment_ids[:5]:
        lca.lcia(demand={int(activity_id): 1})
        # One unit of the reference product is −1 kg of waste: the treatment runs −1 times
        # (or −1/production), its suppliers negatively too, and the score is negative.
        assert lca.supply_array.max() < 1e-12
        assert lca.score < 0
        assert lca.score == pytest.approx(_reference_score(arrays, int(activity_id)), rel=1e-9)


def test_monte_carlo_iterations_differ(database: tuple[Any, list[Path]]) -> None:
    arrays, paths = database
    lca = bw2calc.LCA(
        {_demands(arrays)[0]: 1}, data_objs=paths, use_distributions=True, seed_override=7
    )
    lca.lci()
    lca.lcia()
    first_matrix, first_score = lca.technosphere_matrix.copy(), lca.score
    next(lca)
    assert np.isfinite([first_score, lca.score]).all()
    assert min(first_score, lca.score) > 0
    assert lca.score != first_score
    assert (lca.technosphere_matrix != first_matrix).nnz > 0
