"""Per-exchange probability distributions, pedigree uncertainty and vectorized sampling.

Distributions are described exactly as Brightway's ``bw_processing`` and ``stats_arrays``
store them, so Brightway data come in unchanged: one record per exchange with the fields
of :data:`UNCERTAINTY_DTYPE` and these type ids (stats_arrays numbering):

==  ===========  ===============================================================
id  kind         parameters (of the *stored* amount, before any Brightway flip)
==  ===========  ===============================================================
0   undefined    none: the amount is used as it is
1   none         none: the amount is used as it is
2   lognormal    ``loc`` = μ = ln(median), ``scale`` = σ of ln(x); ``negative`` flips
3   normal       ``loc`` = mean, ``scale`` = standard deviation
4   uniform      ``minimum``, ``maximum``
5   triangular   ``minimum``, ``loc`` = mode, ``maximum``
==  ===========  ===============================================================

Lognormal and normal distributions are truncated to ``[minimum, maximum]`` where those are
given (not NaN), as stats_arrays does; truncation is done by inverse-CDF sampling, so no
draw is ever rejected and the cost per draw is fixed.

Pedigree uncertainty (ecoinvent v3): the variance of ln(x) is the basic variance plus one
additional variance per data-quality indicator score. The factors are those of

    Weidema B.P., Bauer C., Hischier R., Mutel C., Nemecek T., Reinhard J., Vadenbo C.O.,
    Wernet G. (2013). *Overview and methodology. Data quality guideline for the ecoinvent
    database version 3.* ecoinvent Report 1(v3), St. Gallen: The ecoinvent Centre,
    section 10.2, table of additional variances σ² for the pedigree matrix,

which in turn are based on Ciroth A., Muller S., Weidema B., Lesage P. (2016). Empirically
based uncertainty factors for the pedigree matrix in ecoinvent. *Int J Life Cycle Assess*
21:1338–1348, doi:10.1007/s11367-013-0670-5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from tanji.engine.errors import InvalidUncertaintyError

__all__ = [
    "PEDIGREE_VARIANCES",
    "UNCERTAINTY_DTYPE",
    "Distribution",
    "Sampler",
    "lognormal_from_pedigree",
    "no_uncertainty",
    "uncertainty_records",
    "validate_uncertainty",
]

FloatArray = NDArray[np.float64]

#: The stats_arrays / bw_processing record layout (field names, order and types).
UNCERTAINTY_DTYPE = np.dtype(
    [
        ("uncertainty_type", np.uint8),
        ("loc", np.float32),
        ("scale", np.float32),
        ("shape", np.float32),
        ("minimum", np.float32),
        ("maximum", np.float32),
        ("negative", np.bool_),
    ]
)


class Distribution(IntEnum):
    """Distribution type ids, numbered as in stats_arrays."""

    UNDEFINED = 0
    NONE = 1
    LOGNORMAL = 2
    NORMAL = 3
    UNIFORM = 4
    TRIANGULAR = 5


#: Additional variance of ln(x) per pedigree score 1–5 (ecoinvent v3; see module docstring).
PEDIGREE_VARIANCES: Mapping[str, tuple[float, float, float, float, float]] = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal_correlation": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical_correlation": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "further_technological_correlation": (0.0, 0.0006, 0.008, 0.04, 0.12),
}


def no_uncertainty(amounts: NDArray[np.float64]) -> NDArray[np.void]:
    """Records saying "no uncertainty" for each amount."""
    records = np.zeros(len(amounts), dtype=UNCERTAINTY_DTYPE)
    records["uncertainty_type"] = Distribution.NONE
    records["loc"] = amounts
    for field in ("scale", "shape", "minimum", "maximum"):
        records[field] = np.nan
    return records


def uncertainty_records(
    n: int,
    *,
    kind: NDArray[np.integer] | int,
    loc: NDArray[np.floating] | float = np.nan,
    scale: NDArray[np.floating] | float = np.nan,
    minimum: NDArray[np.floating] | float = np.nan,
    maximum: NDArray[np.floating] | float = np.nan,
    negative: NDArray[np.bool_] | bool = False,
) -> NDArray[np.void]:
    """Build ``n`` validated records from per-field arrays or scalars."""
    records = np.zeros(n, dtype=UNCERTAINTY_DTYPE)
    records["uncertainty_type"] = kind
    records["loc"] = loc
    records["scale"] = scale
    records["shape"] = np.nan
    records["minimum"] = minimum
    records["maximum"] = maximum
    records["negative"] = negative
    return validate_uncertainty(records)


def lognormal_from_pedigree(
    amount: float,
    scores: Mapping[str, int],
    basic_variance: float,
) -> tuple[float, float]:
    """Lognormal parameters (μ, σ) for an amount from its pedigree scores.

    σ² = σ²_basic + Σ_i σ²_i(score_i), with σ²_i from :data:`PEDIGREE_VARIANCES`; the
    median is the amount itself, so μ = ln|amount| (the sign goes in the ``negative``
    field). ``basic_variance`` is the variance of ln(x) of the exchange's kind (ecoinvent
    report 1(v3), basic uncertainty table, e.g. 0.0006 for electricity demand, 0.12 for
    transport services).
    """
    if amount == 0 or not np.isfinite(amount):
        raise InvalidUncertaintyError(f"a lognormal needs a finite non-zero amount, got {amount}")
    if basic_variance < 0:
        raise InvalidUncertaintyError(f"basic variance must be ≥ 0, got {basic_variance}")
    unknown = set(scores) - set(PEDIGREE_VARIANCES)
    if unknown:
        raise InvalidUncertaintyError(
            f"unknown pedigree indicator(s) {sorted(unknown)}; "
            f"expected some of {sorted(PEDIGREE_VARIANCES)}"
        )
    variance = basic_variance
    for indicator, score in scores.items():
        if score not in (1, 2, 3, 4, 5):
            raise InvalidUncertaintyError(
                f"pedigree score for {indicator} must be 1–5, got {score}"
            )
        variance += PEDIGREE_VARIANCES[indicator][score - 1]
    return float(np.log(abs(amount))), float(np.sqrt(variance))


def validate_uncertainty(records: NDArray[np.void], *, name: str = "exchanges") -> NDArray[np.void]:
    """Check distribution parameters and return them in :data:`UNCERTAINTY_DTYPE`.

    Raises :class:`InvalidUncertaintyError` naming the record, the distribution and the
    parameter that is wrong.
    """
    try:
        # No copy when the records already have the layout (bw_processing's arrays do).
        converted = np.asarray(records).astype(UNCERTAINTY_DTYPE, casting="unsafe", copy=False)
    except (TypeError, ValueError) as error:
        raise InvalidUncertaintyError(
            f"{name}: uncertainty records need the fields {list(UNCERTAINTY_DTYPE.names or ())}"
        ) from error
    kinds = converted["uncertainty_type"]
    known = kinds <= max(Distribution)
    if not known.all():
        first = int(np.flatnonzero(~known)[0])
        raise InvalidUncertaintyError(
            f"{name}, record {first}: distribution type {int(kinds[first])} is not supported; "
            "supported: 0 undefined, 1 none, 2 lognormal, 3 normal, 4 uniform, 5 triangular"
        )
    _check(converted, name)
    return converted


def _check(records: NDArray[np.void], name: str) -> None:
    # Only records with a distribution have parameters to check; the float32 fields are
    # compared as they are (widening them to float64 changes no comparison).
    where = np.flatnonzero(records["uncertainty_type"] >= Distribution.LOGNORMAL)
    if len(where) == 0:
        return
    chosen = records[where]
    kind = chosen["uncertainty_type"]
    loc, scale = chosen["loc"], chosen["scale"]
    low, high = chosen["minimum"], chosen["maximum"]
    # Comparisons, not np.isin (hash-based in NumPy ≥ 2.3): a database has a million records.
    central = kind <= Distribution.NORMAL
    bounded = ~central
    problems = [
        (central & ~np.isfinite(loc), "loc must be a finite number"),
        (central & ~(scale >= 0), "scale must be a finite number ≥ 0"),
        (bounded & ~(np.isfinite(low) & np.isfinite(high)), "needs minimum and maximum"),
        (bounded & ~(low < high), "minimum must be below maximum"),
        (
            (kind == Distribution.TRIANGULAR) & ~((low <= loc) & (loc <= high)),
            "mode (loc) must lie in [minimum, maximum]",
        ),
        (central & (low >= high), "minimum must be below maximum"),
    ]
    for bad, message in problems:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            kind_name = Distribution(int(kind[first])).name.lower()
            raise InvalidUncertaintyError(
                f"{name}, record {int(where[first])} ({kind_name}, loc={float(loc[first])}, "
                f"scale={float(scale[first])}, minimum={float(low[first])}, "
                f"maximum={float(high[first])}): {message}"
            )


@dataclass(frozen=True, eq=False)
class _Group:
    """Exchanges of one distribution kind, with float64 parameters ready to sample."""

    index: NDArray[np.int64]
    loc: FloatArray
    scale: FloatArray
    low: FloatArray
    high: FloatArray
    sign: FloatArray
    truncated: bool


class Sampler:
    """Vectorized sampling of many exchanges at once.

    Built once from the records of a matrix's triples; each call of :meth:`draw` fills an
    ``(iterations, n)`` array of signed matrix values. Exchanges without uncertainty get
    their deterministic amount. Randomness comes only from the generator passed in.
    """

    def __init__(self, amounts: FloatArray, records: NDArray[np.void], signs: FloatArray) -> None:
        self.signed_amounts = np.asarray(amounts, dtype=np.float64) * signs
        kind = records["uncertainty_type"]
        negative = np.where(records["negative"], -1.0, 1.0)
        self._groups: dict[Distribution, _Group] = {}
        for distribution in (
            Distribution.LOGNORMAL,
            Distribution.NORMAL,
            Distribution.UNIFORM,
            Distribution.TRIANGULAR,
        ):
            index = np.flatnonzero(kind == distribution).astype(np.int64)
            if len(index) == 0:
                continue
            chosen = records[index]
            sign = signs[index]
            if distribution is Distribution.LOGNORMAL:
                sign = sign * negative[index]
            low = chosen["minimum"].astype(np.float64)
            high = chosen["maximum"].astype(np.float64)
            truncated = distribution in (Distribution.LOGNORMAL, Distribution.NORMAL) and bool(
                (np.isfinite(low) | np.isfinite(high)).any()
            )
            if truncated:
                low, high = _normal_space_bounds(distribution, low, high, negative[index])
            self._groups[distribution] = _Group(
                index=index,
                loc=chosen["loc"].astype(np.float64),
                scale=chosen["scale"].astype(np.float64),
                low=low,
                high=high,
                sign=sign,
                truncated=truncated,
            )
        self.uncertain = (
            np.concatenate([g.index for g in self._groups.values()])
            if self._groups
            else np.zeros(0, dtype=np.int64)
        )

    @property
    def has_uncertainty(self) -> bool:
        return len(self.uncertain) > 0

    def draw(self, rng: np.random.Generator, iterations: int) -> FloatArray:
        """Return ``(iterations, n)`` signed values, one row per Monte Carlo iteration."""
        out = np.empty((iterations, len(self.signed_amounts)))
        out[:] = self.signed_amounts
        self.draw_into(out, rng)
        return out

    def draw_into(
        self, out: FloatArray, rng: np.random.Generator, columns: NDArray[np.int64] | None = None
    ) -> None:
        """Overwrite the uncertain values in ``out`` (one row per iteration) with draws.

        Value i goes to column ``columns[i]`` (default: i). Monte Carlo passes the map
        from triples to the slots of a sparse matrix's ``data``, so draws land in the
        matrix without an intermediate array; certain values are left as they are. The
        random stream is the same as :meth:`draw`'s.
        """
        for distribution, group in self._groups.items():
            where = group.index if columns is None else columns[group.index]
            out[:, where] = self._sample(distribution, group, rng, len(out)) * group.sign

    @staticmethod
    def _sample(
        distribution: Distribution, g: _Group, rng: np.random.Generator, k: int
    ) -> FloatArray:
        shape = (k, len(g.index))
        if distribution is Distribution.UNIFORM:
            return rng.uniform(g.low, g.high, size=shape)
        if distribution is Distribution.TRIANGULAR:
            return rng.triangular(g.low, g.loc, g.high, size=shape)
        z = _truncated_standard_normal(g, rng, shape) if g.truncated else rng.standard_normal(shape)
        if distribution is Distribution.NORMAL:
            return g.loc + g.scale * z
        return np.exp(g.loc + g.scale * z)


def _truncated_standard_normal(
    g: _Group, rng: np.random.Generator, shape: tuple[int, int]
) -> FloatArray:
    """Standard-normal draws truncated to the group's bounds, by inverse CDF (no rejection).

    ``g.low`` and ``g.high`` are already in the space of the underlying normal (ln-space for
    a lognormal), with ±inf where a bound is absent.
    """
    # Imported here: scipy.special costs ~0.1 s at start-up, and only truncation needs it.
    from scipy.special import ndtr, ndtri

    with np.errstate(divide="ignore", invalid="ignore"):
        z_low = np.where(g.scale > 0, (g.low - g.loc) / g.scale, -np.inf)
        z_high = np.where(g.scale > 0, (g.high - g.loc) / g.scale, np.inf)
    # ndtr saturates at 1 in the upper tail (ndtr(9) == ndtr(10) == 1.0), so a range above
    # the mean is sampled as its mirror image below the mean and negated.
    upper = z_low > 0
    low = np.where(upper, -z_high, z_low)
    high = np.where(upper, -z_low, z_high)
    z = np.asarray(ndtri(rng.uniform(ndtr(low), ndtr(high), size=shape)), dtype=np.float64)
    return np.where(upper, -z, z)


def _normal_space_bounds(
    distribution: Distribution, low: FloatArray, high: FloatArray, negative: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Bounds in the space of the underlying normal, ±inf where absent.

    A lognormal's bounds are on x; a negative lognormal (stats_arrays ``negative``) has
    negative bounds, which bound the magnitude from the other side.
    """
    low = np.where(np.isnan(low), -np.inf, low)
    high = np.where(np.isnan(high), np.inf, high)
    if distribution is not Distribution.LOGNORMAL:
        return low, high
    magnitude_low = np.where(negative < 0, -high, low)
    magnitude_high = np.where(negative < 0, -low, high)
    with np.errstate(divide="ignore", invalid="ignore"):
        ln_low = np.where(magnitude_low > 0, np.log(np.maximum(magnitude_low, 0)), -np.inf)
        ln_high = np.where(magnitude_high > 0, np.log(np.maximum(magnitude_high, 0)), -np.inf)
    return ln_low, np.where(np.isinf(magnitude_high), np.inf, ln_high)
