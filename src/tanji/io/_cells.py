"""Spreadsheet cells as the user typed them: shared by the Excel readers."""

from __future__ import annotations

from datetime import date

__all__ = ["Cell", "blank", "cell_text", "format_number"]

#: A cell value as openpyxl (or the CSV reader) gives it.
Cell = str | float | int | bool | date | None


def format_number(value: float) -> str:
    """The shortest text that reads back as the same float (integers without ``.0``)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Cell) -> str:
    """A cell as text, the way the user would type it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return format_number(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)
