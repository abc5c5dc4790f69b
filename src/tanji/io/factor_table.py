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

import csv
import difflib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``Cell`` in _cell() and nowhere else.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from tanji.domain.factors import (
    AS_PUBLISHED,
    GWP_BASES,
    Boundary,
    DomainError,
    EmissionFactor,
    FactorKind,
    GasAmount,
    Pedigree,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.io.errors import DataFormatError

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

TEMPLATE_COLUMNS = (
    "code", "name_zh", "name_en", "kind", "unit", "geography", "valid_from", "valid_to",
    "co2_kg", "ch4_kg", "n2o_kg", "co2e_kg", "gwp_basis", "boundary", "distribution", "gsd",
    "source_publisher", "source_title", "source_year", "source_document", "source_table",
    "source_url", "source_licence", "illustrative", "notes",
)  # fmt: skip
OPTIONAL_COLUMNS = (
    "sd", "minimum", "maximum", "other_gases",
    "pedigree_reliability", "pedigree_completeness", "pedigree_temporal",
    "pedigree_geographical", "pedigree_technological",
    "pef_ter", "pef_ger", "pef_tir", "pef_p", "industry_code", "product_code",
)  # fmt: skip

_COLUMNS = TEMPLATE_COLUMNS + OPTIONAL_COLUMNS
_REQUIRED = ("code", "kind", "unit", "geography", "source_publisher", "source_title")
_VALUE_COLUMNS = ("co2_kg", "ch4_kg", "n2o_kg", "other_gases", "co2e_kg")
_GAS_COLUMNS = {"co2_kg": "CO2", "ch4_kg": "CH4-fossil", "n2o_kg": "N2O"}
_EXTRA_GASES = ("CO2-biogenic",)  # gas ids accepted in other_gases beyond gwp.csv
_DISTRIBUTIONS = ("none", "lognormal", "normal", "uniform", "triangular")
_PEDIGREE = ("reliability", "completeness", "temporal", "geographical", "technological")
_PEF = ("ter", "ger", "tir", "p")
_TRUE = ("true", "yes", "1", "是", "y")
_FALSE = ("false", "no", "0", "否", "n")
# Plain decimals and scientific notation, ASCII digits only (float() would also take
# full-width digits, "nan" and "inf").
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Cell = str | float | int | bool | date | None
"""A cell as read: CSV gives text; Excel gives numbers, dates and booleans as such."""

_T = TypeVar("_T")
_Book = Any  # an openpyxl Workbook (untyped library)
_Sheet = Any  # an openpyxl Worksheet


@dataclass(frozen=True)
class CellError:
    """One problem in a factor table: where it is, what the cell held, what is wrong.

    ``row`` is the 1-based row number the user sees in a spreadsheet; ``column`` the
    column name from the header, ``column P`` for a column without one, or empty when the
    problem concerns the file or the row as a whole.
    """

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class FactorTableError(DataFormatError):
    """A factor table has invalid cells; ``errors`` lists every one, and nothing was read."""

    def __init__(self, path: Path, errors: Sequence[CellError], sheet: str | None = None) -> None:
        self.path = path
        self.errors = list(errors)
        count = f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        lines = "\n".join(str(e) for e in self.errors)
        where = f"{path} (sheet {sheet!r})" if sheet else str(path)
        super().__init__(where, f"{count}; nothing was imported:\n{lines}")


# ----------------------------------------------------------------------------- reading


def read_factor_table(path: Path) -> list[EmissionFactor]:
    """Read a factor table (.csv or .xlsx) in the template format, all or nothing.

    CSV is decoded as UTF-8 (with or without a byte-order mark) and, when that fails, as
    GB18030 — the superset of GBK, which Chinese Excel uses for "CSV" by default. For
    .xlsx, the sheet named ``factors`` is read if there is one, else the first sheet;
    the header is the first non-empty row, and fully empty rows are skipped. Formula cells
    are read as the values Excel last computed and saved.

    Raises :class:`FactorTableError` listing every invalid cell, or
    :class:`~tanji.io.errors.DataFormatError` if the file cannot be opened as its suffix
    says.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _factors(path, _csv_rows(path), sheet=None)
    if suffix == ".xlsx":
        sheet, rows = _xlsx_rows(path)
        return _factors(path, rows, sheet=sheet)
    raise DataFormatError(str(path), "expected a .csv or .xlsx factor table (save .xls as .xlsx)")


def _csv_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Records, not lines, are numbered: a quoted cell may span lines, and a
        # spreadsheet shows each record as one row.
        return [(n, list(cells)) for n, cells in enumerate(csv.reader(io.StringIO(text)), 1)]
    raise DataFormatError(str(path), "not text in UTF-8 or GB18030/GBK; save the CSV as UTF-8")


def _xlsx_rows(path: Path) -> tuple[str, list[tuple[int, list[Cell]]]]:
    with warnings.catch_warnings():
        # Workbooks saved by Excel or WPS carry styles and extensions (e.g. data
        # validation lists) that openpyxl does not keep and warns about; the cell values
        # read here are unaffected.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            book = openpyxl.load_workbook(path, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise DataFormatError(str(path), f"not an Excel .xlsx workbook ({exc})") from None
    names = [str(name) for name in book.sheetnames]
    name = next((n for n in names if n.strip().lower() == "factors"), names[0])
    sheet = book[name]
    # min_row/min_col pinned to 1 so the numbers match what the user sees even when the
    # sheet's stored dimensions start lower.
    rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    return name, [(n, [_cell(v) for v in row]) for n, row in enumerate(rows, 1)]


def _cell(value: object) -> Cell:
    """An openpyxl value narrowed to the types a factor table uses."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        # Excel has only date-times; a date cell comes back at midnight.
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    return str(value)


def _factors(
    path: Path, rows: list[tuple[int, list[Cell]]], sheet: str | None
) -> list[EmissionFactor]:
    rows = [(n, cells) for n, cells in rows if any(not _blank(c) for c in cells)]
    if not rows:
        empty = "the file is empty; expected the template's header row (code, name_zh, …)"
        raise FactorTableError(path, [CellError(1, "", "", empty)], sheet)
    (header_row, header_cells), records = rows[0], rows[1:]
    columns, errors = _header(header_row, header_cells)
    if any(e.message.startswith("required column") for e in errors):
        # Every row would fail the same way; the header is the one thing to fix.
        raise FactorTableError(path, errors, sheet)
    if not records:
        message = f"no factors below the header (row {header_row})"
        raise FactorTableError(path, [*errors, CellError(header_row + 1, "", "", message)], sheet)
    factors, row_errors = _read_rows(columns, records)
    errors += _headless_values(header_cells, records) + row_errors
    if errors:
        # Reading order: by row, then left to right as the columns stand in the file.
        position = {name: i for i, name in columns}
        errors.sort(key=lambda e: (e.row, position.get(e.column, len(header_cells))))
        raise FactorTableError(path, errors, sheet)
    return factors


def _read_rows(
    columns: list[tuple[int, str]], records: list[tuple[int, list[Cell]]]
) -> tuple[list[EmissionFactor], list[CellError]]:
    factors: list[EmissionFactor] = []
    errors: list[CellError] = []
    first_row: dict[str, int] = {}
    for number, cells in records:
        row = _Row(number, {name: cells[i] if i < len(cells) else None for i, name in columns})
        factor = _factor(row)
        _check_unique(row, first_row)
        errors += row.errors
        if factor is not None and not row.errors:
            factors.append(factor)
    return factors, errors


def _header(number: int, cells: list[Cell]) -> tuple[list[tuple[int, str]], list[CellError]]:
    """(position, column name) of each known column, and the header's errors."""
    columns: list[tuple[int, str]] = []
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        written = _text(cell).strip()
        name = written.lower()
        if not name:
            continue
        if name not in _COLUMNS:
            unknown = f"unknown column{_suggest(name, _COLUMNS)}"
            errors.append(CellError(number, written, written, unknown))
        elif name in seen:
            letter = get_column_letter(seen[name] + 1)
            errors.append(CellError(number, name, name, f"column repeated (first in {letter})"))
        else:
            seen[name] = i
            columns.append((i, name))
    groups = {"name_zh or name_en": ("name_zh", "name_en"),
              "a value column (co2_kg, …, co2e_kg)": _VALUE_COLUMNS}  # fmt: skip
    missing = [name for name in _REQUIRED if name not in seen]
    missing += [label for label, group in groups.items() if not seen.keys() & set(group)]
    errors += [CellError(number, name, "", "required column is missing") for name in missing]
    return columns, errors


def _headless_values(header: list[Cell], records: list[tuple[int, list[Cell]]]) -> list[CellError]:
    """Values under an empty header cell would be lost silently; report each such column."""
    errors: dict[int, CellError] = {}
    for number, cells in records:
        for i, cell in enumerate(cells):
            headless = i >= len(header) or _blank(header[i])
            if headless and i not in errors and not _blank(cell):
                column = f"column {get_column_letter(i + 1)}"
                message = "a value in a column without a header; name the column or delete it"
                errors[i] = CellError(number, column, _text(cell), message)
    return list(errors.values())


def _check_unique(row: _Row, first_row: dict[str, int]) -> None:
    code = _text(row.cells.get("code")).strip()
    if not code:
        return
    if code in first_row:
        row.fail("code", f"duplicate code {code!r}: first used in row {first_row[code]}")
    else:
        first_row[code] = row.row_number


class _Row:
    """The cells of one data row, parsed column by column.

    A cell that does not parse is recorded as a :class:`CellError` and read as ``None``
    (or a placeholder for a required text), so the row's other cells — and the domain's
    cross-field rules — are still checked: every error in one pass. One error per cell.
    """

    def __init__(self, number: int, cells: Mapping[str, Cell]) -> None:
        self.row_number = number
        self.cells = cells
        self.errors: list[CellError] = []

    def fail(self, column: str, message: str) -> None:
        if not self.failed(column):
            self.errors.append(CellError(self.row_number, column, self.raw(column), message))

    def failed(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)

    def raw(self, column: str) -> str:
        return _text(self.cells.get(column))

    def text(self, column: str) -> str | None:
        return self.raw(column).strip() or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            self.fail(column, "required; the cell is empty")
            return "?"  # a placeholder: the row is already rejected
        return value

    def number(self, column: str) -> float | None:
        cell = self.cells.get(column)
        if _blank(cell):
            return None
        value = _number(cell)
        if isinstance(value, str):
            self.fail(column, value)
            return None
        return value

    def integer(self, column: str) -> int | None:
        value = self.number(column)
        if value is not None and not value.is_integer():
            self.fail(column, f"{self.raw(column)!r} is not a whole number")
            return None
        return None if value is None else int(value)

    def day(self, column: str) -> date | None:
        cell = self.cells.get(column)
        if _blank(cell):
            return None
        if isinstance(cell, date) and not isinstance(cell, datetime):
            return cell
        text = _text(cell).strip()
        try:
            if _DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.fail(column, f"{text!r} is not a date: write YYYY-MM-DD, e.g. 2024-01-31")
        return None

    def choice(
        self, column: str, allowed: Sequence[str], default: str, *, required: bool = False
    ) -> str:
        """One of ``allowed`` (any case); ``default`` when empty or invalid (then recorded)."""
        value = self.required(column) if required else (self.text(column) or default)
        if value.lower() in allowed:
            return value.lower()
        self.fail(column, f"{value!r} is not one of {', '.join(allowed)}")  # unless missing
        return default

    def flag(self, column: str) -> bool:
        value = _text(self.cells.get(column)).strip().lower()  # an Excel TRUE reads "true"
        if value in _TRUE:
            return True
        if value and value not in _FALSE:
            self.fail(column, f"{self.raw(column)!r} is not true/false (also yes/no, 1/0, 是/否)")
        return False

    def domain(self, build: Callable[[], _T], fallback: _T) -> _T:
        """``build()``, or ``fallback`` with the DomainError recorded on its column."""
        try:
            return build()
        except DomainError as error:
            field = str(error).split(":", 1)[0]
            columns = _DOMAIN_COLUMNS.get(field) or tuple(
                part.strip().replace(" ", "_") for part in field.split(",")
            )
            # A rule over cells that did not parse would only repeat their error.
            if not any(self.failed(c) for c in columns):
                self.fail(columns[0], str(error))
            return fallback


# The domain's messages start with the field they concern; these are not column names.
_DOMAIN_COLUMNS = {
    "values": _VALUE_COLUMNS,
    "gases": ("other_gases",),
    **{name.upper(): (f"pef_{name}",) for name in _PEF},
}
_PLACEHOLDER_SOURCE = Source(publisher="?", title="?")


def _factor(row: _Row) -> EmissionFactor | None:
    """The row's factor, or ``None`` when a cell failed (the errors are on ``row``)."""
    source = row.domain(lambda: _source(row), _PLACEHOLDER_SOURCE)
    uncertainty = row.domain(lambda: _uncertainty(row), Uncertainty())
    pedigree = row.domain(
        lambda: Pedigree(*(row.integer(f"pedigree_{name}") for name in _PEDIGREE)), Pedigree()
    )
    pef = row.domain(lambda: PefQuality(*(row.integer(f"pef_{n}") for n in _PEF)), PefQuality())
    co2e = row.number("co2e_kg")
    # "other" stands in only when the kind is missing or wrong, and the row is rejected.
    kind = row.choice("kind", [k.value for k in FactorKind], "other", required=True)
    boundary = row.choice("boundary", [b.value for b in Boundary], "combustion")
    return row.domain(
        lambda: EmissionFactor(
            code=row.required("code"),
            name_zh=row.text("name_zh") or "",
            name_en=row.text("name_en") or "",
            kind=FactorKind(kind),
            unit=row.required("unit"),
            geography=row.required("geography"),
            source=source,
            gases=_gases(row),
            co2e=co2e,
            gwp_basis=_gwp_basis(row, co2e),
            boundary=Boundary(boundary),
            valid_from=row.day("valid_from"),
            valid_to=row.day("valid_to"),
            uncertainty=uncertainty,
            pedigree=pedigree,
            pef=pef,
            industry_code=row.text("industry_code"),
            product_code=row.text("product_code"),
            illustrative=row.flag("illustrative"),
            notes=row.text("notes"),
        ),
        None,
    )


def _source(row: _Row) -> Source:
    return Source(
        publisher=row.required("source_publisher"),
        title=row.required("source_title"),
        year=row.integer("source_year"),
        document=row.text("source_document"),
        table=row.text("source_table"),
        url=row.text("source_url"),
        licence=row.text("source_licence"),
    )


def _uncertainty(row: _Row) -> Uncertainty:
    return Uncertainty(
        distribution=row.choice("distribution", _DISTRIBUTIONS, "none"),
        gsd=row.number("gsd"),
        sd=row.number("sd"),
        minimum=row.number("minimum"),
        maximum=row.number("maximum"),
    )


def _gases(row: _Row) -> tuple[GasAmount, ...]:
    amounts = [(gas, row.number(column)) for column, gas in _GAS_COLUMNS.items()]
    gases = [GasAmount(gas, kg) for gas, kg in amounts if kg is not None]
    return (*gases, *_other_gases(row))


def _other_gases(row: _Row) -> list[GasAmount]:
    """``SF6:0.001;HFC-134a:0.02`` (full-width ；and ： accepted, as Chinese IMEs type them)."""
    text = row.text("other_gases")
    if text is None:
        return []
    known = {gas.lower(): gas for gas in (*_gwp_gas_ids(), *_EXTRA_GASES)}
    gases: list[GasAmount] = []
    for part in filter(str.strip, re.split("[;；]", text)):
        gas, separator, amount = re.sub("：", ":", part).partition(":")
        kg = _number(amount.strip())
        if not separator or isinstance(kg, str):
            row.fail(
                "other_gases", f"{part.strip()!r} is not gas:kg (e.g. SF6:0.001;HFC-134a:0.02)"
            )
        elif gas.strip().lower() not in known:
            row.fail(
                "other_gases", f"unknown gas {gas.strip()!r}{_suggest(gas.strip(), known.values())}"
            )
        else:
            gases.append(GasAmount(known[gas.strip().lower()], kg))
    return gases


def _gwp_basis(row: _Row, co2e: float | None) -> str | None:
    # Only a CO2e value has a basis; the shipped tables write e.g. "not applicable (CO2
    # only)" next to an empty co2e_kg, which is why the text is then not read at all.
    if co2e is None:
        return None
    text = row.text("gwp_basis")
    if text is None or text in GWP_BASES:
        return text
    if text.lower().startswith(AS_PUBLISHED):
        return AS_PUBLISHED  # the rest is a remark, e.g. "(GWP set not stated)"
    allowed = f"{', '.join(GWP_BASES)}, or 'as published (…)' when the publisher does not say"
    row.fail(
        "gwp_basis", f"{text!r} is not a known GWP basis{_suggest(text, GWP_BASES)}; use {allowed}"
    )
    return text


@cache
def _gwp_gas_ids() -> tuple[str, ...]:
    table = resources.files("tanji").joinpath("data", "gwp.csv").read_text(encoding="utf-8")
    return tuple(record["gas_id"] for record in csv.DictReader(io.StringIO(table)))


def _number(cell: Cell) -> float | str:
    """The number in a cell, or the message saying why it is not one."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = _text(cell).strip()
    if _NUMBER.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else f"{text!r} is too large a number"
    if _THOUSANDS.fullmatch(text):
        return f"{text!r} has a thousands separator: write {text.replace(',', '')}"
    return f"{text!r} is not a number"


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Cell) -> str:
    """A cell as text, the way the user would type it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return _format_number(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ----------------------------------------------------------------------------- writing


def write_factor_csv(factors: Iterable[EmissionFactor], path: Path) -> None:
    """Write factors as a template CSV in UTF-8 *with* a byte-order mark.

    The mark is what makes Excel open the file as UTF-8; without it, Chinese Excel reads
    it as GBK and the names turn to mojibake. Optional columns appear only when a factor
    has a value for them. Numbers are written in their shortest exact form, so reading
    the file back gives equal factors.
    """
    columns, records = _table(factors)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows([_text(record[c]) for c in columns] for record in records)


def write_factor_xlsx(factors: Iterable[EmissionFactor], path: Path) -> None:
    """Write factors as a template workbook: sheet ``factors`` plus the instructions sheet.

    Numbers, dates and ``illustrative`` are written as Excel numbers, dates and booleans.
    """
    columns, records = _table(factors)
    book = openpyxl.Workbook()
    sheet = _factor_sheet(book, columns)
    for record in records:
        sheet.append([record[c] for c in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # A text such as "=A1" would otherwise be stored as a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    _instructions_sheet(book)
    book.save(path)


def write_template_xlsx(path: Path) -> None:
    """Write an empty template workbook for users to fill in.

    Sheet ``factors`` holds the header row (bold, frozen); sheet ``说明 Instructions``
    describes every column in Chinese and English — required or not, allowed values — and
    gives one example row, marked illustrative.
    """
    book = openpyxl.Workbook()
    _factor_sheet(book, TEMPLATE_COLUMNS)
    _instructions_sheet(book)
    book.save(path)


def _table(factors: Iterable[EmissionFactor]) -> tuple[list[str], list[dict[str, Cell]]]:
    records = [_record(factor) for factor in factors]
    optional = [c for c in OPTIONAL_COLUMNS if any(r[c] is not None for r in records)]
    return [*TEMPLATE_COLUMNS, *optional], records


def _record(factor: EmissionFactor) -> dict[str, Cell]:
    by_gas = {g.gas: g.kg for g in factor.gases}
    other = [g for g in factor.gases if g.gas not in _GAS_COLUMNS.values()]
    u, source = factor.uncertainty, factor.source
    record: dict[str, Cell] = {
        "code": factor.code, "name_zh": factor.name_zh, "name_en": factor.name_en,
        "kind": factor.kind.value, "unit": factor.unit, "geography": factor.geography,
        "valid_from": factor.valid_from, "valid_to": factor.valid_to,
        **{column: by_gas.get(gas) for column, gas in _GAS_COLUMNS.items()},
        "co2e_kg": factor.co2e, "gwp_basis": factor.gwp_basis,
        "boundary": factor.boundary.value,
        "distribution": None if u.distribution == "none" else u.distribution,
        "gsd": u.gsd, "sd": u.sd, "minimum": u.minimum, "maximum": u.maximum,
        "source_publisher": source.publisher, "source_title": source.title,
        "source_year": source.year, "source_document": source.document,
        "source_table": source.table, "source_url": source.url,
        "source_licence": source.licence,
        "illustrative": factor.illustrative, "notes": factor.notes,
        "other_gases": ";".join(f"{g.gas}:{_format_number(g.kg)}" for g in other) or None,
        "industry_code": factor.industry_code, "product_code": factor.product_code,
    }  # fmt: skip
    record |= {f"pedigree_{n}": getattr(factor.pedigree, n) for n in _PEDIGREE}
    record |= {f"pef_{n}": getattr(factor.pef, n) for n in _PEF}
    return record


def _format_number(value: float) -> str:
    # repr() is the shortest text that reads back as the same float.
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _factor_sheet(book: _Book, columns: Sequence[str]) -> _Sheet:
    sheet = book.active
    sheet.title = "factors"
    sheet.append(list(columns))
    for i, column in enumerate(columns, 1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column, 14)
    sheet.freeze_panes = "B2"  # the header row and the code column stay in view
    return sheet


_WIDTHS = {"code": 28, "name_zh": 30, "name_en": 40, "gwp_basis": 18, "source_publisher": 36,
           "source_title": 40, "source_document": 30, "source_url": 30, "notes": 60}  # fmt: skip


def _instructions_sheet(book: _Book) -> None:
    sheet = book.create_sheet("说明 Instructions")
    for line in (*_INTRO, ""):
        sheet.append([line])
    sheet.append(["列名 Column", "说明", "Description", "必填 Required", "允许值 Allowed values",
                  "示例 Example (illustrative)"])  # fmt: skip
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name in _COLUMNS:
        sheet.append([name, *_DESCRIPTIONS[name], _EXAMPLE.get(name)])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate((24, 44, 60, 22, 44, 40), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"B{len(_INTRO) + 3}"


_INTRO = (
    "在 factors 工作表中每行填写一个排放因子。示例列仅为说明（illustrative），不可引用。",
    "Fill in one emission factor per row of the 'factors' sheet. The example column is "
    "illustrative only, not a factor to cite. Columns: docs/factor-template.md.",
)
_KINDS = ", ".join(k.value for k in FactorKind)
_YES, _NO = "是 yes", "否 no"
# (中文说明, English description, required, allowed values) for each column.
_DESCRIPTIONS: dict[str, tuple[str, str, str, str]] = {
    "code": ("因子编码，在本文件中唯一", "The factor's stable code, unique in the file", _YES, ""),
    "name_zh": ("中文名称", "Chinese name", "name_zh 或 name_en 至少一个 / one of the two", ""),
    "name_en": ("英文名称", "English name", "name_zh 或 name_en 至少一个 / one of the two", ""),
    "kind": ("因子类型", "What the factor describes", _YES, _KINDS),
    "unit": ("每单位活动量，如 kWh、t、TJ、t*km", "The activity unit the factor is per", _YES, ""),
    "geography": ("地理范围，如 CN、CN-EAST、GLO", "Geography code", _YES, ""),
    "valid_from": ("有效期起", "First day the factor applies", _NO, "YYYY-MM-DD"),
    "valid_to": ("有效期止（不早于起始日）", "Last day the factor applies", _NO, "YYYY-MM-DD"),
    "co2_kg": ("每单位 CO2 排放量，kg（气体 CO2）", "kg CO2 per unit (gas CO2)",
               "至少一个数值列 / at least one value column", "number"),
    "ch4_kg": ("每单位化石来源 CH4，kg；生物源甲烷请填 other_gases 的 CH4-nonfossil",
               "kg fossil CH4 per unit (gas CH4-fossil); biogenic CH4 goes in other_gases "
               "as CH4-nonfossil", _NO, "number"),
    "n2o_kg": ("每单位 N2O 排放量，kg", "kg N2O per unit (gas N2O)", _NO, "number"),
    "co2e_kg": ("已折算的 CO2 当量，kg；需填 gwp_basis", "kg CO2e per unit as published; "
                "needs gwp_basis", _NO, "number"),
    "gwp_basis": ("CO2 当量所用的 GWP 基准；co2e_kg 为空时不读取",
                  "GWP set of co2e_kg; not read when co2e_kg is empty",
                  "co2e_kg 非空时 / with co2e_kg",
                  f"{', '.join(GWP_BASES)}; as published (publisher does not say)"),
    "boundary": ("核算边界；默认 combustion", "Boundary; default combustion", _NO,
                 ", ".join(b.value for b in Boundary)),
    "distribution": ("不确定性分布；默认 none", "Uncertainty distribution; default none", _NO,
                     ", ".join(_DISTRIBUTIONS)),
    "gsd": ("几何标准差（对数正态）", "Geometric standard deviation",
            "lognormal 时 / for lognormal", "number > 1"),
    "source_publisher": ("发布机构", "Publisher of the value", _YES, ""),
    "source_title": ("文件标题", "Title of the document", _YES, ""),
    "source_year": ("发布年份", "Year of publication", _NO, "1900–2100"),
    "source_document": ("文号、卷章", "Document number, volume or chapter", _NO, ""),
    "source_table": ("表号", "Table the value is in", _NO, ""),
    "source_url": ("网址", "URL", _NO, ""),
    "source_licence": ("许可或使用条件", "Licence or terms of use", _NO, ""),
    "illustrative": ("是否为示例值（非真实数据）；默认否", "Example value, not real data; "
                     "default false", _NO, "true/false, yes/no, 1/0, 是/否"),
    "notes": ("备注", "Notes", _NO, ""),
    "sd": ("标准差（正态）", "Standard deviation", "normal 时 / for normal", "number ≥ 0"),
    "minimum": ("最小值（均匀、三角）", "Minimum", "uniform/triangular 时", "number < maximum"),
    "maximum": ("最大值（均匀、三角）", "Maximum", "uniform/triangular 时", "number > minimum"),
    "other_gases": ("其他气体，kg/单位", "Other gases, kg per unit", _NO,
                    "gas:kg;gas:kg — gas ids of gwp.csv and CO2-biogenic"),
    **{f"pedigree_{n}": (f"谱系矩阵评分：{n}", f"Pedigree score: {n}", _NO, "1–5")
       for n in _PEDIGREE},
    **{f"pef_{n}": (f"PEF 数据质量评分：{n.upper()}", f"PEF data-quality rating {n.upper()}",
                    _NO, "1–5") for n in _PEF},
    "industry_code": ("行业代码（如 GB/T 4754）", "Industry code", _NO, ""),
    "product_code": ("产品代码", "Product code", _NO, ""),
}  # fmt: skip
# The IPCC 2006 default for diesel (shipped in ipcc2006-fuels.csv), marked illustrative
# so that copying it into the factors sheet cannot pass for a sourced entry.
_EXAMPLE: dict[str, Cell] = {
    "code": "EXAMPLE-DIESEL-TJ", "name_zh": "示例：柴油固定源燃烧",
    "name_en": "Example: gas/diesel oil, stationary combustion", "kind": "combustion",
    "unit": "TJ", "geography": "GLO", "co2_kg": 74100, "ch4_kg": 3, "n2o_kg": 0.6,
    "co2e_kg": 74353.2, "gwp_basis": "IPCC-AR6-GWP100", "boundary": "combustion",
    "source_publisher": "IPCC", "source_year": 2006,
    "source_title": "2006 IPCC Guidelines for National Greenhouse Gas Inventories",
    "source_table": "Vol. 2, Ch. 2, Table 2.2", "illustrative": "true",
    "notes": "示例行，仅供说明 / example row, illustrative only",
}  # fmt: skip
