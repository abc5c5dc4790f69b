"""Reading and validating factor tables (see the package docstring)."""

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
from tanji.domain.problems import Problem, problem_of
from tanji.io._cells import blank, cell_text, from_csv_cell
from tanji.io.errors import DataFormatError
from tanji.io.limits import check_xlsx

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
    #: what is wrong: a :class:`~tanji.domain.problems.Problem` (English as ``str``)
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class FactorTableError(DataFormatError):
    """A factor table has invalid cells; ``errors`` lists every one, and nothing was read."""

    def __init__(self, path: Path, errors: Sequence[CellError], sheet: str | None = None) -> None:
        self.path = path
        self.errors = list(errors)
        self.sheet = sheet
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
    raise DataFormatError(str(path), Problem("table-suffix"))


def _csv_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Records, not lines, are numbered: a quoted cell may span lines, and a
        # spreadsheet shows each record as one row.
        rows = enumerate(csv.reader(io.StringIO(text)), 1)
        return [(n, [from_csv_cell(cell) for cell in cells]) for n, cells in rows]
    raise DataFormatError(str(path), Problem("table-encoding"))


def _xlsx_rows(path: Path) -> tuple[str, list[tuple[int, list[Cell]]]]:
    with warnings.catch_warnings():
        # Workbooks saved by Excel or WPS carry styles and extensions (e.g. data
        # validation lists) that openpyxl does not keep and warns about; the cell values
        # read here are unaffected.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            check_xlsx(path)  # entity bombs, sheets that expand past the caps
            book = openpyxl.load_workbook(path, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            # the library's words stay out of the page (the catalogue folds ``detail`` away)
            problem = Problem("template-not-xlsx", detail=exc)
            raise DataFormatError(str(path), problem) from None
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
    rows = [(n, cells) for n, cells in rows if any(not blank(c) for c in cells)]
    if not rows:
        raise FactorTableError(path, [CellError(1, "", "", Problem("table-empty"))], sheet)
    (header_row, header_cells), records = rows[0], rows[1:]
    columns, errors = _header(header_row, header_cells)
    if any(getattr(e.message, "code", None) == "table-column-missing" for e in errors):
        # Every row would fail the same way; the header is the one thing to fix.
        raise FactorTableError(path, errors, sheet)
    if not records:
        message = Problem("table-no-rows", row=header_row)
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
        written = cell_text(cell).strip()
        name = written.lower()
        if not name:
            continue
        if name not in _COLUMNS:
            unknown = _like("table-unknown-column", name, _COLUMNS)
            errors.append(CellError(number, written, written, unknown))
        elif name in seen:
            letter = get_column_letter(seen[name] + 1)
            errors.append(
                CellError(number, name, name, Problem("template-column-repeated", first=letter))
            )
        else:
            seen[name] = i
            columns.append((i, name))
    groups = {"name_zh or name_en": ("name_zh", "name_en"),
              "a value column (co2_kg, …, co2e_kg)": _VALUE_COLUMNS}  # fmt: skip
    missing = [name for name in _REQUIRED if name not in seen]
    missing += [label for label, group in groups.items() if not seen.keys() & set(group)]
    missed = Problem("table-column-missing")
    errors += [CellError(number, name, "", missed) for name in missing]
    return columns, errors


def _headless_values(header: list[Cell], records: list[tuple[int, list[Cell]]]) -> list[CellError]:
    """Values under an empty header cell would be lost silently; report each such column."""
    errors: dict[int, CellError] = {}
    for number, cells in records:
        for i, cell in enumerate(cells):
            headless = i >= len(header) or blank(header[i])
            if headless and i not in errors and not blank(cell):
                column = f"column {get_column_letter(i + 1)}"
                message = Problem("table-headless")
                errors[i] = CellError(number, column, cell_text(cell), message)
    return list(errors.values())


def _check_unique(row: _Row, first_row: dict[str, int]) -> None:
    code = cell_text(row.cells.get("code")).strip()
    if not code:
        return
    if code in first_row:
        row.fail("code", Problem("table-duplicate-code", text=code, row=first_row[code]))
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
        return cell_text(self.cells.get(column))

    def text(self, column: str) -> str | None:
        return self.raw(column).strip() or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            self.fail(column, Problem("table-required"))
            return "?"  # a placeholder: the row is already rejected
        return value

    def number(self, column: str) -> float | None:
        cell = self.cells.get(column)
        if blank(cell):
            return None
        value = _number(cell)
        if isinstance(value, str):
            self.fail(column, value)
            return None
        return value

    def integer(self, column: str) -> int | None:
        value = self.number(column)
        if value is not None and not value.is_integer():
            self.fail(column, Problem("table-not-whole", text=self.raw(column)))
            return None
        return None if value is None else int(value)

    def day(self, column: str) -> date | None:
        cell = self.cells.get(column)
        if blank(cell):
            return None
        if isinstance(cell, date) and not isinstance(cell, datetime):
            return cell
        text = cell_text(cell).strip()
        try:
            if _DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.fail(column, Problem("table-not-date", text=text))
        return None

    def choice(
        self, column: str, allowed: Sequence[str], default: str, *, required: bool = False
    ) -> str:
        """One of ``allowed`` (any case); ``default`` when empty or invalid (then recorded)."""
        value = self.required(column) if required else (self.text(column) or default)
        if value.lower() in allowed:
            return value.lower()
        self.fail(column, Problem("table-not-one-of", text=value, choices=", ".join(allowed)))
        return default

    def flag(self, column: str) -> bool:
        value = cell_text(self.cells.get(column)).strip().lower()  # an Excel TRUE reads "true"
        if value in _TRUE:
            return True
        if value and value not in _FALSE:
            self.fail(column, Problem("table-not-flag", text=self.raw(column)))
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
                self.fail(columns[0], problem_of(error))
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
            row.fail("other_gases", Problem("table-not-gas", text=part.strip()))
        elif gas.strip().lower() not in known:
            row.fail("other_gases", _like("table-unknown-gas", gas.strip(), known.values()))
        else:
            gases.append(GasAmount(known[gas.strip().lower()], kg))
    return gases


def _gwp_basis(row: _Row, co2e: float | None) -> str | None:
    # Only a CO2e value has a basis; the shipped tables write e.g. "not applicable (CO2
    # only)" next to an empty co2e_kg, which is why the text is then not read at all.
    if co2e is None:
        return None
    text = row.text("gwp_basis")
    if text is None:
        return text
    for basis in GWP_BASES:  # "ipcc-ar6-gwp100" is the same basis as "IPCC-AR6-GWP100"
        if text.strip().upper() == basis:
            return basis
    if text.lower().startswith(AS_PUBLISHED):
        return AS_PUBLISHED  # the rest is a remark, e.g. "(GWP set not stated)"
    row.fail("gwp_basis", _like("table-gwp-basis", text, GWP_BASES, choices=", ".join(GWP_BASES)))
    return text


@cache
def _gwp_gas_ids() -> tuple[str, ...]:
    table = resources.files("tanji").joinpath("data", "gwp.csv").read_text(encoding="utf-8")
    return tuple(record["gas_id"] for record in csv.DictReader(io.StringIO(table)))


def _number(cell: Cell) -> float | str:
    """The number in a cell, or the message saying why it is not one."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = cell_text(cell).strip()
    if _NUMBER.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else Problem("template-too-large", text=text)
    if _THOUSANDS.fullmatch(text):
        return Problem("table-thousands", text=text, plain=text.replace(",", ""))
    return Problem("table-not-number", text=text)


def _like(code: str, value: str, among: Iterable[str], **values: str) -> Problem:
    """The problem ``code`` with ``value``, or its ``-like`` form naming the closest of
    ``among`` (a likely typo)."""
    close = difflib.get_close_matches(value, list(among), n=1)
    if close:
        return Problem(f"{code}-like", text=value, like=close[0], **values)
    return Problem(code, text=value, **values)
