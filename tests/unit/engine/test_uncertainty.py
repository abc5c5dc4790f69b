"""Sampling per-exchange distributions, validating records, and pedigree uncertainty.

Statistical checks use 200 000 seeded draws and a tolerance of five standard errors of the
statistic checked, so they fail on a wrong distribution, not on bad luck (and, being
seeded, never flake).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from tanji.engine import (
    UNCERTAINTY_DTYPE,
    Distribution,
    Exchanges,
    InvalidUncertaintyError,
    Sampler,
    lognormal_from_pedigree,
    uncertainty_records,
)

N = 200_000
ROOT_N = math.sqrt(N)
LOGNORMAL, NORMAL = int(Distribution.LOGNORMAL), int(Distribution.NORMAL)
UNIFORM, TRIANGULAR = int(Distribution.UNIFORM), int(Distribution.TRIANGULAR)


def _draw(
    records: NDArray[np.void], amount: float = 1.0, sign: float = 1.0, seed: int = 7
) -> NDArray[np.float64]:
    """N draws of one exchange (stored amount ``amount``, flipped if ``sign`` is −1)."""
    sampler = Sampler(np.array([amount]), records, np.array([sign]))
    return sampler.draw(np.random.default_rng(seed), N)[:, 0]


def _mean_within(x: NDArray[np.float64], mean: float, sd: float) -> None:
    assert abs(x.mean() - mean) <= 5 * sd / ROOT_N


def _sd_within(x: NDArray[np.float64], sd: float) -> None:
    # Standard error of a sample standard deviation (normal data): σ/√(2n).
    assert abs(x.std(ddof=1) - sd) <= 5 * sd / math.sqrt(2 * N)


# --- Each distribution -------------------------------------------------------------------


def test_lognormal_median_and_spread() -> None:
    x = _draw(uncertainty_records(1, kind=LOGNORMAL, loc=0.5, scale=0.25), amount=math.e**0.5)
    assert (x > 0).all()
    # Standard error of a sample median: √(π/2)·σ/√n.
    assert abs(np.median(np.log(x)) - 0.5) <= 5 * math.sqrt(math.pi / 2) * 0.25 / ROOT_N
    _sd_within(np.log(x), 0.25)


def test_lognormal_negative_flag_gives_negative_values() -> None:
    records = uncertainty_records(1, kind=LOGNORMAL, loc=0.5, scale=0.25, negative=True)
    x = _draw(records, amount=-(math.e**0.5))
    assert (x < 0).all()
    _mean_within(np.log(-x), 0.5, 0.25)


def test_brightway_flip_negates_draws() -> None:
    lognormal = uncertainty_records(1, kind=LOGNORMAL, loc=0.5, scale=0.25)
    assert (_draw(lognormal, sign=-1.0) < 0).all()
    negative = uncertainty_records(1, kind=LOGNORMAL, loc=0.5, scale=0.25, negative=True)
    assert (_draw(negative, sign=-1.0) > 0).all()  # a flipped negative amount is positive
    normal = uncertainty_records(1, kind=NORMAL, loc=2.0, scale=0.5)
    _mean_within(_draw(normal, amount=2.0, sign=-1.0), -2.0, 0.5)


def test_normal_mean_and_standard_deviation() -> None:
    x = _draw(uncertainty_records(1, kind=NORMAL, loc=2.0, scale=0.5), amount=2.0)
    _mean_within(x, 2.0, 0.5)
    _sd_within(x, 0.5)


def test_uniform_bounds_and_mean() -> None:
    x = _draw(uncertainty_records(1, kind=UNIFORM, minimum=1.0, maximum=3.0), amount=2.0)
    assert x.min() >= 1.0
    assert x.max() <= 3.0
    _mean_within(x, 2.0, 2.0 / math.sqrt(12))


def test_triangular_bounds_and_mean() -> None:
    records = uncertainty_records(1, kind=TRIANGULAR, loc=1.5, minimum=1.0, maximum=4.0)
    x = _draw(records, amount=1.5)
    assert x.min() >= 1.0
    assert x.max() <= 4.0
    # mean (a + m + b)/3; variance (a² + m² + b² − am − ab − mb)/18
    sd = math.sqrt((1.0 + 2.25 + 16.0 - 1.5 - 4.0 - 6.0) / 18)
    _mean_within(x, (1.0 + 1.5 + 4.0) / 3, sd)


def test_truncated_normal_stays_in_bounds_with_the_truncated_mean() -> None:
    records = uncertainty_records(1, kind=NORMAL, loc=0.0, scale=1.0, minimum=-0.5, maximum=2.0)
    x = _draw(records, amount=0.0)
    assert x.min() >= -0.5
    assert x.max() <= 2.0
    truncated = stats.truncnorm(-0.5, 2.0)
    _mean_within(x, truncated.mean(), truncated.std())


def test_truncated_lognormal_stays_in_bounds_with_the_truncated_mean() -> None:
    records = uncertainty_records(1, kind=LOGNORMAL, loc=0.0, scale=1.0, minimum=0.5, maximum=4.0)
    x = _draw(records)
    assert x.min() >= 0.5
    assert x.max() <= 4.0
    truncated = stats.truncnorm(math.log(0.5), math.log(4.0))  # ln x is a truncated normal
    _mean_within(np.log(x), truncated.mean(), truncated.std())


def test_negative_truncated_lognormal_takes_negative_bounds() -> None:
    records = uncertainty_records(
        1, kind=LOGNORMAL, loc=0.0, scale=1.0, minimum=-4.0, maximum=-0.5, negative=True
    )
    x = _draw(records, amount=-1.0)
    assert x.min() >= -4.0
    assert x.max() <= -0.5


def test_one_sided_truncation() -> None:
    records = uncertainty_records(1, kind=NORMAL, loc=0.0, scale=1.0, minimum=1.0)
    x = _draw(records, amount=0.0)
    assert x.min() >= 1.0
    _mean_within(x, stats.truncnorm(1.0, np.inf).mean(), stats.truncnorm(1.0, np.inf).std())


@pytest.mark.parametrize(
    ("minimum", "maximum"), [(-10.0, -9.0), (9.0, 10.0)], ids=["lower-tail", "upper-tail"]
)
def test_truncation_far_in_a_tail_stays_in_bounds(minimum: float, maximum: float) -> None:
    # Bounds nine standard deviations out, e.g. a lognormal whose minimum lies far above
    # its median. Both tails are the same problem mirrored and must behave the same.
    records = uncertainty_records(
        1, kind=NORMAL, loc=0.0, scale=1.0, minimum=minimum, maximum=maximum
    )
    x = _draw(records, amount=0.0)
    assert np.isfinite(x).all()
    assert x.min() >= minimum
    assert x.max() <= maximum


@pytest.mark.parametrize("kind", [0, 1])
def test_undefined_and_none_give_the_deterministic_amount(kind: int) -> None:
    records = uncertainty_records(2, kind=kind, loc=99.0)  # loc is ignored for these
    sampler = Sampler(np.array([2.5, 0.75]), records, np.array([1.0, -1.0]))
    assert not sampler.has_uncertainty
    draws = sampler.draw(np.random.default_rng(1), 10)
    assert (draws == [2.5, -0.75]).all()


def test_only_uncertain_exchanges_vary_and_the_seed_fixes_the_draws() -> None:
    records = np.concatenate(
        [
            uncertainty_records(1, kind=1),
            uncertainty_records(1, kind=NORMAL, loc=3.0, scale=1.0),
        ]
    )
    sampler = Sampler(np.array([2.0, 3.0]), records, np.ones(2))
    first = sampler.draw(np.random.default_rng(5), 100)
    assert (first[:, 0] == 2.0).all()
    assert first[:, 1].std() > 0.5
    assert (sampler.draw(np.random.default_rng(5), 100) == first).all()
    assert (sampler.draw(np.random.default_rng(6), 100) != first).any()


def test_draw_into_writes_the_same_draws_into_mapped_columns() -> None:
    records = np.concatenate(
        [
            uncertainty_records(1, kind=1),
            uncertainty_records(1, kind=NORMAL, loc=3.0, scale=1.0),
            uncertainty_records(1, kind=NORMAL, loc=-1.0, scale=0.5),
        ]
    )
    sampler = Sampler(np.array([2.0, 3.0, 1.0]), records, np.array([1.0, 1.0, -1.0]))
    drawn = sampler.draw(np.random.default_rng(5), 20)
    out = np.full((20, 4), 7.0)
    sampler.draw_into(out, np.random.default_rng(5), np.array([3, 0, 2]))
    assert (out[:, 3] == 7.0).all()  # certain values are left as they are
    assert (out[:, 1] == 7.0).all()  # a column no value maps to
    assert (out[:, [0, 2]] == drawn[:, [1, 2]]).all()


# --- Invalid records ---------------------------------------------------------------------

# Record 2 of each batch is the bad one; records 0 and 1 are valid normals.
INVALID = {
    "unknown type 7": {"kind": [3, 3, 7], "loc": 1.0, "scale": 0.1},
    "negative lognormal scale": {"kind": [3, 3, 2], "loc": 1.0, "scale": [0.1, 0.1, -0.1]},
    "negative normal scale": {"kind": [3, 3, 3], "loc": 1.0, "scale": [0.1, 0.1, -0.1]},
    "NaN lognormal loc": {"kind": [3, 3, 2], "loc": [1.0, 1.0, np.nan], "scale": 0.1},
    "uniform minimum equals maximum": {
        "kind": [3, 3, 4],
        "loc": 1.0,
        "scale": 0.1,
        "minimum": [np.nan, np.nan, 2.0],
        "maximum": [np.nan, np.nan, 2.0],
    },
    "uniform minimum above maximum": {
        "kind": [3, 3, 4],
        "loc": 1.0,
        "scale": 0.1,
        "minimum": [np.nan, np.nan, 3.0],
        "maximum": [np.nan, np.nan, 2.0],
    },
    "uniform without maximum": {
        "kind": [3, 3, 4],
        "loc": 1.0,
        "scale": 0.1,
        "minimum": [np.nan, np.nan, 1.0],
    },
    "triangular mode outside bounds": {
        "kind": [3, 3, 5],
        "loc": [1.0, 1.0, 5.0],
        "scale": 0.1,
        "minimum": [np.nan, np.nan, 1.0],
        "maximum": [np.nan, np.nan, 4.0],
    },
}


def _fields(case: dict[str, object]) -> dict[str, NDArray[np.generic]]:
    return {k: np.broadcast_to(np.asarray(v), 3) for k, v in case.items()}


@pytest.mark.parametrize("case", INVALID.values(), ids=INVALID.keys())
def test_invalid_records_are_refused_naming_the_record(case: dict[str, object]) -> None:
    fields = _fields(case)
    with pytest.raises(InvalidUncertaintyError, match=r"record 2\b"):
        uncertainty_records(3, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", INVALID.values(), ids=INVALID.keys())
def test_exchanges_refuse_invalid_records_in_the_brightway_layout(
    case: dict[str, object],
) -> None:
    # Brightway datapackages hand over arrays already in UNCERTAINTY_DTYPE; those must be
    # checked as well, or a type 7 is silently sampled as "no uncertainty".
    fields = _fields(case)
    records = np.zeros(3, dtype=UNCERTAINTY_DTYPE)
    records["uncertainty_type"] = fields["kind"]
    for name in ("loc", "scale", "minimum", "maximum"):
        records[name] = fields.get(name, np.full(3, np.nan))
    with pytest.raises(InvalidUncertaintyError, match=r"record 2\b"):
        Exchanges(rows=[1, 2, 3], cols=[1, 2, 3], amounts=[1.0, 1.0, 1.0], uncertainty=records)


# --- Pedigree matrix ---------------------------------------------------------------------


def test_lognormal_from_pedigree_by_hand() -> None:
    scores = {
        "reliability": 2,  # 0.0006
        "completeness": 3,  # 0.0006
        "temporal_correlation": 1,  # 0
        "geographical_correlation": 4,  # 0.0006
        "further_technological_correlation": 5,  # 0.12
    }
    # σ² = 0.0006 (basic) + 0.0006 + 0.0006 + 0 + 0.0006 + 0.12 = 0.1224
    mu, sigma = lognormal_from_pedigree(2.5, scores, basic_variance=0.0006)
    assert mu == pytest.approx(math.log(2.5), rel=1e-15)
    assert sigma == pytest.approx(math.sqrt(0.1224), rel=1e-12)


def test_pedigree_of_a_negative_amount_uses_its_magnitude() -> None:
    # Only two indicators scored; the others add nothing. σ² = 0.12 + 0.04 + 0.008
    mu, sigma = lognormal_from_pedigree(
        -4.0, {"reliability": 5, "completeness": 5}, basic_variance=0.12
    )
    assert mu == pytest.approx(math.log(4.0), rel=1e-15)
    assert sigma == pytest.approx(math.sqrt(0.168), rel=1e-12)


def test_pedigree_with_all_scores_one_is_the_basic_uncertainty() -> None:
    mu, sigma = lognormal_from_pedigree(1.0, {"reliability": 1}, basic_variance=0.0006)
    assert mu == 0.0
    assert sigma == pytest.approx(math.sqrt(0.0006), rel=1e-12)


@pytest.mark.parametrize(
    ("amount", "scores", "basic", "named"),
    [
        (0.0, {}, 0.0006, "0.0"),
        (np.nan, {}, 0.0006, "nan"),
        (np.inf, {}, 0.0006, "inf"),
        (1.0, {}, -0.1, "-0.1"),
        (1.0, {"reliabilty": 2}, 0.0006, "reliabilty"),
        (1.0, {"completeness": 0}, 0.0006, "completeness"),
        (1.0, {"completeness": 6}, 0.0006, "6"),
    ],
    ids=[
        "zero",
        "nan",
        "inf",
        "negative basic variance",
        "misspelt indicator",
        "score 0",
        "score 6",
    ],
)
def test_pedigree_errors_name_the_bad_input(
    amount: float, scores: dict[str, int], basic: float, named: str
) -> None:
    with pytest.raises(InvalidUncertaintyError, match=named):
        lognormal_from_pedigree(amount, scores, basic_variance=basic)
