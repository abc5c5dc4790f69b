"""The label as SVG: print-ready vector, the signed envelope in ``<metadata>``.

The envelope is carried as base64 of its exact JSON text (so no XML escaping can alter
it), with the renderer's version and the size: ``tanji label verify`` re-draws the
label from the envelope's claim and compares the file byte for byte.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape, quoteattr

from tanji.io.labels.fonts import FONT_FAMILY
from tanji.io.labels.layout import HEIGHT, RENDERER, SIZES, WIDTH, Ellipse, Rect, Shape, Text

__all__ = ["NAMESPACE", "write_svg"]

NAMESPACE = "https://tanji.dev/ns/carbon-label/1"
_ANCHOR = {"start": "start", "middle": "middle", "end": "end"}


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _shape(shape: Shape) -> str:
    if isinstance(shape, Rect):
        radius = f' rx="{_n(shape.radius)}"' if shape.radius else ""
        return (
            f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
            f'height="{_n(shape.h)}"{radius} fill="{shape.fill}"/>'
        )
    if isinstance(shape, Ellipse):
        turn = (
            f' transform="rotate({_n(shape.angle)} {_n(shape.cx)} {_n(shape.cy)})"'
            if shape.angle
            else ""
        )
        return (
            f'<ellipse cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" rx="{_n(shape.rx)}" '
            f'ry="{_n(shape.ry)}" fill="{shape.fill}"{turn}/>'
        )
    assert isinstance(shape, Text)
    return (
        f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
        f'fill="{shape.fill}" text-anchor="{_ANCHOR[shape.anchor]}">{escape(shape.text)}</text>'
    )


def write_svg(shapes: list[Shape], envelope_text: str, *, size: str, title: str) -> bytes:
    """The SVG document of ``shapes`` at print size ``size`` (see :data:`SIZES`)."""
    width_mm = SIZES[size]
    height_mm = round(width_mm * HEIGHT / WIDTH, 2)
    carried = base64.b64encode(envelope_text.encode()).decode()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:tj="{NAMESPACE}" '
        f'width="{_n(width_mm)}mm" height="{_n(height_mm)}mm" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" role="img">',
        f"<title>{escape(title)}</title>",
        "<metadata>",
        f"<tj:envelope renderer={quoteattr(RENDERER)} size={quoteattr(size)} "
        f'encoding="base64">{carried}</tj:envelope>',
        "</metadata>",
        f'<g font-family="{FONT_FAMILY}">',
        *(_shape(shape) for shape in shapes),
        "</g>",
        "</svg>",
    ]
    return ("\n".join(lines) + "\n").encode()
