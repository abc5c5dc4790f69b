"""The green-procurement view: certified products of one category and declared unit
that meet a threshold (at most so many kg CO2e per declared unit) and/or a grade (that
grade or better), exportable as CSV or XLSX for a tender.

Only comparable numbers are listed together: a category and a declared unit are both
required (see :mod:`tanji.domain.directory`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tanji.domain.benchmarks import Grade
from tanji.io.tables import TableCell, table_csv, table_xlsx
from tanji.services.directory.listing import GRADES, DirectoryEntry, entries
from tanji.services.errors import invalid_field

__all__ = ["EXPORT_FORMATS", "Procurement", "export", "procurement"]

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ORDER = [g.value for g in Grade]  # best first


@dataclass(frozen=True)
class Procurement:
    category: str
    declared_unit: str
    threshold: float | None
    grade: str
    items: tuple[DirectoryEntry, ...]


def procurement(
    session: Session,
    category: str,
    declared_unit: str,
    *,
    threshold: float | None = None,
    grade: str = "",
    day: date | None = None,
) -> Procurement:
    """The certified products of ``category`` per ``declared_unit`` meeting
    ``threshold`` and ``grade`` (that grade or better), lowest footprint first."""
    if not category.strip():
        raise invalid_field("category", "a product category")
    if not declared_unit.strip():
        raise invalid_field("declared_unit", "the declared unit the threshold is per")
    if threshold is not None and not (0 <= threshold < float("inf")):
        raise invalid_field("threshold", f"kg CO2e per declared unit from 0, not {threshold}")
    if grade and grade not in GRADES:
        raise invalid_field("grade", f"one of {', '.join(GRADES)}, not {grade!r}")
    allowed = set(_ORDER[: _ORDER.index(grade) + 1]) if grade else None
    items = tuple(
        e
        for e in entries(session, day=day)
        if e.category == category
        and e.declared_unit == declared_unit
        and (threshold is None or e.value <= threshold)
        and (allowed is None or e.grade in allowed)
    )
    return Procurement(category, declared_unit, threshold, grade, items)


def export(view: Procurement, fmt: str, header: list[str], grade_words: dict[str, str]) -> bytes:
    """The list as ``fmt`` (csv or xlsx); ``header`` and ``grade_words`` in the reader's
    language (the web layer translates them)."""
    if fmt not in EXPORT_FORMATS:
        raise invalid_field("format", f"one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    rows: list[list[TableCell]] = [
        [e.certificate, e.product_name, e.holder, e.city, e.category, e.value, e.unit,
         e.declared_unit, grade_words.get(e.grade or "", ""), e.body,
         e.issued_on.isoformat(), e.expires_on.isoformat(), e.label or ""]
        for e in view.items
    ]  # fmt: skip
    if fmt == "csv":
        return table_csv(header, rows)
    return table_xlsx("procurement", header, rows)
