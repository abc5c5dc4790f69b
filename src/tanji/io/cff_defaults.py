"""Default Circular Footprint Formula parameters shipped with Tanji, by table name.

``pef-annex-c``: A and Qs/Qp per material from Annex C to the PEF method (version 2.1,
May 2020), in ``tanji/data/cff/pef-annex-c.csv`` with the source on every row (see
``tanji/data/SOURCES.md``). A rule asks for a table with ``end_of_life.defaults_table``;
the rule's own ``end_of_life.defaults`` override it value by value.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["CFF_KEYS", "CFF_TABLES", "cff_table"]

#: document key → CFF attribute of :class:`tanji.domain.products.Cff`
CFF_KEYS = {
    "A": "a",
    "R1": "r1",
    "R2": "r2",
    "R3": "r3",
    "Qsin/Qp": "qsin_qp",
    "Qsout/Qp": "qsout_qp",
    "B": "b",
}
#: table name → file in ``tanji/data/cff``
CFF_TABLES = {"pef-annex-c": "pef-annex-c.csv"}


@cache
def cff_table(name: str) -> Mapping[str, Mapping[str, float]]:
    """material → CFF attribute → value, for the parameters the table gives."""
    path = Path(str(resources.files("tanji.data").joinpath("cff", CFF_TABLES[name])))
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["material"]: {
            attribute: float(row[key])
            for key, attribute in CFF_KEYS.items()
            if (row.get(key) or "").strip()
        }
        for row in rows
    }
