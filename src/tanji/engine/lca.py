"""Deterministic LCA: supply, inventory and score for a demand, and every activity's footprint.

For a demand vector f (amounts of reference products), the engine solves

    A·s = f        supply: how many times each activity runs (its scaling factor)
    g   = B·s      inventory: elementary flows, e.g. kg of each gas
    h   = c·g      score: characterized result, e.g. kg CO2e

and, for all activities at once, the adjoint (transposed) system

    Aᵀ·y = Bᵀ·c    y_j = footprint of one unit of activity j's reference product

because h = cᵀ·B·A⁻¹·f = (A⁻ᵀ·Bᵀ·c)ᵀ·f = yᵀ·f. One adjoint solve replaces n forward solves;
it is how the platform fills a background database with cradle-to-gate footprints, and
afterwards the footprint of any demand on that database is a dot product, not a solve.

Factorizations are cached per technosphere version (a digest of A's content) and reused
for every demand and both directions.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from tanji.engine.errors import NonFiniteValueError, NumericalWarning, SingularSystemError
from tanji.engine.solvers import Factorization, SolverConfig, factorize
from tanji.engine.system import LcaSystem, quote_ids

__all__ = ["Engine", "FootprintTable", "LcaResult", "demand_vector"]

FloatArray = NDArray[np.float64]

#: A deterministic solve whose normwise backward error ‖A·s − f‖ / (‖A‖·‖s‖ + ‖f‖) (∞-norms)
#: exceeds this after one step of iterative refinement is reported as numerically singular
#: instead of returned. A stable direct solve lands near machine epsilon (1e-16).
RESIDUAL_TOLERANCE = 1e-10


@dataclass(frozen=True, eq=False)
class LcaResult:
    """The result of one demand under one method. Arrays are indexed like the system's ids."""

    system: LcaSystem
    method: str
    demand: Mapping[int, float]
    supply: FloatArray
    inventory: FloatArray
    score: float
    residual: float


@dataclass(frozen=True, eq=False)
class FootprintTable:
    """Footprints of one unit of every activity's reference product, under one method."""

    system: LcaSystem
    method: str
    scores: FloatArray

    @property
    def activity_ids(self) -> NDArray[np.int64]:
        return self.system.activity_ids

    def score_of(self, activity_id: int) -> float:
        """The footprint of one unit of an activity's product: a lookup, not a solve."""
        return float(self.scores[self.system.activity_index([activity_id])[0]])

    def score_for(self, demand: Mapping[int, float]) -> float:
        """The score of any demand on this system: yᵀ·f, again without a solve."""
        index, amounts = _demand_arrays(self.system, demand)
        return float(self.scores[index] @ amounts)


def demand_vector(system: LcaSystem, demand: Mapping[int, float]) -> FloatArray:
    """Dense demand vector f from ``{activity id: amount of its reference product}``."""
    index, amounts = _demand_arrays(system, demand)
    f = np.zeros(system.n_activities)
    np.add.at(f, index, amounts)
    return f


def _demand_arrays(
    system: LcaSystem, demand: Mapping[int, float]
) -> tuple[NDArray[np.int64], FloatArray]:
    ids = np.fromiter(demand.keys(), dtype=np.int64, count=len(demand))
    amounts = np.fromiter(demand.values(), dtype=np.float64, count=len(demand))
    bad = ~np.isfinite(amounts)
    if bad.any():
        raise NonFiniteValueError(
            f"demand amounts for activity id(s) {quote_ids(ids[bad])} are NaN or infinite; "
            "every demand amount must be a finite number"
        )
    return system.activity_index(ids), amounts


@dataclass(frozen=True, eq=False)
class _Prepared:
    """A factorization with the matrix norms its residual checks need."""

    lu: Factorization
    norm: float
    norm_transposed: float


