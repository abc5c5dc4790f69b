"""Synthetic LCA databases shaped like ecoinvent 3.x (cut-off), as bw_processing datapackages.

The data are random and **not** ecoinvent or IPCC data; only their *shape* imitates a real
database, so that benchmarks and engine-vs-bw2calc comparisons exercise what real data
exercise:

* a square technosphere; activity ``j`` produces exactly one reference product, whose id
  is ``j``'s id, with a non-zero production amount on the diagonal (1.0 for almost all,
  0.5 / 2 / 10 / 1000 / 0.001 for ~1 %);
* ~3 % of the activities are *waste treatments*, as in ecoinvent's cut-off system model
  and as Brightway stores it: the treatment's reference production is negative (−1 kg of
  the waste it treats), and every activity that generates the waste has it as a
  technosphere exchange of *negative* amount (flipped, so a positive entry in A: it
  supplies the waste). "market for wastewater, average" is one of them (a hub, as in
  ecoinvent). See ``_waste_treatments``;
* ~11 technosphere inputs per activity on average, heavy-tailed (~25 % with 1-3 inputs,
  ~2 % with 50-200); ~0.75 % of the activities are "market" hubs (electricity, transport,
  heat, water ...) used by a large share of all activities (the top one by ~half), which
  themselves buy inputs, so that there are loops and a strongly connected component of
  ~75 % of the activities; a few tight recycling 2-cycles. Other suppliers are "in the
  same sector" (see ``_technosphere_pattern``), which keeps LU fill-in, and so the
  solver's work, close to ecoinvent's;
* input amounts spread over ~10 orders of magnitude (lognormal shares within a column,
  and a per-product "unit" scale as if products were in kg, MJ, t*km, m3 ...), while the
  Leontief inverse exists and is non-negative (see ``_input_amounts``; in practice also
  for Monte Carlo draws: recycling loops are certain and the spreads moderate);
* ~35 elementary exchanges per activity over 4,700 flows whose popularity follows a Zipf
  law (CO2, CH4, N2O in almost every activity, a long tail of rarely used flows);
* an "IPCC 2021 GWP100-like" method characterizing ~200 of those flows (with the real AR6
  factors for the named greenhouse gases) plus ~50 flows absent from the biosphere, as
  real methods do;
* ~70 % of input and elementary exchanges uncertain (mostly lognormal; some normal,
  triangular, uniform), described with stats_arrays fields exactly as Brightway stores them.

Datapackages (see ``write_datapackages``): ``<dir>/synthetic_db`` holds the
``technosphere_matrix`` and ``biosphere_matrix`` resource groups, ``<dir>/synthetic_gwp100``
the ``characterization_matrix``. bw2calc 3.x loads both directly (with ``data_objs``, a
``method=`` tuple is not used; the characterization comes from the packages)::

    lca = bw2calc.LCA({activity_id: 1}, data_objs=[db_dir, method_dir])
    lca.lci(); lca.lcia(); lca.score
    # Monte Carlo: add use_distributions=True (and seed_override=...), then next(lca).

Usage: ``python benchmarks/synthetic.py --n 25000 --seed 1 -o benchmarks/data/n25000``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import bw_processing as bwp
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ACTIVITY_ID_START",
    "DATABASE_DIRNAME",
    "FLOW_ID_START",
    "METHOD",
    "METHOD_DIRNAME",
    "Exchanges",
    "SyntheticArrays",
    "SyntheticSpec",
    "generate",
    "write_datapackages",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Activity (and reference product) ids are ACTIVITY_ID_START, ACTIVITY_ID_START + 1, ...
#: They start at 1, not 0, as database ids do, so code that confuses ids with matrix
#: indices fails.
ACTIVITY_ID_START = 1
#: Elementary flow ids start here, disjoint from activity ids (Brightway nodes share one id
#: space). Characterization factors for flows absent from the biosphere come after them.
FLOW_ID_START = 10_000_000
METHOD = ("synthetic", "gwp100")
DATABASE_DIRNAME = "synthetic_db"
METHOD_DIRNAME = "synthetic_gwp100"

# stats_arrays distribution ids.
UNDEFINED, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR = 0, 2, 3, 4, 5
# Mix of distribution types among uncertain exchanges (ecoinvent: overwhelmingly lognormal).
_TYPE_CHOICES = np.array([LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM], dtype=np.uint8)
_TYPE_PROBABILITIES = np.array([0.82, 0.08, 0.05, 0.05])

# Technosphere shape.
_MAX_INPUTS = 200
_INPUT_COUNT_SIGMA = 1.0  # of ln(count): ~20 % of activities get <= 3 inputs, ~2 % > 50
_HUB_SLOT_SHARE = 0.3  # share of input slots filled by a market hub
_HUB_ZIPF_EXPONENT = 1.3  # the top hub (electricity, medium voltage) feeds ~half of all
_LOCAL_SCALE = 30.0  # mean distance, in positions, to an ordinary (same-sector) supplier
_FINAL_SHARE = 0.25  # activities whose product is an input to no other activity
_COLUMN_SUM_RANGE = (0.1, 0.55)  # sum of an activity's inputs per unit of output, "unit-free"
_SHARE_SIGMA = 1.8  # of ln(input share) within a column: orders of magnitude apart
_UNIT_DECADES_SIGMA = 0.6  # of log10(product unit scale), clipped to +-1.5 decades
_RECYCLING_SHARE = 0.002  # activity pairs joined by a tight recycling 2-cycle
_RECYCLED_AMOUNT = 0.3  # per unit of output, each way: loop gain 0.09
_ODD_PRODUCTION_SHARE = 0.01
_ODD_PRODUCTION_AMOUNTS = np.array([0.5, 2.0, 10.0, 1000.0, 0.001])
_REDRAW_ROUNDS = 6  # rounds of redrawing duplicate suppliers / flows

# Biosphere shape.
_BIO_COUNT_SIGMA = 0.6
_MAX_BIO = 600
_FLOW_ZIPF_EXPONENT = 1.0
_BIO_AMOUNT_SIGMA = 1.5  # of ln(amount) around the flow's typical magnitude
_MAX_TYPICAL_IMPACT = 1e-3  # kg CO2-eq per unit of product, for other characterized flows

#: Named flows: (name, AR6 GWP100 factor or None if not characterized, popularity rank,
#: typical emission per unit of product). Flow id = FLOW_ID_START + position in this table.
NAMED_FLOWS: tuple[tuple[str, float | None, int, float], ...] = (
    ("Carbon dioxide, fossil", 1.0, 0, 0.5),
    ("Carbon dioxide, non-fossil", None, 1, 0.2),  # biogenic CO2: 0 in IPCC methods
    ("Methane, fossil", 29.8, 2, 1e-3),
    ("Dinitrogen monoxide", 273.0, 3, 3e-5),
    ("Methane, non-fossil", 27.0, 6, 2e-4),
    ("Carbon dioxide, from soil or biomass stock", 1.0, 40, 1e-2),
    ("Sulfur hexafluoride", 25200.0, 60, 1e-8),
    ("Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", 1530.0, 120, 1e-8),
    ("Methane, chlorodifluoro-, HCFC-22", 1960.0, 150, 1e-8),
    ("Methane, tetrafluoro-, R-14", 7380.0, 200, 1e-9),
    ("Ethane, hexafluoro-, HFC-116", 12400.0, 260, 1e-10),
    ("Methane, trifluoro-, HFC-23", 14600.0, 300, 1e-10),
    ("Nitrogen fluoride", 17400.0, 400, 1e-11),
    ("Methane, difluoro-, HFC-32", 771.0, 500, 1e-9),
    ("Ethane, pentafluoro-, HFC-125", 3740.0, 600, 1e-9),
    ("Ethane, 1,1,1-trifluoro-, HFC-143a", 5810.0, 700, 1e-9),
)

#: Names of the most used hubs, most used first (only for the metadata; the rest are
#: "market for commodity k").
HUB_NAMES = (
    "market for electricity, medium voltage",
    "market for transport, freight, lorry",
    "market for electricity, low voltage",
    "market for heat, district or industrial, natural gas",
    "market for electricity, high voltage",
    "market for tap water",
    "market for transport, freight train",
    "market for diesel",
    "market for wastewater, average",
    "market for transport, freight, sea, container ship",
    "market for heat, district or industrial, other than natural gas",
    "market for natural gas, high pressure",
    "market for transport, freight, inland waterways",
    "market for lubricating oil",
)


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. Only ``n_activities`` is required; defaults imitate ecoinvent 3.x.

    ``hub_share`` is the share of activities that are market hubs; ``loop_share`` the share
    of ordinary (non-hub) input slots whose supplier lies a little *downstream*, closing
    local loops (the others lie a little upstream). ``n_characterized`` flows of the
    biosphere get a factor, and so do ``n_absent_cfs`` flow ids outside it.
    ``waste_share`` is the share of activities that are waste treatments.
    """

    n_activities: int
    n_flows: int = 4700
    mean_inputs: float = 11.0
    bio_per_activity: float = 35.0
    uncertain_share: float = 0.7
    seed: int = 1
    hub_share: float = 0.0075
    loop_share: float = 0.05
    n_characterized: int = 200
    n_absent_cfs: int = 50
    waste_share: float = 0.03

    def __post_init__(self) -> None:
        if not 10 <= self.n_activities < FLOW_ID_START - ACTIVITY_ID_START:
            raise ValueError(f"n_activities must be in [10, {FLOW_ID_START - 1}]")
        if self.n_flows < max(rank for *_, rank, _ in NAMED_FLOWS) + 1:
            raise ValueError("n_flows is too small to hold the named flows")
        if not len(NAMED_FLOWS) <= self.n_characterized <= self.n_flows:
            raise ValueError("n_characterized must be between the named flows and n_flows")
        if self.mean_inputs < 1 or self.bio_per_activity < 1:
            raise ValueError("mean_inputs and bio_per_activity must be >= 1")
        for name in ("uncertain_share", "hub_share", "loop_share", "waste_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]")


