"""Footprint reports: HTML, PDF and XLSX, in Simplified Chinese or English.

:func:`write_report` writes the report of a :class:`~tanji.domain.footprints.Footprint`
(and its Monte Carlo result, if any) in the format its file suffix names. The content
follows ISO 14067:2018 §7.3 (the CFP study report) and GB/T 24067-2024: the product and
the study, goal and scope, results (by stage, gas and category; offsets apart),
line-by-line contributions, data sources and quality, uncertainty, limitations and the
pins that make the result reproducible. Every label comes from the catalogue in
:mod:`tanji.io.reports._text`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint
from tanji.io.errors import DataFormatError
from tanji.io.reports._text import check_language
from tanji.io.reports.html import write_html
from tanji.io.reports.pdf import write_pdf
from tanji.io.reports.xlsx import write_xlsx

__all__ = ["FORMATS", "write_report"]

#: The report formats by file suffix.
FORMATS = {".html": write_html, ".pdf": write_pdf, ".xlsx": write_xlsx}


def write_report(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    path: str | Path,
    language: str = "zh",
    *,
    report_date: date | None = None,
) -> Path:
    """Write the report to ``path`` as HTML, PDF or XLSX (by its suffix) and return the path.

    ``language`` is "zh" (Simplified Chinese) or "en"; ``report_date`` defaults to today.
    An unknown suffix raises :class:`~tanji.io.errors.DataFormatError`.
    """
    target = Path(path)
    writer = FORMATS.get(target.suffix.lower())
    if writer is None:
        raise DataFormatError(str(path), "expected .html, .pdf or .xlsx")
    check_language(language)
    return writer(footprint, uncertainty, target, language, report_date=report_date)
