"""Contribution analysis: where a score comes from.

With s the supply, q = cᵀ·B the characterized direct emissions per activity run, and
g = B·s the inventory (Heijungs & Suh 2002, ch. 8):

* by activity:   h_j = q_j · s_j          (direct emissions of activity j in this system)
* by flow / gas: h_i = c_i · g_i
* by tag:        the activity contributions summed per label (stage, supplier, site)

Each of these sums to the score exactly.

The supply-chain tree walks upstream from the demand. A node is an amount a of a product
j; its *cumulative* score is a·y_j, with y the all-activity footprints (the adjoint
solution), so every node's upstream total is known without expanding it. Children are
the node's technosphere exchanges other than its own production: its inputs, and waste it
sends to a waste treatment (a positive entry of A, in the row of a treatment whose
reference production is negative: the child's amount is then negative, −kg of waste, and
its footprint too, so the child's cumulative score is the positive burden of treating
the waste). A child is kept while |cumulative| ≥ cut-off × |score|. Loops are walked
as they occur in the supply chain (each pass round a loop carries a smaller amount) and
end at the cut-off or the depth limit, never in recursion.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tanji.engine.errors import UnknownIdError
from tanji.engine.lca import FootprintTable, LcaResult, demand_vector

__all__ = [
    "Contribution",
    "PathNode",
    "by_activity",
    "by_flow",
    "by_tag",
    "supply_chain",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Contribution:
    """One contributor: its id (activity or flow id, or a tag label), amount and share."""

    key: int | str
    score: float
    share: float


@dataclass(frozen=True)
class PathNode:
    """A node of the supply-chain tree.

    ``amount`` of activity ``activity_id``'s product is needed along ``path`` (activity ids
    from the demand down to this node) — negative for waste sent to a waste treatment,
    whose reference product is −1 kg of waste; ``cumulative`` is its whole upstream score and
    ``direct`` the part emitted by the activity itself; ``share`` = cumulative / score.
    """

    activity_id: int
    path: tuple[int, ...]
    parent: int | None
    depth: int
    amount: float
    direct: float
    cumulative: float
    share: float


def _ranked(
    keys: NDArray[np.generic], scores: FloatArray, total: float, top: int | None
) -> list[Contribution]:
    order = np.argsort(-np.abs(scores), kind="stable")
    if top is not None:
        order = order[:top]
    denominator = total if total != 0 else 1.0
    return [
        Contribution(
            key=keys[i].item(), score=float(scores[i]), share=float(scores[i] / denominator)
        )
        for i in order
        if scores[i] != 0
    ]


def activity_scores(result: LcaResult) -> FloatArray:
    """h_j = q_j·s_j for every activity, in the system's activity order."""
    q = result.system.characterized_biosphere(result.method)
    contributions: FloatArray = q * result.supply
    return contributions


def by_activity(result: LcaResult, top: int | None = 10) -> list[Contribution]:
    """The activities whose direct emissions contribute most, largest magnitude first."""
    return _ranked(result.system.activity_ids, activity_scores(result), result.score, top)


def by_flow(result: LcaResult, top: int | None = 10) -> list[Contribution]:
    """The elementary flows (gases) that contribute most: c_i·g_i."""
    c = result.system.method(result.method)
    return _ranked(result.system.flow_ids, c * result.inventory, result.score, top)


def by_tag(result: LcaResult, tag: str) -> list[Contribution]:
    """Activity contributions summed per label of a tag (e.g. life-cycle stage)."""
    try:
        labels = result.system.tags[tag]
    except KeyError:
        known = ", ".join(sorted(result.system.tags)) or "none"
        raise UnknownIdError(f"tag {tag!r} is not in the system (known: {known})") from None
    names, codes = np.unique(labels, return_inverse=True)
    sums = np.bincount(codes, weights=activity_scores(result), minlength=len(names))
    return _ranked(names, sums, result.score, None)


def supply_chain(
    footprints: FootprintTable,
    demand: dict[int, float],
    *,
    cutoff: float = 0.01,
    max_depth: int = 10,
    max_nodes: int = 200,
) -> list[PathNode]:
    """The supply-chain tree of a demand, best-first, pruned at ``cutoff`` × |score|.

    Expands the largest nodes first (a heap on |cumulative|) so that ``max_nodes`` keeps
    the most important paths. Returns nodes in expansion order; the roots have
    ``parent=None``; ``parent`` is an index into the returned list.
    """
    system = footprints.system
    A = system.technosphere
    production = A.diagonal()
    q = system.characterized_biosphere(footprints.method)
    y = footprints.scores
    f = demand_vector(system, demand)
    score = float(y @ f)
    limit = abs(score) * cutoff
    denominator = score if score != 0 else 1.0

    nodes: list[PathNode] = []
    heap: list[tuple[float, int, int, float, int | None, tuple[int, ...]]] = []
    counter = 0
    for root in np.flatnonzero(f).tolist():
        heapq.heappush(heap, (-abs(f[root] * y[root]), counter, root, float(f[root]), None, ()))
        counter += 1
    while heap and len(nodes) < max_nodes:
        _, _, j, amount, parent, path = heapq.heappop(heap)
        runs = amount / production[j]
        activity_id = int(system.activity_ids[j])
        here = (*path, activity_id)
        nodes.append(
            PathNode(
                activity_id=activity_id,
                path=here,
                parent=parent,
                depth=len(path),
                amount=float(amount),
                direct=float(q[j] * runs),
                cumulative=float(amount * y[j]),
                share=float(amount * y[j] / denominator),
            )
        )
        if len(path) >= max_depth:
            continue
        start, end = A.indptr[j], A.indptr[j + 1]
        for i, value in zip(A.indices[start:end], A.data[start:end], strict=True):
            if i == j or value == 0:
                continue
            child_amount = -float(value) * runs
            child_score = child_amount * y[i]
            if abs(child_score) >= limit and child_score != 0:
                heapq.heappush(
                    heap, (-abs(child_score), counter, int(i), child_amount, len(nodes) - 1, here)
                )
                counter += 1
    return nodes
