"""Rebuild ``src/tanji/data/gwp.csv`` from the machine-readable IPCC tables.

Usage::

    python scripts/build_gwp_table.py AR6_CSV AR5_CSV [--check]

``AR6_CSV`` is ``data_output/7sm/metrics_supplement_cleaned.csv`` of the IPCC Working
Group I Chapter 7 repository (github.com/IPCC-WG1/Chapter-7, commit 2f948c86, MIT
licence): the machine-readable Table 7.SM.7 of AR6 WG1 (2021). ``AR5_CSV`` is
``lciafmt/data/IPCC_GWP_values.csv`` of US EPA's LCIA Formatter
(github.com/USEPA/LCIAformatter, commit 48d19af1, MIT licence), whose AR5 rows transcribe
AR5 WG1 Chapter 8 Table 8.A.1.

The rows already in gwp.csv keep their ids and values (``CH4-fossil`` 29.8 and the other
origin-specific rows come from AR6 Table 7.15, not 7.SM.7); the script fails if one of
their Table 7.SM.7 values disagrees with the IPCC file. Every other gas of Table 7.SM.7 is
appended in the table's order. AR5 values are taken where Table 8.A.1 lists the same gas
(matched by acronym, then formula, then name); the EPA file writes 1 for Table 8.A.1's
"<1", so a value of exactly 1 for a gas other than CO2 is left empty. With ``--check`` the
script only compares and writes nothing (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

GWP_CSV = Path(__file__).resolve().parent.parent / "src" / "tanji" / "data" / "gwp.csv"
COLUMNS = (
    "gas_id", "formula", "name_en", "name_zh", "cas", "ar6_gwp100", "ar6_gwp20",
    "ar5_gwp100", "ar6_source", "ar5_source",
)  # fmt: skip
AR6_SOURCE = "IPCC AR6 WG1 (2021), Ch. 7 SM, Table 7.SM.7"
AR5_SOURCE = "IPCC AR5 WG1 (2013), Ch. 8, Table 8.A.1"

#: Chinese names of the common halocarbons (systematic names per GB/T 7373 usage); the
#: other gases show their acronym or formula in Chinese pages too.
NAMES_ZH = {
    "CFC-11": "三氯一氟甲烷",
    "CFC-12": "二氯二氟甲烷",
    "CFC-13": "一氯三氟甲烷",
    "CFC-113": "1,1,2-三氯-1,2,2-三氟乙烷",
    "CFC-114": "1,2-二氯-1,1,2,2-四氟乙烷",
    "CFC-115": "一氯五氟乙烷",
    "HCFC-21": "二氯一氟甲烷",
    "HCFC-22": "一氯二氟甲烷",
    "HCFC-123": "2,2-二氯-1,1,1-三氟乙烷",
    "HCFC-124": "2-氯-1,1,1,2-四氟乙烷",
    "HCFC-141b": "1,1-二氯-1-氟乙烷",
    "HCFC-142b": "1-氯-1,1-二氟乙烷",
    "HFC-41": "一氟甲烷",
    "HFC-134": "1,1,2,2-四氟乙烷",
    "HFC-236fa": "1,1,1,3,3,3-六氟丙烷",
    "Halon-1211": "溴氯二氟甲烷",
    "Halon-1301": "溴三氟甲烷",
    "Halon-2402": "1,2-二溴四氟乙烷",
    "CH3CCl3": "1,1,1-三氯乙烷",
    "CCl4": "四氯化碳",
    "CH3Cl": "一氯甲烷",
    "CH2Cl2": "二氯甲烷",
    "CHCl3": "三氯甲烷",
    "CH3Br": "溴甲烷",
    "CH2Br2": "二溴甲烷",
    "SO2F2": "硫酰氟",
    "SF5CF3": "三氟甲基五氟化硫",
    "PFC-31-10": "全氟丁烷",
    "PFC-41-12": "全氟戊烷",
    "PFC-51-14": "全氟己烷",
    "HFO-1234yf": "2,3,3,3-四氟丙烯",
    "C2H6": "乙烷",
    "C3H8": "丙烷",
    "n-C4H10": "正丁烷",
}
_ACRONYM = re.compile(r"\s*[A-Za-z]+['-]?[0-9][A-Za-z0-9-]*\s*")
_CODE = re.compile(r"^[A-Za-z0-9'()/,=-]+$")


def _number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value == int(value) and abs(value) >= 1 else repr(value)


def _key(text: str) -> str:
    return re.sub(r"[\s\-–()]", "", text.replace("’", "'")).lower()


def _ar5_values(path: Path) -> dict[str, str]:
    """AR5 GWP100 by acronym, formula and name keys (EPA's transcription of Table 8.A.1)."""
    found: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["AR"] != "AR5" or row["Parameter"] != "GWP100" or row["Formula"] == "0":
                continue
            if float(row["Value"]) == 1.0 and row["Formula"] != "CO2":
                continue  # "<1" in Table 8.A.1
            name = row["Name"]
            keys = {_key(name), _key(row["Formula"])}
            # "HFE-134 (HG-00)", "Halon-2311 / Halothane": each code names the gas
            keys |= {_key(part) for part in re.split(r"[()/]", name) if _ACRONYM.fullmatch(part)}
            for key in keys:
                found.setdefault(key, _number(row["Value"]))
    return found


def _gas_id(row: dict[str, str], taken: set[str]) -> str:
    acronym = row["Acronym"].strip().replace("CFC 1112", "CFC-1112")
    if not (any(c.isdigit() for c in acronym) or acronym.isupper()):
        acronym = ""  # "Chloroform", "Methyl chloride": the formula is the better id
    for candidate in (acronym, row["Formula"].strip(), "CAS-" + _cas(row)):
        if candidate and _CODE.fullmatch(candidate) and candidate not in taken:
            return candidate
    raise SystemExit(f"no id for {row['Name']!r}")


def _cas(row: dict[str, str]) -> str:
    return row["CAS"].strip().strip('="')


def build(ar6_path: Path, ar5_path: Path) -> str:
    with GWP_CSV.open(encoding="utf-8") as handle:
        kept = list(csv.DictReader(handle))
    by_cas = {row["cas"]: row for row in kept if row["cas"]}
    ar5 = _ar5_values(ar5_path)
    taken = {row["gas_id"] for row in kept}
    added: list[dict[str, str]] = []
    with ar6_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cas = _cas(row)
            gwp100, gwp20 = _number(row["GWP100"]), _number(row["GWP20"])
            if row["Formula"] in {"CO2", "CH4", "N2O"} or cas in by_cas:
                same = kept_row = by_cas.get(cas) or next(
                    k for k in kept if k["gas_id"] == row["Formula"]
                )
                if (same["ar6_gwp100"], same["ar6_gwp20"]) != (gwp100, gwp20) and (
                    kept_row["gas_id"] not in {"CH4-fossil", "CH4-nonfossil"}
                ):
                    raise SystemExit(f"{kept_row['gas_id']}: gwp.csv differs from Table 7.SM.7")
                continue
            gas_id = _gas_id(row, taken)
            taken.add(gas_id)
            acronym = row["Acronym"].strip()
            ar5_value = next(
                (
                    ar5[k]
                    for k in (_key(acronym), _key(row["Formula"]), _key(row["Name"]))
                    if k and k in ar5
                ),
                "",
            )
            name = row["Name"].strip() or acronym
            name_en = name[0].upper() + name[1:]
            added.append(
                {
                    "gas_id": gas_id,
                    "formula": row["Formula"].strip(),
                    "name_en": name_en,
                    "name_zh": NAMES_ZH.get(gas_id, acronym or row["Formula"].strip()),
                    "cas": cas,
                    "ar6_gwp100": gwp100,
                    "ar6_gwp20": gwp20,
                    "ar5_gwp100": ar5_value,
                    "ar6_source": AR6_SOURCE,
                    "ar5_source": AR5_SOURCE if ar5_value else "",
                }
            )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    writer.writerows(added)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ar6_csv", type=Path)
    parser.add_argument("ar5_csv", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = build(args.ar6_csv, args.ar5_csv)
    if args.check:
        same = text == GWP_CSV.read_text(encoding="utf-8")
        print("gwp.csv is up to date" if same else "gwp.csv differs from the IPCC files")
        return 0 if same else 1
    GWP_CSV.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
