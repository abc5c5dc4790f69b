"""The footprint report as one self-contained HTML file (inline CSS and SVG, printable).

The page is rendered with Jinja2 (autoescaped) from the package's templates, read through
:mod:`importlib.resources`; it loads nothing from the network — no scripts, fonts or
style sheets — so it opens offline and prints on A4 with table headers repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined

from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint
from tanji.io.reports._content import Histogram, Report, build_report
from tanji.io.reports._text import fmt_value, t

__all__ = ["render_html", "write_html"]

_TEMPLATE = "report.html.j2"


def _load(name: str) -> str | None:
    resource = files("tanji.io.reports").joinpath("templates", name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


@cache
def _environment() -> Environment:
    return Environment(
        loader=FunctionLoader(_load),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class _Chart:
    """A histogram's geometry in SVG user units (y grows downwards)."""

    title: str
    axis: str
    count_label: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    ymax: str
    bars: tuple[dict[str, Any], ...]
    markers: tuple[dict[str, Any], ...]
    ticks: tuple[dict[str, Any], ...]


def _chart(h: Histogram) -> _Chart:
    width, height = 640, 250
    left, right, top, bottom = 56, 620, 28, 200
    lo, hi = h.edges[0], h.edges[-1]
    span = (hi - lo) or 1.0
    peak = max(h.counts) or 1

    def x(value: float) -> float:
        return round(left + (value - lo) / span * (right - left), 2)

    def y(count: int) -> float:
        return round(bottom - count / peak * (bottom - top), 2)

    bars = tuple(
        {
            "x": x(h.edges[i]),
            "y": y(count),
            "w": round(x(h.edges[i + 1]) - x(h.edges[i]), 2),
            "h": round(bottom - y(count), 2),
            "title": f"{fmt_value(h.edges[i])} – {fmt_value(h.edges[i + 1])}: {count}",
        }
        for i, count in enumerate(h.counts)
    )
    markers = tuple(
        {"x": x(value), "y": top - 6 - 12 * (i % 2), "label": label}
        for i, (label, value) in enumerate(h.markers)
        if lo <= value <= hi
    )
    ticks = tuple(
        {"x": x(lo + k / 4 * span), "label": fmt_value(lo + k / 4 * span)} for k in range(5)
    )
    return _Chart(
        title=h.title,
        axis=h.axis,
        count_label=h.count_label,
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        ymax=str(peak),
        bars=bars,
        markers=markers,
        ticks=ticks,
    )


def _render(report: Report) -> str:
    charts = {
        block.histogram.title: _chart(block.histogram)
        for section in report.sections
        for block in section.blocks
        if block.histogram is not None
    }
    language = report.language

    def label(key: str, **values: object) -> str:
        return t(key, language, **values)

    template = _environment().get_template(_TEMPLATE)
    return template.render(
        report=report,
        charts=charts,
        t=label,
        html_lang="zh-CN" if language == "zh" else "en",
    )


def render_html(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None = None,
    language: str = "zh",
    *,
    report_date: date | None = None,
) -> str:
    """The report as an HTML document (a string)."""
    return _render(build_report(footprint, uncertainty, language, report_date))


def write_html(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    path: Path,
    language: str = "zh",
    *,
    report_date: date | None = None,
) -> Path:
    """Write the HTML report to ``path`` (UTF-8) and return the path."""
    path.write_text(
        render_html(footprint, uncertainty, language, report_date=report_date), encoding="utf-8"
    )
    return path
