"""Write ``uslci-1.5-flow-cas.csv``: the CAS number of each greenhouse-gas flow of the US LCI
database's 1.5 export, as the US EPA's flow mappings give it.

Usage (from the repository root)::

    python tests/data/extract_uslci_cas.py FEDEFL_GIT

``FEDEFL_GIT`` is a clone (or bare mirror) of github.com/USEPA/fedelemflowlist (MIT
licence). The export read is ``tests/data/uslci-1.5-jsonld.tar.xz``. The export itself
names a CAS number for 2 of its greenhouse-gas flows; for the others the EPA maps USLCI
flows to the Federal LCA Commons elementary flow list (FEDEFL), whose flowables carry CAS
numbers:

1. ``fedelemflowlist/flowmapping/USLCIv2019Q4.csv``: by the flow's UUID, else its name;
2. ``fedelemflowlist/flowmapping/eLCI.csv``: by name (the NETL flows, "Methane [Organic
   emissions to air]" …), else by the name without its GaBi-style context in brackets,
   case-insensitively ("Carbon dioxide [Inorganic emissions to air]" → "carbon dioxide");

only mappings with conversion factor 1 (or none given) count, and the target flowable's
CAS comes from ``fedelemflowlist/input/ChemicalsFlowables.csv``. Rows are written for
elementary flows whose CAS is one of ``src/tanji/data/gwp.csv`` (the greenhouse gases):
``flow_id,name,category,flowable,cas,mapping``. ``tests/integration/test_uslci.py``
characterizes by these numbers, independently of Tanji's own gas recognition.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).parent
GWP = HERE.parents[1] / "src" / "tanji" / "data" / "gwp.csv"


def _show(repo: Path, path: str) -> str:
    flag = "--git-dir" if (repo / "HEAD").is_file() else "-C"
    out = subprocess.run(
        ["git", flag, str(repo), "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8-sig")


def _rows(repo: Path, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_show(repo, path))))


def _one(value: str) -> bool:
    return value.strip() in ("", "1", "1.0")


def main(fedefl: Path) -> None:
    with GWP.open(encoding="utf-8") as handle:
        gases = {row["cas"] for row in csv.DictReader(handle) if row["cas"]}
    cas_of = {
        r["Flowable"]: r["CAS No"].strip().lstrip("0")
        for r in _rows(fedefl, "fedelemflowlist/input/ChemicalsFlowables.csv")
    }
    uslci = [r for r in _rows(fedefl, "fedelemflowlist/flowmapping/USLCIv2019Q4.csv")
             if _one(r["ConversionFactor"])]  # fmt: skip
    elci = [r for r in _rows(fedefl, "fedelemflowlist/flowmapping/eLCI.csv")
            if _one(r["ConversionFactor"])]  # fmt: skip
    by_uuid = {r["SourceFlowUUID"]: r for r in uslci if r["SourceFlowUUID"]}
    by_name = {r["SourceFlowName"]: r for r in uslci}
    elci_by_name = {r["SourceFlowName"]: r for r in elci}
    elci_by_lower = {r["SourceFlowName"].lower(): r for r in elci}

    flows, categories = {}, {}
    with tarfile.open(HERE / "uslci-1.5-jsonld.tar.xz") as archive:
        for member in archive.getmembers():
            kind = member.name.split("/")[-2]
            if kind in ("flows", "categories"):
                data = json.load(archive.extractfile(member))  # type: ignore[arg-type]
                (flows if kind == "flows" else categories)[data["@id"]] = data

    def path(key: str | None) -> str:
        if not key or key not in categories:
            return ""
        above = path((categories[key].get("category") or {}).get("@id"))
        return f"{above}/{categories[key]['name']}" if above else categories[key]["name"]

    out = HERE / "uslci-1.5-flow-cas.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["flow_id", "name", "category", "flowable", "cas", "mapping"])
        for key, flow in sorted(flows.items(), key=lambda kv: (kv[1]["name"], kv[0])):
            if flow["flowType"] != "ELEMENTARY_FLOW":
                continue
            found = [
                ("USLCIv2019Q4 by UUID", by_uuid.get(key)),
                ("USLCIv2019Q4 by name", by_name.get(flow["name"])),
                ("eLCI by name", elci_by_name.get(flow["name"])),
                (
                    "eLCI by name without [context]",
                    elci_by_lower.get(re.sub(r"\s*\[[^]]*\]$", "", flow["name"]).lower()),
                ),
            ]
            for how, row in found:
                if row is None:
                    continue
                cas = cas_of.get(row["TargetFlowName"], "")
                if cas in gases:
                    category = path((flow.get("category") or {}).get("@id"))
                    writer.writerow([key, flow["name"], category, row["TargetFlowName"], cas, how])
                break
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