@dataclass(frozen=True)
class Exchanges:
    """One matrix's exchanges, in Brightway's stored form.

    ``data`` is positive except for waste: a waste treatment's production and the waste
    exchanges of the activities that generate it are stored negative, as Brightway stores
    ecoinvent's. ``flip`` marks entries that enter the matrix negated (technosphere
    exchanges other than production). ``distributions`` has bw_processing's
    UNCERTAINTY_DTYPE and describes the *stored* (unflipped) amount. Sorted by column,
    then row.
    """

    rows: IntArray
    cols: IntArray
    data: FloatArray
    flip: BoolArray
    distributions: NDArray[np.void]

    @property
    def nnz(self) -> int:
        return int(self.data.size)

    def indices(self) -> NDArray[np.void]:
        """Rows and columns as bw_processing's INDICES_DTYPE structured array."""
        out = np.empty(self.nnz, dtype=bwp.INDICES_DTYPE)
        out["row"] = self.rows
        out["col"] = self.cols
        return out

    def signed(self) -> FloatArray:
        """The values as they appear in the matrix (flipped entries negated)."""
        return np.where(self.flip, -self.data, self.data)


@dataclass(frozen=True)
class SyntheticArrays:
    """Everything ``generate`` draws, as plain NumPy arrays keyed by database ids.

    ``characterization`` is diagonal: rows = cols = flow id. ``hub_ids`` are the market
    activities, most used first; ``treatment_ids`` the waste treatments, sorted.
    """

    spec: SyntheticSpec
    activity_ids: IntArray
    flow_ids: IntArray
    hub_ids: IntArray
    treatment_ids: IntArray
    technosphere: Exchanges
    biosphere: Exchanges
    characterization: Exchanges


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


