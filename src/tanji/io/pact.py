"""WBCSD PACT ProductFootprint JSON: suppliers' footprints in, our footprints out.

PACT (the WBCSD Partnership for Carbon Transparency) defines the ProductFootprint data
model in its "Technical Specifications for PCF Data Exchange". This module reads the
data model of versions 2.0 to 2.3 (called v2 here; the 2.3.x field names, which 2.0 to
2.2 share for every field read) and of version 3.0 (v3), and writes 2.3 and 3.0.

Reading (:func:`read_pact`, :func:`read_pact_all`) gives :class:`SupplierFootprint`:

==================== ================================== ===================================
SupplierFootprint    PACT v2.x                          PACT v3.0
==================== ================================== ===================================
ref                  ``id``                             ``id``
version              ``version`` (integer, as text)     ``updated`` if given, else
                                                        ``created`` (v3 has no version; a
                                                        changed PCF gets a new ``id``)
product_id           first of ``productIds``            first of ``productIds``
product_name         ``productNameCompany``             ``productNameCompany``
company              ``companyName``                    ``companyName``
declared_unit        ``pcf.declaredUnit``               ``pcf.declaredUnitOfMeasurement``
declared_amount      1 (v2 values are per one declared  ``pcf.declaredUnitAmount``
                     unit; ``unitaryProductAmount`` is
                     the size of a product, not used)
total                ``pCfIncludingBiogenic`` if given, ``pcfIncludingBiogenicUptake``
                     else ``pCfExcludingBiogenic``
biogenic             total − ``pCfExcludingBiogenic``   total − ``pcfExcludingBiogenicUptake``
                     (0 without ``pCfIncludingBio…``)
dluc                 ``dLucGhgEmissions``               ``landUseChangeGhgEmissions``
aircraft             ``aircraftGhgEmissions``           ``aircraftGhgEmissions``
primary_data_share   ``primaryDataShare`` / 100         ``primaryDataShare`` / 100
quality (PEF 1..5)   ``dqi``: technological → TeR,      ``dqi``: technological → TeR,
                     geographical → GeR, temporal →     geographical → GeR, temporal → TiR
                     TiR, reliability → P               (v3 has no reliability: P unset)
period_start / _end  ``referencePeriodStart`` / ``…End`` (PACT's end is exclusive: an end at
                     midnight gives the day before as our inclusive end date)
geography            ``geographyCountrySubdivision``, ``geographyCountry`` or
                     ``geographyRegionOrSubregion`` ("" when none: a global footprint)
verified / verifier  ``assurance.assurance`` is true;   ``verification`` present;
                     ``assurance.providerName``         ``verification.providerName``
source               "PACT <specVersion> file <file name>"
==================== ================================== ===================================

Declared units map to units :func:`tanji.domain.units.convert` accepts: liter → ``L``,
kilogram → ``kg``, cubic meter → ``m**3``, kilowatt hour → ``kWh``, megajoule → ``MJ``,
ton kilometer → ``t*km``, square meter → ``m**2``, and in v3 piece → ``piece`` and hour →
``h``. v3's "megabit second" is refused: the unit registry counts bits as dimensionless,
so megabit-seconds would silently convert to hours. PACT writes quantities as decimal
strings ("1.23"; v2 writes ``primaryDataShare`` and the DQRs as JSON numbers); they are
parsed as :class:`~decimal.Decimal`, subtracted exactly, then stored as floats. DQRs
(1..3 in v2, 1..5 in v3) are rounded half up and clamped to 1..5, not rescaled.

A file may hold one ProductFootprint, a list response ``{"data": [...]}``, a single
response ``{"data": {...}}`` or a RequestFulfilled event (``data.pfs``). Every footprint
is checked against a small JSON Schema of our own (:data:`TANJI_SCHEMA_V2`,
:data:`TANJI_SCHEMA_V3`: the fields read, their types, decimal-string, UUID, URN and
date-time patterns, at most one geography field) and, when ``schema_dir`` names the
folder of the official schemas (``pact-v2.2``, ``pact-v2.3``, ``pact-v3.0.schema.json``:
the OpenAPI ``components.schemas`` of the specification as JSON Schema 2020-12), against
the official one as well, with checkers for PACT's custom ``decimal`` and ``urn`` formats.
Every problem is a :class:`DataFormatError` naming the file, the JSON path of the field
(``pcf.pCfExcludingBiogenic``, ``data[1].productIds[0]``) and what was expected.

Writing (:func:`pact_document`, :func:`write_pact`) builds a 2.3 or 3.0 ProductFootprint
from a :class:`PactExport`, whose amounts are per one ``declared_unit`` of ours. v3 keeps
them and states the declared unit as ``declaredUnitAmount`` of the matching PACT unit (1 t
→ 1000 kilogram); v2, whose values are per one PACT unit, divides them by that factor.
PACT v2 has no declared unit for pieces or hours: exporting those to 2.3 is refused.
Fields PACT requires but a calculation does not know (carbon contents, exempted
emissions, packaging, product mass) must be given; a missing one is a DataFormatError
naming both our field and PACT's. Data quality indicators are not written (PACT v2 DQRs
need coverage and completeness too, on a 1..3 scale).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Final, Literal

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from tanji.domain.factors import DomainError, PefQuality
from tanji.domain.suppliers import SupplierFootprint
from tanji.domain.units import UnitError, convert, same_dimension
from tanji.io.errors import DataFormatError

__all__ = [
    "OFFICIAL_SCHEMA_FILES",
    "TANJI_SCHEMA_V2",
    "TANJI_SCHEMA_V3",
    "PactExport",
    "PactSpec",
    "pact_document",
    "pact_format_checker",
    "read_pact",
    "read_pact_all",
    "read_pact_object",
    "write_pact",
]

PactSpec = Literal["2.3", "3.0"]
JsonPath = tuple[str | int, ...]

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

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

# --------------------------------------------------------------------------------------
# Tanji's own JSON Schema: only the fields read, always checked
# --------------------------------------------------------------------------------------


def _pattern(pattern: str, expected: str) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "description": expected}


_DEC: Final = _pattern(_DECIMAL, 'a decimal number written as a JSON string, such as "1.23"')
_TIME: Final = _pattern(_DATE_TIME, 'an RFC 3339 date-time such as "2024-01-01T00:00:00Z"')
_TEXT: Final = {"type": "string", "minLength": 1, "description": "a non-empty string"}
_GEOGRAPHY: Final = {
    "geographyRegionOrSubregion": {"type": "string", "enum": list(_REGIONS)},
    "geographyCountry": _pattern(_COUNTRY, 'an ISO 3166-1 alpha-2 country code such as "CN"'),
    "geographyCountrySubdivision": _pattern(
        _SUBDIVISION, 'an ISO 3166-2 subdivision code such as "CN-JS"'
    ),
}
_AT_MOST_ONE_GEOGRAPHY: Final = {
    "description": "at most one geography field",
    "not": {"anyOf": [{"required": list(pair)} for pair in combinations(_GEOGRAPHY_FIELDS, 2)]},
}


def _root(version: dict[str, Any], required: list[str], pcf: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "description": "a PACT ProductFootprint (a JSON object)",
        "required": [
            "id",
            "specVersion",
            *required,
            "companyName",
            "productIds",
            "productNameCompany",
            "pcf",
        ],
        "properties": {
            "id": _pattern(_UUID, 'a UUID such as "3f6d2a0e-8b1c-4c7e-9a55-2d1e0b7c9f01"'),
            "specVersion": _pattern(_SPEC_VERSION, 'a version such as "2.3.0" or "3.0.0"'),
            **version,
            "companyName": _TEXT,
            "productIds": {
                "type": "array",
                "minItems": 1,
                "description": "a non-empty list of URNs",
                "items": _pattern(_URN, 'a URN such as "urn:gtin:06901234567892"'),
            },
            "productNameCompany": _TEXT,
            "pcf": pcf,
        },
    }


def _pcf(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "a CarbonFootprint (a JSON object)",
        "required": [*required, "referencePeriodStart", "referencePeriodEnd"],
        "properties": {
            **properties,
            "referencePeriodStart": _TIME,
            "referencePeriodEnd": _TIME,
            **_GEOGRAPHY,
        },
        "allOf": [_AT_MOST_ONE_GEOGRAPHY],
    }


_V2_DQR: Final = {"type": "number", "description": "a data quality rating (a JSON number in v2)"}

#: Tanji's own check of a PACT v2.x ProductFootprint (the fields read).
TANJI_SCHEMA_V2: Final = _root(
    {"version": {"type": "integer", "minimum": 0, "description": "an integer >= 0"}},
    ["version"],
    _pcf(
        {
            "declaredUnit": {"type": "string", "enum": list(_V2_UNITS)},
            "unitaryProductAmount": _DEC,
            "pCfExcludingBiogenic": _DEC,
            "pCfIncludingBiogenic": _DEC,
            "dLucGhgEmissions": _DEC,
            "aircraftGhgEmissions": _DEC,
            "primaryDataShare": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "a percentage from 0 to 100 (a JSON number in v2)",
            },
            "dqi": {
                "type": "object",
                "description": "a DataQualityIndicators object",
                "properties": dict.fromkeys(
                    ("technologicalDQR", "temporalDQR", "geographicalDQR", "reliabilityDQR"),
                    _V2_DQR,
                ),
            },
            "assurance": {
                "type": "object",
                "description": "an Assurance object",
                "required": ["assurance"],
                "properties": {
                    "assurance": {"type": "boolean", "description": "true or false"},
                    "providerName": {"type": "string", "description": "a string"},
                },
            },
        },
        ["declaredUnit", "pCfExcludingBiogenic"],
    ),
)

#: Tanji's own check of a PACT v3.0 ProductFootprint (the fields read).
TANJI_SCHEMA_V3: Final = _root(
    {"created": _TIME, "updated": _TIME},
    ["created"],
    _pcf(
        {
            "declaredUnitOfMeasurement": {"type": "string", "enum": list(_V3_UNIT_ENUM)},
            "declaredUnitAmount": _DEC,
            "pcfExcludingBiogenicUptake": _DEC,
            "pcfIncludingBiogenicUptake": _DEC,
            "landUseChangeGhgEmissions": _DEC,
            "aircraftGhgEmissions": _DEC,
            "primaryDataShare": _DEC,
            "dqi": {
                "type": "object",
                "description": "a DataQualityIndicators object",
                "properties": dict.fromkeys(
                    ("technologicalDQR", "geographicalDQR", "temporalDQR"), _DEC
                ),
            },
            "verification": {
                "type": "object",
                "description": "a Verification object",
                "properties": {"providerName": {"type": "string", "description": "a string"}},
            },
        },
        [
            "declaredUnitOfMeasurement",
            "declaredUnitAmount",
            "pcfExcludingBiogenicUptake",
            "pcfIncludingBiogenicUptake",
        ],
    ),
)


@lru_cache(maxsize=2)
def _tanji_validator(major: int) -> Draft202012Validator:
    return Draft202012Validator(TANJI_SCHEMA_V2 if major == 2 else TANJI_SCHEMA_V3)


def pact_format_checker() -> FormatChecker:
    """jsonschema's format checker plus PACT's custom ``decimal`` and ``urn`` formats."""
    checker = FormatChecker()

    @checker.checks("decimal")
    def _decimal(instance: object) -> bool:
        return not isinstance(instance, str) or re.fullmatch(_DECIMAL, instance) is not None

    @checker.checks("urn")
    def _urn(instance: object) -> bool:
        return not isinstance(instance, str) or re.match(_URN, instance) is not None

    return checker


@lru_cache(maxsize=8)
def _official_validator(schema_file: Path) -> Draft202012Validator:
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFormatError(
            str(schema_file), "official PACT schema not found in the schema folder"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFormatError(
            str(schema_file), f"cannot read the official PACT schema: {error}"
        ) from None
    return Draft202012Validator(schema, format_checker=pact_format_checker())


# --------------------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------------------

_MAX_PROBLEMS: Final = 12


def _pointer(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the JSON number {value!r}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


def _explain(error: ValidationError, prefix: JsonPath, ours: bool) -> list[str]:
    path = (*prefix, *error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required" and isinstance(instance, dict) and isinstance(value, list):
        missing = [name for name in value if name not in instance]
        return [f"{_pointer((*path, name))}: required, but missing" for name in missing]
    if kind in ("oneOf", "anyOf", "not") and isinstance(instance, dict):
        found = [name for name in _GEOGRAPHY_FIELDS if name in instance]
        if len(found) > 1:
            return [
                f"{_pointer(path)}: give at most one of {', '.join(_GEOGRAPHY_FIELDS)}, "
                f"found {' and '.join(found)}"
            ]
    expected = schema.get("description") if ours else None
    if kind == "enum" and isinstance(value, list):
        problem = "expected one of " + ", ".join(json.dumps(item) for item in value)
    elif isinstance(expected, str):
        problem = f"expected {expected}"
    elif kind == "type":
        types = value if isinstance(value, list) else [value]
        problem = "expected a JSON " + " or ".join(map(str, types))
    elif kind == "pattern":
        problem = f"expected a string matching {value}"
    elif kind == "format":
        problem = f"expected a {value} string"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        operator = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}.get(kind, "<")
        problem = f"expected a number {operator} {value}"
    elif kind == "minItems":
        problem = f"expected at least {value} item(s)"
    elif kind == "minLength":
        problem = f"expected at least {value} character(s)"
    elif kind == "uniqueItems":
        problem = "expected no repeated items"
    elif kind in ("oneOf", "anyOf", "not"):
        problem = "does not match the forms the schema allows"
    else:
        message = error.message
        return [f"{_pointer(path)}: {message if len(message) <= 200 else message[:197] + '...'}"]
    return [f"{_pointer(path)}: {problem}, got {_show(instance)}"]


def _validate(
    validator: Draft202012Validator,
    footprint: object,
    prefix: JsonPath,
    source: str,
    what: str,
    *,
    ours: bool,
) -> None:
    errors = sorted(validator.iter_errors(footprint), key=lambda e: list(map(str, e.path)))
    if not errors:
        return
    problems = list(
        dict.fromkeys(line for error in errors for line in _explain(error, prefix, ours))
    )
    more = (
        f"\n  ... and {len(problems) - _MAX_PROBLEMS} more" if len(problems) > _MAX_PROBLEMS else ""
    )
    raise DataFormatError(source, f"{what}:\n  " + "\n  ".join(problems[:_MAX_PROBLEMS]) + more)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


class _JsonError(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _JsonError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _load(path: Path) -> Any:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFormatError(source, "no such file") from None
    except UnicodeDecodeError:
        raise DataFormatError(source, "not UTF-8 text (PACT JSON is UTF-8)") from None
    except OSError as error:
        raise DataFormatError(source, f"cannot read the file: {error.strerror or error}") from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise DataFormatError(
            source, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except _JsonError as error:
        raise DataFormatError(source, f"not valid JSON: {error}") from None
    except RecursionError:
        raise DataFormatError(source, "not valid JSON: nested too deeply") from None


def _footprints(document: object, source: str) -> list[tuple[JsonPath, object]]:
    """The ProductFootprints a PACT file holds, each with its JSON path."""
    if isinstance(document, list):
        return [((index,), item) for index, item in enumerate(document)]
    if not isinstance(document, dict):
        raise DataFormatError(
            source, f"expected a PACT ProductFootprint (a JSON object), got {_show(document)}"
        )
    if "pcf" in document or "specVersion" in document:
        return [((), document)]
    if "specversion" in document and "type" in document:  # a CloudEvents event
        payload = document.get("data")
        pfs = payload.get("pfs") if isinstance(payload, dict) else None
        if isinstance(pfs, list):
            return [(("data", "pfs", index), item) for index, item in enumerate(pfs)]
        raise DataFormatError(
            source,
            f"a PACT event ({document['type']}) that carries no ProductFootprint; only a "
            "RequestFulfilled event holds footprints, in data.pfs",
        )
    if "data" in document:
        payload = document["data"]
        if isinstance(payload, list):
            return [(("data", index), item) for index, item in enumerate(payload)]
        if isinstance(payload, dict):
            return [(("data",), payload)]
        raise DataFormatError(
            source, f"data: expected a ProductFootprint or a list of them, got {_show(payload)}"
        )
    if "code" in document and "message" in document:
        raise DataFormatError(
            source,
            f"a PACT error response ({document['code']}: {document['message']}), "
            "not a ProductFootprint",
        )
    raise DataFormatError(
        source,
        "expected a PACT ProductFootprint (an object with specVersion and pcf), a response "
        '{"data": [...]} or a RequestFulfilled event; found none of these',
    )


def read_pact_all(path: Path, *, schema_dir: Path | None = None) -> list[SupplierFootprint]:
    """Every ProductFootprint of a PACT JSON file (one footprint, a response, an event).

    ``schema_dir``: the folder of the official PACT JSON Schemas (see
    :data:`OFFICIAL_SCHEMA_FILES`); when given, each footprint must also pass the one of
    its ``specVersion``.
    """
    source = str(path)
    return [
        _Reader(path, prefix, schema_dir).footprint(item)
        for prefix, item in _footprints(_load(path), source)
    ]


def read_pact(path: Path, *, schema_dir: Path | None = None) -> SupplierFootprint:
    """The one ProductFootprint of a PACT JSON file; see :func:`read_pact_all`."""
    footprints = read_pact_all(path, schema_dir=schema_dir)
    if len(footprints) != 1:
        found = "no ProductFootprint" if not footprints else f"{len(footprints)} ProductFootprints"
        raise DataFormatError(
            str(path), f"expected exactly one ProductFootprint, found {found} (use read_pact_all)"
        )
    return footprints[0]


def read_pact_object(
    item: object, *, source: str, schema_dir: Path | None = None
) -> SupplierFootprint:
    """One ProductFootprint already parsed from JSON (an API answer, an event's ``pfs``);
    ``source`` names where it came from (a URL) in errors and in the footprint's source."""
    reader = _Reader(Path("pact.json"), (), schema_dir)
    reader.source = source  # a URL is no path: Path would fold its "//"
    supplier = reader.footprint(item)
    spec = item.get("specVersion") if isinstance(item, dict) else ""
    return replace(supplier, source=f"PACT {spec} {source}")


def _official_file(major: int, minor: int) -> str:
    if major == 2:
        return OFFICIAL_SCHEMA_FILES[(2, 3) if minor >= 3 else (2, 2)]
    return OFFICIAL_SCHEMA_FILES[(3, 0)]


class _Reader:
    def __init__(self, path: Path, prefix: JsonPath, schema_dir: Path | None) -> None:
        self.path = path
        self.source = str(path)
        self.prefix = prefix
        self.schema_dir = schema_dir

    def fail(self, path: JsonPath, problem: str) -> DataFormatError:
        return DataFormatError(self.source, f"{_pointer((*self.prefix, *path))}: {problem}")

    def footprint(self, item: object) -> SupplierFootprint:
        if not isinstance(item, dict):
            raise self.fail((), f"expected a ProductFootprint (a JSON object), got {_show(item)}")
        spec = item.get("specVersion")
        if spec is None:
            raise self.fail(("specVersion",), "required, but missing")
        if not isinstance(spec, str) or not re.fullmatch(_SPEC_VERSION, spec):
            raise self.fail(
                ("specVersion",),
                f'expected a version such as "2.3.0" or "3.0.0", got {_show(spec)}',
            )
        major, minor = (int(part) for part in spec.split(".")[:2])
        if major not in (2, 3):
            raise self.fail(
                ("specVersion",), f"PACT {spec} is not supported: Tanji reads PACT 2.x and 3.0"
            )
        _validate(
            _tanji_validator(major),
            item,
            self.prefix,
            self.source,
            f"not a valid PACT {spec} ProductFootprint",
            ours=True,
        )
        if self.schema_dir is not None:
            name = _official_file(major, minor)
            _validate(
                _official_validator((self.schema_dir / name).resolve()),
                item,
                self.prefix,
                self.source,
                f"not a valid PACT {spec} ProductFootprint (official schema {name})",
                ours=False,
            )
        try:
            return self.build(item, spec, major)
        except (DomainError, UnitError) as error:
            raise self.fail((), str(error)) from None

    def build(self, item: Mapping[str, Any], spec: str, major: int) -> SupplierFootprint:
        pcf: Mapping[str, Any] = item["pcf"]
        if major == 2:
            version = str(int(item["version"]))
            unit = _V2_UNITS[pcf["declaredUnit"]]
            amount = Decimal(1)
            excluding = self.decimal(pcf, "pCfExcludingBiogenic")
            including = self.decimal(pcf, "pCfIncludingBiogenic")
            dluc = self.decimal(pcf, "dLucGhgEmissions")
            share = pcf.get("primaryDataShare")
            primary = None if share is None else Decimal(str(share))
            assurance = pcf.get("assurance")
            proof: Mapping[str, Any] = assurance if isinstance(assurance, dict) else {}
            verified = proof.get("assurance") is True
        else:
            version = str(item.get("updated") or item["created"])
            name = pcf["declaredUnitOfMeasurement"]
            if name not in _V3_UNITS:
                raise self.fail(
                    ("pcf", "declaredUnitOfMeasurement"),
                    f"{name!r} has no unit in Tanji's unit registry (bits are dimensionless "
                    "there, so megabit-seconds would convert to hours)",
                )
            unit = _V3_UNITS[name]
            amount = self.decimal(pcf, "declaredUnitAmount") or Decimal(0)
            if amount <= 0:
                raise self.fail(
                    ("pcf", "declaredUnitAmount"), f"expected an amount > 0, got {amount}"
                )
            excluding = self.decimal(pcf, "pcfExcludingBiogenicUptake")
            including = self.decimal(pcf, "pcfIncludingBiogenicUptake")
            dluc = self.decimal(pcf, "landUseChangeGhgEmissions")
            primary = self.decimal(pcf, "primaryDataShare")
            verification = pcf.get("verification")
            verified = isinstance(verification, dict)
            proof = verification if isinstance(verification, dict) else {}
        assert excluding is not None  # required by the schema
        if primary is not None and not 0 <= primary <= 100:
            raise self.fail(
                ("pcf", "primaryDataShare"), f"expected a percentage from 0 to 100, got {primary}"
            )
        total = including if including is not None else excluding
        biogenic = including - excluding if including is not None else Decimal(0)
        aircraft = self.decimal(pcf, "aircraftGhgEmissions")
        start = self.moment(pcf, "referencePeriodStart")
        end = self.moment(pcf, "referencePeriodEnd")
        last_day = end.date() - timedelta(days=1) if end.time() == time(0) else end.date()
        return SupplierFootprint(
            ref=item["id"],
            version=version,
            product_id=item["productIds"][0],
            product_name=item["productNameCompany"],
            company=item["companyName"],
            declared_amount=float(amount),
            declared_unit=unit,
            total=float(total),
            biogenic=float(biogenic),
            dluc=float(dluc or Decimal(0)),
            aircraft=float(aircraft or Decimal(0)),
            primary_data_share=None if primary is None else float(primary / 100),
            quality=self.quality(pcf.get("dqi"), major),
            period_start=start.date(),
            period_end=last_day,
            geography=next((pcf[name] for name in _GEOGRAPHY_FIELDS if name in pcf), ""),
            verified=verified,
            verifier=str(proof.get("providerName", "")) if verified else "",
            source=f"PACT {spec} file {self.path.name}",
        )

    def decimal(self, pcf: Mapping[str, Any], name: str) -> Decimal | None:
        value = pcf.get(name)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):  # the schema makes this unreachable
            raise self.fail(
                ("pcf", name), f"expected a decimal string, got {_show(value)}"
            ) from None
        if not math.isfinite(float(number)):
            raise self.fail(("pcf", name), f"the number {_show(value)} is too large")
        return number

    def moment(self, pcf: Mapping[str, Any], name: str) -> datetime:
        text = str(pcf[name])
        try:
            return datetime.fromisoformat(text.upper())
        except ValueError:
            raise self.fail(("pcf", name), f"not a valid date-time: {text!r}") from None

    def quality(self, dqi: object, major: int) -> PefQuality:
        if not isinstance(dqi, dict):
            return PefQuality()

        def rating(name: str) -> int | None:
            value = dqi.get(name)
            if value is None:
                return None
            score = int(Decimal(str(value)).to_integral_value(rounding=ROUND_HALF_UP))
            return min(5, max(1, score))

        return PefQuality(
            ter=rating("technologicalDQR"),
            ger=rating("geographicalDQR"),
            tir=rating("temporalDQR"),
            p=rating("reliabilityDQR") if major == 2 else None,
        )


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PactExport:
    """One of our footprints, to be written as a PACT ProductFootprint.

    Amounts are kg CO2e (carbon contents: kg C) per one ``declared_unit`` (a unit string
    of ours: "kg", "t", "kWh", "m**2", "piece"...). ``total`` includes biogenic emissions
    and removals, ``excluding_biogenic`` leaves out the biogenic CO2 uptake
    (``biogenic_removals``, <= 0). ``unitary_product_amount`` is how many declared units
    one product holds (PACT v2 only). ``primary_data_share`` is a fraction (0..1).
    ``period_end`` is the last day included. ``geography``: "CN-JS" (ISO 3166-2), "CN"
    (ISO 3166-1), a UN region name from PACT's list, or "" for global.
    ``cross_sectoral_standards`` accepts v2 names ("ISO Standard 14067") or codes
    ("ISO14067"). Fields left None that the chosen PACT version requires make
    :func:`pact_document` fail with a message naming them.
    """

    id: str
    version: int
    created: datetime
    company_name: str
    company_ids: Sequence[str]
    product_name: str
    product_ids: Sequence[str]
    product_description: str
    product_category_cpc: str
    declared_unit: str
    unitary_product_amount: float
    total: float
    excluding_biogenic: float
    fossil: float
    period_start: date
    period_end: date
    biogenic_removals: float = 0.0
    dluc: float = 0.0
    aircraft: float = 0.0
    primary_data_share: float | None = None
    geography: str = ""
    characterization: str = "AR6"
    boundary: str = ""
    cross_sectoral_standards: Sequence[str] = ("ISO Standard 14067",)
    verified: bool = False
    verifier: str = ""
    fossil_carbon_content: float | None = None
    biogenic_carbon_content: float | None = None
    product_mass_per_declared_unit: float | None = None  # kg per declared_unit
    exempted_emissions_percent: float | None = None
    exempted_emissions_description: str = ""
    packaging_emissions_included: bool | None = None
    comment: str = ""


