"""Write ``gas-flows.csv``: greenhouse-gas flow names of public flow lists, with the gas
each denotes according to the list's own publisher, for ``tests/unit/domain/test_gases_real``.

Usage (from the repository root)::

    python tests/data/extract_gas_flows.py USLCI_GIT FEDEFL_GIT BW2IO_LCIA_ZIP

``USLCI_GIT`` is a clone of github.com/FLCAC-admin/uslci-content (MIT licence; the US LCI
database's openLCA JSON-LD exports under ``downloads/``), ``FEDEFL_GIT`` one of
github.com/USEPA/fedelemflowlist (MIT licence), and ``BW2IO_LCIA_ZIP`` the file
``bw2io/data/lcia/lcia_39_ecoinvent.zip`` of the bw2io package (BSD-3 licence).

Rows (``source,name,cas,compartment,expected``), one per distinct flow, to air only:

- ``uslci-fy22``: elementary flows of the FY22 export that carry a CAS number of gwp.csv,
  or whose name looks like a greenhouse gas; ``expected`` is the gas of the CAS number,
  empty when the flow has none of gwp.csv.
- ``uslci-2019``: the USLCI 2019 flow names that the EPA's own mapping
  (``fedelemflowlist/flowmapping/USLCIv2019Q4.csv``) maps to a federal flow whose CAS is in
  gwp.csv with conversion factor 1; ``expected`` is that gas. These flows carry no CAS in
  the export.
- ``ecoinvent-3.9``: the flows to air of "IPCC 2021, climate change, GWP100" in ecoinvent's
  LCIA implementation 3.9 (via bw2io), with ``expected`` the gas of gwp.csv whose AR6
  GWP100 is ecoinvent's factor (several → the one whose id the name contains).

The expectations come from the publishers (CAS numbers, the EPA mapping, ecoinvent's
factors), never from Tanji's synonym table.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GWP = HERE.parent.parent / "src" / "tanji" / "data" / "gwp.csv"
LOOKS_LIKE = re.compile(
    r"fluoro|chloro|bromo|halon|hfc|cfc|pfc|methane|carbon dioxide|dinitrogen|nitrous|"
    r"hexafluoride|nitrogen fluoride",
    re.IGNORECASE,
)


def _cas(text: str | None) -> str:
    value = (text or "").strip().lstrip("0")
    return value if re.fullmatch(r"\d{2,7}-\d{2}-\d", value) else ""


def _gases() -> tuple[dict[str, str], list[dict[str, str]]]:
    with GWP.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_cas: dict[str, str] = {}
    for row in rows:
        if row["cas"]:
            by_cas.setdefault(_cas(row["cas"]), row["gas_id"])
    by_cas["74-82-8"] = "CH4"
    return by_cas, rows


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _uslci(repo: Path, by_cas: dict[str, str]) -> list[tuple[str, ...]]:
    listing = _git(repo, "ls-tree", "-r", "HEAD").splitlines()
    wanted = [line.split("\t") for line in listing if "/flows/" in line and "fy22" in line]
    rows: set[tuple[str, ...]] = set()
    for meta, _path in wanted:
        try:
            data = json.loads(_git(repo, "cat-file", "-p", meta.split()[2]))
        except json.JSONDecodeError:  # one file of the export is not JSON; skip it
            continue
        if data.get("flowType") != "ELEMENTARY_FLOW":
            continue
        category = data.get("category") or {}
        where = "/".join([*category.get("categoryPath", []), category.get("name", "")])
        if "emission/air" not in where:
            continue
        cas = _cas(data.get("cas"))
        if cas in by_cas or LOOKS_LIKE.search(data["name"]):
            rows.add(("uslci-fy22", data["name"], cas, where, by_cas.get(cas, "")))
    return sorted(rows)


def _uslci_2019(repo: Path, by_cas: dict[str, str]) -> list[tuple[str, ...]]:
    flowables = csv.DictReader(
        _git(repo, "show", "HEAD:fedelemflowlist/input/ChemicalsFlowables.csv")
        .lstrip("\ufeff")
        .splitlines()
    )
    cas_of = {row["Flowable"].casefold(): _cas(row["CAS No"]) for row in flowables}
    mapping = csv.DictReader(
        _git(repo, "show", "HEAD:fedelemflowlist/flowmapping/USLCIv2019Q4.csv").splitlines()
    )
    rows: set[tuple[str, ...]] = set()
    for row in mapping:
        if not row["SourceFlowContext"].startswith("air") or float(row["ConversionFactor"]) != 1:
            continue
        if row["SourceFlowName"].endswith("kg C"):
            continue  # "n butane, kg C" counts kg of carbon, not of butane
        gas = by_cas.get(cas_of.get(row["TargetFlowName"].casefold(), ""))
        if gas:
            name = row["SourceFlowName"]
            rows.add(("uslci-2019", name, "", row["SourceFlowContext"], gas))
    return sorted(rows)


def _ecoinvent(path: Path, gases: list[dict[str, str]]) -> list[tuple[str, ...]]:
    methods = json.loads(zipfile.ZipFile(path).read("data.json"))
    key = ["IPCC 2021", "climate change", "global warming potential (GWP100)"]
    method = next(m for m in methods if m["name"] == key)
    rows: set[tuple[str, ...]] = set()
    for exchange in method["exchanges"]:
        if exchange["categories"][0] != "air" or exchange["name"].startswith("Carbon dioxide"):
            continue
        value = float(exchange["amount"])
        ids = [g["gas_id"] for g in gases if float(g["ar6_gwp100"]) == value]
        if len(ids) > 1:
            words = exchange["name"].casefold().replace("-", " ")
            ids = [i for i in ids if i.casefold().replace("-", " ") in words] or ids
        if len(ids) == 1:
            where = "/".join(exchange["categories"])
            rows.add(("ecoinvent-3.9", exchange["name"], "", where, ids[0]))
    return sorted(rows)


def main() -> int:
    uslci, fedefl, lcia = (Path(arg) for arg in sys.argv[1:4])
    by_cas, gases = _gases()
    rows = _uslci(uslci, by_cas) + _uslci_2019(fedefl, by_cas) + _ecoinvent(lcia, gases)
    with (HERE / "gas-flows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("source", "name", "cas", "compartment", "expected"))
        writer.writerows(rows)
    print(f"{len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
