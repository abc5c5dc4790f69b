"""English texts of the problems of an uploaded activity-data workbook, by code.

The reader (:mod:`tanji.io.activity_template`) says each problem of a cell, a row, a
column or the workbook as a :class:`~tanji.domain.problems.Problem` with one of these
codes; :data:`tanji.domain.problems.TEXTS` holds them with the others, so the web says
them in the reader's language. ``{placeholders}`` are filled from the values.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["TEMPLATE_TEXTS"]

_AGAIN = "download the activity-data template from the product's page"

TEMPLATE_TEXTS: Mapping[str, str] = {
    # the workbook
    "template-not-xlsx": "not an Excel .xlsx workbook ({detail})",
    "template-file": "{file}: {problem}",
    "template-no-meta": f"not a Tanji activity-data template (no '{{sheet}}' sheet); {_AGAIN}",
    "template-format": f"not a Tanji activity-data template ({{format}}); {_AGAIN}",
    "template-other-product": (
        f"this workbook was made for product '{{made_for}}', not for '{{product}}'; {_AGAIN}"
    ),
    "template-no-data-sheet": (
        "no sheet '{sheet}'; expected the activity-data template of the product"
    ),
    "template-empty": "the sheet is empty; expected the template's header and one row per line",
    "template-model-checks": (
        "the filled model does not pass the model checks ({file}:N below is row N of the "
        "sheet): {detail}"
    ),
    # the header
    "template-unknown-column": (
        "unknown column; expected the template's columns (generate a new template)"
    ),
    "template-column-repeated": "column repeated (first in {first})",
    "template-column-missing": 'column "{column}" is missing; generate a new template',
    # the rows and lines
    "template-id-empty": "the line id is empty; expected the id of a line of the model",
    "template-unknown-line": "unknown line id '{line}'; the model's lines are: {known}",
    "template-unknown-line-like": (
        "unknown line id '{line}' (did you mean '{like}'?); the model's lines are: {known}"
    ),
    "template-line-repeated": (
        "line '{line}' repeated: it is already in row {row}; expected one row per line"
    ),
    "template-no-row": (
        "no row for line '{line}' (lines[{index}]); expected one row per line of the model: "
        "download the template again"
    ),
    # the cells
    "template-not-finite": "{text} is not a finite number",
    "template-too-large": "'{text}' is too large a number",
    "template-not-number": "'{text}' is not a number; expected a number such as 12.5",
    "template-not-transport": "'{text}' given, but this is not a transport line; leave it empty",
    "template-transport": (
        "'{text}' given, but a transport line takes its mass and distance instead; leave it empty"
    ),
    "template-factor-not-linked": (
        "'{text}' given, but this line is not linked to a factor; leave it empty"
    ),
    "template-factor-not-reference": (
        "'{text}' is not a factor of the library; choose one from the cell's list (a "
        "reference such as cn-fuels:CN-NDRC-NATURAL-GAS-M3)"
    ),
    "template-amount-required": "required; expected a number, e.g. {example}",
    "template-amount-negative": "{value} is negative; expected an amount ≥ 0",
    "template-amount-too-large": (
        "{value} is beyond the largest quantity accepted ({limit}); expected an amount of at "
        "most {limit}"
    ),
    "template-unit-required": "required; expected a unit of {kind} such as '{current}'",
    "template-unit-kind": (
        "'{unit}' is a unit of {unit_kind}, but this line is in '{current}' ({kind}); "
        "expected a unit of {kind} such as '{current}'"
    ),
    "template-unit-unknown": "unknown unit '{unit}'; expected a unit of {kind} such as '{current}'",
    "template-data-kind": "'{text}' is not primary or secondary (初级/次级)",
    "template-score": (
        "{value} is not a PEF quality score; expected a whole number from 1 (excellent) to 5 (poor)"
    ),
    "template-distribution-missing": (
        "empty, but {given} is given; expected the distribution ({choices}) or empty "
        "parameter cells"
    ),
    "template-distribution-unknown": ("'{text}' is not a distribution; expected one of {choices}"),
    "template-distribution-unknown-like": (
        "'{text}' is not a distribution (did you mean '{like}'?); expected one of {choices}"
    ),
    "template-gsd-missing": "a lognormal distribution needs its gsd; expected a number > 1",
    "template-gsd": (
        "{value} is not a geometric standard deviation; a lognormal distribution needs a gsd "
        "greater than 1 (1.2 means about ±20 %)"
    ),
    "template-sd-missing": (
        "a normal distribution needs its standard deviation; expected a number ≥ 0"
    ),
    "template-sd-negative": "{value} is negative; expected a standard deviation ≥ 0",
    "template-minimum-missing": (
        "a {distribution} distribution needs its minimum; expected a number"
    ),
    "template-maximum-missing": (
        "a {distribution} distribution needs its maximum; expected a number"
    ),
    "template-min-max": ("minimum {low} is not below maximum {high}; expected minimum < maximum"),
    # what an applied workbook changed (``lines[3] (id power).quantity: 1200 kWh → 1.3 MWh``)
    "template-change": "lines[{index}] (id {line}).{field}: {old} → {new}",
}