def write_pact(path: Path, export: PactExport, *, spec: PactSpec = "3.0") -> None:
    """Write ``export`` as a PACT ``spec`` ProductFootprint JSON file (UTF-8)."""
    document = pact_document(export, spec=spec)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def pact_document(export: PactExport, *, spec: PactSpec = "3.0") -> dict[str, Any]:
    """A PACT ``spec`` ("2.3" or "3.0") ProductFootprint, as a JSON-ready dict."""
    if spec not in ("2.3", "3.0"):
        raise DataFormatError(f"PACT export {export.id}", f"spec: expected 2.3 or 3.0, not {spec}")
    return _Writer(export, spec).document()


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text.lstrip("-").strip("0.") == "" else text


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# Our export fields that PACT requires but a calculation may not know → PACT's names.
_REQUIRED_NAMES: Final = {
    "fossil_carbon_content": "pcf.fossilCarbonContent",
    "biogenic_carbon_content": "pcf.biogenicCarbonContent",
    "exempted_emissions_percent": "pcf.exemptedEmissionsPercent",
}


@dataclass(frozen=True)
class _Amounts:
    """An export's amounts, checked, per one of our declared units."""

    total: Decimal
    excluding: Decimal
    fossil: Decimal
    removals: Decimal
    dluc: Decimal
    aircraft: Decimal
    fossil_carbon: Decimal
    biogenic_carbon: Decimal | None
    mass: Decimal | None  # kg of product
    exempted: Decimal  # percent
    share: Decimal | None  # percent


