"""Monte Carlo uncertainty propagation that reuses the deterministic factorization.

Each iteration draws every uncertain exchange (vectorized, a batch of iterations at a
time), writes the draws straight into the fixed sparse arrays (the system's
:class:`~tanji.engine.system.MatrixLayout`), and solves the perturbed system A_k·s = f
(or Aᵀ_k·y = q_k for all activities at once) by *preconditioned Richardson iteration*
with the reference factorization M of the deterministic A:

    x₀ = M⁻¹·b,    δ_t = M⁻¹·(b − A_k·x_t),    x_{t+1} = x_t + δ_t

The steps shrink by a contraction ratio ρ (the spectral radius of I − M⁻¹A_k, small when
the draws stay near the reference), estimated by the largest ratio ‖δ_t‖/‖δ_{t−1}‖ seen so
far — step sizes can oscillate when the iteration matrix has complex eigenvalues, so the
last ratio alone is not safe. The forward error after a step is then estimated
conservatively by ‖δ_t‖/(1 − ρ); an iteration is accepted only when that estimate is at
most ``tolerance`` (1e-6 by default) relative to ‖x‖∞. If the ratio does not fall
clearly below one, or the steps run out, the iteration is solved directly with a fresh
factorization of A_k — never a silently wrong number. The result counts those fallbacks.

Design note: we rejected GMRES/BiCGSTAB here. Their small residuals do not bound the
forward error on strong recycling loops, and each step costs the same one product and
one preconditioner solve as Richardson, whose step lengths give the error estimate for
free.

Only biosphere exchanges of characterized flows are sampled: the others cannot change
the score, and skipping them is statistically identical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from tanji.engine.errors import EngineError, SingularSystemError
from tanji.engine.lca import Engine, demand_vector
from tanji.engine.solvers import Factorization, factorize
from tanji.engine.system import LcaSystem
from tanji.engine.uncertainty import Sampler

__all__ = [
    "AllActivitiesMonteCarlo",
    "MonteCarlo",
    "MonteCarloResult",
    "PairedResult",
    "Summary",
    "summarize",
]

FloatArray = NDArray[np.float64]

DEFAULT_TOLERANCE = 1e-6
_MAX_STEPS = 40
_MAX_RATIO = 0.8
_BATCH_BYTES = 64 * 2**20  # memory for one batch of draws


@dataclass(frozen=True)
class Summary:
    """Summary statistics of Monte Carlo scores.

    ``gsd`` is the geometric standard deviation exp(σ(ln|x|)), defined when all scores
    have the same sign and none is zero (NaN otherwise). ``convergence`` lists the running
    mean after 10 %, 20 %, …, 100 % of the iterations; ``relative_standard_error`` is
    σ/(√n·|mean|), the relative uncertainty of the mean itself.
    """

    iterations: int
    mean: float
    median: float
    std: float
    gsd: float
    p2_5: float
    p97_5: float
    relative_standard_error: float
    convergence: tuple[float, ...]


def summarize(scores: FloatArray) -> Summary:
    """Summary statistics of a 1-D array of sampled scores."""
    x = np.asarray(scores, dtype=np.float64)
    n = len(x)
    if n == 0:
        raise EngineError("cannot summarize zero Monte Carlo iterations")
    mean = float(x.mean())
    std = float(x.std(ddof=1)) if n > 1 else 0.0
    same_sign = bool((x > 0).all() or (x < 0).all())
    gsd = float(np.exp(np.log(np.abs(x)).std(ddof=1))) if same_sign and n > 1 else float("nan")
    p2_5, median, p97_5 = (float(v) for v in np.percentile(x, [2.5, 50.0, 97.5]))
    checkpoints = np.unique(np.ceil(np.linspace(0.1, 1.0, 10) * n).astype(int))
    running = np.cumsum(x)[checkpoints - 1] / checkpoints
    rse = std / (np.sqrt(n) * abs(mean)) if mean != 0 else float("nan")
    return Summary(
        iterations=n,
        mean=mean,
        median=median,
        std=std,
        gsd=gsd,
        p2_5=p2_5,
        p97_5=p97_5,
        relative_standard_error=float(rse),
        convergence=tuple(float(v) for v in running),
    )


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Sampled scores of one or more demands; column d of ``scores`` is demand d."""

    scores: FloatArray
    summaries: tuple[Summary, ...]
    seed: int | None
    fallbacks: int
    max_error_estimate: float

    @property
    def summary(self) -> Summary:
        return self.summaries[0]


