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
    "negative-factor": (
        "line {line}: the factor {factor} is negative ({value} kg CO2e per {factor_unit}); "
        "check its sign — a credit belongs in the report beside the footprint"
    ),
    "unknown-activity": (
        "line {line}: there is no LCI activity {activity} in a database you can read; "
        "choose one from the LCI data"
    ),
    "unknown-supplier": (
        "line {line}: there is no footprint of supplier product {supplier} on the "
        "platform; import the supplier's footprint or choose a factor"
    ),
    "line-changed-applied": (
        "line {line} changed after the workbook was downloaded; the cells changed in the "
        "workbook were applied to it"
    ),
    "line-changed-kept": (
        "line {line} changed after the workbook was downloaded; it was left as it is now"
    ),
    "line-removed": (
        "line {line} was removed from the product after the workbook was downloaded; its "
        "row was skipped"
    ),
    "line-added": (
        "line {line} was added after the workbook was downloaded; it is not in the workbook "
        "and was left as it is"
    ),
    "implausible-amount": (
        "line {line}: {value} {unit} is beyond any real product's inventory (more than "
        "{limit} {limit_unit}); check the amount and its unit"
    ),
    "implausible-factor": (
        "line {line}: the factor {factor} is {value} kg CO2e per {factor_unit}, beyond every "
        "published factor (more than {limit} kg CO2e per {limit_unit}); check the value "
        "and its unit"
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
