"""A plain table as a file for a spreadsheet: CSV (UTF-8 with BOM, every text cell
neutralised against formula injection) or XLSX (openpyxl, text cells stored as text).

Used by exports such as the directory's green-procurement list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from tanji.io._cells import csv_cell

__all__ = ["TableCell", "table_csv", "table_xlsx"]

TableCell = str | float | int | None


def _text(cell: TableCell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() else str(int(cell))
    return str(cell)


def table_csv(header: Sequence[str], rows: Sequence[Sequence[TableCell]]) -> bytes:
    """The table as CSV; a text starting with ``= + - @`` gets a leading ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow(
            [_text(c) if isinstance(c, int | float) else csv_cell(_text(c)) for c in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[TableCell]]) -> bytes:
    """The table as an XLSX workbook of one sheet; text cells are written as text (a
    cell starting with ``=`` is not a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([c if isinstance(c, int | float) or c is None else str(c) for c in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
