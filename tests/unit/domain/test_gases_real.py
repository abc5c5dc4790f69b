"""Gas recognition on flow lists nobody here wrote: USLCI, the EPA's USLCI mapping, ecoinvent.

``tests/data/gas-flows.csv`` is written by ``tests/data/extract_gas_flows.py`` (see
``tests/data/SOURCES.md``); each row's expected gas comes from the list's publisher (its CAS
number, the EPA's mapping to the federal flow list, or ecoinvent's IPCC 2021 factor).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tanji.domain.gases import gas_for, unmapped_greenhouse_gases

ROWS = list(
    csv.DictReader(
        (Path(__file__).parents[2] / "data" / "gas-flows.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
)


def _family(gas: str | None) -> str | None:
    return gas[:3] if gas and gas.startswith(("CH4", "CO2")) else gas


def _agrees(found: str | None, expected: str) -> bool:
    """The gas expected; CAS numbers and the EPA mapping do not say a methane's origin."""
    if expected in {"CH4", "CO2"}:
        return _family(found) == expected
    return found == (expected or None)


@pytest.mark.parametrize("source", ["uslci-fy22", "uslci-2019", "ecoinvent-3.9"])
def test_every_flow_maps_to_the_gas_its_publisher_says(source: str) -> None:
    rows = [r for r in ROWS if r["source"] == source]
    wrong = [
        (r["name"], r["compartment"], found, r["expected"])
        for r in rows
        if not _agrees(
            found := gas_for(r["name"], cas=r["cas"], compartment=r["compartment"]), r["expected"]
        )
    ]
    assert wrong == []
    assert len(rows) > 30


def test_names_alone_find_the_gas_of_the_cas_number() -> None:
    """Without its CAS number, each USLCI flow of a gas is still recognised by name."""
    rows = [r for r in ROWS if r["source"] == "uslci-fy22" and r["expected"]]
    wrong = [
        r["name"]
        for r in rows
        if not _agrees(gas_for(r["name"], compartment=r["compartment"]), r["expected"])
    ]
    assert wrong == []
    assert len(rows) >= 20


def test_no_methane_compound_of_a_real_list_is_methane() -> None:
    compounds = [r for r in ROWS if re.match(r"Methane, (?!non-fossil)[\w,-]+-", r["name"])]
    assert len(compounds) >= 20
    assert [
        r["name"] for r in compounds if _family(gas_for(r["name"], compartment="air")) == "CH4"
    ] == []


def test_counts_of_mapped_and_unmapped_flows() -> None:
    """USLCI FY22's GHG-like flows to air: those of a gas map, the rest are reported."""
    rows = [r for r in ROWS if r["source"] == "uslci-fy22"]
    flows = [
        (
            r["name"],
            r["cas"],
            r["compartment"],
            gas_for(r["name"], cas=r["cas"], compartment=r["compartment"]),
        )
        for r in rows
    ]
    mapped = [f for f in flows if f[3]]
    unmapped = unmapped_greenhouse_gases(flows)
    assert (len(rows), len(mapped), len(unmapped)) == (37, 23, 6)
