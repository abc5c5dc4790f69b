"""The label as PDF (ReportLab): a page the size of the label, vector shapes, the CJK
font embedded (subset), the signed envelope in the document information dictionary.

ReportLab's ``invariant`` mode leaves out the creation time and random document id, so
the same claim gives the same bytes and ``tanji label verify`` can compare a file with
its re-drawing.
"""

from __future__ import annotations

import base64
import io

from reportlab.lib.colors import HexColor  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from tanji.io.labels.fonts import registered_font
from tanji.io.labels.layout import HEIGHT, RENDERER, SIZES, WIDTH, Ellipse, Rect, Shape, Text

__all__ = ["ENVELOPE_KEY", "write_pdf"]

#: The envelope's marker in the document's subject: ``tanji-envelope:<size>:<base64>``.
ENVELOPE_KEY = "tanji-envelope"


def _draw(canvas: Canvas, shape: Shape, font: str) -> None:
    if isinstance(shape, Rect):
        canvas.setFillColor(HexColor(shape.fill))
        y = HEIGHT - shape.y - shape.h
        if shape.radius:
            canvas.roundRect(shape.x, y, shape.w, shape.h, shape.radius, stroke=0, fill=1)
        else:
            canvas.rect(shape.x, y, shape.w, shape.h, stroke=0, fill=1)
    elif isinstance(shape, Ellipse):
        canvas.setFillColor(HexColor(shape.fill))
        canvas.saveState()
        canvas.translate(shape.cx, HEIGHT - shape.cy)
        canvas.rotate(-shape.angle)
        canvas.ellipse(-shape.rx, -shape.ry, shape.rx, shape.ry, stroke=0, fill=1)
        canvas.restoreState()
    else:
        assert isinstance(shape, Text)
        canvas.setFillColor(HexColor(shape.fill))
        canvas.setFont(font, shape.size)
        draw = {
            "start": canvas.drawString,
            "middle": canvas.drawCentredString,
            "end": canvas.drawRightString,
        }[shape.anchor]
        draw(shape.x, HEIGHT - shape.y, shape.text)


def write_pdf(shapes: list[Shape], envelope_text: str, *, size: str, title: str) -> bytes:
    """A one-page PDF of ``shapes`` at print size ``size`` (see :data:`SIZES`)."""
    scale = SIZES[size] * mm / WIDTH
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH * scale, HEIGHT * scale), invariant=1)
    canvas.setTitle(title)
    canvas.setCreator(RENDERER)
    carried = base64.b64encode(envelope_text.encode()).decode()
    canvas.setSubject(f"{ENVELOPE_KEY}:{size}:{carried}")
    canvas.scale(scale, scale)
    font = registered_font()
    for shape in shapes:
        _draw(canvas, shape, font)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