def generate(spec: SyntheticSpec) -> SyntheticArrays:
    """Draw a synthetic database and method; deterministic for ``spec`` (incl. its seed).

    Activities are generated in a hidden upstream-to-downstream order ("position"), which is
    shuffled into ids at the end so that ids carry no ordering, as in real databases.
    Each part has its own child RNG, so changing how one part is drawn leaves the others.
    """
    layout_rng, tech_rng, bio_rng, unc_rng, cf_rng, waste_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(6)
    )
    n = spec.n_activities
    ids_by_position = ACTIVITY_ID_START + layout_rng.permutation(n).astype(np.int64)
    hub_positions = _hub_positions(n, spec.hub_share, layout_rng)
    production = _production_amounts(n, layout_rng)
    unit_scale = 10.0 ** np.clip(layout_rng.normal(0.0, _UNIT_DECADES_SIGMA, n), -1.5, 1.5)

    supplier, consumer, recycled = _technosphere_pattern(n, hub_positions, spec, tech_rng)
    amounts = _input_amounts(supplier, consumer, recycled, production, unit_scale, tech_rng)
    certain = recycled | (unc_rng.random(amounts.size) >= spec.uncertain_share)
    treatment = _waste_treatments(n, hub_positions, supplier, recycled, spec, waste_rng)
    technosphere = _with_production(
        rows=ids_by_position[supplier],
        cols=ids_by_position[consumer],
        amounts=amounts,
        distributions=_distributions(amounts, certain, unc_rng),
        activity_ids=ids_by_position,
        production=production,
        waste=treatment[supplier],
        treatment=treatment,
    )

    flow_ids = _flow_ids_by_rank(spec.n_flows, layout_rng)
    characterization = _characterization(spec, cf_rng)
    flow_rank, emitter, bio_amounts = _biosphere_pattern(
        spec, production, unit_scale, _typical_caps(flow_ids, characterization), bio_rng
    )
    bio_certain = unc_rng.random(bio_amounts.size) >= spec.uncertain_share
    biosphere = _sorted_exchanges(
        rows=flow_ids[flow_rank],
        cols=ids_by_position[emitter],
        data=bio_amounts,
        flip=np.zeros(bio_amounts.size, dtype=bool),
        distributions=_distributions(bio_amounts, bio_certain, unc_rng),
    )

    return SyntheticArrays(
        spec=spec,
        activity_ids=np.sort(ids_by_position),
        flow_ids=np.sort(flow_ids),
        hub_ids=ids_by_position[hub_positions],
        treatment_ids=np.sort(ids_by_position[treatment]),
        technosphere=technosphere,
        biosphere=biosphere,
        characterization=characterization,
    )


