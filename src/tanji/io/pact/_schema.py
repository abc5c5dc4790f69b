"""Tanji's own JSON Schemas of a PACT ProductFootprint (the fields read), the official
schemas' validators, and the error messages naming each problem's JSON path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from tanji.io.errors import DataFormatError
from tanji.io.pact._vocab import (
    _COUNTRY,
    _DATE_TIME,
    _DECIMAL,
    _GEOGRAPHY_FIELDS,
    _REGIONS,
    _SPEC_VERSION,
    _SUBDIVISION,
    _URN,
    _UUID,
    _V2_UNITS,
    _V3_UNIT_ENUM,
    JsonPath,
)

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
