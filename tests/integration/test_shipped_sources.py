"""Every shipped table is registered, listed in SOURCES.md with its count, and sourced."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tanji.io.factor_table import read_factor_table
from tanji.services.reference import SHIPPED_TABLES

DATA = Path(__file__).resolve().parents[2] / "src" / "tanji" / "data"
SOURCES = (DATA / "SOURCES.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    """The SOURCES.md section whose heading names ``name``."""
    match = re.search(rf"^## .*`{re.escape(name)}`.*?(?=^## )", SOURCES, re.M | re.S)
    assert match, f"SOURCES.md has no section for {name}"
    return match.group(0)


def test_every_factor_file_is_a_shipped_table() -> None:
    files = {p.name for p in (DATA / "factors").glob("*.csv")}
    assert files == {t.file for t in SHIPPED_TABLES}


@pytest.mark.parametrize("table", SHIPPED_TABLES, ids=lambda t: t.file)
def test_sources_lists_the_table_with_its_count(table: object) -> None:
    file = table.file  # type: ignore[attr-defined]
    count = len(read_factor_table(DATA / "factors" / file))
    assert re.search(rf"\b{count} rows\b", _section(f"factors/{file}"))


#: Tables held to the full citation rule here (the electricity, fuel and freight tables are
#: checked where they are maintained).
CITED_IN_FULL = ("materials-sector.csv", "eu-cbam-defaults-cn.csv", "ipcc2006-ippu.csv")


@pytest.mark.parametrize("file", CITED_IN_FULL)
def test_every_row_names_publisher_document_year_table_and_licence(file: str) -> None:
    with (DATA / "factors" / file).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in ("source_publisher", "source_title", "source_year", "source_table"):
            assert row[column].strip(), f"{file} {row['code']}: {column} empty"
        assert row["source_licence"].strip(), f"{file} {row['code']}: licence empty"
        assert row["geography"].strip()
