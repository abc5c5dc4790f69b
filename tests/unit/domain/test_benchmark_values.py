"""Reference values (percentiles, bootstrap, official values), grades and 碳效码."""

from __future__ import annotations

import numpy as np
import pytest

from tanji.domain.benchmarks import (
    ZHEJIANG_METHOD,
    BenchmarkError,
    CategoryPolicy,
    EnergyUse,
    FootprintSample,
    Grade,
    Kind,
    Level,
    OfficialValue,
    bootstrap_interval,
    carbon_efficiency,
    compute_values,
    grade,
    grade_of,
    level_of,
    percentile,
    resolve,
)


def test_percentile_by_hand() -> None:
    # Sorted 10, 20, 30, 40, 50: h = 4·p/100. p=20 → h=0.8 → 10 + 0.8·10 = 18.
    values = [50.0, 10.0, 40.0, 20.0, 30.0]
    assert percentile(values, 20) == pytest.approx(18.0)
    assert percentile(values, 50) == pytest.approx(30.0)
    assert percentile(values, 80) == pytest.approx(42.0)
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 50.0
    # Hyndman & Fan definition 7 is NumPy's default.
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=37)
    for p in (5, 20, 50, 80, 97.5):
        assert percentile(x, p) == pytest.approx(float(np.percentile(x, p)))


def test_bootstrap_interval_covers_and_narrows_with_n() -> None:
    rng = np.random.default_rng(7)
    small = rng.normal(100.0, 10.0, size=20)
    big = rng.normal(100.0, 10.0, size=2000)
    lo_s, hi_s = bootstrap_interval(small, 50, 1, 1000)
    lo_b, hi_b = bootstrap_interval(big, 50, 1, 1000)
    assert lo_s < percentile(small, 50) < hi_s
    assert lo_b < percentile(big, 50) < hi_b
    assert hi_b - lo_b < (hi_s - lo_s) / 4  # width ∝ 1/√n: √100 = 10
    # Seeded: the same interval again; constant data: no width.
    assert bootstrap_interval(small, 50, 1, 1000) == (lo_s, hi_s)
    assert bootstrap_interval([5.0] * 8, 50, 1, 200) == (5.0, 5.0)
    # Coverage of the median of a normal sample by its 95 % interval (≈ 0.95).
    hits = 0
    for k in range(200):
        sample = np.random.default_rng(100 + k).normal(0.0, 1.0, size=40)
        lo, hi = bootstrap_interval(sample, 50, k, 300)
        hits += lo <= 0.0 <= hi
    assert 0.88 <= hits / 200 <= 0.99


def test_values_need_enough_good_footprints() -> None:
    policy = CategoryPolicy(min_sample=5, max_dqr=2.5, bootstrap=200)
    samples = [FootprintSample(float(v), 2.0, 2025) for v in (10, 20, 30, 40)]
    samples.append(FootprintSample(99.0, 3.5, 2025))  # poor data: left out
    samples.append(FootprintSample(1.0, 1.0, 2024))  # another year
    few = compute_values(samples, 2025, policy)
    assert (few.used, few.excluded, few.needed, few.values) == (4, 1, 1, ())
    samples.append(FootprintSample(50.0, 1.5, 2025))
    enough = compute_values(samples, 2025, policy, rng=0)
    assert enough.needed == 0
    leading = enough.get(Kind.LEADING)
    assert leading is not None
    assert leading.value == pytest.approx(18.0)
    limit = enough.get(Kind.LIMIT)
    assert limit is not None
    assert limit.value == pytest.approx(42.0)
    assert leading.low <= leading.value <= leading.high


def test_policy_checks_its_numbers() -> None:
    with pytest.raises(BenchmarkError, match="leading ≤ baseline ≤ limit"):
        CategoryPolicy(percentiles={Kind.LEADING: 60, Kind.BASELINE: 50, Kind.LIMIT: 80})
    with pytest.raises(BenchmarkError, match="min_sample"):
        CategoryPolicy(min_sample=1)
    with pytest.raises(BenchmarkError, match="document"):
        OfficialValue(Kind.LIMIT, 80.0, 2025, " ")


