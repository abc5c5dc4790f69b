"""Emission-factor tables: the Tanji template in CSV and Excel (.xlsx), read and written.

A table has one row per factor and the columns of :data:`TEMPLATE_COLUMNS` (the header
of the shipped ``tanji/data/factors/*.csv``) plus any of :data:`OPTIONAL_COLUMNS`, in any
order. ``docs/factor-template.md`` documents every column and rule.

Reading validates every cell before anything is returned and reports every problem at
once, by row and column as the user sees them in a spreadsheet (the header is row 1 when
it is the first row). A file imports whole or not at all.

Gas columns map to the gas ids of ``tanji/data/gwp.csv``: ``co2_kg`` → ``CO2``,
``ch4_kg`` → ``CH4-fossil`` (a combustion methane factor is fossil; biogenic methane goes
in ``other_gases`` as ``CH4-nonfossil``), ``n2o_kg`` → ``N2O``.

Design note: the errors are values (:class:`CellError`), collected row by row and carried
by one :class:`FactorTableError`, so a user fixes a file in one pass and a UI can show them
as a table. Stopping at the first error was rejected: a 300-row table with ten faults would
take ten round trips.
"""

from __future__ import annotations

from tanji.domain.factors import AS_PUBLISHED, GWP_BASES
from tanji.io.factor_table._read import (
    OPTIONAL_COLUMNS,
    TEMPLATE_COLUMNS,
    CellError,
    FactorTableError,
    read_factor_table,
)
from tanji.io.factor_table._write import write_factor_csv, write_factor_xlsx, write_template_xlsx

__all__ = [
    "AS_PUBLISHED",
    "GWP_BASES",
    "OPTIONAL_COLUMNS",
    "TEMPLATE_COLUMNS",
    "CellError",
    "FactorTableError",
    "read_factor_table",
    "write_factor_csv",
    "write_factor_xlsx",
    "write_template_xlsx",
]
