"""English texts of the problems of an uploaded factor table, by code.

The factor table reader (:mod:`tanji.io.factor_table`) says each problem of a cell, a
row or the file as a :class:`~tanji.domain.problems.Problem` with one of these codes,
and so do the rules of an emission factor (:mod:`tanji.domain.factors`) the reader
applies to each row; :data:`tanji.domain.problems.TEXTS` holds them with the others, so
the web says them in the reader's language. ``{placeholders}`` are filled from the
values.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["FACTOR_TABLE_TEXTS"]

FACTOR_TABLE_TEXTS: Mapping[str, str] = {
    # the file
    "table-suffix": "expected a .csv or .xlsx factor table (save .xls as .xlsx)",
    "table-encoding": "not text in UTF-8 or GB18030/GBK; save the CSV as UTF-8",
    "table-empty": "the file is empty; expected the template's header row (code, name_zh, …)",
    "table-no-rows": "no factors below the header (row {row})",
    # the header
    "table-unknown-column": "unknown column",
    "table-unknown-column-like": "unknown column (did you mean '{like}'?)",
    "table-column-missing": "required column is missing",
    "table-headless": "a value in a column without a header; name the column or delete it",
    # the cells
    "table-duplicate-code": "duplicate code '{text}': first used in row {row}",
    "table-required": "required; the cell is empty",
    "table-not-number": "'{text}' is not a number",
    "table-thousands": "'{text}' has a thousands separator: write {plain}",
    "table-not-whole": "'{text}' is not a whole number",
    "table-not-date": "'{text}' is not a date: write YYYY-MM-DD, e.g. 2024-01-31",
    "table-not-one-of": "'{text}' is not one of {choices}",
    "table-not-flag": "'{text}' is not true/false (also yes/no, 1/0, 是/否)",
    "table-not-gas": "'{text}' is not gas:kg (e.g. SF6:0.001;HFC-134a:0.02)",
    "table-unknown-gas": "unknown gas '{text}'",
    "table-unknown-gas-like": "unknown gas '{text}' (did you mean '{like}'?)",
    "table-gwp-basis": (
        "'{text}' is not a known GWP basis; use {choices}, or 'as published (…)' when the "
        "publisher does not say"
    ),
    "table-gwp-basis-like": (
        "'{text}' is not a known GWP basis (did you mean '{like}'?); use {choices}, or "
        "'as published (…)' when the publisher does not say"
    ),
    # the rules of an emission factor (tanji.domain.factors), each naming its field
    "factor-source-publisher": "source publisher: required (who published the value)",
    "factor-source-title": "source title: required (the document the value is in)",
    "factor-source-year": "source year: expected a year such as 2024, got {value}",
    "factor-gas-finite": "{gas}: amount must be a finite number, got {value}",
    "factor-distribution": "distribution: expected one of {choices}, got '{text}'",
    "factor-gsd": "gsd: a lognormal distribution needs a gsd greater than 1",
    "factor-sd": "sd: a normal distribution needs a standard deviation ≥ 0",
    "factor-min-max": "minimum, maximum: a {distribution} needs minimum < maximum",
    "factor-score": "{field}: expected a score from {low} to {high}, got {value}",
    "factor-required": "{field}: required",
    "factor-name": "name_zh, name_en: at least one name is required",
    "factor-values": "values: give kg per gas (co2_kg, ch4_kg, …) or co2e_kg",
    "factor-co2e-finite": "co2e_kg: must be a finite number, got {value}",
    "factor-gwp-basis": (
        "gwp_basis: with co2e_kg give one of {choices} or '{published}', got {text}"
    ),
    "factor-period": "valid_from, valid_to: the period ends before it starts",
    "factor-gases-once": "gases: each gas once, got {gases}",
}
