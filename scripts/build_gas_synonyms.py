"""Add the greenhouse-gas flow names of public flow lists to ``gas-synonyms.csv``.

Usage::

    python scripts/build_gas_synonyms.py --fedefl CHEMICALS_CSV --ecoinvent LCIA_ZIP \\
        --ef EF_MAPPING_GZ

Each row of ``src/tanji/data/gas-synonyms.csv`` is one exact flow name (compared after
case folding and whitespace collapsing), the Tanji gas id it denotes (an id of gwp.csv, or
``CO2-biogenic`` / ``CO2-biogenic-uptake``) and the lists the name was read in. Rows
already in the file stay (some were entered from lists read by hand; their ``sources`` say
which); this script adds the names of:

- ``--fedefl``: ``fedelemflowlist/input/ChemicalsFlowables.csv`` of the US Federal LCA
  Commons elementary flow list (github.com/USEPA/fedelemflowlist): the ``Flowable`` and
  every ``Synonyms`` entry of a flowable whose CAS number is in gwp.csv.
- ``--ecoinvent``: ``bw2io/data/lcia/lcia_39_ecoinvent.zip`` of the bw2io package
  (Brightway, BSD-3): the ecoinvent 3.9 flow names characterized by the method "IPCC 2021,
  climate change, GWP100"; the gas is the one whose AR6 GWP100 equals the factor, and
  names whose factor matches no gas or several are reported, not guessed.
- ``--ef``: ``randonneur_data/data/ecoinvent-3.11-biosphere-EF-3.1-biosphere.gz`` of
  randonneur-data (Brightway, MIT): ecoinvent 3.11 and EF 3.1 names of the flows to air
  whose CAS number is in gwp.csv.

Names that would denote two gases are reported and left out.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "tanji" / "data"
IPCC = "IPCC AR6 Table 7.SM.7 (gwp.csv)"
FEDEFL = "US FEDEFL (USEPA/fedelemflowlist)"
ECOINVENT = "ecoinvent 3.9 (bw2io LCIA, IPCC 2021)"
ECOINVENT_311 = "ecoinvent 3.11 (randonneur-data)"
EF31 = "EF 3.1 (randonneur-data)"

#: origin words of methane and CO2 names in these lists
_ORIGIN = (
    ("biogenic", "nonfossil"),
    ("non-fossil", "nonfossil"),
    ("land use change", "fossil"),
    ("soil or biomass stock", "fossil"),
    ("fossil", "fossil"),
)


def normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def normal_cas(cas: str) -> str:
    text = (cas or "").strip().lstrip("0")
    return text if re.fullmatch(r"\d{2,7}-\d{2}-\d", text) else ""


def _with_origin(gas: str, name: str) -> str:
    """CH4 and CO2 names carry their origin; the split follows gwp.csv's ids."""
    lowered = name.casefold()
    origin = next((o for word, o in _ORIGIN if word in lowered), "")
    if gas == "CH4" and origin:
        return "CH4-fossil" if origin == "fossil" else "CH4-nonfossil"
    if gas == "CO2" and origin == "nonfossil":
        return "CO2-biogenic"
    return gas


class Table:
    def __init__(self) -> None:
        self.path = DATA / "gas-synonyms.csv"
        self.rows: dict[str, dict[str, str]] = {}
        if self.path.exists():
            with self.path.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    self.rows[normal(row["name"])] = row
        self.conflicts: list[str] = []
        self.ambiguous: set[str] = set()

    def add(self, name: str, gas: str, source: str) -> None:
        name = " ".join(name.split())
        if not name:
            return
        row = self.rows.get(normal(name))
        if row is None:
            self.rows[normal(name)] = {"name": name, "gas_id": gas, "sources": source}
        elif row["gas_id"] != gas:
            self.ambiguous.add(normal(name))
            self.conflicts.append(f"{name!r}: {row['gas_id']} ({row['sources']}) vs {gas}")
        elif source not in row["sources"].split("; "):
            row["sources"] = f"{row['sources']}; {source}"

    def write(self) -> None:
        with self.path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=("name", "gas_id", "sources"), lineterminator="\n"
            )
            writer.writeheader()
            kept = [row for key, row in self.rows.items() if key not in self.ambiguous]
            writer.writerows(sorted(kept, key=lambda r: (r["gas_id"], r["name"])))


