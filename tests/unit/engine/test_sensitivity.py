"""Global sensitivity (contribution to variance) on hand-built systems.

The system: electricity (1) and coal (2) supply each other (a loop); a product (3) uses
5 kWh and 2 kg of coal; activity 4 uses electricity but is outside the product's supply
chain. Flow 100 is CO2 (factor 1), 101 CH4 (factor 30), 102 is uncharacterized.

    A = [[1, -0.1, -5, -3], [-0.4, 1, -2, 0], [0, 0, 1, 0], [0, 0, 0, 1]]

For one unit of product 3: s = (5.2/0.96, 2 + 0.4·s₁, 1, 0) = (5.41667, 4.16667, 1, 0),
y = (0.6875, 0.46875, 5.375, ...) and h = 5.375.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tanji.engine import (
    Engine,
    EngineError,
    Exchanges,
    LcaSystem,
    MonteCarlo,
    SensitivityEntry,
    UnknownIdError,
    build_system,
    sensitivity,
    uncertainty_records,
)
from tanji.engine.sensitivity import _log_standard_deviation

CO2, CH4, OTHER = 100, 101, 102
METHOD = "gwp"
PRODUCT = {3: 1.0}

#: (product id, activity id, stored amount) of the flipped technosphere inputs
INPUTS = [(2, 1, 0.4), (1, 2, 0.1), (1, 3, 5.0), (2, 3, 2.0), (1, 4, 3.0)]
#: (flow id, activity id, amount)
EMISSIONS = [(CO2, 1, 0.5), (CO2, 2, 0.1), (CH4, 2, 0.01), (CO2, 3, 1.0), (OTHER, 3, 3.0)]
EMISSIONS += [(CO2, 4, 7.0)]

DOMINANT = ("biosphere", CO2, 1)


def make_system(sigmas: dict[tuple[str, int, int], float], default: float = 0.01) -> LcaSystem:
    """The module's system with lognormal σ per exchange (``default`` for the rest)."""
    ids = [1, 2, 3, 4]
    rows = ids + [r for r, _, _ in INPUTS]
    cols = ids + [c for _, c, _ in INPUTS]
    amounts = np.array([1.0] * 4 + [a for _, _, a in INPUTS])
    flip = [False] * 4 + [True] * len(INPUTS)
    tech_sigma = [0.0] * 4 + [sigmas.get(("technosphere", r, c), default) for r, c, _ in INPUTS]
    bio_rows, bio_cols, bio_amounts = (np.array(v) for v in zip(*EMISSIONS, strict=True))
    bio_sigma = [sigmas.get(("biosphere", r, c), default) for r, c, _ in EMISSIONS]
    technosphere = Exchanges(
        rows,
        cols,
        amounts,
        flip,
        uncertainty_records(len(amounts), kind=2, loc=np.log(amounts), scale=tech_sigma),
    )
    biosphere = Exchanges(
        bio_rows,
        bio_cols,
        bio_amounts,
        uncertainty=uncertainty_records(
            len(bio_amounts), kind=2, loc=np.log(bio_amounts), scale=bio_sigma
        ),
    )
    return build_system(technosphere, biosphere, {METHOD: ([CO2, CH4], [1.0, 30.0])})


def keys(entries: tuple[SensitivityEntry, ...]) -> list[tuple[str, int, int]]:
    return [(e.matrix, e.row_id, e.col_id) for e in entries]


@pytest.fixture
def skewed() -> LcaSystem:
    """One exchange (CO2 of electricity) very uncertain; large σ where it cannot matter."""
    return make_system(
        {
            DOMINANT: 1.0,
            ("biosphere", OTHER, 3): 2.0,  # uncharacterized flow
            ("biosphere", CO2, 4): 2.0,  # activity outside the supply chain
            ("technosphere", 1, 4): 2.0,
        }
    )


def test_the_dominant_exchange_ranks_first_with_most_of_the_variance(skewed: LcaSystem) -> None:
    result = sensitivity(Engine(), skewed, PRODUCT, METHOD, 500, 7)

    first = result.entries[0]
    assert (first.matrix, first.row_id, first.col_id) == DOMINANT
    assert first.amount == 0.5
    assert first.share > 0.8
    assert first.rank_correlation > 0.9  # more emission, higher score


def test_exchanges_without_effect_on_the_score_never_appear(skewed: LcaSystem) -> None:
    result = sensitivity(Engine(), skewed, PRODUCT, METHOD, 300, 7, candidates=100, top=100)

    reported = keys(result.entries)
    assert ("biosphere", OTHER, 3) not in reported
    assert all(col != 4 for _, _, col in reported)
    # Every exchange that can move the score is screened in: 4 inputs and 4 emissions.
    assert result.screened == 8
    assert len(reported) == 8


def test_shares_sum_to_one_and_are_sorted(skewed: LcaSystem) -> None:
    result = sensitivity(Engine(), skewed, PRODUCT, METHOD, 300, 1, top=5)

    shares = [e.share for e in result.entries]
    assert len(shares) == 5
    assert sum(shares) == pytest.approx(1.0)
    assert shares == sorted(shares, reverse=True)


