"""Plain tables as one Excel workbook (XLSX): one sheet per table, a bold header row,
numbers as numbers. Used by the government's desk export; the caller has translated the
headers and sheet names already."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

__all__ = ["Sheet", "tables_workbook"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters (Excel's limit); cut when longer
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def _safe(value: Cell) -> Cell:
    """Text that Excel would read as a formula is written as text ('=…' stays visible)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def tables_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append(list(sheet.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_safe(v) for v in row])
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = min(max(10, width * 1.6), 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
