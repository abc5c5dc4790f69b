"""Problems with what a person typed, said in English and translatable.

A :class:`Problem` is a ``str`` — the English message the API, the command line and the
logs show — that also carries its ``code`` and ``values``, so the web layer can say it in
the reader's language (:mod:`tanji.web.ui.problems` holds the catalogue texts by code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TEXTS", "Problem"]

#: English texts of the problems, by code; ``{placeholders}`` from the values.
TEXTS: Mapping[str, str] = {
    "unknown-factor": (
        "line {line}: there is no factor {factor} in the factor library you can read; "
        "choose one from the library"
    ),
    "unit-mismatch": (
        "line {line}: the quantity is in {unit} ({kind}), but the factor {factor} counts "
        "per {factor_unit} ({factor_kind}); give the quantity in {factor_unit} (or another "
        "unit of {factor_kind}), or choose a factor per {unit}"
    ),
    "electricity-unit": (
        "line {line}: electricity is counted in a unit of energy (kWh, MWh), not in {unit}"
    ),
    "not-finite": "not a finite number",
    "amount-too-large": "{value} is beyond the largest quantity accepted ({limit})",
    "factor-too-large": "{value} kg per unit is beyond the largest factor accepted ({limit})",
    "too-long": "{length} characters; at most {limit}",
    "uscc-organisation-code": (
        "{uscc}: the organisation code inside the credit code (characters 9 to 17) does "
        "not add up; check them against the business licence"
    ),
    "uscc-region": (
        "characters 3 to 8 of the credit code, {division}, name the place of registration, "
        "which is not in {region_en}; a code issued there has {prefix} at characters 3 "
        "onwards: check the code or the city chosen"
    ),
    "negative-factor": (
        "line {line}: the factor {factor} is negative ({value} kg CO2e per {factor_unit}); "
        "check its sign — a credit belongs in the report beside the footprint"
    ),
}


class Problem(str):
    """An English message that also carries its ``code`` and ``values`` (for the web's
    translation)."""

    code: str
    values: dict[str, str]

    def __new__(cls, code: str, **values: Any) -> Problem:
        texts = {k: str(v) for k, v in values.items()}
        made = super().__new__(cls, TEXTS[code].format(**texts))
        made.code = code
        made.values = texts
        return made
