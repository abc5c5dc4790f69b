"""The label's drawing as a list of shapes, shared by the SVG, PDF and PNG writers.

The design follows what the CNCA published about the China product carbon footprint
label (2025-03): "主体采用绿色调" (green), "通过'脚印'图案…展现碳足迹概念" (a footprint
motif) and "以数字格式清晰呈现产品碳足迹量化结果" (the value in digits). The official
artwork was not available to us, so the proportions, the motif's drawing and the type
are the platform's own, and every label says so ("平台示意 · platform rendering").

Coordinates are in label units: the label is :data:`WIDTH` × :data:`HEIGHT` units, the
origin top left, y downwards; a writer scales them to its size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import segno

from tanji.io.labels.fonts import text_width

__all__ = [
    "GREEN",
    "HEIGHT",
    "RENDERER",
    "SIZES",
    "WIDTH",
    "Ellipse",
    "Rect",
    "Shape",
    "Text",
    "format_value",
    "layout",
    "qr_url_of",
]

#: Names the drawing's version; a file records it and a check re-draws with it.
RENDERER = "tanji-label/1"
WIDTH, HEIGHT = 300.0, 186.0
GREEN = "#1b8a4c"
DARK = "#14532d"
PALE = "#e8f5ec"
WHITE = "#ffffff"
INK = "#1f2933"
#: Print sizes: name → width in millimetres (the height keeps the proportions).
SIZES: dict[str, float] = {"small": 30.0, "medium": 60.0, "large": 90.0}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0.0


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    fill: str
    angle: float = 0.0  # degrees, clockwise


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    fill: str
    anchor: str = "start"  # start | middle | end


Shape = Rect | Ellipse | Text


def format_value(value: float) -> str:
    """The footprint in digits as printed: four significant digits, no exponent,
    thousands grouped (the claim keeps the certificate's full value)."""
    if value == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def qr_url_of(claim: dict[str, Any]) -> str:
    """The address the QR code carries (the claim's ``label.qr_url``)."""
    return str(claim["label"]["qr_url"])


def _fit(text: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to ``width`` units at ``size``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _footprint(x: float, y: float, scale: float, fill: str) -> list[Shape]:
    """A footprint: a sole (two ellipses, heel and ball) and five toes."""
    shapes: list[Shape] = [
        Ellipse(x + 13 * scale, y + 13 * scale, 9 * scale, 10.5 * scale, fill, -10),
        Ellipse(x + 10.5 * scale, y + 24 * scale, 6 * scale, 8 * scale, fill, -10),
        Ellipse(x + 8.5 * scale, y + 33 * scale, 6.5 * scale, 7 * scale, fill, -6),
    ]
    toes = [(5, 2.2, 3.6), (10.5, 0.6, 3.0), (15.5, 1.4, 2.6), (19.5, 3.6, 2.2), (22.5, 6.6, 1.9)]
    for dx, dy, r in toes:
        shapes.append(
            Ellipse(x + dx * scale, y + dy * scale - 4 * scale, r * scale, r * scale, fill)
        )
    return shapes


def _qr(url: str, x: float, y: float, size: float) -> list[Shape]:
    """The QR code of ``url`` (error correction M), dark modules merged into runs."""
    code = segno.make(url, error="m", micro=False)
    matrix = code.matrix
    quiet = 2
    n = len(matrix) + 2 * quiet
    module = size / n
    shapes: list[Shape] = [Rect(x, y, size, size, WHITE)]
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if cells[col]:
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                shapes.append(
                    Rect(
                        round(x + (start + quiet) * module, 3),
                        round(y + (row + quiet) * module, 3),
                        round((col - start) * module, 3),
                        round(module, 3),
                        INK,
                    )
                )
            else:
                col += 1
    return shapes


def layout(claim: dict[str, Any]) -> list[Shape]:
    """The label's shapes for a claim (a :data:`tanji.domain.labels.CLAIM_TYPE` document)."""
    label, certificate = claim["label"], claim["certificate"]
    footprint = claim.get("footprint")
    shapes: list[Shape] = [
        Rect(0, 0, WIDTH, HEIGHT, GREEN, radius=10),
        Rect(4, 34, WIDTH - 8, HEIGHT - 38, WHITE, radius=7),
        Text(14, 24, label["name"]["zh"], 15, WHITE),
        Text(WIDTH - 14, 24, _fit(label["name"]["en"], 8, 130), 8, PALE, anchor="end"),
    ]
    shapes += _footprint(14, 56, 1.9, GREEN)
    if footprint is not None:
        value = format_value(float(footprint["value"]))
        size = 40.0 if len(value) <= 5 else 30.0
        shapes.append(Text(70, 92, value, size, DARK))
        per = f"{footprint['unit']} / {footprint['declared_unit']}"
        shapes.append(Text(71, 110, _fit(per, 9.5, 122), 9.5, INK))
    shapes += _qr(qr_url_of(claim), 200, 44, 90)
    product = claim["product"]
    issuer = f"{certificate['number']} · {certificate['body']['name']}"
    validity = f"{certificate['standard']} · 有效期至 valid until {certificate['valid_until']}"
    shapes += [
        Text(14, 132, _fit(product["name"], 10.5, 182), 10.5, INK),
        Text(14, 146, _fit(product["holder"], 7.5, 182), 7.5, INK),
        Text(14, 159, _fit(issuer, 7, 272), 7, INK),
        Text(14, 171, _fit(validity, 7, 272), 7, INK),
        Text(245, 150, label["id"], 6, INK, anchor="middle"),
        Text(WIDTH - 12, 181, "平台示意 · platform rendering", 5.5, GREEN, anchor="end"),
    ]
    return shapes
