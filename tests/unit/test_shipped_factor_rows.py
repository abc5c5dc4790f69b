"""Every shipped factor row names its source, and no two rows of one kind collide.

Generic over every CSV under src/tanji/data/factors/ (other tables are added there over
time): each row has a publisher, a document, a year, a table (or page) and a licence;
two rows of one kind may share geography and year only if they differ in basis (their
boundary or GWP basis) — or, outside the grid kinds, in what they are a factor of.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tanji.domain.geography import PLACES

FACTORS = Path(__file__).resolve().parents[2] / "src" / "tanji" / "data" / "factors"
TABLES = sorted(FACTORS.glob("*.csv"))
#: The resolver picks these by kind, geography and year alone: they must be unique.
GRID_KINDS = {"grid_location", "grid_residual", "grid_lifecycle", "grid_fossil", "grid_ets"}


def rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [(i, row) for i, row in enumerate(csv.DictReader(f), start=2)]


def year_of(row: dict[str, str]) -> str:
    return (row.get("valid_from") or "")[:4]


def test_there_are_shipped_tables() -> None:
    assert any(p.name == "cn-electricity.csv" for p in TABLES)


@pytest.mark.parametrize("path", TABLES, ids=[p.name for p in TABLES])
def test_every_row_names_its_source(path: Path) -> None:
    missing = []
    for line, row in rows(path):
        needed = {
            "publisher": row.get("source_publisher", ""),
            "document": row.get("source_document", "") or row.get("source_title", ""),
            "year": row.get("source_year", "") or year_of(row),
            "table or page": row.get("source_table", ""),
            "licence": row.get("source_licence", ""),
        }
        empty = [name for name, value in needed.items() if not value.strip()]
        if empty:
            missing.append(f"{path.name}:{line} {row.get('code')}: no {', '.join(empty)}")
        year = needed["year"].strip()
        if year and not re.fullmatch(r"(19|20)\d\d", year):
            missing.append(f"{path.name}:{line} {row.get('code')}: year {year!r}")
    assert not missing, "\n".join(missing)


def test_no_two_rows_of_one_kind_share_geography_and_year_unless_their_basis_differs() -> None:
    seen: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in TABLES:
        for line, row in rows(path):
            kind = row.get("kind", "")
            key = (kind, row.get("geography", ""), year_of(row), row.get("unit", ""))
            basis = (row.get("boundary", ""), row.get("gwp_basis", ""))
            what = () if kind in GRID_KINDS else (row.get("name_en") or row.get("name_zh", ""),)
            seen[(*key, *basis, *what)].append(f"{path.name}:{line} {row.get('code')}")
    clashes = {key: where for key, where in seen.items() if len(where) > 1}
    assert not clashes, clashes


def test_the_ets_parameter_is_its_own_kind() -> None:
    [ets] = [
        row
        for _, row in rows(FACTORS / "cn-electricity.csv")
        if row["code"] == "CN-ELEC-MEE-ETS-2022-CN"
    ]
    assert ets["kind"] == "grid_ets"


@pytest.mark.parametrize("year", ["2021", "2022", "2023"])
def test_each_mee_nbs_annex_year_has_every_province_and_regional_grid(year: str) -> None:
    annex = {
        row["geography"]
        for _, row in rows(FACTORS / "cn-electricity.csv")
        if row["kind"] == "grid_location" and year_of(row) == year
    }
    # The annexes list 30 provinces (not Tibet, Hong Kong, Macao, Taiwan), 7 grids, the nation.
    provinces = {c for c, p in PLACES.items() if p.level == "province" and c != "CN-XZ"}
    regions = {c for c, p in PLACES.items() if p.level == "regional"}
    assert annex == provinces | regions | {"CN"}


def test_the_2024_footprint_annex_has_every_generation_type_and_both_td_factors() -> None:
    of_2024 = {
        row["code"]: row["co2e_kg"]
        for _, row in rows(FACTORS / "cn-electricity.csv")
        if year_of(row) == "2024" and row["kind"].startswith("electricity_")
    }
    kinds = ("COAL", "GAS", "HYDRO", "NUCLEAR", "WIND", "PV", "CSP", "BIOMASS")
    assert {f"CN-ELEC-GEN-{k}-2024-CN" for k in kinds} <= set(of_2024)
    # 附件 表2/表3 of the 2024 notice, as printed (kgCO2e/kWh).
    assert of_2024["CN-ELEC-GEN-COAL-2024-CN"] == "0.9240"
    assert of_2024["CN-ELEC-TD-EXLOSS-2024-CN"] == "0.0046"
    assert of_2024["CN-ELEC-TD-INCLOSS-2024-CN"] == "0.0327"
