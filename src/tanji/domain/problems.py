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
