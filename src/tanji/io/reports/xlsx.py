"""The footprint report as a workbook (openpyxl) a verifier can recompute.

Sheets (named in the report's language):

* summary — the product, the totals, by stage, gas and category, data quality,
  uncertainty and offsets; the total is also given as a ``SUM`` formula over the root
  model's lines;
* lines — the full trace: every term of every model (the root first, then each
  sub-model), with the term's coefficient (units of what it links to, allocation
  included), the per-unit value and the model's output, the contribution as computed,
  and an Excel formula recomputing it: ``contribution = coefficient × per unit ÷ output``;
* sources — each distinct source cited and the lines that use it;
* pins — the exact versions of everything used.

Numbers are written as numbers with full precision (no rounding in the cells); text
that starts with ``=`` is stored as text, never as a formula.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# Any here.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

import tanji
from tanji.domain.burdens import CATEGORIES
from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint
from tanji.io.reports._content import line_link, line_terms, link_unit, rating, share, sources
from tanji.io.reports._text import check_language, t, t_or

__all__ = ["LINE_COLUMNS", "write_xlsx"]

#: The columns of the lines sheet, in order (catalogue keys ``xlsx.<name>``).
LINE_COLUMNS = (
    "model",
    "line",
    "term",
    "stage",
    "quantity",
    "unit_of_quantity",
    "coefficient",
    "coefficient_unit",
    "per_unit",
    "output",
    "contribution",
    "recomputed",
    "share",
    "allocation",
    "dqr",
    "primary",
    "illustrative",
    "link",
    "source",
    "formula",
)
_COL = {name: get_column_letter(i) for i, name in enumerate(LINE_COLUMNS, start=1)}
_WIDTHS = {
    "model": 14,
    "line": 12,
    "term": 28,
    "stage": 14,
    "link": 28,
    "source": 48,
    "formula": 52,
    "coefficient_unit": 14,
}

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF3F6")
_TITLE_FONT = Font(bold=True, size=14)
_WARN_FONT = Font(bold=True, size=12, color="B3261E")
_PERCENT = "0.0%"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write a value; text is always text (a leading '=' does not make a formula)."""
    cell = sheet.cell(row=row, column=column, value=_clean(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _formula(sheet: Any, row: int, column: int, formula: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    return cell


def _header(sheet: Any, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = _put(sheet, row, column, label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _ref(sheet_name: str, cell: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'!" + cell


class _Summary:
    """Rows of the summary sheet, written top to bottom."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.row = 1

    def title(self, text: str, font: Any = _TITLE_FONT) -> None:
        _put(self.sheet, self.row, 1, text).font = font
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def heading(self, labels: list[str]) -> None:
        _header(self.sheet, self.row, labels)
        self.row += 1

    def item(self, label: str, value: Any, unit: str = "", number_format: str = "") -> Any:
        _put(self.sheet, self.row, 1, label)
        cell = _put(self.sheet, self.row, 2, value)
        if unit:
            _put(self.sheet, self.row, 3, unit)
        if number_format:
            cell.number_format = number_format
        self.row += 1
        return cell

    def formula(self, label: str, formula: str, unit: str = "") -> None:
        _put(self.sheet, self.row, 1, label)
        _formula(self.sheet, self.row, 2, formula)
        if unit:
            _put(self.sheet, self.row, 3, unit)
        self.row += 1

    def breakdown(
        self, header: str, items: list[tuple[str, float]], total: float, per: str, L: str
    ) -> None:
        self.heading([header, per, t("results.share", L)])
        for name, value in items:
            _put(self.sheet, self.row, 1, name)
            _put(self.sheet, self.row, 2, value)
            portion = share(value, total)
            if portion is not None:
                _put(self.sheet, self.row, 3, portion).number_format = _PERCENT
            self.row += 1
        self.blank()


def _lines_sheet(sheet: Any, footprint: Footprint, L: str) -> tuple[int, int]:
    """The trace; returns the first and last row of the root model's lines."""
    _header(sheet, 1, [t("xlsx." + name, L) for name in LINE_COLUMNS])
    row = 2
    blocks: list[tuple[str, int, int]] = []  # (model, first row, last row)
    for component in footprint.components:
        model = footprint.models.get(component.id, footprint.model)
        first = row
        for line, term in zip(component.lines, line_terms(footprint, component), strict=True):
            unit = link_unit(footprint, term)
            if term is not None and term.submodel is not None:
                unit = t("xlsx.declared_units", L, declared=unit)
            values: dict[str, Any] = {
                "model": component.id,
                "line": line.line,
                "term": line.term,
                "stage": model.stage_name(line.stage, L),
                "quantity": line.quantity,
                "unit_of_quantity": line.unit,
                "coefficient": term.coefficient if term is not None else None,
                "coefficient_unit": unit,
                "per_unit": line.per_unit,
                "output": component.output,
                "contribution": line.co2e,
                "share": share(line.co2e, component.total),
                "allocation": line.share,
                "dqr": line.dqr,
                "primary": t("lines.primary" if line.primary else "lines.secondary", L),
                "illustrative": t("report.yes" if line.illustrative else "report.no", L),
                "link": line_link(line, L),
                "source": line.source,
                "formula": line.formula,
            }
            for column, name in enumerate(LINE_COLUMNS, start=1):
                if name == "recomputed":
                    if term is not None:
                        _formula(
                            sheet,
                            row,
                            column,
                            f"={_COL['coefficient']}{row}*{_COL['per_unit']}{row}"
                            f"/{_COL['output']}{row}",
                        )
                    continue
                value = values[name]
                if value is not None:
                    cell = _put(sheet, row, column, value)
                    if name == "share":
                        cell.number_format = _PERCENT
            row += 1
        blocks.append((component.id, first, row - 1))
    last_data = row - 1
    sheet.freeze_panes = "C2"
    if last_data >= 2:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(LINE_COLUMNS))}{last_data}"
    # Below the table: each model's footprint per declared unit as SUM formulas over its
    # rows (a sub-model's total is the per-unit value of the lines that link to it).
    row += 1
    for model_id, first, last in blocks:
        _put(sheet, row, 1, t("report.total", L)).font = _HEADER_FONT
        _put(sheet, row, 2, model_id).font = _HEADER_FONT
        if last >= first:
            for name in ("contribution", "recomputed"):
                column = LINE_COLUMNS.index(name) + 1
                letter = _COL[name]
                cell = _formula(sheet, row, column, f"=SUM({letter}{first}:{letter}{last})")
                cell.font = _HEADER_FONT
        row += 1
    for column, name in enumerate(LINE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(name, 12)
    sheet.row_dimensions[1].height = 45
    return blocks[0][1], blocks[0][2]


def _summary_sheet(
    sheet: Any,
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    L: str,
    lines_name: str,
    root_rows: tuple[int, int],
    report_date: str,
) -> None:
    model = footprint.model
    product = model.product
    per = t("unit.per_declared", L, declared=product.declared)
    s = _Summary(sheet)
    s.title(f"{t('report.title', L)} — {product.name.get(L)}")
    if footprint.illustrative:
        s.title(t("report.banner", L), _WARN_FONT)
        s.title(t("report.banner_detail", L), Font(color="B3261E"))
    s.blank()
    s.heading([t("xlsx.item", L), t("xlsx.value", L), t("xlsx.unit", L)])
    s.item(t("product.name", L), product.name.get(L))
    s.item(t("product.category", L), product.category)
    s.item(t("product.company", L), product.company)
    s.item(t("product.site", L), product.site)
    for scheme, value in product.identifiers:
        s.item(t_or("id." + scheme, L, scheme), value)
    s.item(t("product.declared_unit", L), product.declared)
    if product.functional_unit is not None:
        s.item(
            t("product.functional_unit", L),
            t(
                "product.functional_unit_value",
                L,
                text=product.functional_unit.get(L),
                units=f"{product.declared_units_per_functional_unit or 0:g}",
            ),
        )
    start, end = product.period_start, product.period_end
    s.item(
        t("product.period", L),
        t(
            "product.period_value",
            L,
            start=start.isoformat() if start else "…",
            end=end.isoformat() if end else "…",
        )
        if start or end
        else t("product.period_missing", L),
    )
    s.item(t("product.model", L), f"{model.id}@{model.version}")
    s.item(t("product.report_date", L), report_date)
    s.item(t("product.software", L), t("product.software_value", L, version=tanji.__version__))
    s.item(t("product.fingerprint", L), footprint.fingerprint())
    s.item(t("scope.boundary", L), t("boundary." + product.boundary, L))
    s.item(t("scope.method", L), t_or("method." + model.method, L, model.method))
    s.item(t("scope.end_of_life", L), t("eol." + model.end_of_life.value, L))
    if model.allocation is not None:
        s.item(t("scope.allocation_method", L), t("allocation." + model.allocation.method.value, L))
        s.item(t("scope.allocation_share", L), footprint.allocation_share, "", _PERCENT)
    s.blank()
    s.item(t("results.total", L), footprint.total, per).font = _HEADER_FONT
    first, last = root_rows
    pairs = (("xlsx.total_check", "contribution"), ("xlsx.total_recomputed", "recomputed"))
    for key, name in pairs if last >= first else ():
        column = _COL[name]
        s.formula(t(key, L), f"=SUM({_ref(lines_name, f'{column}{first}')}:{column}{last})", per)
    if footprint.per_functional_unit is not None and product.functional_unit is not None:
        s.item(
            t("results.per_functional_unit", L),
            footprint.per_functional_unit,
            t("unit.per_functional", L, text=product.functional_unit.get(L)),
        )
    s.blank()
    total = footprint.total
    s.breakdown(
        t("results.by_stage", L),
        [(model.stage_name(k, L), v) for k, v in footprint.stages.items()],
        total,
        per,
        L,
    )
    s.breakdown(
        t("results.by_gas", L),
        [(t_or("gas." + g, L, g), v) for g, v in footprint.gases.items()],
        total,
        per,
        L,
    )
    order = list(CATEGORIES) + [c for c in footprint.categories if c not in CATEGORIES]
    s.breakdown(
        t("results.by_category", L),
        [(t_or("category." + c, L, c), footprint.categories.get(c, 0.0)) for c in order],
        total,
        per,
        L,
    )
    s.heading([t("quality.title", L), t("xlsx.value", L), t("quality.rating", L)])
    s.item(t("quality.dqr", L), footprint.dqr, rating(footprint.dqr, L))
    s.item(t("quality.primary_share", L), footprint.primary_share, "", _PERCENT)
    s.blank()
    s.heading([t("uncertainty.title", L), t("xlsx.value", L), t("xlsx.unit", L)])
    if uncertainty is None:
        s.item(t("uncertainty.none", L), None)
    else:
        u = uncertainty.summary
        s.item(t("uncertainty.iterations", L), u.iterations)
        s.item(t("uncertainty.seed", L), uncertainty.seed)
        s.item(t("uncertainty.mean", L), u.mean, per)
        s.item(t("uncertainty.median", L), u.median, per)
        s.item(t("uncertainty.std", L), u.std, per)
        s.item(t("uncertainty.p2_5", L), u.p2_5, per)
        s.item(t("uncertainty.p97_5", L), u.p97_5, per)
        s.item(t("uncertainty.rse", L), u.relative_standard_error, "", _PERCENT)
        if uncertainty.drivers:
            s.blank()
            s.heading(
                [
                    t("uncertainty.drivers", L),
                    t("uncertainty.driver_share", L),
                    t("uncertainty.name", L),
                ]
            )
            for d in uncertainty.drivers:
                _put(sheet, s.row, 1, d.line)
                _put(sheet, s.row, 2, d.share).number_format = _PERCENT
                _put(sheet, s.row, 3, d.name)
                s.row += 1
    s.blank()
    s.heading(
        [
            t("results.offsets", L),
            t("results.offset_amount", L),
            t("results.offset_evidence", L),
        ]
    )
    for o in footprint.offsets:
        _put(sheet, s.row, 1, f"{o.line}: {o.name}")
        _put(sheet, s.row, 2, o.kg_co2e)
        _put(sheet, s.row, 3, o.evidence)
        s.row += 1
    s.title(t("results.offsets_text", L), Font(italic=True))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 36


def _sources_sheet(sheet: Any, footprint: Footprint, L: str) -> None:
    _header(
        sheet,
        1,
        ["#", t("quality.source", L), t("quality.used_by", L), t("quality.illustrative", L)],
    )
    for i, (source, users, illustrative) in enumerate(sources(footprint), start=1):
        _put(sheet, i + 1, 1, i)
        _put(sheet, i + 1, 2, source)
        _put(sheet, i + 1, 3, ", ".join(users))
        _put(sheet, i + 1, 4, t("report.yes" if illustrative else "report.no", L))
    for letter, width in zip("ABCD", (5, 80, 40, 12), strict=True):
        sheet.column_dimensions[letter].width = width


def _pins_sheet(sheet: Any, footprint: Footprint, L: str) -> None:
    _header(sheet, 1, [t("pin.kind", L), t("pin.ref", L), t("pin.digest", L), t("pin.link", L)])
    rows = [(t("pin.kind.software", L), f"tanji@{tanji.__version__}", "", "")] + [
        (t_or("pin.kind." + p.kind, L, p.kind), p.ref, p.digest, p.link) for p in footprint.pins
    ]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            if value:
                _put(sheet, i, j, value)
    for letter, width in zip("ABCD", (16, 50, 70, 36), strict=True):
        sheet.column_dimensions[letter].width = width


def write_xlsx(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    path: Path,
    language: str = "zh",
    *,
    report_date: date | None = None,
) -> Path:
    """Write the workbook to ``path`` and return the path."""
    L = check_language(language)
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = t("sheet.summary", L)
    lines = book.create_sheet(t("sheet.lines", L))
    root_rows = _lines_sheet(lines, footprint, L)
    day = (report_date or date.today()).isoformat()
    _summary_sheet(summary, footprint, uncertainty, L, lines.title, root_rows, day)
    _sources_sheet(book.create_sheet(t("sheet.sources", L)), footprint, L)
    _pins_sheet(book.create_sheet(t("sheet.pins", L)), footprint, L)
    book.properties.title = f"{t('report.title', L)} — {footprint.model.product.name.get(L)}"
    book.properties.creator = t("product.software_value", L, version=tanji.__version__)
    book.save(path)
    return path
