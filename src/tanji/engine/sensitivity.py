"""Global sensitivity: which uncertain exchanges drive the variance of a demand's score.

The measure is the *contribution to variance* of SimaPro and openLCA: the squared
Spearman rank correlation ρ²_t between exchange t's sampled value and the sampled score h,
normalized over the exchanges reported,

    share_t = ρ²_t / Σ_u ρ²_u        (u over the reported exchanges, so the shares sum to 1)

Rank correlation measures any monotonic dependence, not only linear dependence, and is
robust to the heavy tails of lognormal draws (Saltelli A. et al. 2008, *Global
Sensitivity Analysis: The Primer*, Wiley, ch. 1, rank-based measures; Groen E.A. et al.
2017, Methods for global sensitivity analysis in life cycle assessment, *Environ. Modell.
Softw.* 99:147–160, doi:10.1016/j.envsoft.2017.08.018). The squared correlations of
independent inputs add up to roughly the share of variance they explain; the
normalization makes them read as shares, as both tools present them.

An ecoinvent-sized system has a million exchanges; a million × 1000 iterations of draws
cannot be kept. So the exchanges are first *screened* by their linearized contribution to
variance, |∂h/∂x_t|·sd(x_t), where (with s = A⁻¹·f the supply, y = A⁻ᵀ·Bᵀ·c the
footprints, i.e. the adjoint solution, and c the characterization vector)

    ∂h/∂A_ij = −y_i·s_j        a technosphere entry (product i into activity j)
    ∂h/∂B_kj =  c_k·s_j        a biosphere entry (flow k from activity j)

and sd(x_t) is the standard deviation of the exchange's distribution: σ for a normal,
(b − a)/√12 for a uniform, √((a² + b² + m² − ab − am − bm)/18) for a triangular, and
exp(μ + σ²/2)·√(exp(σ²) − 1) for a lognormal (computed in logarithms, so σ never
overflows; truncation is ignored, which can only over-rate an exchange). Only the top
``candidates`` exchanges are then sampled, recorded and correlated. An exchange whose
derivative is zero — an emission of an uncharacterized flow, an activity outside the
demand's supply chain — cannot change the score and is never reported.

Design note: the Monte Carlo loop reuses the Monte Carlo module's resampler and
preconditioned solver, so the draws (and with the same seed the scores) are exactly those
of :meth:`MonteCarlo.run`. We rejected recording all draws and screening afterwards: it
needs iterations × exchanges numbers, which is what the linear screening avoids. We also
rejected variance-based (Sobol') indices: they need N·(d + 2) model runs for d inputs,
where rank correlation needs N.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from tanji.engine.errors import EngineError
from tanji.engine.lca import Engine, demand_vector
from tanji.engine.montecarlo import (
    DEFAULT_TOLERANCE,
    _AdjointSolver,
    _one_blas_thread,
    _Resampler,
)
from tanji.engine.system import Exchanges, LcaSystem
from tanji.engine.uncertainty import Distribution

__all__ = ["SensitivityEntry", "SensitivityResult", "sensitivity"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Matrix = Literal["technosphere", "biosphere"]


@dataclass(frozen=True)
class SensitivityEntry:
    """One uncertain exchange and its contribution to the variance of the score.

    ``amount`` is the exchange's deterministic amount as stored (before a Brightway flip:
    technosphere inputs are positive). ``rank_correlation`` is Spearman's ρ between the
    sampled stored amount and the score: positive when more of the exchange means a higher
    score. ``share`` is ρ² normalized over the reported entries.
    """

    matrix: Matrix
    row_id: int
    col_id: int
    amount: float
    rank_correlation: float
    share: float

    def __post_init__(self) -> None:
        if self.matrix not in ("technosphere", "biosphere"):
            raise ValueError(f"matrix must be 'technosphere' or 'biosphere', not {self.matrix!r}")
        if not -1.0 <= self.rank_correlation <= 1.0:
            raise ValueError(f"rank correlation must lie in [-1, 1], got {self.rank_correlation}")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"share must lie in [0, 1], got {self.share}")


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """The exchanges that drive a demand's score, largest share first.

    ``entries`` is empty when no uncertain exchange can change the score. ``screened`` is
    how many exchanges passed the linear screening and were correlated; ``scores`` are
    the sampled scores the correlations were computed against (empty when nothing passed
    the screening: then nothing is sampled).

    Sampling noise: for an exchange with no real influence, ρ is roughly normal with
    standard deviation 1/√(iterations − 1), so with many candidates a few |ρ| near
    3/√iterations arise by chance; read small shares with that floor in mind, or sample more.
    """

    method: str
    demand: Mapping[int, float]
    entries: tuple[SensitivityEntry, ...]
    iterations: int
    seed: int | None
    screened: int
    scores: FloatArray
    fallbacks: int


def sensitivity(
    engine: Engine,
    system: LcaSystem,
    demand: Mapping[int, float],
    method: str,
    iterations: int,
    seed: int | np.random.Generator | None,
    *,
    candidates: int = 200,
    top: int = 20,
    tolerance: float = DEFAULT_TOLERANCE,
) -> SensitivityResult:
    """Rank the uncertain exchanges by their contribution to the variance of h = cᵀ·B·A⁻¹·f.

    Screens every uncertain exchange by its linearized contribution to variance, keeps
    the ``candidates`` largest, samples the system ``iterations`` times (seeded by
    ``seed``; the same seed gives the same result and the same scores as
    :meth:`MonteCarlo.run`), and reports the ``top`` exchanges by squared Spearman rank
    correlation with the score, normalized so their shares sum to 1.

    Raises :class:`UnknownIdError` for an unknown demand id or method and
    :class:`EngineError` for fewer than 2 iterations or non-positive ``candidates`` or
    ``top``.
    """
    if iterations < 2:
        raise EngineError(f"sensitivity needs at least 2 Monte Carlo iterations, got {iterations}")
    if candidates < 1 or top < 1:
        raise EngineError(f"candidates and top must be at least 1, got {candidates} and {top}")
    f = demand_vector(system, demand)
    tech_index, bio_index = _screen(engine, system, f, method, candidates)
    if len(tech_index) + len(bio_index) == 0:
        return SensitivityResult(
            method=method,
            demand=dict(demand),
            entries=(),
            iterations=iterations,
            seed=_seed_of(seed),
            screened=0,
            scores=np.zeros(0),
            fallbacks=0,
        )
    values, scores, fallbacks = _sample(
        engine, system, method, f, (tech_index, bio_index), iterations, seed, tolerance
    )
    rho = _spearman(values, scores)
    return SensitivityResult(
        method=method,
        demand=dict(demand),
        entries=_entries(system, tech_index, bio_index, rho, top),
        iterations=iterations,
        seed=_seed_of(seed),
        screened=len(rho),
        scores=scores,
        fallbacks=fallbacks,
    )


def _seed_of(seed: int | np.random.Generator | None) -> int | None:
    return seed if isinstance(seed, int) else None


# --- screening --------------------------------------------------------------------------


def _screen(
    engine: Engine, system: LcaSystem, f: FloatArray, method: str, candidates: int
) -> tuple[IntArray, IntArray]:
    """Indices of the technosphere and biosphere triples with the largest |∂h/∂x|·sd(x)."""
    c = system.method(method)
    s, _ = engine.supply(system, f)
    y = engine.footprints(system, method).scores
    tech, bio = system.technosphere_exchanges, system.biosphere_exchanges
    tech_derivative = (
        -y[system.activity_index(tech.rows)] * s[system.activity_index(tech.cols)] * tech.signs
    )
    bio_derivative = (
        c[system.flow_index(bio.rows)] * s[system.activity_index(bio.cols)] * bio.signs
        if len(bio)
        else np.zeros(0)
    )
    log_importance = np.concatenate(
        [_log_importance(tech_derivative, tech), _log_importance(bio_derivative, bio)]
    )
    finite = np.flatnonzero(np.isfinite(log_importance))
    order = np.argsort(-log_importance[finite], kind="stable")
    chosen = np.sort(finite[order[:candidates]])
    n_tech = len(tech)
    return chosen[chosen < n_tech].astype(np.int64), (chosen[chosen >= n_tech] - n_tech).astype(
        np.int64
    )


def _log_importance(derivative: FloatArray, exchanges: Exchanges) -> FloatArray:
    """ln(|∂h/∂x|·sd(x)) per triple; −inf where the exchange cannot move the score."""
    with np.errstate(divide="ignore"):
        return np.log(np.abs(derivative)) + _log_standard_deviation(exchanges.uncertainty)


def _log_standard_deviation(records: NDArray[np.void]) -> FloatArray:
    """ln of each distribution's standard deviation; −inf for none, undefined or σ = 0.

    Lognormal: ln sd = μ + σ² + ½·ln(1 − exp(−σ²)), the logarithm of
    exp(μ + σ²/2)·√(exp(σ²) − 1) rewritten so that a large σ does not overflow.
    """
    kind = records["uncertainty_type"]
    loc = records["loc"].astype(np.float64)
    scale = records["scale"].astype(np.float64)
    low = records["minimum"].astype(np.float64)
    high = records["maximum"].astype(np.float64)
    variance = np.zeros(len(records))
    normal = kind == Distribution.NORMAL
    variance[normal] = scale[normal] ** 2
    uniform = kind == Distribution.UNIFORM
    variance[uniform] = (high[uniform] - low[uniform]) ** 2 / 12.0
    tri = kind == Distribution.TRIANGULAR
    a, b, m = low[tri], high[tri], loc[tri]
    variance[tri] = (a * a + b * b + m * m - a * b - a * m - b * m) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 0.5 * np.log(variance)
        lognormal = kind == Distribution.LOGNORMAL
        sigma2 = scale[lognormal] ** 2
        result[lognormal] = loc[lognormal] + sigma2 + 0.5 * np.log(-np.expm1(-sigma2))
    return result


# --- sampling ---------------------------------------------------------------------------


def _sample(
    engine: Engine,
    system: LcaSystem,
    method: str,
    f: FloatArray,
    chosen: tuple[IntArray, IntArray],
    iterations: int,
    seed: int | np.random.Generator | None,
    tolerance: float,
) -> tuple[FloatArray, FloatArray, int]:
    """Sampled stored amounts of the chosen triples ``(iterations, m)``, scores, fallbacks."""
    tech_index, bio_index = chosen
    resampler = _Resampler(system, method)
    # Screening keeps only characterized biosphere triples (c_k ≠ 0), all of them sampled.
    bio_columns = np.searchsorted(resampler.bio_kept, bio_index)
    tech_signs = system.technosphere_exchanges.signs[tech_index]
    bio_signs = system.biosphere_exchanges.signs[bio_index]
    rng = np.random.default_rng(seed)
    solver = _AdjointSolver(system, engine, method, tolerance)
    values = np.empty((iterations, len(tech_index) + len(bio_index)))
    scores = np.empty(iterations)
    done = 0
    with _one_blas_thread(solver.lu):
        while done < iterations:
            k = min(resampler.batch, iterations - done)
            tech_values, bio_values = resampler.draw_values(rng, k)
            values[done : done + k] = np.hstack(
                [tech_values[:, tech_index] * tech_signs, bio_values[:, bio_columns] * bio_signs]
            )
            data, q = resampler.assemble(tech_values, bio_values)
            scores[done : done + k] = solver.solve(data, q) @ f
            done += k
    return values, scores, solver.fallbacks


# --- correlation and report -------------------------------------------------------------


def _spearman(values: FloatArray, scores: FloatArray) -> FloatArray:
    """Spearman's ρ of each column of ``values`` with ``scores``; 0 where one is constant.

    The Pearson correlation of the ranks (ties get their average rank), all columns in one
    matrix product.
    """
    # Imported here: scipy.stats takes seconds to import, which every start of the command
    # line would pay (the engine package imports this module).
    from scipy.stats import rankdata

    x = rankdata(values, axis=0)
    x -= x.mean(axis=0)
    r = rankdata(scores)
    r -= r.mean()
    denominator = np.sqrt((x * x).sum(axis=0) * float(r @ r))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(denominator > 0, (r @ x) / denominator, 0.0)
    return np.clip(rho, -1.0, 1.0)


def _entries(
    system: LcaSystem, tech_index: IntArray, bio_index: IntArray, rho: FloatArray, top: int
) -> tuple[SensitivityEntry, ...]:
    tech, bio = system.technosphere_exchanges, system.biosphere_exchanges
    n_tech = len(tech_index)
    squared = rho * rho
    order = [t for t in np.argsort(-squared, kind="stable")[:top] if squared[t] > 0]
    total = float(squared[order].sum())
    entries = []
    for t in order:
        matrix: Matrix = "technosphere" if t < n_tech else "biosphere"
        exchanges, index = (tech, tech_index[t]) if t < n_tech else (bio, bio_index[t - n_tech])
        entries.append(
            SensitivityEntry(
                matrix=matrix,
                row_id=int(exchanges.rows[index]),
                col_id=int(exchanges.cols[index]),
                amount=float(exchanges.amounts[index]),
                rank_correlation=float(rho[t]),
                share=min(1.0, float(squared[t]) / total),
            )
        )
    return tuple(entries)
