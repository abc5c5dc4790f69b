"""The footprint report as a PDF (ReportLab), with Chinese text in WenQuanYi Micro Hei.

Every string is set in one font, WenQuanYi Micro Hei (shipped by the PyPI package
``paperang_p2_fonts_cjk``), which covers Simplified Chinese and Latin, so both languages
render with the same glyphs. Tables repeat their header row on every page they span;
each page carries the page number of the total, and — for illustrative data — the
warning banner. The PDF is written with ReportLab's invariant mode, so the same
footprint and date give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# ReportLab and the font package ship no type information: their values are Any here.
import paperang_p2_fonts_cjk  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint
from tanji.io.reports import _content
from tanji.io.reports._content import Block, Histogram, Report, build_report
from tanji.io.reports._text import fmt_value, t

__all__ = ["FONT", "font_path", "write_pdf"]

#: The ReportLab name of the registered font.
FONT = "WQYMicroHei"

_ACCENT = colors.HexColor("#1f6f50")
_WARN = colors.HexColor("#b3261e")
_BAND = colors.HexColor("#eef3f6")
_RULE = colors.HexColor("#9aa6b0")
_MUTED = colors.HexColor("#5c6670")
_BAR = colors.HexColor("#7fb59b")

_PAGE = A4
_MARGIN = 15 * mm


def font_path() -> Path:
    """The WenQuanYi Micro Hei collection shipped by ``paperang_p2_fonts_cjk``."""
    return Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"


def _register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
        # One face only: bold and italic markup fall back to the same glyphs.
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


class _Styles:
    """The paragraph styles of a report in one language."""

    def __init__(self, language: str) -> None:
        wrap = "CJK" if language == "zh" else None
        base: dict[str, Any] = {"fontName": FONT, "wordWrap": wrap, "splitLongWords": 1}
        self.body = ParagraphStyle("body", fontSize=9, leading=13, spaceAfter=4, **base)
        self.title = ParagraphStyle(
            "title", fontSize=22, leading=28, textColor=_ACCENT, spaceAfter=4, **base
        )
        self.subtitle = ParagraphStyle(
            "subtitle", fontSize=10, leading=14, textColor=_MUTED, **base
        )
        self.product = ParagraphStyle("product", fontSize=14, leading=20, spaceBefore=6, **base)
        self.h1 = ParagraphStyle(
            "h1",
            fontSize=14,
            leading=19,
            textColor=_ACCENT,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=1,
            **base,
        )
        self.h2 = ParagraphStyle(
            "h2", fontSize=11, leading=15, spaceBefore=8, spaceAfter=4, keepWithNext=1, **base
        )
        self.caption = ParagraphStyle(
            "caption", fontSize=9, leading=12, spaceBefore=4, spaceAfter=2, keepWithNext=1, **base
        )
        self.banner = ParagraphStyle(
            "banner", fontSize=15, leading=20, textColor=_WARN, spaceAfter=2, **base
        )
        self.banner_detail = ParagraphStyle(
            "banner_detail", fontSize=9, leading=12, textColor=_WARN, **base
        )
        self.headline_label = ParagraphStyle(
            "headline_label", fontSize=9, leading=12, textColor=_MUTED, **base
        )
        self.headline = ParagraphStyle("headline", fontSize=17, leading=22, **base)
        self.bullet = ParagraphStyle(
            "bullet",
            fontSize=9,
            leading=13,
            leftIndent=12,
            bulletIndent=2,
            bulletFontName=FONT,
            spaceAfter=2,
            **base,
        )
        self.label = ParagraphStyle("label", fontSize=8.5, leading=11, textColor=_MUTED, **base)
        self.value = ParagraphStyle("value", fontSize=8.5, leading=11, **base)
        self.cell = ParagraphStyle("cell", fontSize=6.8, leading=8.6, **base)
        self.cell_num = ParagraphStyle("cell_num", parent=self.cell, alignment=TA_RIGHT)


def _p(text: str, style: Any) -> Any:
    return Paragraph(escape(text), style)


def _width() -> float:
    return float(_PAGE[0] - 2 * _MARGIN)


def _table(table: _content.Table, styles: _Styles) -> list[Any]:
    weights = table.weights
    widths = [_width() * w / sum(weights) for w in weights]

    def row(cells: tuple[str, ...]) -> list[Any]:
        return [
            _p(cell, styles.cell_num if table.numeric[i] else styles.cell)
            for i, cell in enumerate(cells)
        ]

    data = [row(table.headers)] + [row(r) for r in table.rows]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, _RULE),
        ("BACKGROUND", (0, 0), (-1, 0), _BAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.footer is not None:
        data.append(row(table.footer))
        commands.append(("BACKGROUND", (0, -1), (-1, -1), _BAND))
    flowables: list[Any] = []
    if table.caption:
        flowables.append(_p(table.caption, styles.caption))
    flowables.append(
        Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="LEFT")
    )
    flowables.append(Spacer(1, 6))
    return flowables


def _fields(fields: tuple[tuple[str, str], ...], styles: _Styles) -> Any:
    data = [[_p(label, styles.label), _p(value, styles.value)] for label, value in fields]
    style = TableStyle(
        [
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
            ("LINEABOVE", (0, 0), (-1, 0), 0.4, _RULE),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f7f9fa")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    width = _width()
    return Table(
        data, colWidths=[0.3 * width, 0.7 * width], style=style, hAlign="LEFT", repeatRows=0
    )


def _histogram(h: Histogram, styles: _Styles) -> list[Any]:
    """The Monte Carlo histogram as ReportLab vector graphics."""
    width, height = _width(), 185.0
    left, right, bottom, top = 42.0, width - 12.0, 34.0, height - 26.0
    lo, hi = h.edges[0], h.edges[-1]
    span = (hi - lo) or 1.0
    peak = max(h.counts) or 1

    def x(value: float) -> float:
        return left + (value - lo) / span * (right - left)

    def y(count: int) -> float:
        return bottom + count / peak * (top - bottom)

    drawing = Drawing(width, height)
    for i, count in enumerate(h.counts):
        x0, x1 = x(h.edges[i]), x(h.edges[i + 1])
        drawing.add(
            Rect(
                x0,
                bottom,
                x1 - x0,
                y(count) - bottom,
                fillColor=_BAR,
                strokeColor=colors.white,
                strokeWidth=0.4,
            )
        )
    drawing.add(Line(left, bottom, right, bottom, strokeColor=colors.black, strokeWidth=0.7))
    drawing.add(Line(left, bottom, left, top, strokeColor=colors.black, strokeWidth=0.7))

    def text(px: float, py: float, value: str, anchor: str = "middle", **kw: Any) -> None:
        drawing.add(String(px, py, value, fontName=FONT, fontSize=7, textAnchor=anchor, **kw))

    for k in range(5):
        value = lo + k / 4 * span
        drawing.add(Line(x(value), bottom, x(value), bottom - 3, strokeColor=colors.black))
        text(x(value), bottom - 11, fmt_value(value))
    text(left - 4, top - 3, str(peak), "end")
    text(left - 4, bottom - 2, "0", "end")
    text((left + right) / 2, 4, h.axis)
    text(left, top + 14, h.count_label, "start", fillColor=_MUTED)
    for i, (label, value) in enumerate(h.markers):
        if not lo <= value <= hi:
            continue
        drawing.add(
            Line(
                x(value),
                bottom,
                x(value),
                top,
                strokeColor=_WARN,
                strokeWidth=0.8,
                strokeDashArray=[3, 2],
            )
        )
        text(x(value), top + 3 + 9 * (i % 2), label, fillColor=_WARN)
    return [drawing, _p(h.title, styles.caption), Spacer(1, 6)]


def _block(block: Block, styles: _Styles) -> list[Any]:
    story: list[Any] = []
    if block.heading:
        story.append(_p(block.heading, styles.h2))
    story.extend(_p(text, styles.body) for text in block.paragraphs)
    if block.fields:
        story += [_fields(block.fields, styles), Spacer(1, 6)]
    if block.histogram is not None:
        story += _histogram(block.histogram, styles)
    for table in block.tables:
        story += _table(table, styles)
    story.extend(Paragraph(escape(item), styles.bullet, bulletText="•") for item in block.bullets)
    return story


def _cover(report: Report, styles: _Styles) -> list[Any]:
    story: list[Any] = []
    if report.banner:
        banner = Table(
            [[[_p(report.banner, styles.banner), _p(report.banner_detail, styles.banner_detail)]]],
            colWidths=[_width()],
            style=TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 2, _WARN),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecea")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            ),
        )
        story += [banner, Spacer(1, 10)]
    story += [
        _p(report.title, styles.title),
        _p(report.subtitle, styles.subtitle),
        _p(report.product, styles.product),
        Spacer(1, 6),
    ]
    headline = Table(
        [
            [
                [
                    _p(report.headline_label, styles.headline_label),
                    _p(report.headline, styles.headline),
                ]
            ]
        ],
        colWidths=[_width() * 0.6],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _BAND),
                ("LINEBEFORE", (0, 0), (0, -1), 4, _ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )
    story += [headline, Spacer(1, 6)]
    return story


def _canvas_maker(report: Report) -> Callable[..., Any]:
    """A canvas that stamps "page n of N", the footer and the banner on every page."""
    language = report.language

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = _PAGE
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(_MUTED)
            self.setStrokeColor(_RULE)
            self.setLineWidth(0.4)
            self.line(_MARGIN, 11 * mm, width - _MARGIN, 11 * mm)
            self.drawString(_MARGIN, 7 * mm, report.footer)
            self.drawRightString(
                width - _MARGIN,
                7 * mm,
                t("report.page", language, page=self.getPageNumber(), pages=total),
            )
            if report.banner:
                self.setFont(FONT, 9)
                self.setFillColor(_WARN)
                self.drawCentredString(width / 2, height - 9 * mm, report.banner)
            self.restoreState()

    return NumberedCanvas


def write_pdf(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    path: Path,
    language: str = "zh",
    *,
    report_date: date | None = None,
) -> Path:
    """Write the PDF report to ``path`` and return the path."""
    _register_font()
    report = build_report(footprint, uncertainty, language, report_date)
    styles = _Styles(report.language)
    story = _cover(report, styles)
    for section in report.sections:
        story.append(
            _p(
                t("report.section", report.language, number=section.number, title=section.title),
                styles.h1,
            )
        )
        for block in section.blocks:
            story += _block(block, styles)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=_PAGE,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 4 * mm,
        title=f"{report.title} — {report.product}",
        author=footprint.model.product.company or report.footer,
        subject=report.headline,
        creator=report.footer,
        invariant=1,
    )
    doc.build(story, canvasmaker=_canvas_maker(report))
    return path
