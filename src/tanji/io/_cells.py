"""Spreadsheet cells as the user typed them: shared by the Excel readers."""

from __future__ import annotations

from datetime import date

__all__ = ["Cell", "blank", "cell_text", "csv_cell", "format_number", "from_csv_cell"]

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


#: What makes a spreadsheet read a cell as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cell(text: str) -> str:
    """A text for a CSV cell that a spreadsheet will not run as a formula: a text
    starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (numbers
    such as ``-0.5`` stay as they are). :func:`from_csv_cell` undoes it."""
    if text.startswith(_FORMULA_START) and not _number(text):
        return "'" + text
    return text


def from_csv_cell(text: str) -> str:
    """A CSV cell as written before :func:`csv_cell` protected it."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START) and not _number(text[1:]):
        return text[1:]
    return text
