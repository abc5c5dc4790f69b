"""Recognising greenhouse gases among the elementary flows of imported data, by identity.

Imported databases name their flows in their own way ("Carbon dioxide, fossil",
"Methane, trifluoro-, HFC-23", "methane (biogenic)", "HFC-116"). Tanji characterizes by
its own gas ids (those of ``tanji/data/gwp.csv``, the whole of IPCC AR6 Table 7.SM.7), so
each importer maps flows to gas ids with :func:`gas_for`:

1. the CAS number, normalised (leading zeros dropped: "000074-82-8" is "74-82-8");
2. else the exact name in ``tanji/data/gas-synonyms.csv`` (compared after case folding and
   whitespace collapsing), a table of the names the public flow lists use — ecoinvent
   3.x, EF 3.1, the US federal elementary flow list, USLCI, Chinese names — each row with
   the lists it was read in;
3. else the chemical formula, where exactly one gas of gwp.csv has it.

Nothing is matched by pattern: "Methane, chlorodifluoro-, HCFC-22" is HCFC-22 because the
table says so, never methane because it starts with "Methane".

Methane and CO2 keep their origin: a synonym names it ("Methane, non-fossil" is
``CH4-nonfossil``); a flow found by CAS or formula takes it from the origin words of its
name (non-fossil, biogenic → non-fossil; fossil, from soil or biomass stock, land use
change → fossil, as ecoinvent's and EF 3.1's IPCC implementations characterize them).

Only emissions to air are greenhouse-gas emissions; a flow to water or soil maps to no
gas, and a resource is never an emission. Uptake of CO2 from air ("Carbon dioxide, in
air", a resource) is biogenic CO2 removal and maps to ``CO2-biogenic-uptake`` so it is
reported apart, never netted silently.

:func:`unmapped_greenhouse_gases` finds the flows to air that look like greenhouse gases
(halocarbon names, refrigerant codes, "unspecified" CFC/HFC/PFC groups) but map to no gas,
so importers and footprints can warn about them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["GhgLikeFlow", "gas_for", "gas_synonyms", "normal_cas", "unmapped_greenhouse_gases"]

_NON_FOSSIL = re.compile(r"non-fossil|biogenic")
_FOSSIL = re.compile(r"fossil|from soil or biomass stock|land use change|land transformation")
_RESOURCE = re.compile(r"\bin air\b")
_CO2_CAS = "124-38-9"
_CH4_CAS = "74-82-8"


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def normal_cas(cas: str | None) -> str | None:
    """The CAS number without leading zeros, or ``None`` if it is not one."""
    if not cas:
        return None
    digits = cas.strip().lstrip("0") or "0"
    return digits if re.fullmatch(r"\d{2,7}-\d{2}-\d", digits) else None


@dataclass(frozen=True)
class _Tables:
    by_cas: dict[str, str]
    by_name: dict[str, str]
    by_formula: dict[str, str]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("tanji").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _tables() -> _Tables:
    gases = _read("gwp.csv")
    by_cas: dict[str, str] = {}
    formulas: dict[str, set[str]] = {}
    for row in gases:
        cas = normal_cas(row["cas"])
        if cas and cas != _CH4_CAS:
            by_cas.setdefault(cas, row["gas_id"])
        if row["gas_id"] not in {"CH4-fossil", "CH4-nonfossil"}:
            formulas.setdefault(row["formula"], set()).add(row["gas_id"])
    by_cas[_CH4_CAS] = "CH4"
    by_formula = {f: ids.pop() for f, ids in formulas.items() if len(ids) == 1}
    by_name = {_normal(row["name"]): row["gas_id"] for row in _read("gas-synonyms.csv")}
    return _Tables(by_cas, by_name, by_formula)


def gas_synonyms() -> dict[str, str]:
    """The synonym table: normalised flow name → gas id."""
    return dict(_tables().by_name)


def _family(gas: str | None) -> str | None:
    if gas is None:
        return None
    return "CO2" if gas.startswith("CO2") else "CH4" if gas.startswith("CH4") else gas


def _with_origin(gas: str, lowered: str) -> str:
    if gas == "CH4":
        if _NON_FOSSIL.search(lowered):
            return "CH4-nonfossil"
        if _FOSSIL.search(lowered):
            return "CH4-fossil"
    if gas == "CO2" and _NON_FOSSIL.search(lowered):
        return "CO2-biogenic"
    return gas


def _is_resource(where: str, lowered: str) -> bool:
    return "resource" in where or bool(_RESOURCE.search(lowered))


def _not_to_air(where: str) -> bool:
    return bool(where) and "air" not in where and ("water" in where or "soil" in where)


def gas_for(
    name: str, *, cas: str | None = None, compartment: str = "", formula: str | None = None
) -> str | None:
    """The Tanji gas id of an elementary flow, or ``None`` if it is not a known GHG to air.

    ``compartment`` is the flow's category path (e.g. "Elementary flows/Emission to air/
    unspecified" or "air/urban air close to ground"); flows explicitly to water or soil
    are not greenhouse-gas emissions.
    """
    tables = _tables()
    lowered = _normal(name)
    where = compartment.lower()
    synonym = tables.by_name.get(lowered)
    by_cas = tables.by_cas.get(normal_cas(cas) or "")
    if _is_resource(where, lowered):
        # A resource taken from nature is never an emission; CO2 taken from air is uptake.
        found = by_cas or synonym or tables.by_formula.get(formula or "")
        return "CO2-biogenic-uptake" if _family(found) == "CO2" else None
    if _not_to_air(where):
        return None
    if by_cas is not None:
        # The synonym may say more (the origin of methane or CO2) about the same gas.
        return synonym if _family(synonym) == by_cas else _with_origin(by_cas, lowered)
    if synonym is not None:
        return synonym
    by_formula = tables.by_formula.get((formula or "").strip())
    return _with_origin(by_formula, lowered) if by_formula else None


@dataclass(frozen=True)
class GhgLikeFlow:
    """An elementary flow to air that looks like a greenhouse gas but maps to none."""

    name: str
    cas: str | None
    compartment: str

    @property
    def label(self) -> str:
        """ "Perfluorocarbons, unspecified (air/unspecified)", with the CAS number if known."""
        cas = f", CAS {self.cas}" if self.cas else ""
        return f"{self.name} ({self.compartment or 'no compartment'}{cas})"


_GHG_LIKE = re.compile(
    r"fluoro|fluoride|chloro(?!phyll)|bromo|iodo|\bhalon|\b(h?cfc|hfc|hfo|pfc|hfe|hcfe)s?\b"
    r"|\bperfluoro|\bsf6\b|\bnf3\b|\bch4\b|\bco2\b|\bn2o\b|methane|carbon dioxide"
    r"|nitrous oxide|dinitrogen monoxide|\bR-?\d{2,3}[a-z]{0,3}\b",
    re.IGNORECASE,
)
#: inorganic fluorides/chlorides and other compounds the pattern meets that are no GHG
_NOT_GHG = re.compile(
    r"^(hydrogen (fluoride|chloride|bromide)|hydro(chloric|fluoric|bromic) acid|fluoride|"
    r"chloride|bromide|chlorine|fluorine|bromine|non-methane|nmvoc)"
    r"|\b(sodium|potassium|calcium|magnesium|zinc|ammonium|boron|silicon|aluminium|"
    r"aluminum|iron|tin)\b|\bacid\b|phenol|benzene|toluene|dioxin|furan|biphenyl|"
    r"fluorant|fluorene|\bion\b|chlorate|hypochlorite|\bin ground\b|\bin water\b",
    re.IGNORECASE,
)


def unmapped_greenhouse_gases(
    flows: Iterable[tuple[str, str | None, str, str | None]],
) -> tuple[GhgLikeFlow, ...]:
    """The flows to air that look like greenhouse gases but map to no gas.

    ``flows`` gives ``(name, cas, compartment, gas)`` per elementary flow. A flow is
    GHG-like when its CAS number is a gas of gwp.csv, or its name names a halocarbon
    (fluoro-, chloro-, bromo-, a refrigerant code such as HFC-245fa, R-40 or Halon 1001),
    a group of them ("CFCs, unspecified"), or methane, CO2 or N2O. Resources and flows to
    water or soil are never listed. Each (name, CAS) is listed once, sorted by name.
    """
    tables = _tables()
    found: dict[tuple[str, str | None], GhgLikeFlow] = {}
    for name, cas, compartment, gas in flows:
        if gas is not None:
            continue
        where = compartment.lower()
        lowered = _normal(name)
        if _is_resource(where, lowered) or _not_to_air(where):
            continue
        known_cas = (normal_cas(cas) or "") in tables.by_cas
        if known_cas or (_GHG_LIKE.search(name) and not _NOT_GHG.search(name)):
            found.setdefault((name, cas or None), GhgLikeFlow(name, cas or None, compartment))
    return tuple(sorted(found.values(), key=lambda f: (f.name.casefold(), f.cas or "")))