def test_the_same_seed_gives_the_same_result(skewed: LcaSystem) -> None:
    engine = Engine()
    first = sensitivity(engine, skewed, PRODUCT, METHOD, 200, 11)
    again = sensitivity(engine, skewed, PRODUCT, METHOD, 200, 11)
    other = sensitivity(engine, skewed, PRODUCT, METHOD, 200, 12)

    assert first.entries == again.entries
    np.testing.assert_array_equal(first.scores, again.scores)
    assert not np.array_equal(first.scores, other.scores)
    assert (first.seed, first.iterations) == (11, 200)


def test_a_generator_is_accepted_as_the_seed(skewed: LcaSystem) -> None:
    from_int = sensitivity(Engine(), skewed, PRODUCT, METHOD, 100, 5)
    from_generator = sensitivity(Engine(), skewed, PRODUCT, METHOD, 100, np.random.default_rng(5))

    assert from_generator.entries == from_int.entries
    assert from_generator.seed is None


def test_scores_are_those_of_monte_carlo_with_the_same_seed(skewed: LcaSystem) -> None:
    engine = Engine()
    result = sensitivity(engine, skewed, PRODUCT, METHOD, 300, 3)
    mc = MonteCarlo(engine, skewed, METHOD).run(PRODUCT, 300, seed=3)

    np.testing.assert_allclose(result.scores, mc.scores[:, 0], rtol=1e-12)
    assert np.median(result.scores) == pytest.approx(5.375, rel=0.1)


def test_screening_keeps_the_dominant_exchange(skewed: LcaSystem) -> None:
    result = sensitivity(Engine(), skewed, PRODUCT, METHOD, 200, 7, candidates=1)

    assert result.screened == 1
    assert keys(result.entries) == [DOMINANT]
    assert result.entries[0].share == 1.0


def test_screening_ranks_by_linearized_contribution_to_variance() -> None:
    # Equal σ everywhere: |∂h/∂x|·sd(x) ∝ |∂h/∂x·x|, worked out by hand for product 3:
    # input (1→3): y₁·s₃·5 = 3.4375; CO2 of 1: 0.5·s₁ = 2.708; CH4 of 2: 30·0.01·s₂ = 1.25;
    # input (2→1): y₂·s₁·0.4 = 1.016; CO2 of 3: 1; input (2→3): 0.9375; ...
    system = make_system({}, default=0.1)
    result = sensitivity(Engine(), system, PRODUCT, METHOD, 200, 7, candidates=3)

    assert set(keys(result.entries)) == {
        ("technosphere", 1, 3),
        DOMINANT,
        ("biosphere", CH4, 2),
    }


def test_a_flipped_input_correlates_positively_with_the_score() -> None:
    system = make_system({("technosphere", 1, 3): 0.8})
    result = sensitivity(Engine(), system, PRODUCT, METHOD, 300, 2)

    first = result.entries[0]
    assert (first.matrix, first.row_id, first.col_id) == ("technosphere", 1, 3)
    assert first.amount == 5.0  # stored amount, before the flip
    assert first.rank_correlation > 0.9
    assert first.share > 0.8


def test_no_uncertainty_gives_no_entries() -> None:
    result = sensitivity(Engine(), make_system({}, default=0.0), PRODUCT, METHOD, 50, 1)

    assert result.entries == ()
    assert result.screened == 0


@pytest.mark.parametrize(
    ("iterations", "candidates", "top"), [(1, 200, 20), (100, 0, 20), (100, 200, 0)]
)
def test_bad_counts_are_refused(iterations: int, candidates: int, top: int) -> None:
    with pytest.raises(EngineError):
        sensitivity(
            Engine(),
            make_system({}),
            PRODUCT,
            METHOD,
            iterations,
            1,
            candidates=candidates,
            top=top,
        )


@pytest.mark.parametrize(("demand", "method"), [({99: 1.0}, METHOD), (PRODUCT, "nope")])
def test_unknown_ids_are_named(demand: dict[int, float], method: str) -> None:
    with pytest.raises(UnknownIdError):
        sensitivity(Engine(), make_system({}), demand, method, 10, 1)


def test_standard_deviations_of_each_distribution() -> None:
    records = uncertainty_records(
        4,
        kind=np.array([2, 3, 4, 5]),
        loc=np.array([np.log(2.0), 1.0, np.nan, 2.0]),
        scale=np.array([0.5, 0.3, np.nan, np.nan]),
        minimum=np.array([np.nan, np.nan, 1.0, 1.0]),
        maximum=np.array([np.nan, np.nan, 4.0, 5.0]),
    )
    expected = [
        stats.lognorm(s=0.5, scale=2.0).std(),
        0.3,
        3.0 / np.sqrt(12.0),
        stats.triang(c=0.25, loc=1.0, scale=4.0).std(),
    ]

    sd = np.exp(_log_standard_deviation(records))

    np.testing.assert_allclose(sd, expected, rtol=1e-6)


def test_a_huge_lognormal_sigma_does_not_overflow() -> None:
    records = uncertainty_records(2, kind=2, loc=0.0, scale=np.array([40.0, 0.0]))

    log_sd = _log_standard_deviation(records)

    assert log_sd[0] == pytest.approx(1600.0)
    assert log_sd[1] == -np.inf


def test_entries_validate_their_values() -> None:
    with pytest.raises(ValueError, match="share"):
        SensitivityEntry("biosphere", 1, 2, 1.0, 0.5, 1.5)
    with pytest.raises(ValueError, match="matrix"):
        SensitivityEntry("other", 1, 2, 1.0, 0.5, 0.5)  # type: ignore[arg-type]
