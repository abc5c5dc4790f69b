"""Paired Monte Carlo: a baseline and its variants on the same random draws.

A reduction lever changes a few lines of a model; everything else — the other lines'
quantities, the factors they share, the background — is as uncertain as before, and
that shared uncertainty should cancel in the difference. Drawing the baseline and the
variant independently would add both runs' variances to the difference
(Var(A − B) = Var A + Var B); drawing them from **common random numbers** gives
Var A + Var B − 2·Cov(A, B), small where the two share most of their inputs
(Law, *Simulation Modeling and Analysis*, 5th ed., 2015, §11.2 "common random numbers").

How the draws are shared: every random input has an identity — a line's quantity is
``(model, line)``; a burden is ``(label, source, unit, total, background key)`` — and
each identity draws its ``iterations`` values from its **own** stream, seeded by the run's
seed and a SHA-256 of the identity. So an input present in both models gets the very same
draws in both, whatever else was added or removed, and a new input (another supplier's
factor, an on-site PV line) gets fresh ones. Background samples come from the resolver,
which keeps them per database version, so they are shared too.

Per iteration k the model is solved as in
:func:`tanji.domain.footprint_uncertainty.monte_carlo`: d_m(k) = Σ_t∈m q_t(k)·b_t(k) and
A(k)ᵀ·h(k) = d(k), the footprint being h_root(k).

Design note: the product Monte Carlo of ``footprint_uncertainty`` draws all inputs from
one stream in a fixed order, which is right for one model (a seed reproduces it) but
makes two models' draws line up only when their inputs do. Keyed streams were chosen
here instead of changing that function, whose numbers per seed are pinned by saved
results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tanji.domain.burdens import Burden, LinkResolver
from tanji.domain.factors import Uncertainty
from tanji.domain.footprints import Footprint, Term
from tanji.domain.inventory import uncertainty_columns
from tanji.engine import Sampler

__all__ = ["Difference", "difference", "sample_footprint", "sample_footprints"]

FloatArray = NDArray[np.float64]
_Key = tuple[object, ...]


def _stream(seed: int, key: _Key) -> np.random.Generator:
    digest = hashlib.sha256(repr(key).encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "big")])


def _draw_one(value: float, u: Uncertainty, rng: np.random.Generator, k: int) -> FloatArray:
    records = uncertainty_columns(
        np.array([value]),
        np.array([u.distribution], dtype=object),
        np.array([np.nan if u.gsd is None else u.gsd]),
        np.array([np.nan if u.sd is None else u.sd]),
        np.array([np.nan if u.minimum is None else u.minimum]),
        np.array([np.nan if u.maximum is None else u.maximum]),
    )
    drawn: FloatArray = Sampler(np.array([value]), records, np.ones(1)).draw(rng, k)[:, 0]
    return drawn


def _burden_key(burden: Burden) -> _Key:
    return ("burden", burden.label, burden.source, burden.unit, burden.total, burden.sample_key)


class _Draws:
    """The draws of every input identity met so far, each from its own stream."""

    def __init__(self, resolver: LinkResolver, iterations: int, seed: int) -> None:
        self.resolver = resolver
        self.iterations = iterations
        self.seed = seed
        self.cache: dict[_Key, FloatArray] = {}

    def line(self, footprint: Footprint, term: Term) -> FloatArray:
        key: _Key = ("line", term.model, term.line)
        if key not in self.cache:
            model = footprint.models.get(term.model, footprint.model)
            amount = next((x.amount for x in model.lines if x.id == term.line), 1.0)
            u = term.uncertainty.scaled(1.0 / amount) if amount else Uncertainty()
            self.cache[key] = _draw_one(1.0, u, _stream(self.seed, key), self.iterations)
        return self.cache[key]

    def burden(self, burden: Burden) -> FloatArray:
        key = _burden_key(burden)
        if key not in self.cache:
            if burden.sample_key is not None:
                samples = np.asarray(self.resolver.samples([burden.sample_key], self.iterations))
                self.cache[key] = samples[: self.iterations, 0]
            else:
                rng = _stream(self.seed, key)
                self.cache[key] = _draw_one(burden.total, burden.uncertainty, rng, self.iterations)
        return self.cache[key]


def _solve(footprint: Footprint, draws: _Draws) -> FloatArray:
    k = draws.iterations
    order = [footprint.model.id] + [m for m in footprint.models if m != footprint.model.id]
    index = {m: i for i, m in enumerate(order)}
    by_id = {c.id: c for c in footprint.components}
    outputs = np.array([by_id[m].output for m in order])
    n = len(order)
    d = np.zeros((k, n))
    A = np.zeros((k, n, n))
    A[:, np.arange(n), np.arange(n)] = outputs
    for t in footprint.terms:
        q = t.coefficient * draws.line(footprint, t)
        m = index[t.model]
        if t.submodel is not None:
            A[:, index[t.submodel], m] -= q
        else:
            assert t.burden is not None
            d[:, m] += q * draws.burden(t.burden)
    if n == 1:
        total: FloatArray = d[:, 0] / outputs[0]
        return total
    h = np.linalg.solve(np.transpose(A, (0, 2, 1)), d[:, :, None])[:, :, 0]
    root: FloatArray = h[:, 0]
    return root


def sample_footprints(
    footprints: Sequence[Footprint], resolver: LinkResolver, iterations: int, seed: int
) -> list[FloatArray]:
    """Monte Carlo samples of each footprint (per declared unit) on common random numbers."""
    if iterations < 2:
        raise ValueError(f"Monte Carlo needs at least 2 iterations, got {iterations}")
    draws = _Draws(resolver, iterations, seed)
    return [_solve(f, draws) for f in footprints]


def sample_footprint(
    footprint: Footprint, resolver: LinkResolver, iterations: int, seed: int
) -> FloatArray:
    """Monte Carlo samples of one footprint (the keyed streams of :func:`sample_footprints`)."""
    return sample_footprints([footprint], resolver, iterations, seed)[0]


@dataclass(frozen=True)
class Difference:
    """baseline − variant over the iterations: the reduction, positive when it is one."""

    mean: float
    low: float  # 2.5th percentile
    high: float  # 97.5th percentile
    probability: float  # P(reduction > 0)
    iterations: int


def difference(baseline: FloatArray, variant: FloatArray) -> Difference:
    """The reduction baseline − variant: mean, 95 % interval and P(reduction > 0)."""
    r = baseline - variant
    low, high = np.percentile(r, [2.5, 97.5])
    return Difference(float(r.mean()), float(low), float(high), float(np.mean(r > 0)), int(r.size))