def _hub_positions(n: int, hub_share: float, rng: np.random.Generator) -> IntArray:
    """Market hubs sit in the middle of the supply chain: upstream of most consumers but
    downstream of the mines and power plants they buy from, which buy from them in turn."""
    n_hubs = min(n // 2, max(len(HUB_NAMES) // 2, round(hub_share * n)))
    return rng.choice(np.arange(n // 10, n - n // 10), size=n_hubs, replace=False).astype(np.int64)


def _production_amounts(n: int, rng: np.random.Generator) -> FloatArray:
    production = np.ones(n)
    odd = rng.random(n) < _ODD_PRODUCTION_SHARE
    production[odd] = rng.choice(_ODD_PRODUCTION_AMOUNTS, size=int(odd.sum()))
    return production


def _heavy_tailed_counts(
    n: int, mean: float, sigma: float, maximum: int, rng: np.random.Generator
) -> IntArray:
    """Lognormal counts with the given mean (before rounding and clipping to [1, maximum])."""
    mu = np.log(mean) - sigma**2 / 2
    return np.clip(np.rint(rng.lognormal(mu, sigma, n)), 1, maximum).astype(np.int64)


def _zipf_weights(n: int, exponent: float) -> FloatArray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _technosphere_pattern(
    n: int, hub_positions: IntArray, spec: SyntheticSpec, rng: np.random.Generator
) -> tuple[IntArray, IntArray, BoolArray]:
    """Who supplies whom, by position: (supplier, consumer, is_recycling) per input.

    Each input slot is a hub (Zipf-weighted, so a few hubs feed most activities), else a
    nearby activity: the positions double as a sector layout, and suppliers are mostly in
    the consumer's own sector, a little upstream (with probability ``loop_share`` a little
    downstream, closing a loop).

    Why local: long-range links between ordinary activities make the graph an expander,
    whose LU factors fill in almost completely (~2 min for PARDISO at N=25,000 with random
    upstream suppliers; ~1.3 s with 1 % of them; ecoinvent: ~0.45 s). In real data, long
    links go through markets, i.e. the hubs. Final products (_FINAL_SHARE) are inputs to
    nobody, so that, as in ecoinvent, part of the database lies outside the big loop.
    """
    hub_weights = _zipf_weights(hub_positions.size, _HUB_ZIPF_EXPONENT)
    sellers = _seller_positions(n, hub_positions, rng)

    def draw_suppliers(consumer: IntArray) -> IntArray:
        slots = consumer.size
        distance = 1 + np.floor(rng.exponential(_LOCAL_SCALE, slots)).astype(np.int64)
        downstream = rng.random(slots) < spec.loop_share
        nearby = np.clip(np.where(downstream, consumer + distance, consumer - distance), 0, n - 1)
        ordinary = sellers[nearby]
        hub = hub_positions[rng.choice(hub_positions.size, size=slots, p=hub_weights)]
        return np.where(rng.random(slots) < _HUB_SLOT_SHARE, hub, ordinary)

    rec_supplier, rec_consumer = _recycling_pairs(n, hub_positions, rng)
    counts = _heavy_tailed_counts(n, spec.mean_inputs, _INPUT_COUNT_SIGMA, _MAX_INPUTS, rng)
    # No self-inputs (they would blur the production amount), and no drawn input where a
    # recycling exchange goes, so that its amount is exactly _RECYCLED_AMOUNT.
    positions = np.arange(n, dtype=np.int64)
    excluded = np.concatenate([positions * n + positions, rec_consumer * n + rec_supplier])
    consumer, supplier = _distinct_draws(counts, n, draw_suppliers, excluded)
    return (
        np.concatenate([supplier, rec_supplier]),
        np.concatenate([consumer, rec_consumer]),
        np.concatenate(
            [np.zeros(supplier.size, dtype=bool), np.ones(rec_supplier.size, dtype=bool)]
        ),
    )


def _distinct_draws(
    targets: IntArray,
    n_choices: int,
    draw: Callable[[IntArray], IntArray],
    excluded: IntArray | None = None,
) -> tuple[IntArray, IntArray]:
    """(owner, choice) pairs giving owner ``i`` up to ``targets[i]`` distinct choices.

    ``draw(owners)`` draws one choice per entry of ``owners``. Duplicates and ``excluded``
    keys (``owner * n_choices + choice``) are dropped and the shortfall redrawn, a few
    rounds, so that popular choices do not eat into the counts (owners with few possible
    choices may stay short). Returned sorted by owner, then choice.
    """
    owners = np.arange(targets.size, dtype=np.int64)
    keys = np.empty(0, dtype=np.int64)
    deficit = targets
    for _ in range(_REDRAW_ROUNDS):
        owner = np.repeat(owners, deficit)
        if owner.size == 0:
            break
        new = owner * n_choices + draw(owner)
        if excluded is not None:
            new = new[np.isin(new, excluded, invert=True)]
        keys = _sorted_unique(np.concatenate([keys, new]))
        deficit = np.maximum(targets - np.bincount(keys // n_choices, minlength=targets.size), 0)
    return keys // n_choices, keys % n_choices


def _sorted_unique(keys: IntArray) -> IntArray:
    # np.unique in NumPy >= 2.3 hashes first, which is several times slower than sorting
    # for these millions of int64 keys.
    keys = np.sort(keys)
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first]


def _seller_positions(n: int, hub_positions: IntArray, rng: np.random.Generator) -> IntArray:
    """For each position, the nearest position at or upstream of it that sells to others
    (not a final product); the most upstream positions map to the first seller."""
    final = rng.random(n) < _FINAL_SHARE
    final[hub_positions] = False
    seller = np.maximum.accumulate(np.where(final, -1, np.arange(n, dtype=np.int64)))
    return np.where(seller < 0, np.argmin(final), seller)


def _recycling_pairs(
    n: int, hub_positions: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """Pairs of non-hub activities that supply each other heavily (e.g. a metal and its
    scrap recycling), returned as both directed exchanges (supplier, consumer)."""
    candidates = np.setdiff1d(np.arange(n, dtype=np.int64), hub_positions)
    n_pairs = min(candidates.size // 2, max(2, round(_RECYCLING_SHARE * n)))
    a, b = rng.choice(candidates, size=(2, n_pairs), replace=False)
    return np.concatenate([a, b]), np.concatenate([b, a])


def _input_amounts(
    supplier: IntArray,
    consumer: IntArray,
    recycled: BoolArray,
    production: FloatArray,
    unit_scale: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    """Stored (positive) input amounts, per ``production[consumer]`` units of output.

    First a unit-free matrix ``Bn`` is drawn whose columns sum to c_j <= 0.55: lognormal
    shares of a budget c_j, with recycling inputs fixed at _RECYCLED_AMOUNT. ``||Bn||_1 <=
    0.55`` bounds its spectral radius, so ``(I - Bn)^-1 = I + Bn + Bn^2 + ...`` converges and
    is non-negative: every supply is finite and non-negative. The stored amounts are
    ``A[i, j] = Bn[i, j] * s_i / s_j * production_j``, as if products were measured in
    different units (s = "unit scale"); the normalized input matrix ``S Bn S^-1`` is
    similar to ``Bn``, so the bound carries over, while amounts span many decades.
    """
    n = production.size
    budget = rng.uniform(*_COLUMN_SUM_RANGE, n)
    # Columns with a recycling input keep room for the rest of their inputs.
    budget[consumer[recycled]] = _COLUMN_SUM_RANGE[1]
    shares = rng.lognormal(0.0, _SHARE_SIGMA, supplier.size)
    shares[recycled] = 0.0
    share_sums = np.bincount(consumer, weights=shares, minlength=n)
    fixed = np.bincount(consumer, weights=recycled * _RECYCLED_AMOUNT, minlength=n)
    # share_sums is 0 only for columns without drawn inputs; their amounts are unused.
    scale = (budget - fixed) / np.where(share_sums > 0, share_sums, 1.0)
    normalized = np.where(recycled, _RECYCLED_AMOUNT, shares * scale[consumer])
    return normalized * unit_scale[supplier] / unit_scale[consumer] * production[consumer]


def _waste_treatments(
    n: int,
    hub_positions: IntArray,
    supplier: IntArray,
    recycled: BoolArray,
    spec: SyntheticSpec,
    rng: np.random.Generator,
) -> BoolArray:
    """Which positions are waste treatments (``spec.waste_share`` of them).

    "market for wastewater, average" (the hub of that name, where there is one) and
    ordinary activities that supply others, outside the recycling pairs. A treatment is
    the activity's row of A negated: what its consumers bought becomes waste they
    generate (a positive entry), and its production −1 kg of waste treated. With
    S = diag(±1) marking the treatments, A = S·A₀ for the all-products matrix A₀ drawn
    as before, so A⁻¹ = A₀⁻¹·S exists and the supply of any product demand is unchanged
    and non-negative; each treatment's own footprint is minus the burden of treating one
    kg of waste (see docs/methods.md, "Waste treatments").
    """
    treatment = np.zeros(n, dtype=bool)
    target = round(spec.waste_share * n)
    if target == 0:
        return treatment
    wastewater = HUB_NAMES.index("market for wastewater, average")
    if hub_positions.size > wastewater:
        treatment[hub_positions[wastewater]] = True
    excluded = np.zeros(n, dtype=bool)
    excluded[hub_positions] = True
    excluded[supplier[recycled]] = True
    sells = np.zeros(n, dtype=bool)
    sells[supplier[~recycled]] = True
    candidates = np.flatnonzero(sells & ~excluded)
    size = min(candidates.size, target - int(treatment.sum()))
    treatment[rng.choice(candidates, size=max(size, 0), replace=False)] = True
    return treatment


def _with_production(
    *,
    rows: IntArray,
    cols: IntArray,
    amounts: FloatArray,
    distributions: NDArray[np.void],
    activity_ids: IntArray,
    production: FloatArray,
    waste: BoolArray,
    treatment: BoolArray,
) -> Exchanges:
    """Inputs (flipped) plus one certain, unflipped production exchange per activity.

    ``waste`` marks the inputs that are waste sent to a treatment, ``treatment`` (per
    position) the treatments: those amounts and distributions are stored negated, as
    Brightway stores ecoinvent's waste exchanges and treatments.
    """
    n = activity_ids.size
    signed_production = np.where(treatment, -production, production)
    return _sorted_exchanges(
        rows=np.concatenate([rows, activity_ids]),
        cols=np.concatenate([cols, activity_ids]),
        data=np.concatenate([np.where(waste, -amounts, amounts), signed_production]),
        flip=np.concatenate([np.ones(amounts.size, dtype=bool), np.zeros(n, dtype=bool)]),
        distributions=np.concatenate([_negated(distributions, waste), _certain(signed_production)]),
    )


def _negated(records: NDArray[np.void], where: BoolArray) -> NDArray[np.void]:
    """stats_arrays records of −x for the records of x at ``where`` (a copy).

    A lognormal keeps μ = ln|x| and gets the ``negative`` flag; other kinds have their
    location and bounds negated (and the bounds swapped).
    """
    out = records.copy()
    chosen = out[where]
    lognormal = chosen["uncertainty_type"] == LOGNORMAL
    chosen["negative"] = lognormal
    chosen["loc"] = np.where(lognormal, chosen["loc"], -chosen["loc"])
    chosen["minimum"], chosen["maximum"] = -chosen["maximum"], -chosen["minimum"]
    out[where] = chosen
    return out


def _sorted_exchanges(
    *,
    rows: IntArray,
    cols: IntArray,
    data: FloatArray,
    flip: BoolArray,
    distributions: NDArray[np.void],
) -> Exchanges:
    order = np.lexsort((rows, cols))
    return Exchanges(
        rows=rows[order],
        cols=cols[order],
        data=data[order],
        flip=flip[order],
        distributions=distributions[order],
    )


def _flow_ids_by_rank(n_flows: int, rng: np.random.Generator) -> IntArray:
    """Flow id of each popularity rank: named flows keep their fixed ids (FLOW_ID_START +
    table position) at their ranks; the other ids are shuffled over the other ranks."""
    named_ranks = np.array([rank for *_, rank, _ in NAMED_FLOWS])
    ids = np.empty(n_flows, dtype=np.int64)
    ids[named_ranks] = FLOW_ID_START + np.arange(len(NAMED_FLOWS))
    other_ranks = np.setdiff1d(np.arange(n_flows), named_ranks)
    ids[other_ranks] = FLOW_ID_START + len(NAMED_FLOWS) + rng.permutation(other_ranks.size)
    return ids


def _typical_caps(flow_ids: IntArray, characterization: Exchanges) -> FloatArray:
    """Per flow rank, the largest typical emission: _MAX_TYPICAL_IMPACT / factor for
    characterized flows, so that no randomly characterized flow outweighs the named
    greenhouse gases (in real GWP results CO2, CH4 and N2O dominate); inf for others."""
    caps = np.full(flow_ids.size, np.inf)
    rank_of_id = np.argsort(flow_ids - FLOW_ID_START)  # flow ids are a permutation
    present = characterization.rows < FLOW_ID_START + flow_ids.size
    ranks = rank_of_id[characterization.rows[present] - FLOW_ID_START]
    caps[ranks] = _MAX_TYPICAL_IMPACT / characterization.data[present]
    return caps


def _biosphere_pattern(
    spec: SyntheticSpec,
    production: FloatArray,
    unit_scale: FloatArray,
    typical_caps: FloatArray,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray, FloatArray]:
    """(flow rank, emitting activity position, positive amount) per elementary exchange.

    Flows are drawn with Zipf popularity, so the top few appear in nearly every activity;
    amounts are lognormal around a per-flow typical magnitude, per unit of the emitter's
    product (hence divided by its unit scale) times its production amount.
    """
    n = spec.n_activities
    counts = _heavy_tailed_counts(n, spec.bio_per_activity, _BIO_COUNT_SIGMA, _MAX_BIO, rng)
    flow_weights = _zipf_weights(spec.n_flows, _FLOW_ZIPF_EXPONENT)
    emitter, rank = _distinct_draws(
        counts,
        spec.n_flows,
        lambda owner: rng.choice(spec.n_flows, size=owner.size, p=flow_weights),
    )

    typical = np.minimum(10.0 ** rng.normal(-7.0, 2.0, spec.n_flows), typical_caps)
    for _, _, named_rank, magnitude in NAMED_FLOWS:
        typical[named_rank] = magnitude
    amounts = (
        typical[rank]
        * rng.lognormal(0.0, _BIO_AMOUNT_SIGMA, rank.size)
        * production[emitter]
        / unit_scale[emitter]
    )
    return rank, emitter, amounts


def _certain(amounts: FloatArray) -> NDArray[np.void]:
    """stats_arrays records of type 0 (undefined): ``loc`` = the amount, which is what
    stats_arrays (hence bw2calc's Monte Carlo) uses; all other fields NaN or False."""
    out = np.zeros(amounts.size, dtype=bwp.UNCERTAINTY_DTYPE)
    for name in ("scale", "shape", "minimum", "maximum"):
        out[name] = np.nan
    out["loc"] = amounts
    out["negative"] = False  # only a negative lognormal needs the flag (see _negated)
    return out


def _distributions(
    amounts: FloatArray, certain: BoolArray, rng: np.random.Generator
) -> NDArray[np.void]:
    """stats_arrays records for positive ``amounts``; ``certain`` entries get type 0.

    Unused fields are NaN (NaN bounds mean "not truncated" to stats_arrays). ``loc`` holds
    the amount for normal, triangular (mode) and uniform (Brightway's convention; the
    uniform bounds are symmetric, so it is also the mean), ln(amount) for lognormal.
    Normal standard deviations stay <= 15 % so that a negative draw (which would turn an
    input into an output) is a > 6 sigma event.
    """
    out = _certain(amounts)
    uncertain = np.flatnonzero(~certain)
    kinds = rng.choice(_TYPE_CHOICES, size=uncertain.size, p=_TYPE_PROBABILITIES)
    out["uncertainty_type"][uncertain] = kinds
    x = amounts[uncertain]
    width_low, width_high = rng.uniform(0.1, 0.5, x.size), rng.uniform(0.1, 1.0, x.size)

    lognormal = uncertain[kinds == LOGNORMAL]
    out["loc"][lognormal] = np.log(amounts[lognormal])
    out["scale"][lognormal] = rng.uniform(0.05, 0.6, lognormal.size)

    normal = kinds == NORMAL
    out["scale"][uncertain[normal]] = x[normal] * rng.uniform(0.05, 0.15, int(normal.sum()))

    triangular = kinds == TRIANGULAR
    out["minimum"][uncertain[triangular]] = x[triangular] * (1 - width_low[triangular])
    out["maximum"][uncertain[triangular]] = x[triangular] * (1 + width_high[triangular])

    uniform = kinds == UNIFORM
    out["minimum"][uncertain[uniform]] = x[uniform] * (1 - width_low[uniform])
    out["maximum"][uncertain[uniform]] = x[uniform] * (1 + width_low[uniform])
    return out


def _characterization(spec: SyntheticSpec, rng: np.random.Generator) -> Exchanges:
    """GWP100-like factors: the named gases with their AR6 values, random other flows
    (1 to ~20,000, like halocarbons), and flows outside the biosphere (ids after the last
    flow), which a calculation must ignore."""
    named = [(i, cf) for i, (_, cf, _, _) in enumerate(NAMED_FLOWS) if cf is not None]
    named_ids = FLOW_ID_START + np.array([i for i, _ in named], dtype=np.int64)
    n_random = spec.n_characterized - named_ids.size
    other_ids = FLOW_ID_START + len(NAMED_FLOWS) + np.arange(spec.n_flows - len(NAMED_FLOWS))
    random_ids = rng.choice(other_ids, size=n_random, replace=False)
    absent_ids = FLOW_ID_START + spec.n_flows + np.arange(spec.n_absent_cfs, dtype=np.int64)
    ids = np.concatenate([named_ids, random_ids, absent_ids])
    factors = np.concatenate(
        [
            np.array([cf for _, cf in named]),
            _round_significant(10.0 ** rng.uniform(0.0, 4.3, n_random + spec.n_absent_cfs), 3),
        ]
    )
    return _sorted_exchanges(
        rows=ids,
        cols=ids,
        data=factors,
        flip=np.zeros(ids.size, dtype=bool),
        distributions=_certain(factors),
    )


def _round_significant(x: FloatArray, digits: int) -> FloatArray:
    decimals = digits - 1 - np.floor(np.log10(x))
    return np.round(x * 10.0**decimals) / 10.0**decimals


# --------------------------------------------------------------------------------------
# Datapackages
# --------------------------------------------------------------------------------------


def write_datapackages(arrays: SyntheticArrays, directory: Path | str) -> list[Path]:
    """Write ``[directory/synthetic_db, directory/synthetic_gwp100]`` and return them.

    Two directory (not zip) datapackages, as bw2data would write one per database and one
    per method: the database one has the resource groups ``technosphere_matrix`` (inputs
    flipped, production flagged in a ``reference`` array, distributions) and
    ``biosphere_matrix``; the method one has ``characterization_matrix`` with row = col =
    flow id and no ``global_index``, so bw2calc applies no location filter. The package
    seed is left unset, so Monte Carlo draws differ between runs unless bw2calc gets a
    ``seed_override``. Existing output of this function in those directories is replaced.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    spec = arrays.spec
    common = {
        "synthetic": True,
        "description": "SYNTHETIC random data shaped like ecoinvent 3.x cut-off; not real "
        "ecoinvent or IPCC data.",
        "generator": "tanji benchmarks/synthetic.py",
        "spec": asdict(spec),
    }
    tag = f"n{spec.n_activities}_seed{spec.seed}"

    db_path = _fresh_directory(directory / DATABASE_DIRNAME)
    db = _create(
        db_path,
        f"synthetic_db_{tag}",
        common
        | {
            "hubs": _hub_metadata(arrays),
            "waste_treatments": [int(i) for i in arrays.treatment_ids],
        },
    )
    tech = arrays.technosphere
    db.add_persistent_vector(
        matrix="technosphere_matrix",
        name="synthetic_technosphere",
        indices_array=tech.indices(),
        data_array=tech.data,
        flip_array=tech.flip,
        distributions_array=tech.distributions,
        reference_array=(tech.rows == tech.cols) & ~tech.flip,
    )
    bio = arrays.biosphere
    db.add_persistent_vector(
        matrix="biosphere_matrix",
        name="synthetic_biosphere",
        indices_array=bio.indices(),
        data_array=bio.data,
        distributions_array=bio.distributions,
    )
    _finalize(db)

    method_path = _fresh_directory(directory / METHOD_DIRNAME)
    named_flows = {str(FLOW_ID_START + i): name for i, (name, *_) in enumerate(NAMED_FLOWS)}
    method = _create(
        method_path,
        f"synthetic_gwp100_{tag}",
        common
        | {"method": list(METHOD), "unit": "kg CO2-eq (synthetic)", "named_flows": named_flows},
    )
    cf = arrays.characterization
    method.add_persistent_vector(
        matrix="characterization_matrix",
        name="synthetic_gwp100",
        indices_array=cf.indices(),
        data_array=cf.data,
    )
    _finalize(method)
    return [db_path, method_path]


def _create(path: Path, name: str, metadata: dict[str, Any]) -> Any:
    # A fixed id (not bw_processing's random uuid) keeps the output reproducible.
    return bwp.create_datapackage(
        fs=bwp.generic_directory_filesystem(dirpath=path),
        name=name,
        id_=name,
        metadata=metadata,
        sum_intra_duplicates=True,
        sum_inter_duplicates=False,
    )


def _finalize(package: Any) -> None:
    # bw_processing 1.6 writes datapackage.json through a file object it never closes
    # (io_helpers.file_writer); CPython closes and flushes it at once when it is dropped,
    # inside this call, but warns. Silence that one warning category only, and only here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        package.finalize_serialization()


def _fresh_directory(path: Path) -> Path:
    """Clear ``path`` if it holds a datapackage (our earlier output); refuse anything else."""
    if path.exists():
        if (path / "datapackage.json").is_file():
            shutil.rmtree(path)
        elif any(path.iterdir()):
            raise FileExistsError(f"{path} exists and is not a datapackage; not overwriting it")
    return path


def _hub_metadata(arrays: SyntheticArrays) -> dict[str, str]:
    names = [*HUB_NAMES, *(f"market for commodity {k}" for k in range(arrays.hub_ids.size))]
    return {str(int(hub)): name for hub, name in zip(arrays.hub_ids, names, strict=False)}


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def _directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of activities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flows", type=int, default=SyntheticSpec.n_flows)
    parser.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)

    spec = SyntheticSpec(n_activities=args.n, n_flows=args.flows, seed=args.seed)
    start = time.perf_counter()
    arrays = generate(spec)
    generated = time.perf_counter()
    paths = write_datapackages(arrays, args.output)
    written = time.perf_counter()

    summary = {
        "spec": asdict(spec),
        "generate_s": round(generated - start, 3),
        "write_s": round(written - generated, 3),
        "technosphere_nnz": arrays.technosphere.nnz,
        "biosphere_nnz": arrays.biosphere.nnz,
        "characterization_nnz": arrays.characterization.nnz,
        "inputs_per_activity": round((arrays.technosphere.nnz - args.n) / args.n, 2),
        "waste_treatments": int(arrays.treatment_ids.size),
        "biosphere_per_activity": round(arrays.biosphere.nnz / args.n, 2),
        "datapackages": {str(p): _directory_size(p) for p in paths},
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