@dataclass(frozen=True, eq=False)
class PairedResult:
    """Two demands sampled with the same draws: a meaningful comparison."""

    a: FloatArray
    b: FloatArray
    a_lower_share: float
    difference: Summary
    fallbacks: int


@dataclass(frozen=True, eq=False)
class AllActivitiesMonteCarlo:
    """Sampled footprints of one unit of every activity's product, iteration by iteration.

    ``samples[k, j]`` is activity j's footprint in iteration k; rows keep the correlation
    between activities (they share upstream draws).
    """

    system: LcaSystem
    method: str
    samples: FloatArray
    seed: int | None
    fallbacks: int
    max_error_estimate: float

    def summary_of(self, activity_id: int) -> Summary:
        return summarize(self.samples[:, self.system.activity_index([activity_id])[0]])


class _Resampler:
    """Draws technosphere data arrays and characterized direct emissions per iteration."""

    def __init__(self, system: LcaSystem, method: str) -> None:
        tech = system.technosphere_exchanges
        self.tech = Sampler(tech.amounts, tech.uncertainty, tech.signs)
        self.tech_layout = system.technosphere_layout
        positions = self.tech_layout.positions
        self.tech_direct = len(np.unique(positions)) == len(positions)

        bio = system.biosphere_exchanges
        c = system.method(method)
        factors = c[system.flow_index(bio.rows)] if len(bio) else np.zeros(0)
        keep = factors != 0
        #: biosphere triple index of each column of the biosphere sampler's draws
        self.bio_kept = np.flatnonzero(keep)
        self.bio = Sampler(bio.amounts[keep], bio.uncertainty[keep], bio.signs[keep])
        cols = system.activity_index(bio.cols[keep]) if keep.any() else np.zeros(0, np.int64)
        # Q_k = (sampled values × factors) summed per activity: one sparse product a batch.
        self.bio_to_activity = sp.csr_array(
            (factors[keep], (np.arange(int(keep.sum())), cols)),
            shape=(int(keep.sum()), system.n_activities),
        )
        self.has_uncertainty = self.tech.has_uncertainty or self.bio.has_uncertainty
        n_values = len(tech) + int(keep.sum()) + self.tech_layout.nnz
        self.batch = max(1, _BATCH_BYTES // (8 * max(n_values, 1)))

    def draw(self, rng: np.random.Generator, k: int) -> tuple[FloatArray, FloatArray]:
        """``(k, nnz(A))`` technosphere data and ``(k, n)`` characterized direct emissions."""
        return self.assemble(*self.draw_values(rng, k))

    def draw_values(self, rng: np.random.Generator, k: int) -> tuple[FloatArray, FloatArray]:
        """Signed raw draws: ``(k, len(technosphere triples))`` and ``(k, len(bio_kept))``."""
        return self.tech.draw(rng, k), self.bio.draw(rng, k)

    def assemble(
        self, tech_values: FloatArray, bio_values: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Technosphere data arrays and characterized direct emissions from raw draws."""
        k = len(tech_values)
        if self.tech_direct:
            data = np.empty((k, self.tech_layout.nnz))
            data[:, self.tech_layout.positions] = tech_values
        else:
            data = np.stack([self.tech_layout.assemble(row) for row in tech_values])
        q = np.asarray((self.bio_to_activity.T @ bio_values.T).T)
        return data, q


class _PerturbedSolver:
    """Solves A_k·x = b (or the transpose) preconditioned by the reference factorization."""

    def __init__(self, system: LcaSystem, lu: Factorization, engine: Engine, tolerance: float):
        A = system.technosphere
        self.indices, self.indptr, self.shape = A.indices, A.indptr, A.shape
        self.lu, self.engine, self.tolerance = lu, engine, tolerance
        self.fallbacks = 0
        self.max_error = 0.0

    def solve(self, data: FloatArray, b: FloatArray, x0: FloatArray, transpose: bool) -> FloatArray:
        A = sp.csc_array((data, self.indices, self.indptr), shape=self.shape)
        M = A.T if transpose else A
        apply = self.lu.solve_transposed if transpose else self.lu.solve
        x = x0.copy()
        previous = np.inf
        worst = 0.0
        for step_number in range(_MAX_STEPS):
            step = apply(b - M @ x)
            x += step
            size = float(np.abs(step).max())
            scale = float(np.abs(x).max()) or 1.0
            ratio = size / previous if previous > 0 else 0.0
            previous = size
            if size == 0.0:
                return x
            if ratio >= 1.0 or (ratio > _MAX_RATIO and step_number > 2) or worst >= 1.0:
                break
            # The step sizes need not shrink steadily (the iteration matrix can have complex
            # eigenvalues), so the contraction is bounded by the worst ratio seen, and the
            # remaining error by the last step over (1 − that ratio).
            worst = max(worst, ratio)
            estimate = size / (1.0 - worst) / scale if step_number > 0 else np.inf
            if estimate <= self.tolerance:
                self.max_error = max(self.max_error, estimate)
                return x
        return self._direct(A, b, transpose)

    def _direct(self, A: sp.csc_array, b: FloatArray, transpose: bool) -> FloatArray:
        self.fallbacks += 1
        try:
            lu = factorize(A, self.engine.solver)
        except SingularSystemError as error:
            raise SingularSystemError(
                f"a Monte Carlo draw made the technosphere singular: {error}; check the "
                "uncertainty of loop exchanges (a draw consumed all of a product's output)"
            ) from error
        return lu.solve_transposed(b) if transpose else lu.solve(b)


class MonteCarlo:
    """Monte Carlo for one system and method.

    Randomness is an argument: every run takes a seed (or a ``np.random.Generator``), and
    the same seed gives the same numbers.
    """

    def __init__(
        self,
        engine: Engine,
        system: LcaSystem,
        method: str,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> None:
        self.engine = engine
        self.system = system
        self.method = method
        self.tolerance = tolerance
        self._resampler = _Resampler(system, method)

    def run(
        self,
        demands: Sequence[Mapping[int, float]] | Mapping[int, float],
        iterations: int,
        seed: int | np.random.Generator | None = None,
    ) -> MonteCarloResult:
        """Sample the scores of one demand, or several with the same draws (paired)."""
        demand_list = [demands] if isinstance(demands, Mapping) else list(demands)
        F = np.column_stack([demand_vector(self.system, d) for d in demand_list])
        _check_iterations(iterations)
        rng = np.random.default_rng(seed)
        lu = self.engine.factorization(self.system)
        reference = np.column_stack(
            [self.engine.supply(self.system, F[:, d])[0] for d in range(F.shape[1])]
        )
        solver = _PerturbedSolver(self.system, lu, self.engine, self.tolerance)
        scores = np.empty((iterations, F.shape[1]))
        done = 0
        while done < iterations:
            k = min(self._resampler.batch, iterations - done)
            data, q = self._resampler.draw(rng, k)
            for i in range(k):
                supply = solver.solve(data[i], F, reference, transpose=False)
                scores[done + i] = q[i] @ supply
            done += k
        return MonteCarloResult(
            scores=scores,
            summaries=tuple(summarize(scores[:, d]) for d in range(scores.shape[1])),
            seed=seed if isinstance(seed, int) else None,
            fallbacks=solver.fallbacks,
            max_error_estimate=solver.max_error,
        )

    def compare(
        self,
        a: Mapping[int, float],
        b: Mapping[int, float],
        iterations: int,
        seed: int | np.random.Generator | None = None,
    ) -> PairedResult:
        """Paired sampling: both demands see the same draws in every iteration."""
        result = self.run([a, b], iterations, seed)
        sa, sb = result.scores[:, 0], result.scores[:, 1]
        return PairedResult(
            a=sa,
            b=sb,
            a_lower_share=float(np.mean(sa < sb)),
            difference=summarize(sa - sb),
            fallbacks=result.fallbacks,
        )

    def all_activities(
        self, iterations: int, seed: int | np.random.Generator | None = None
    ) -> AllActivitiesMonteCarlo:
        """Sampled footprints of every activity at once: Aᵀ_k·y_k = q_k per iteration."""
        _check_iterations(iterations)
        rng = np.random.default_rng(seed)
        lu = self.engine.factorization(self.system)
        reference = self.engine.footprints(self.system, self.method).scores
        solver = _PerturbedSolver(self.system, lu, self.engine, self.tolerance)
        samples = np.empty((iterations, self.system.n_activities))
        done = 0
        while done < iterations:
            k = min(self._resampler.batch, iterations - done)
            data, q = self._resampler.draw(rng, k)
            for i in range(k):
                samples[done + i] = solver.solve(data[i], q[i], reference, transpose=True)
            done += k
        return AllActivitiesMonteCarlo(
            system=self.system,
            method=self.method,
            samples=samples,
            seed=seed if isinstance(seed, int) else None,
            fallbacks=solver.fallbacks,
            max_error_estimate=solver.max_error,
        )


def _check_iterations(iterations: int) -> None:
    if iterations < 1:
        raise EngineError(f"Monte Carlo needs at least one iteration, got {iterations}")