class _Writer:
    def __init__(self, export: PactExport, spec: PactSpec) -> None:
        self.x = export
        self.spec = spec
        self.v2 = spec == "2.3"
        self.source = f"PACT {spec} export {export.id or '(no id)'}"

    def fail(self, field: str, problem: str) -> DataFormatError:
        return DataFormatError(self.source, f"{field}: {problem}")

    def amount(
        self, field: str, value: float | None, sign: Literal["", ">= 0", "<= 0", "> 0"] = ""
    ) -> Decimal:
        if value is None:
            name = _REQUIRED_NAMES.get(field, field)
            raise self.fail(field, f"PACT {self.spec} requires {name}; give a value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise self.fail(field, f"expected a finite number, got {value}")
        ok = {
            "": True,
            ">= 0": value >= 0,
            "<= 0": value <= 0,
            "> 0": value > 0,
        }[sign]
        if not ok:
            raise self.fail(field, f"PACT {self.spec} requires a value {sign}, got {value}")
        return _dec(value + 0.0)

    def urns(self, field: str, values: Sequence[str]) -> list[str]:
        if isinstance(values, str) or not values:
            raise self.fail(field, "expected a non-empty list of URNs")
        for value in values:
            if not isinstance(value, str) or not re.match(_URN, value):
                raise self.fail(
                    field, f'expected URNs such as "urn:gtin:06901234567892", got {value!r}'
                )
        return _unique(values)

    def text(self, field: str, value: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected a non-empty string")
        return value

    def declared_unit(self) -> tuple[str, Decimal]:
        """The PACT declared unit for ours, and how many of them one of ours is."""
        unit = self.x.declared_unit
        table = _V2_UNITS if self.v2 else _V3_UNITS
        try:
            candidates = [name for name, ours in table.items() if same_dimension(unit, ours)]
        except UnitError as error:
            raise self.fail("declared_unit", str(error)) from None
        if not candidates:
            allowed = ", ".join(table)
            if self.v2 and same_dimension(unit, "piece"):
                problem = (
                    f"{unit!r}: PACT v2 has no per-piece declared unit (declaredUnit is one "
                    f"of {allowed}); export as PACT 3.0, whose declared unit may be 'piece'"
                )
            elif self.v2 and same_dimension(unit, "h"):
                problem = (
                    f"{unit!r}: PACT v2 has no per-hour declared unit (declaredUnit is one "
                    f"of {allowed}); export as PACT 3.0"
                )
            else:
                problem = f"no PACT {self.spec} declared unit for {unit!r}; PACT has {allowed}"
            raise self.fail("declared_unit", problem)
        factors = {name: convert(1.0, unit, table[name]) for name in candidates}
        for name, factor in factors.items():
            if math.isclose(factor, 1.0, rel_tol=1e-12):
                return name, Decimal(1)
        for name, factor in factors.items():
            exponent = round(math.log10(factor))
            if math.isclose(factor, 10.0**exponent, rel_tol=1e-12):
                return name, Decimal(1).scaleb(exponent)
        name = candidates[0]
        return name, _dec(factors[name])

    def geography(self) -> dict[str, str]:
        text = self.x.geography.strip()
        if text.upper() in _GLOBAL:
            return {}
        if re.fullmatch(_SUBDIVISION, text.upper()):
            return {"geographyCountrySubdivision": text.upper()}
        if re.fullmatch(_COUNTRY, text.upper()):
            return {"geographyCountry": text.upper()}
        if text in _REGIONS:
            return {"geographyRegionOrSubregion": text}
        raise self.fail(
            "geography",
            f"expected an ISO 3166-2 code (CN-JS), an ISO 3166-1 code (CN), a UN region "
            f"({', '.join(_REGIONS[:5])}...) or '' for global, got {text!r}",
        )

    def standards(self) -> dict[str, list[str]]:
        given = self.x.cross_sectoral_standards
        if isinstance(given, str):
            given = (given,)
        codes = _unique(_STANDARD_CODES.get(name, name) for name in given)
        if not codes:
            raise self.fail("cross_sectoral_standards", "expected at least one standard")
        if not self.v2:
            return {"crossSectoralStandards": codes}
        unknown = [code for code in codes if code not in _V23_STANDARD_CODES]
        if unknown:
            raise self.fail(
                "cross_sectoral_standards",
                f"PACT 2.3 knows {', '.join(_V23_STANDARD_CODES)} "
                f"(or {', '.join(_STANDARD_CODES)}), not {', '.join(unknown)}",
            )
        names = {code: name for name, code in _STANDARD_CODES.items()}
        used = [names[code] for code in codes if code in names]
        if not used:
            raise self.fail(
                "cross_sectoral_standards",
                "PACT 2.3 requires crossSectoralStandardsUsed, one of "
                f"{', '.join(_STANDARD_CODES)}",
            )
        return {"crossSectoralStandardsUsed": used, "crossSectoralStandards": codes}

    def product_mass(self) -> Decimal | None:
        """kg of product per one of our declared units, when given or evident."""
        x = self.x
        if x.product_mass_per_declared_unit is not None:
            return self.amount(
                "product_mass_per_declared_unit", x.product_mass_per_declared_unit, ">= 0"
            )
        if same_dimension(x.declared_unit, "kg"):
            return _dec(convert(1.0, x.declared_unit, "kg"))
        if any(same_dimension(x.declared_unit, unit) for unit in ("kWh", "t*km", "h")):
            return Decimal(0)  # energy, transport, services: PACT says 0
        return None

    def amounts(self) -> _Amounts:
        x = self.x
        share = None
        if x.primary_data_share is not None:
            share = self.amount("primary_data_share", x.primary_data_share, ">= 0") * 100
            if share > 100:
                raise self.fail(
                    "primary_data_share",
                    f"expected a fraction from 0 to 1, got {x.primary_data_share}",
                )
        exempted = self.amount("exempted_emissions_percent", x.exempted_emissions_percent, ">= 0")
        if self.v2 and exempted > 100:
            raise self.fail("exempted_emissions_percent", f"expected 0 to 100, got {exempted}")
        return _Amounts(
            total=self.amount("total", x.total),
            excluding=self.amount(
                "excluding_biogenic", x.excluding_biogenic, ">= 0" if self.v2 else ""
            ),
            fossil=self.amount("fossil", x.fossil, ">= 0"),
            removals=self.amount("biogenic_removals", x.biogenic_removals, "<= 0"),
            dluc=self.amount("dluc", x.dluc, ">= 0"),
            aircraft=self.amount("aircraft", x.aircraft, ">= 0"),
            fossil_carbon=self.amount("fossil_carbon_content", x.fossil_carbon_content, ">= 0"),
            biogenic_carbon=(
                self.amount("biogenic_carbon_content", x.biogenic_carbon_content, ">= 0")
                if self.v2 or x.biogenic_carbon_content is not None
                else None
            ),
            mass=self.product_mass(),
            exempted=exempted,
            share=share,
        )

    def document(self) -> dict[str, Any]:
        x = self.x
        if not isinstance(x.id, str) or not re.fullmatch(_UUID, x.id):
            raise self.fail("id", f"expected a UUID, got {x.id!r}")
        if isinstance(x.version, bool) or not isinstance(x.version, int) or x.version < 0:
            raise self.fail("version", f"expected an integer >= 0, got {x.version!r}")
        if x.period_start > x.period_end:
            raise self.fail("period_start", f"{x.period_start} is after period_end {x.period_end}")
        if not re.fullmatch(_IPCC, x.characterization):
            raise self.fail(
                "characterization",
                f"expected an IPCC assessment report such as AR6, got {x.characterization!r}",
            )
        created = x.created if x.created.tzinfo else x.created.replace(tzinfo=UTC)
        document: dict[str, Any] = {
            "id": x.id.lower(),
            "specVersion": "2.3.0" if self.v2 else "3.0.0",
        }
        if self.v2:
            document["version"] = x.version
        document["created"] = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        document["status"] = "Active"
        if self.v2 or x.comment:
            document["comment"] = x.comment
        document["companyName"] = self.text("company_name", x.company_name)
        document["companyIds"] = self.urns("company_ids", x.company_ids)
        document["productDescription"] = x.product_description
        document["productIds"] = self.urns("product_ids", x.product_ids)
        cpc = x.product_category_cpc.strip()
        if self.v2:
            document["productCategoryCpc"] = self.text("product_category_cpc", cpc)
        if cpc:
            if not re.fullmatch(r"[A-Za-z0-9.-]+", cpc):
                raise self.fail("product_category_cpc", f"expected a CPC code, got {cpc!r}")
            document["productClassifications"] = [f"urn:pact:productclassification:un-cpc:{cpc}"]
        document["productNameCompany"] = self.text("product_name", x.product_name)
        unit = self.declared_unit()
        amounts = self.amounts()
        document["pcf"] = self.v2_pcf(amounts, *unit) if self.v2 else self.v3_pcf(amounts, *unit)
        return document

    def period(self) -> dict[str, str]:
        """PACT's reference period; its end is exclusive: the day after our last day."""
        start, end = self.x.period_start, self.x.period_end + timedelta(days=1)
        return {
            "referencePeriodStart": f"{start.isoformat()}T00:00:00Z",
            "referencePeriodEnd": f"{end.isoformat()}T00:00:00Z",
        }

    def v3_pcf(self, a: _Amounts, pact_unit: str, per_ours: Decimal) -> dict[str, Any]:
        """v3 states the declared unit as an amount of a PACT unit; values stay ours."""
        x = self.x
        if a.mass is None:
            raise self.fail(
                "product_mass_per_declared_unit",
                "PACT 3.0 requires productMassPerDeclaredUnit for a declared unit of "
                f"{x.declared_unit!r}; give the product's mass in kg per declared unit",
            )
        pcf: dict[str, Any] = {
            "declaredUnitOfMeasurement": pact_unit,
            "declaredUnitAmount": _text(per_ours),
            "productMassPerDeclaredUnit": _text(a.mass),
            **self.period(),
            **self.geography(),
        }
        if x.boundary:
            pcf["boundaryProcessesDescription"] = x.boundary
        pcf["pcfExcludingBiogenicUptake"] = _text(a.excluding)
        pcf["pcfIncludingBiogenicUptake"] = _text(a.total)
        pcf["fossilGhgEmissions"] = _text(a.fossil)
        pcf["fossilCarbonContent"] = _text(a.fossil_carbon)
        if a.biogenic_carbon is not None:
            pcf["biogenicCarbonContent"] = _text(a.biogenic_carbon)
        pcf["landUseChangeGhgEmissions"] = _text(a.dluc)
        pcf["biogenicCO2Uptake"] = _text(a.removals)
        pcf["aircraftGhgEmissions"] = _text(a.aircraft)
        if x.packaging_emissions_included is not None:
            pcf["packagingEmissionsIncluded"] = x.packaging_emissions_included
        pcf["ipccCharacterizationFactors"] = [x.characterization]
        pcf.update(self.standards())
        pcf["exemptedEmissionsPercent"] = _text(a.exempted)
        if x.exempted_emissions_description:
            pcf["exemptedEmissionsDescription"] = x.exempted_emissions_description
        if a.share is not None:
            pcf["primaryDataShare"] = _text(a.share)
        if x.verified:
            pcf["verification"] = {"providerName": x.verifier} if x.verifier else {}
        return pcf

    def v2_pcf(self, a: _Amounts, pact_unit: str, per_ours: Decimal) -> dict[str, Any]:
        """v2 values are per one PACT unit: ours divided by how many of it one of ours is."""
        x = self.x

        def per(value: Decimal) -> str:
            return _text(value / per_ours)

        if x.characterization not in ("AR5", "AR6"):
            raise self.fail(
                "characterization",
                f"PACT 2.3 characterizationFactors is AR5 or AR6, not {x.characterization}",
            )
        if x.packaging_emissions_included is None:
            raise self.fail(
                "packaging_emissions_included",
                "PACT 2.3 requires packagingEmissionsIncluded; give True or False",
            )
        if x.verified and not x.verifier.strip():
            raise self.fail("verifier", "PACT 2.3 assurance requires the verifier's name")
        unitary = self.amount("unitary_product_amount", x.unitary_product_amount, "> 0")
        assert a.biogenic_carbon is not None  # required in v2: amounts() asked for it
        pcf: dict[str, Any] = {
            "declaredUnit": pact_unit,
            "unitaryProductAmount": _text(unitary * per_ours),
        }
        if a.mass is not None:
            pcf["productMassPerDeclaredUnit"] = per(a.mass)
        pcf.update(
            {
                "pCfExcludingBiogenic": per(a.excluding),
                "pCfIncludingBiogenic": per(a.total),
                "fossilGhgEmissions": per(a.fossil),
                "fossilCarbonContent": per(a.fossil_carbon),
                "biogenicCarbonContent": per(a.biogenic_carbon),
                "dLucGhgEmissions": per(a.dluc),
                "aircraftGhgEmissions": per(a.aircraft),
                "biogenicCarbonWithdrawal": per(a.removals),
                "characterizationFactors": x.characterization,
                "ipccCharacterizationFactorsSources": [x.characterization],
                **self.standards(),
                "boundaryProcessesDescription": x.boundary,
                **self.period(),
                **self.geography(),
                "exemptedEmissionsPercent": float(a.exempted),
                "exemptedEmissionsDescription": x.exempted_emissions_description,
                "packagingEmissionsIncluded": x.packaging_emissions_included,
            }
        )
        if a.share is not None:
            pcf["primaryDataShare"] = float(a.share)
        if x.verified:
            pcf["assurance"] = {"assurance": True, "providerName": x.verifier}
        return pcf
