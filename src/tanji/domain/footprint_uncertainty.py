"""Monte Carlo of a product footprint: the model's own lines plus its background samples.

Per iteration k, every line quantity is drawn from its distribution (all terms of one
line share the draw), every burden from its own: a factor's distribution, or — for an
LCI activity — the background database's k-th Monte Carlo sample of that activity's
footprint. The background samples are drawn once per database version by the engine
for every activity at once, so two activities of one database keep their correlation
(they share the same draws of the shared upstream). Then

    d_m(k) = Σ_t∈m q_t(k)·b_t(k),   A(k)ᵀ·h(k) = d(k)   (one small dense solve per k)

and the footprint is h_root(k). The lines that drive the variance are ranked by the
squared Spearman rank correlation of their contribution with the total, normalized to
sum to one (a screening measure of contribution to variance, as in openLCA's and
Brightway's contribution-to-variance reports).

Progress: ``progress(done, total, message)`` is told after each step — the draws, the
background samples, each block of :data:`SOLVE_BLOCK` iterations solved, the drivers.
Design note: the iterations are *not* sampled block by block — that would consume the
random stream in another order and change the numbers a seed gives; only the solve,
which draws nothing, is split into blocks (each iteration's system is solved alone, so
the block size does not change a digit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tanji.domain.burdens import Burden, LinkResolver
from tanji.domain.factors import Uncertainty
from tanji.domain.footprints import Footprint, ModelResult, Term
from tanji.domain.inventory import uncertainty_columns
from tanji.engine import Sampler, Summary, summarize

__all__ = [
    "SOLVE_BLOCK",
    "Driver",
    "FootprintUncertainty",
    "Progress",
    "monte_carlo",
    "progress_steps",
]

FloatArray = NDArray[np.float64]
#: ``progress(done, total, message)``: told as long work advances (messages in English,
#: fixed strings a user interface can translate).
Progress = Callable[[int, int, str], None]
#: Iterations solved per block between two progress reports.
SOLVE_BLOCK = 2000


@dataclass(frozen=True)
class Driver:
    line: str
    name: str
    share: float  # of the summed squared rank correlations


@dataclass(frozen=True, eq=False)
class FootprintUncertainty:
    summary: Summary
    seed: int | None
    drivers: tuple[Driver, ...]
    samples: FloatArray  # (iterations,) footprint per declared unit

    @property
    def iterations(self) -> int:
        return self.summary.iterations


def progress_steps(iterations: int) -> int:
    """How many steps :func:`monte_carlo` reports for ``iterations``: the draws, the
    background samples, one per block solved, the drivers."""
    return 3 + -(-iterations // SOLVE_BLOCK)


def _draw(
    amounts: Sequence[float], uncertainties: Sequence[Uncertainty], rng: np.random.Generator, k: int
) -> FloatArray:
    """(k, n) draws of values with their distributions (deterministic where none)."""
    values = np.asarray(amounts, dtype=np.float64)
    records = uncertainty_columns(
        values,
        np.array([u.distribution for u in uncertainties], dtype=object),
        np.array([np.nan if u.gsd is None else u.gsd for u in uncertainties]),
        np.array([np.nan if u.sd is None else u.sd for u in uncertainties]),
        np.array([np.nan if u.minimum is None else u.minimum for u in uncertainties]),
        np.array([np.nan if u.maximum is None else u.maximum for u in uncertainties]),
    )
    return Sampler(values, records, np.ones(len(values))).draw(rng, k)


def _burden_key(burden: Burden) -> tuple[object, ...]:
    return (burden.label, burden.source, burden.unit, burden.total, burden.sample_key)


def monte_carlo(
    footprint: Footprint,
    resolver: LinkResolver,
    iterations: int,
    seed: int | np.random.Generator | None = None,
    *,
    top: int = 10,
    progress: Progress | None = None,
) -> FootprintUncertainty:
    """Sample the footprint of ``footprint.model`` (per declared unit).

    ``progress`` (optional) is told ``(done, total, message)`` after each step; it does
    not change the numbers.
    """
    if iterations < 2:
        raise ValueError(f"Monte Carlo needs at least 2 iterations, got {iterations}")
    blocks = range(0, iterations, SOLVE_BLOCK)
    steps = progress_steps(iterations)

    def tell(done: int, message: str) -> None:
        if progress is not None:
            progress(done, steps, message)

    tell(0, "Drawing Monte Carlo samples")
    rng = np.random.default_rng(seed)
    terms: tuple[Term, ...] = footprint.terms
    order = [footprint.model.id] + [m for m in footprint.models if m != footprint.model.id]
    index = {m: i for i, m in enumerate(order)}
    outputs = np.array([c.output for c in _components_in(footprint, order)])

    # Line quantities: one draw per line, shared by the line's terms.
    line_keys = sorted({(t.model, t.line) for t in terms})
    line_of = {key: i for i, key in enumerate(line_keys)}
    first_term: dict[tuple[str, str], Term] = {}
    for t in terms:
        first_term.setdefault((t.model, t.line), t)
    amounts = {
        (model_id, line.id): line.amount
        for model_id, model in footprint.models.items()
        for line in model.lines
    }
    line_draws = _draw(
        [1.0] * len(line_keys),
        [_relative(first_term[key].uncertainty, amounts.get(key, 1.0)) for key in line_keys],
        rng,
        iterations,
    )
    # Burdens: one draw per distinct burden; LCI activities from background samples.
    burdens: dict[tuple[object, ...], Burden] = {}
    for t in terms:
        if t.burden is not None:
            burdens.setdefault(_burden_key(t.burden), t.burden)
    keys = list(burdens)
    own = [k for k in keys if burdens[k].sample_key is None]
    background = [k for k in keys if burdens[k].sample_key is not None]
    burden_draws = np.empty((iterations, len(keys)))
    column = {k: i for i, k in enumerate(keys)}
    if own:
        drawn = _draw(
            [burdens[k].total for k in own], [burdens[k].uncertainty for k in own], rng, iterations
        )
        burden_draws[:, [column[k] for k in own]] = drawn
    if background:
        sample_keys = [burdens[k].sample_key for k in background]
        samples = np.asarray(resolver.samples([s for s in sample_keys if s], iterations))
        burden_draws[:, [column[k] for k in background]] = samples[:iterations]
    tell(1, "Solving the Monte Carlo iterations")

    n = len(order)
    d = np.zeros((iterations, n))
    A = np.zeros((iterations, n, n))
    A[:, np.arange(n), np.arange(n)] = outputs
    contributions: dict[int, FloatArray] = {}
    for ti, t in enumerate(terms):
        q = t.coefficient * line_draws[:, line_of[(t.model, t.line)]]
        m = index[t.model]
        if t.submodel is not None:
            A[:, index[t.submodel], m] -= q
        else:
            assert t.burden is not None
            value = q * burden_draws[:, column[_burden_key(t.burden)]]
            d[:, m] += value
            if m == 0:
                contributions[ti] = value / outputs[0]
    if n == 1:
        h = d / outputs[0]
        tell(1 + len(blocks), "Solving the Monte Carlo iterations")
    else:
        h = np.empty((iterations, n))
        for done, start in enumerate(blocks, start=2):
            block = slice(start, start + SOLVE_BLOCK)
            h[block] = np.linalg.solve(np.transpose(A[block], (0, 2, 1)), d[block, :, None])[
                :, :, 0
            ]
            tell(done, "Solving the Monte Carlo iterations")
    for ti, t in enumerate(terms):
        if t.submodel is not None and index[t.model] == 0:
            q = t.coefficient * line_draws[:, line_of[(t.model, t.line)]]
            contributions[ti] = q * h[:, index[t.submodel]] / outputs[0]
    total = h[:, 0]
    tell(steps - 1, "Ranking the drivers of uncertainty")
    drivers = _drivers(terms, contributions, total, top)
    tell(steps, "Monte Carlo done")
    return FootprintUncertainty(
        summary=summarize(total),
        seed=seed if isinstance(seed, int) else None,
        drivers=drivers,
        samples=total,
    )


def _relative(u: Uncertainty, amount: float) -> Uncertainty:
    """A line's distribution (stated in the line's unit) as a multiplier of its amount."""
    return u.scaled(1.0 / amount) if amount else Uncertainty()


def _components_in(footprint: Footprint, order: Sequence[str]) -> list[ModelResult]:
    by_id = {c.id: c for c in footprint.components}
    return [by_id[m] for m in order]


def rankdata(values: FloatArray) -> FloatArray:
    """Ranks 0…n−1 (ties broken by order: samples of continuous draws rarely tie)."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    return ranks


def _drivers(
    terms: Sequence[Term], contributions: dict[int, FloatArray], total: FloatArray, top: int
) -> tuple[Driver, ...]:
    by_line: dict[str, FloatArray] = {}
    names: dict[str, str] = {}
    for ti, values in contributions.items():
        line = terms[ti].line
        by_line[line] = by_line.get(line, 0.0) + values
        names.setdefault(line, terms[ti].name)
    if np.ptp(total) == 0:
        return ()
    ranks_total = rankdata(total)
    scores = {}
    for line, values in by_line.items():
        if np.ptp(values) == 0:
            continue
        rho = np.corrcoef(rankdata(values), ranks_total)[0, 1]
        scores[line] = float(rho) ** 2
    norm = sum(scores.values())
    if norm == 0:
        return ()
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:top]
    return tuple(Driver(line, names[line], value / norm) for line, value in ranked)