class Engine:
    """Solves LCA systems, caching factorizations per technosphere version.

    The engine holds no global state: make one in the composition root (the command
    line, the web app's lifespan) with the solver configuration, and pass it around.
    """

    def __init__(self, solver: SolverConfig | None = None, *, cache_size: int = 4) -> None:
        self.solver = solver or SolverConfig()
        self._cache: OrderedDict[str, _Prepared] = OrderedDict()
        self._cache_size = cache_size

    def factorization(self, system: LcaSystem) -> Factorization:
        """The (cached) factorization of the system's technosphere matrix."""
        return self._prepared(system).lu

    def _prepared(self, system: LcaSystem) -> _Prepared:
        key = system.version
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        A = system.technosphere
        prepared = _Prepared(
            lu=factorize(A, self.solver), norm=_norm_inf(A), norm_transposed=_norm_inf(A.T)
        )
        self._cache[key] = prepared
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return prepared

    def supply(self, system: LcaSystem, f: FloatArray) -> tuple[FloatArray, float]:
        """Solve A·s = f; returns s and its relative residual (refined once if needed)."""
        prepared = self._prepared(system)
        lu, norm, A = prepared.lu, prepared.norm, system.technosphere
        s = lu.solve(f)
        residual = _backward_error(A @ s - f, norm, s, f)
        if residual > RESIDUAL_TOLERANCE:
            _warn_refined(residual)
            s = s + lu.solve(f - A @ s)
            residual = _backward_error(A @ s - f, norm, s, f)
            if residual > RESIDUAL_TOLERANCE:
                raise SingularSystemError(
                    f"the technosphere matrix is numerically singular: the solution misses the "
                    f"demand by a relative {residual:.1e}; check for loops that consume almost "
                    "all of their own output"
                )
        return s, residual

    def lca(self, system: LcaSystem, demand: Mapping[int, float], method: str) -> LcaResult:
        """Supply, inventory and score for a demand (amounts of reference products)."""
        c = system.method(method)
        f = demand_vector(system, demand)
        s, residual = self.supply(system, f)
        g = system.biosphere @ s
        return LcaResult(
            system=system,
            method=method,
            demand=dict(demand),
            supply=s,
            inventory=g,
            score=float(c @ g),
            residual=residual,
        )

    def footprints(self, system: LcaSystem, method: str) -> FootprintTable:
        """Footprints of one unit of every activity's product: one adjoint solve Aᵀ·y = Bᵀ·c."""
        q = system.characterized_biosphere(method)
        prepared = self._prepared(system)
        lu, norm, AT = prepared.lu, prepared.norm_transposed, system.technosphere.T
        y = lu.solve_transposed(q)
        residual = _backward_error(AT @ y - q, norm, y, q)
        if residual > RESIDUAL_TOLERANCE:
            _warn_refined(residual)
            y = y + lu.solve_transposed(q - AT @ y)
            residual = _backward_error(AT @ y - q, norm, y, q)
            if residual > RESIDUAL_TOLERANCE:
                raise SingularSystemError(
                    f"the technosphere matrix is numerically singular (adjoint residual "
                    f"{residual:.1e})"
                )
        y.flags.writeable = False
        return FootprintTable(system=system, method=method, scores=y)


def _warn_refined(residual: float) -> None:
    warnings.warn(
        f"the direct solve missed by a backward error of {residual:.1e}; refined once. The "
        "technosphere matrix is ill-conditioned: check loops that consume almost all of "
        "their own output",
        NumericalWarning,
        stacklevel=3,
    )


def _norm_inf(matrix: sp.csc_array | sp.csr_array) -> float:
    """‖M‖∞: the largest absolute row sum."""
    if matrix.shape[0] == 0:
        return 0.0
    row_sums = np.asarray(abs(matrix) @ np.ones(matrix.shape[1]))
    return float(row_sums.max())


def _backward_error(r: FloatArray, norm: float, x: FloatArray, b: FloatArray) -> float:
    """Normwise backward error ‖r‖∞ / (‖M‖∞·‖x‖∞ + ‖b‖∞) of a solution x of M·x = b."""
    if r.size == 0:
        return 0.0
    scale = norm * float(np.abs(x).max()) + float(np.abs(b).max())
    return float(np.abs(r).max() / scale) if scale > 0 else 0.0
