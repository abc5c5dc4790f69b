"""Which grid factor a line takes: year first, then province → region → nation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tanji.domain.geography import fallback_chain
from tanji.domain.grid import grid_choice
from tanji.domain.products import Link, LinkKind

SHIPPED = Path(__file__).resolve().parents[3] / "src/tanji/data/factors/cn-electricity.csv"


def shipped(kind: str) -> list[tuple[str, str, int]]:
    """(code, geography, year) of the shipped rows of one kind: the real library."""
    with SHIPPED.open(encoding="utf-8") as f:
        return [
            (r["code"], r["geography"], int(r["valid_from"][:4]))
            for r in csv.DictReader(f)
            if r["kind"] == kind
        ]


def choose(ref: str, year: int | None, kind: str, basis: str = "lifecycle") -> tuple[str, str]:
    found = grid_choice(Link(LinkKind.GRID, ref, year=year), basis, shipped(kind))
    assert found is not None
    code, choice = found
    return code, choice.reason


def test_jiangsu_2024_life_cycle_takes_the_national_2024_factor() -> None:
    assert choose("CN-JS", 2024, "grid_lifecycle") == ("CN-ELEC-LCA-2024-CN", "national")


def test_jiangsu_2023_takes_its_own_2023_provincial_factor() -> None:
    # The 2023 annex (公告2025年第47号) has a Jiangsu row (0.5827): it wins over East China
    # 2023 (0.5500) and over Jiangsu 2022 (0.5978).
    code, reason = choose("CN-JS", 2023, "grid_location", "location")
    assert (code, reason) == ("CN-ELEC-LOC-2023-CN-JS", "exact")


def test_a_province_the_annex_leaves_out_takes_its_regional_grid_of_the_same_year() -> None:
    # Tibet has no provincial row in the 2021–2023 annexes: same-year Southwest China first.
    assert choose("CN-XZ", 2023, "grid_location", "location") == (
        "CN-ELEC-LOC-2023-CN-SOUTHWEST",
        "regional",
    )
    assert choose("CN-XZ", 2021, "grid_location", "location") == (
        "CN-ELEC-LOC-2021-CN-SOUTHWEST",
        "regional",
    )


def test_same_year_provincial_first() -> None:
    assert choose("CN-JS", 2022, "grid_location", "location") == (
        "CN-ELEC-LOC-2022-CN-JS",
        "exact",
    )


def test_a_later_year_has_no_factor_yet_the_latest_earlier_year_finest_first() -> None:
    # 2025: nothing published; 2024 has no location factor; 2023 has Jiangsu itself.
    assert choose("CN-JS", 2025, "grid_location", "location") == (
        "CN-ELEC-LOC-2023-CN-JS",
        "earlier",
    )
    assert choose("CN-JS", 2026, "grid_lifecycle") == ("CN-ELEC-LCA-2024-CN", "earlier")


def test_a_later_year_only_when_nothing_earlier_exists() -> None:
    assert choose("CN-JS", 2022, "grid_lifecycle") == ("CN-ELEC-LCA-2023-CN", "later")


def test_no_year_takes_the_latest_published() -> None:
    assert choose("CN-JS", None, "grid_lifecycle") == ("CN-ELEC-LCA-2024-CN", "latest")
    assert choose("CN-JS", None, "grid_location", "location") == (
        "CN-ELEC-LOC-2023-CN-JS",
        "latest",
    )


def test_the_ets_parameter_is_never_a_location_candidate() -> None:
    codes = {code for code, _, _ in shipped("grid_location")}
    assert "CN-ELEC-MEE-ETS-2022-CN" not in codes
    assert choose("CN", 2022, "grid_location", "location") == ("CN-ELEC-LOC-2022-CN", "exact")


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("CN-JS", ("CN-JS", "CN-EAST", "CN")),
        ("CN-SC", ("CN-SC", "CN-SOUTHWEST", "CN")),
        ("CN-NM", ("CN-NM", "CN")),  # split between two regional grids
        ("CN-EAST", ("CN-EAST", "CN")),
        ("CN", ("CN",)),
        ("DE", ("DE",)),
    ],
)
def test_fallback_chains(code: str, chain: tuple[str, ...]) -> None:
    assert fallback_chain(code) == chain


def test_nothing_in_the_chain_is_none() -> None:
    link = Link(LinkKind.GRID, "DE", year=2024)
    assert grid_choice(link, "lifecycle", shipped("grid_lifecycle")) is None
