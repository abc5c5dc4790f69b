"""The shipped templates: every linked factor exists in a shipped table with a unit the
line's quantity converts to, and every line still without a factor is named in SOURCES.md.

A template line either links a shipped factor (``DATABASE:CODE``), is an electricity line
(the grid resolver picks the factor), or carries the template placeholder because no
public value could be shipped for it. The placeholders are listed here by name so that a
new one cannot slip in silently, and each must be explained in SOURCES.md's section
"Template lines without a public factor".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from tanji.domain.units import UnitError, convert
from tanji.services import products
from tanji.services.product_lines import is_placeholder
from tanji.services.reference import SHIPPED_TABLES

DATA = Path(__file__).resolve().parents[2] / "src" / "tanji" / "data"
SOURCES = (DATA / "SOURCES.md").read_text(encoding="utf-8")

#: template → the lines that wait for the enterprise's (supplier's) value: no public factor
#: could be shipped for them (SOURCES.md, "Template lines without a public factor").
PLACEHOLDERS = {
    "battery": {"cathode", "electrolyte", "separator", "copper-foil"},
    "pv": {"wafers"},
    "steel": {"iron-ore", "scrap-input"},
    "general": {"main-material"},
}


def _rows() -> dict[str, dict[str, str]]:
    out = {}
    for table in SHIPPED_TABLES:
        with (DATA / "factors" / table.file).open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                out[f"{table.database}:{row['code']}"] = row
    return out


ROWS = _rows()


def _unit_of(line: dict[str, Any]) -> str:
    if "transport" in line:
        return "t*km"
    return str(line["quantity"]).split(" ", 1)[1]


@pytest.mark.parametrize("template", products.TEMPLATES, ids=lambda t: t.key)
def test_linked_factors_are_shipped_and_their_units_fit_the_line(
    template: products.Template,
) -> None:
    for line in products.template_document(template.key)["lines"]:
        ref = line.get("factor")
        if not isinstance(ref, str):
            continue
        assert ref in ROWS, f"{template.key} {line['id']}: {ref} is not a shipped row"
        row = ROWS[ref]
        try:
            convert(1.0, _unit_of(line), row["unit"])
        except UnitError as error:  # pragma: no cover - the assertion reports it
            pytest.fail(f"{template.key} {line['id']}: {row['unit']} vs the line: {error}")
        source = (row["source_publisher"], row["source_year"], row["source_table"])
        assert all(part.strip() for part in source), f"{ref}: source incomplete"


@pytest.mark.parametrize("template", products.TEMPLATES, ids=lambda t: t.key)
def test_only_the_listed_lines_wait_for_a_factor_and_sources_names_each(
    template: products.Template,
) -> None:
    lines = products.template_document(template.key)["lines"]
    waiting = {line["id"] for line in lines if is_placeholder(line.get("factor"))}
    assert waiting == PLACEHOLDERS[template.key]
    for line in lines:
        assert (
            isinstance(line.get("factor"), str) or "electricity" in line or (line["id"] in waiting)
        ), f"{template.key} {line['id']}: neither a shipped factor nor a listed placeholder"
    match = re.search(
        r"^## Template lines without a public factor.*?(?=^## )", SOURCES, re.M | re.S
    )
    assert match, "SOURCES.md has no section 'Template lines without a public factor'"
    for line_id in waiting:
        assert f"`{template.file}` `{line_id}`" in match.group(0), (template.file, line_id)
