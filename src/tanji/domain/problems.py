"""Problems with what a person typed, said in English and translatable.

A :class:`Problem` is a ``str`` — the English message the API, the command line and the
logs show — that also carries its ``code`` and ``values``, so the web layer can say it in
the reader's language (:mod:`tanji.web.ui.problems` holds the catalogue texts by code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tanji.domain.factor_table_problems import FACTOR_TABLE_TEXTS
from tanji.domain.lci_import_problems import LCI_IMPORT_TEXTS
from tanji.domain.template_problems import TEMPLATE_TEXTS

__all__ = ["TEXTS", "Problem", "problem_data", "problem_from", "problem_of"]

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
    # Forms: a new product and its facts (tanji.services.products, product_facts)
    "product-code": "letters, digits and . _ : / - (starting with a letter or digit)",
    "name-missing": "give the product's name in Chinese or English",
    "quantity-expected": "expected a number and a unit such as '12.5 MWh', got '{text}'",
    "unit-unknown": "unknown unit '{unit}'",
    "amount-not-positive": "the amount must be positive, got '{text}'",
    "date-expected": "expected a date as YYYY-MM-DD, got '{text}'",
    "output-unit": ("expected a quantity in units of the declared unit ({unit}), got '{text}'"),
    "period-order": "the period ends ({end}) before it starts ({start})",
    "gtin-digits": "a GTIN has 8 to 14 digits",
    "number-expected": "expected a number, such as 1200 or 12.5",
    # Findings of a model under its rule (tanji.domain.rules.check) and of the workspace.
    "finding-skeleton-rule": "{rule} is a skeleton (data outline), not yet a rule to account by",
    "finding-rule-draft": "{rule} is draft",
    "finding-rule-superseded": "{rule} is superseded",
    "finding-category": "the model's category '{category}' is not one of the rule's ({categories})",
    "finding-declared-unit": (
        "declared unit {declared} does not measure what the rule's does ({rule_unit})"
    ),
    "finding-boundary": "the rule asks for {rule_boundary}; the model is {boundary}",
    "finding-boundary-more": (
        "the rule's boundary is {rule_boundary}; the model's {boundary} includes more"
    ),
    "finding-gwp-set": (
        "the rule uses {rule_method}; the model {method} (computing under the rule uses the rule's)"
    ),
    "finding-end-of-life": (
        "the rule's end-of-life method is {rule_method}; the model uses {method} (computing "
        "under the rule uses the rule's)"
    ),
    "finding-data-quality": "the result's DQR {dqr} is worse than the rule's maximum {maximum}",
    "finding-line-data-quality": (
        "line {line} carries {share} of the total with DQR {dqr}; the rule allows at most "
        "{maximum} for lines above {above}"
    ),
    "finding-stage-empty": "required stage {stage} ({stage_zh}) has no lines",
    "finding-stage-missing": "required stage {stage} ({stage_zh}) is missing",
    "finding-process-missing": (
        "stage {stage} must contain process {process} ({process_zh} / {process_en}); tag the "
        "line that models it with 'process: {process}'"
    ),
    "finding-stage-unknown": "stage {stage} is not a stage of the rule ({stages})",
    "finding-primary-data": "line {line} must be primary (site-specific) data under the rule",
    "finding-electricity-market": (
        "line {line} claims market-based instruments; the rule allows only location-based "
        "electricity (computed under the rule, all of it takes the grid factor)"
    ),
    "finding-electricity-geography": (
        "line {line} uses the {grid} grid; the rule asks for the {level} grid of the "
        "production site"
    ),
    "finding-electricity-basis": (
        "line {line} asks for the {basis} grid factor; the rule takes the {rule_basis} factor "
        "for grid electricity"
    ),
    "finding-electricity-factor": (
        "line {line} gives its own electricity factor; check it is the grid factor the rule "
        "prescribes"
    ),
    "finding-allocation": "{method} allocation is not allowed by the rule (hierarchy: {hierarchy})",
    "finding-allocation-hierarchy": (
        "{method} allocation is lower in the rule's hierarchy ({hierarchy}); state why the "
        "preferred method cannot be used"
    ),
    "finding-cut-off": (
        "excluded '{excluded}' is estimated at {share} of the footprint; the rule excludes at "
        "most {limit} per input"
    ),
    "finding-cut-off-total": (
        "the exclusions add up to {share} of the footprint; the rule allows at most {limit} in all"
    ),
    "finding-rule-unknown": "the model's rule {rule} is not known: {detail}",
    "finding-calculation": "the footprint cannot be calculated: {detail}",
    "finding-factor-to-choose": (
        "line {line}: no factor chosen yet (the template's placeholder counts 0 kg CO2e); pick "
        "one from the factor library or give one with its source"
    ),
    "finding-quantity-to-fill": (
        "line {line}: the quantity is 0; fill it (form or Excel template) or delete the line"
    ),
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
    # --- an uploaded activity-data workbook (tanji.io.activity_template)
    **TEMPLATE_TEXTS,
    # --- an uploaded factor table (tanji.io.factor_table) and a factor's own rules
    **FACTOR_TABLE_TEXTS,
    # --- an LCI data import (tanji.io.olca_jsonld and the other readers)
    **LCI_IMPORT_TEXTS,
    # --- a data import that failed in its job (tanji.web.jobs)
    "import-table": "{file}: {count}; nothing was imported:\n{lines}",
    "import-problems": (
        "{file}: {count}; nothing was imported (see the import policies: tanji data import --help):"
    ),
    "import-unreadable": "{file}: {problem}",
    "import-not-zip": "not a zip file; expected a zip of .spold files",
    "import-no-spold": "no .spold files; expected one folder of .spold files",
    "import-spold-folders": "data sets in several folders; expected one folder of .spold files",
}


class Problem(str):
    """An English message that also carries its ``code`` and ``values`` (for the web's
    translation). A value may itself be a :class:`Problem` (said in its turn)."""

    code: str
    values: dict[str, str]

    def __new__(cls, code: str, **values: Any) -> Problem:
        texts = {k: v if isinstance(v, Problem) else str(v) for k, v in values.items()}
        made = super().__new__(cls, TEXTS[code].format(**texts))
        made.code = code
        made.values = texts
        return made


def problem_of(error: BaseException) -> str:
    """The message an error was raised with: the :class:`Problem` itself when it was one
    (so the web can translate it), else the error's text."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Problem) else str(error)


def problem_data(problem: Problem) -> dict[str, Any]:
    """A problem as JSON data (``code``, ``values``; a value that is a problem nested),
    to store it and say it again later (:func:`problem_from`)."""
    values = {
        k: problem_data(v) if isinstance(v, Problem) else v for k, v in problem.values.items()
    }
    return {"code": problem.code, "values": values}


def problem_from(data: object) -> Problem | None:
    """The problem :func:`problem_data` stored (``None`` when ``data`` is not one, or its
    code is no longer known)."""
    if not isinstance(data, dict) or data.get("code") not in TEXTS:
        return None
    stored = data.get("values")
    if not isinstance(stored, dict):
        return None
    values: dict[str, Any] = {}
    for key, value in stored.items():
        nested = problem_from(value) if isinstance(value, dict) else None
        values[str(key)] = nested if nested is not None else value
    try:
        return Problem(str(data["code"]), **values)
    except (KeyError, IndexError, ValueError):
        return None  # the text's placeholders changed since it was stored
