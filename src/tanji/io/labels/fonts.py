"""The one font of the labels: WenQuanYi Micro Hei (Simplified Chinese and Latin), from
the ``paperang_p2_fonts_cjk`` package the PDF reports use too."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from tanji.io.reports.pdf import font_path

__all__ = ["FONT", "FONT_FAMILY", "font_file", "registered_font", "text_width"]

FONT = "WQYMicroHei"
#: What an SVG asks for: the same face where installed, else any CJK sans-serif.
FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif"


def font_file() -> Path:
    return font_path()


@cache
def registered_font() -> str:
    """The font's ReportLab name, registered on first use."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT


def text_width(text: str, size: float) -> float:
    """The advance width of ``text`` at ``size`` (units of the size)."""
    width: float = pdfmetrics.stringWidth(text, registered_font(), size)
    return width
