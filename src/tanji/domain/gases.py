"""Recognising greenhouse gases among the elementary flows of imported data.

Imported databases name their flows in their own way ("Carbon dioxide, fossil",
"Methane, non-fossil", "methane (biogenic)", "Dinitrogen monoxide"). Tanji characterizes
by its own gas ids (those of ``tanji/data/gwp.csv``), so each importer maps flows to gas
ids with :func:`gas_for`: by CAS number first, then by name, with the fossil / non-fossil
split for methane and CO2 taken from the name.

Only emissions to air are greenhouse-gas emissions; a flow to water or soil maps to no
gas. Uptake of CO2 from air ("Carbon dioxide, in air", a resource) is biogenic CO2 removal
and maps to ``CO2-biogenic-uptake`` so it is reported apart, never netted silently.
"""

from __future__ import annotations

import re

__all__ = ["gas_for"]

_BY_CAS = {
    "124-38-9": "CO2",
    "74-82-8": "CH4",
    "10024-97-2": "N2O",
    "2551-62-4": "SF6",
    "7783-54-2": "NF3",
    "75-46-7": "HFC-23",
    "75-10-5": "HFC-32",
    "354-33-6": "HFC-125",
    "811-97-2": "HFC-134a",
    "420-46-2": "HFC-143a",
    "75-37-6": "HFC-152a",
    "431-89-0": "HFC-227ea",
    "460-73-1": "HFC-245fa",
    "406-58-6": "HFC-365mfc",
    "75-73-0": "PFC-14",
    "76-16-4": "PFC-116",
    "76-19-7": "PFC-218",
    "115-25-3": "PFC-318",
}

_BY_NAME = [
    (r"^(carbon dioxide|co2)\b", "CO2"),
    (r"^(methane|ch4)\b", "CH4"),
    (r"^(dinitrogen monoxide|nitrous oxide|n2o)\b", "N2O"),
    (r"^(sulfur|sulphur) hexafluoride|^sf6\b", "SF6"),
    (r"^nitrogen trifluoride|^nf3\b", "NF3"),
    (r"^(methane, trifluoro-|hfc-23)\b", "HFC-23"),
    (r"^(methane, difluoro-|hfc-32)\b", "HFC-32"),
    (r"^(ethane, pentafluoro-|hfc-125)\b", "HFC-125"),
    (r"^(ethane, 1,1,1,2-tetrafluoro-|hfc-134a)", "HFC-134a"),
    (r"^(ethane, 1,1,1-trifluoro-|hfc-143a)", "HFC-143a"),
    (r"^(ethane, 1,1-difluoro-|hfc-152a)", "HFC-152a"),
    (r"^(methane, tetrafluoro-|tetrafluoromethane|cf4|pfc-14)\b", "PFC-14"),
    (r"^(ethane, hexafluoro-|hexafluoroethane|c2f6|pfc-116)\b", "PFC-116"),
]

_NON_FOSSIL = re.compile(r"non-fossil|biogenic|from soil or biomass|land transformation")
_RESOURCE = re.compile(r"\bin air\b")


def _normal_cas(cas: str | None) -> str | None:
    if not cas:
        return None
    digits = cas.strip().lstrip("0") or "0"
    return digits if re.fullmatch(r"\d{2,7}-\d{2}-\d", digits) else None


def gas_for(
    name: str, *, cas: str | None = None, compartment: str = "", formula: str | None = None
) -> str | None:
    """The Tanji gas id of an elementary flow, or ``None`` if it is not a known GHG to air.

    ``compartment`` is the flow's category path (e.g. "Elementary flows/Emission to air/
    unspecified" or "air/urban air close to ground"); flows explicitly to water or soil
    are not greenhouse-gas emissions.
    """
    lowered = name.strip().lower()
    where = compartment.lower()
    from_nature = "resource" in where or bool(_RESOURCE.search(lowered))
    if from_nature:
        # A resource taken from nature is never an emission; CO2 taken from air is uptake.
        return "CO2-biogenic-uptake" if lowered.startswith(("carbon dioxide", "co2")) else None
    if where and "air" not in where and ("water" in where or "soil" in where):
        return None
    gas = _BY_CAS.get(_normal_cas(cas) or "")
    if gas is None:
        gas = next((g for pattern, g in _BY_NAME if re.search(pattern, lowered)), None)
    if gas is None and formula:
        gas = _BY_CAS.get(
            {"CO2": "124-38-9", "CH4": "74-82-8", "N2O": "10024-97-2"}.get(formula, "")
        )
    if gas == "CH4":
        if _NON_FOSSIL.search(lowered):
            return "CH4-nonfossil"
        if "fossil" in lowered:
            return "CH4-fossil"
    if gas == "CO2" and _NON_FOSSIL.search(lowered):
        return "CO2-biogenic"
    return gas