def test_an_official_value_wins_and_says_so() -> None:
    samples = [FootprintSample(float(v), 1.0, 2025) for v in range(10, 110, 10)]
    computed = compute_values(samples, 2025, CategoryPolicy(bootstrap=200))
    official = OfficialValue(Kind.LIMIT, 75.0, 2025, "某省厅公告 2025 第 1 号")
    values = resolve(computed, [official])
    assert values[Kind.LIMIT].value == 75.0
    assert values[Kind.LIMIT].basis == "official"
    assert values[Kind.LIMIT].computed is not None  # still shown beside it
    assert values[Kind.BASELINE].basis == "computed"
    assert resolve(None, []) == {}


def test_grades_and_probabilities() -> None:
    values = {Kind.LEADING: 10.0, Kind.BASELINE: 20.0, Kind.LIMIT: 30.0}
    assert grade(10.0, values).grade is Grade.LEADING  # a bound belongs to the better class
    assert grade(10.01, values).grade is Grade.BETTER_THAN_BASELINE
    assert grade(25.0, values).grade is Grade.WITHIN_LIMIT
    assert grade(30.5, values).grade is Grade.OVER_LIMIT
    assert grade(5.0, {}).grade is None
    # Over every value known, with no limit set: no grade is invented.
    assert grade(25.0, {Kind.LEADING: 10.0, Kind.BASELINE: 20.0}).grade is None
    assert (
        grade(15.0, {Kind.LEADING: 10.0, Kind.BASELINE: 20.0}).grade is Grade.BETTER_THAN_BASELINE
    )
    samples = np.array([8.0, 12.0, 18.0, 22.0, 35.0])
    result = grade(18.0, values, samples)
    assert result.probabilities == {Kind.LEADING: 0.2, Kind.BASELINE: 0.6, Kind.LIMIT: 0.8}
    assert result.iterations == 5
    assert grade(18.0, values).probabilities == {}


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (0.59, 1), (0.6, 1), (0.61, 2), (0.8, 2), (0.81, 3), (1.2, 3), (1.21, 4),
        (2.0, 4), (2.01, 5), (7.0, 5),
    ],
)  # fmt: skip
def test_k_grade_at_each_threshold(k: float, expected: int) -> None:
    assert grade_of(k) == expected
    # Through the whole computation: k·1000 t over 1000 × 10⁴ CNY with average 1.0.
    uses = [EnergyUse("electricity", k * 1e6, "kWh", 1.0, "test")]
    result = carbon_efficiency(uses, value_added=1000.0, industry_average=1.0)
    assert result.k == pytest.approx(k)
    assert result.grade == expected


@pytest.mark.parametrize(
    ("intensity", "level"),
    [(0.6, Level.LOW), (0.61, Level.MEDIUM), (2.0, Level.MEDIUM), (2.01, Level.HIGH)],
)
def test_level_bounds(intensity: float, level: Level) -> None:
    assert level_of(intensity, ZHEJIANG_METHOD) is level


def test_zero_carbon_power_and_sinks_are_deducted() -> None:
    uses = [
        EnergyUse("electricity", 1_000_000.0, "kWh", 0.5, "grid factor"),  # 500 t
        EnergyUse("natural gas", 100_000.0, "Nm3", 2.0, "NDRC"),  # 200 t
    ]
    result = carbon_efficiency(
        uses,
        value_added=500.0,  # 5 million CNY
        industry_average=1.0,
        zero_carbon_kwh=200_000.0,
        grid_kg_per_kwh=0.5,  # 100 t avoided
        sinks_t=50.0,
    )
    assert (result.gross, result.zero_carbon, result.sinks) == pytest.approx((700, 100, 50))
    assert result.emissions == pytest.approx(550.0)
    assert result.intensity == pytest.approx(1.1)
    assert result.level is Level.MEDIUM
    assert result.grade == 3
    assert "DB33/T 1347" in result.source
    with pytest.raises(BenchmarkError, match="value_added"):
        carbon_efficiency(uses, value_added=0.0, industry_average=1.0)
