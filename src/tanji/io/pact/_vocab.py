"""PACT vocabulary shared by the reader and the writer: patterns, units, regions, standards."""

from __future__ import annotations

from typing import Final, Literal

PactSpec = Literal["2.3", "3.0"]
JsonPath = tuple[str | int, ...]

_DECIMAL: Final = r"^-?\d+(\.\d+)?$"
_UUID: Final = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_URN: Final = r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,31}:"
_DATE_TIME: Final = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
_SPEC_VERSION: Final = r"^\d+\.\d+\.\d+(-\d{8})?$"
_COUNTRY: Final = r"^[A-Z]{2}$"
_SUBDIVISION: Final = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
_IPCC: Final = r"^AR\d+$"

# PACT declared unit → our unit string (accepted by tanji.domain.units.convert).
_V2_UNITS: Final = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m**3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "t*km",
    "square meter": "m**2",
}
_V3_UNITS: Final = {**_V2_UNITS, "piece": "piece", "hour": "h"}
_V3_UNIT_ENUM: Final = (*_V3_UNITS, "megabit second")

_REGIONS: Final = (
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
)
_GEOGRAPHY_FIELDS: Final = (
    "geographyCountrySubdivision",
    "geographyCountry",
    "geographyRegionOrSubregion",
)
_GLOBAL: Final = frozenset({"", "GLO", "GLOBAL", "WORLD"})

# v2 crossSectoralStandardsUsed names ↔ the codes of crossSectoralStandards (2.3, 3.0).
_STANDARD_CODES: Final = {
    "GHG Protocol Product standard": "GHGP-Product",
    "ISO Standard 14067": "ISO14067",
    "ISO Standard 14044": "ISO14040-44",
}
_V23_STANDARD_CODES: Final = (
    "ISO14067",
    "ISO14083",
    "ISO14040-44",
    "GHGP-Product",
    "PEF",
    "PACT-1.0",
    "PACT-2.0",
    "PACT-3.0",
)

#: The official schema file for each PACT major.minor read (2.0 to 2.2 share 2.2's).
OFFICIAL_SCHEMA_FILES: Final = {
    (2, 2): "pact-v2.2.schema.json",
    (2, 3): "pact-v2.3.schema.json",
    (3, 0): "pact-v3.0.schema.json",
}
