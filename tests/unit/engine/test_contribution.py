"""Contribution analysis: by activity, flow and tag, and the supply-chain tree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from tanji.engine import (
    Contribution,
    Engine,
    Exchanges,
    LcaResult,
    LcaSystem,
    PathNode,
    UnknownIdError,
    build_system,
    by_activity,
    by_flow,
    by_tag,
    supply_chain,
)

STEEL, ELECTRICITY, COAL = 1, 2, 3  # the activities of conftest's fixtures
CO2, CH4 = 100, 101
# Footprints of one unit of each product of the steel chain, worked out in test_lca.py.
FOOTPRINT = {STEEL: 6.0, ELECTRICITY: 5 / 3, COAL: 10 / 3}
RTOL = 1e-12


@pytest.fixture
def steel_result(steel_chain: LcaSystem) -> LcaResult:
    return Engine().lca(steel_chain, {STEEL: 1.0}, "gwp")


def _keys(contributions: list[Contribution]) -> list[int | str]:
    return [c.key for c in contributions]


def _sums_to_the_score(contributions: list[Contribution], score: float) -> None:
    # Exact in arithmetic; in floating point the terms are summed in another order.
    assert math.fsum(c.score for c in contributions) == pytest.approx(score, rel=RTOL)
    assert math.fsum(c.share for c in contributions) == pytest.approx(1.0, rel=RTOL)


# --- By activity, flow and tag -----------------------------------------------------------


def test_by_activity_on_the_steel_chain(steel_result: LcaResult) -> None:
    # h_j = q_j·s_j with q = (2, 0, 3), s = (1/2, 7/3, 5/3): steel 1, electricity 0, coal 5.
    contributions = by_activity(steel_result, top=None)
    assert _keys(contributions) == [COAL, STEEL]  # electricity emits nothing itself
    assert [c.score for c in contributions] == pytest.approx([5.0, 1.0], rel=RTOL)
    assert [c.share for c in contributions] == pytest.approx([5 / 6, 1 / 6], rel=RTOL)
    _sums_to_the_score(contributions, steel_result.score)


def test_by_flow_on_the_steel_chain(steel_result: LcaResult) -> None:
    # c_i·g_i: CO2 1·1 = 1; CH4 30·(1/6) = 5.
    contributions = by_flow(steel_result, top=None)
    assert _keys(contributions) == [CH4, CO2]
    assert [c.score for c in contributions] == pytest.approx([5.0, 1.0], rel=RTOL)
    _sums_to_the_score(contributions, steel_result.score)


def test_by_tag_sums_activities_per_label(steel_result: LcaResult) -> None:
    # energy = electricity 0 + coal 5; production = steel 1.
    contributions = by_tag(steel_result, "stage")
    assert _keys(contributions) == ["energy", "production"]
    assert [c.score for c in contributions] == pytest.approx([5.0, 1.0], rel=RTOL)
    _sums_to_the_score(contributions, steel_result.score)


def test_unknown_tag_names_the_tag(steel_result: LcaResult) -> None:
    with pytest.raises(UnknownIdError, match="'supplier'"):
        by_tag(steel_result, "supplier")


def test_top_keeps_the_largest(steel_result: LcaResult) -> None:
    assert _keys(by_activity(steel_result, top=1)) == [COAL]
    assert _keys(by_flow(steel_result, top=1)) == [CH4]


@pytest.fixture
def pallet() -> LcaResult:
    """A pallet (1) from wood (2) that takes up CO2 and electricity (3): signs differ.

    No loops, so s = (1, 1, 1); direct CO2 pallet 0.5, wood −3, electricity 2; h = −0.5.
    """
    technosphere = Exchanges(
        rows=[1, 2, 3, 2, 3], cols=[1, 1, 1, 2, 3], amounts=[1.0, -1.0, -1.0, 1.0, 1.0]
    )
    biosphere = Exchanges(rows=[100, 100, 100], cols=[1, 2, 3], amounts=[0.5, -3.0, 2.0])
    system = build_system(technosphere, biosphere, {"gwp": ([100], [1.0])})
    return Engine().lca(system, {1: 1.0}, "gwp")


def test_ranking_is_by_magnitude_and_shares_keep_their_sign(pallet: LcaResult) -> None:
    contributions = by_activity(pallet, top=None)
    assert _keys(contributions) == [2, 3, 1]
    # share = h_j / h with h = −0.5: wood −3 → 6, electricity 2 → −4, pallet 0.5 → −1
    assert [c.share for c in contributions] == pytest.approx([6.0, -4.0, -1.0], rel=RTOL)
    _sums_to_the_score(contributions, pallet.score)


# --- The supply-chain tree ---------------------------------------------------------------


def _tree(
    system: LcaSystem,
    demand: dict[int, float],
    *,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 200,
) -> list[PathNode]:
    table = Engine().footprints(system, "gwp")
    return supply_chain(table, demand, cutoff=cutoff, max_depth=max_depth, max_nodes=max_nodes)


def test_supply_chain_of_the_steel_chain_by_hand(steel_chain: LcaSystem) -> None:
    # Cut-off 0.05 × 6 = 0.3. A node's children are its inputs per run × its runs:
    #   (steel)                 1 kg,    6                  runs 1/2
    #   (steel, el)             4·1/2 = 2 kWh,   2·5/3 = 10/3
    #   (steel, el, coal)       0.5·2 = 1 kg,    10/3
    #   (steel, coal)           1·1/2 = 1/2 kg,  5/3
    #   (steel, el, coal, el)   0.2·1 = 0.2 kWh, 1/3
    #   (…, el, coal)           0.5·0.2 = 0.1 kg, 1/3
    # pruned: the next electricity 0.02 kWh (1/30) and (steel, coal, el) 0.1 kWh (1/6).
    nodes = _tree(steel_chain, {STEEL: 1.0}, cutoff=0.05)
    expected = [
        ((1,), 1.0, 6.0),
        ((1, 2), 2.0, 10 / 3),
        ((1, 2, 3), 1.0, 10 / 3),
        ((1, 3), 0.5, 5 / 3),
        ((1, 2, 3, 2), 0.2, 1 / 3),
        ((1, 2, 3, 2, 3), 0.1, 1 / 3),
    ]
    assert [n.path for n in nodes] == [path for path, _, _ in expected]
    assert [n.amount for n in nodes] == pytest.approx([a for _, a, _ in expected], rel=RTOL)
    assert [n.cumulative for n in nodes] == pytest.approx([c for _, _, c in expected], rel=RTOL)
    # direct = q_j · runs: steel 2·1/2; coal 3·1 and 3·1/2; electricity emits nothing
    assert [n.direct for n in nodes] == pytest.approx([1.0, 0.0, 3.0, 1.5, 0.0, 0.3], rel=RTOL)


def test_root_carries_the_whole_score(steel_chain: LcaSystem) -> None:
    root = _tree(steel_chain, {STEEL: 1.0})[0]
    assert (root.activity_id, root.parent, root.depth, root.path) == (STEEL, None, 0, (STEEL,))
    assert root.share == pytest.approx(1.0, rel=RTOL)
    assert root.cumulative == pytest.approx(6.0, rel=RTOL)


def test_every_node_is_its_amount_times_its_footprint(steel_chain: LcaSystem) -> None:
    for node in _tree(steel_chain, {STEEL: 1.0}, cutoff=0.001):
        expected = node.amount * FOOTPRINT[node.activity_id]
        assert node.cumulative == pytest.approx(expected, rel=RTOL)
        assert node.share == pytest.approx(expected / 6.0, rel=RTOL)


def test_parent_indices_are_consistent(steel_chain: LcaSystem) -> None:
    A = steel_chain.technosphere.toarray()
    nodes = _tree(steel_chain, {STEEL: 1.0, COAL: 2.0}, cutoff=0.001)
    # best first: 2 kg coal (2·10/3 = 20/3) outweighs 1 kg steel (6)
    assert [n.path for n in nodes if n.parent is None] == [(COAL,), (STEEL,)]
    for index, node in enumerate(nodes):
        if node.parent is None:
            assert node.depth == 0
            continue
        parent = nodes[node.parent]
        assert node.parent < index
        assert node.path[:-1] == parent.path
        assert node.depth == parent.depth + 1
        i, j = node.activity_id - 1, parent.activity_id - 1  # ids 1, 2, 3 are indices 0, 1, 2
        assert node.amount == pytest.approx(-A[i, j] * parent.amount / A[j, j], rel=RTOL)


def _reference_tree(
    system: LcaSystem, y: NDArray[np.float64], f: NDArray[np.float64], cutoff: float, depth: int
) -> dict[tuple[int, ...], float]:
    """Every node the tree should hold, by plain recursion over the dense matrix."""
    A = system.technosphere.toarray()
    ids = [int(i) for i in system.activity_ids]
    limit = cutoff * abs(float(y @ f))
    found: dict[tuple[int, ...], float] = {}

    def expand(j: int, amount: float, path: tuple[int, ...]) -> None:
        here = (*path, ids[j])
        found[here] = amount
        if len(path) >= depth:
            return
        for i in np.flatnonzero(A[:, j] < 0):
            child = -A[i, j] * amount / A[j, j]
            if i != j and abs(child * y[i]) >= limit and child * y[i] != 0:
                expand(int(i), child, here)

    for root in np.flatnonzero(f):
        expand(int(root), float(f[root]), ())
    return found


@pytest.mark.parametrize(("cutoff", "max_depth"), [(0.5, 10), (0.05, 10), (0.001, 20), (0.001, 3)])
def test_tree_holds_exactly_the_nodes_above_the_cutoff(
    steel_chain: LcaSystem, cutoff: float, max_depth: int
) -> None:
    demand = {STEEL: 1.0, ELECTRICITY: 0.5}
    y = np.array([FOOTPRINT[i] for i in (STEEL, ELECTRICITY, COAL)])
    f = np.array([1.0, 0.5, 0.0])
    nodes = _tree(steel_chain, demand, cutoff=cutoff, max_depth=max_depth, max_nodes=10_000)
    expected = _reference_tree(steel_chain, y, f, cutoff, max_depth)
    assert {n.path: n.amount for n in nodes} == pytest.approx(expected, rel=1e-9)
    score = float(y @ f)
    for node in nodes:
        assert node.parent is None or abs(node.cumulative) >= cutoff * abs(score)
        assert node.depth <= max_depth


def test_loops_are_walked_until_the_cutoff(steel_chain: LcaSystem) -> None:
    # Each round trip electricity → coal → electricity carries 0.5·0.2 = 1/10 of the amount:
    # cumulative of the k-th electricity node on the main path is 10/3 · 10^-(k-1).
    nodes = _tree(steel_chain, {STEEL: 1.0}, cutoff=1e-4, max_depth=50)  # limit 6e-4
    deepest = max(nodes, key=lambda n: n.depth)
    assert deepest.path[:3] == (STEEL, ELECTRICITY, COAL)
    assert deepest.path.count(ELECTRICITY) >= 4
    # 10/3·10^-3 = 3.3e-3 is kept; 10/3·10^-4 = 3.3e-4 falls below 6e-4.
    main_loop = [n for n in nodes if n.path[:2] == (STEEL, ELECTRICITY)]
    assert min(abs(n.cumulative) for n in main_loop) == pytest.approx(1 / 300, rel=1e-9)


def test_max_depth_stops_the_walk(steel_chain: LcaSystem) -> None:
    assert [n.path for n in _tree(steel_chain, {STEEL: 1.0}, max_depth=0)] == [(STEEL,)]
    shallow = _tree(steel_chain, {STEEL: 1.0}, max_depth=1)
    assert [n.path for n in shallow] == [(STEEL,), (STEEL, ELECTRICITY), (STEEL, COAL)]


def test_max_nodes_keeps_the_largest_first(steel_chain: LcaSystem) -> None:
    nodes = _tree(steel_chain, {STEEL: 1.0}, cutoff=0.0001, max_nodes=3)
    assert [n.path for n in nodes] == [(1,), (1, 2), (1, 2, 3)]
