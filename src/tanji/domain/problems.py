"""Problems with what a person typed, said in English and translatable.

A :class:`Problem` is a ``str`` — the English message the API, the command line and the
logs show — that also carries its ``code`` and ``values``, so the web layer can say it in
the reader's language (:mod:`tanji.web.ui.problems` holds the catalogue texts by code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TEXTS", "Problem", "problem_of"]

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
    # --- the government's desk (issue 17)
    "desk-year": "{value} is not a plan year; give a year from 2020 to 2100",
    "desk-sectors": "choose one or two different focus sectors (got {count})",
    "desk-city": "{city} is not a city of Jiangsu",
    "desk-target": "{value} is not a target; give a whole number from 0 to {limit}",
    # --- benchmarks (issue 16): the department's and enterprises' forms
    "bench-level_bounds": "level_bounds: positive and strictly increasing, got {bounds}",
    "bench-grade_bounds": "grade_bounds: positive and strictly increasing, got {bounds}",
    "bench-method-source": "source: a method's bounds name the document that sets them",
    "bench-amount": "{carrier}: amount must be ≥ 0, got {value}",
    "bench-energy-factor": "{carrier}: factor must be ≥ 0, got {value}",
    "bench-deductions": "zero-carbon generation, grid factor and sinks must be ≥ 0",
    "bench-value-added": "value_added: positive (10,000 CNY), got {value}",
    "bench-industry-average": "industry_average: positive, got {value}",
    "bench-share": "{kind}: share from 0 (excluded) to 1, got {value}",
    "bench-pv-kwh": "onsite-pv: kwh must be positive, got {value}",
    "bench-new-factor": "{kind}: give the new factor (DB:CODE or inline with source)",
    "bench-lever-line": "{kind}: name the line it changes",
    "bench-cost": "cost: a number, got {value}",
    "bench-no-line": "line {line}: not a line of the model",
    "bench-no-electricity": "no electricity line{line} in the model",
    "bench-recycled": "line {line}: recycled content applies to a material line",
    "bench-efficiency": "line {line}: process efficiency cuts a line's quantity",
    "bench-transport": "line {line}: not a transport line",
    "bench-percentiles-missing": "percentiles: give one for leading, baseline and limit",
    "bench-percentiles-range": "percentiles: each from 0 to 100, got {values}",
    "bench-percentiles-order": (
        "percentiles: leading ≤ baseline ≤ limit (lower footprint is better), got {values}"
    ),
    "bench-min-sample": "min_sample: at least 3, got {value}",
    "bench-max-dqr": "max_dqr: from 1 to 5 (PEF DQR), got {value}",
    "bench-bootstrap": "bootstrap: at least 100 resamples, got {value}",
    "bench-confidence": "confidence: from 0.5 to below 1, got {value}",
    "bench-document": "document: an official value names the document that sets it",
    "bench-value": "value: a positive number, got {value}",
    "bench-lever-kind": "one of {kinds}, got {value}",
    "bench-iterations": "from {low} to 5000, got {value}",
    "bench-number": "a number, got {value}",
    "bench-whole-number": "a whole number, got {value}",
    "bench-positive": "a positive number",
    "bench-non-negative": "a non-negative number",
    "bench-year": "a year from 2000 to 2100, got {value}",
    "bench-industry": "the industry code (GB/T 4754), e.g. C3841",
    "bench-missing": "missing {name}",
    "bench-energy": "report at least one energy carrier",
    "bench-grid-factor": "the grid factor that converts zero-carbon kWh",
    "bench-average-source": "name the document or statistics the average comes from",
    "bench-kind": "leading, baseline or limit, got {value}",
    "bench-category": "give the category and its declared unit",
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


def problem_of(error: BaseException) -> str:
    """The message an error was raised with: the :class:`Problem` itself when it was one
    (so the web can translate it), else the error's text."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Problem) else str(error)