def gwp_rows() -> list[dict[str, str]]:
    with (DATA / "gwp.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def add_ipcc(table: Table, gases: list[dict[str, str]]) -> None:
    """gwp.csv's own ids, formulas and names (Table 7.SM.7's names; Chinese names)."""
    for gas in gases:
        for name in (gas["gas_id"], gas["name_en"], gas["name_zh"]):
            table.add(name, gas["gas_id"], IPCC)
        if gas["gas_id"] not in {"CH4-fossil", "CH4-nonfossil"}:
            table.add(gas["formula"], gas["gas_id"], IPCC)


def add_fedefl(table: Table, path: Path, by_cas: dict[str, str]) -> None:
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            gas = by_cas.get(normal_cas(row["CAS No"]))
            if gas is None:
                continue
            table.add(row["Flowable"], _with_origin(gas, row["Flowable"]), FEDEFL)
            for synonym in (row["Synonyms"] or "").split(";"):
                table.add(synonym, _with_origin(gas, synonym), FEDEFL)


def add_ecoinvent(table: Table, path: Path, gases: list[dict[str, str]]) -> None:
    methods = json.loads(zipfile.ZipFile(path).read("data.json"))
    key = ["IPCC 2021", "climate change", "global warming potential (GWP100)"]
    method = next(m for m in methods if m["name"] == key)
    by_value: dict[float, list[str]] = {}
    for gas in gases:
        by_value.setdefault(float(gas["ar6_gwp100"]), []).append(gas["gas_id"])
    for exchange in method["exchanges"]:
        if exchange["categories"][0] != "air":
            continue
        name, value = exchange["name"], float(exchange["amount"])
        candidates = by_value.get(value, [])
        if value == 1.0 and name.startswith("Carbon dioxide"):
            candidates = ["CO2"]
        if {"CH4-fossil", "CH4-nonfossil"} & set(candidates) or value == 27.0:
            candidates = ["CH4"]
        if len(candidates) > 1:  # "…, HCFC-124" names its gas
            words = normal(name).replace("-", " ")
            candidates = [c for c in candidates if normal(c).replace("-", " ") in words]
        if len(candidates) != 1:
            table.conflicts.append(f"{name!r} (factor {value}): gases {candidates}")
            continue
        table.add(name, _with_origin(candidates[0], name), ECOINVENT)


def add_ef(table: Table, path: Path, by_cas: dict[str, str]) -> None:
    with gzip.open(path) as handle:
        data = json.loads(handle.read())
    for change in data.get("replace", []) + data.get("update", []):
        source, target = change["source"], change["target"]
        if source.get("context", [""])[0] != "air":
            continue
        gas = by_cas.get(normal_cas(target.get("CAS number", "")))
        if gas is None:
            continue
        table.add(source["name"], _with_origin(gas, source["name"]), ECOINVENT_311)
        table.add(target["name"], _with_origin(gas, target["name"]), EF31)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fedefl", type=Path, required=True)
    parser.add_argument("--ecoinvent", type=Path, required=True)
    parser.add_argument("--ef", type=Path, required=True)
    args = parser.parse_args()
    gases = gwp_rows()
    by_cas: dict[str, str] = {}
    for gas in gases:  # the first row of a CAS number (CH4 before its origin rows) is the gas
        if gas["cas"]:
            by_cas.setdefault(normal_cas(gas["cas"]), gas["gas_id"])
    by_cas[normal_cas("74-82-8")] = "CH4"
    table = Table()
    add_ipcc(table, gases)
    add_ecoinvent(table, args.ecoinvent, gases)
    add_ef(table, args.ef, by_cas)
    add_fedefl(table, args.fedefl, by_cas)
    table.write()
    for conflict in table.conflicts:
        print("left out:", conflict, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
