"""The label as PNG for the web (Pillow), the envelope in an ``iTXt`` chunk."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from tanji.io.labels.fonts import font_file
from tanji.io.labels.layout import HEIGHT, RENDERER, WIDTH, Ellipse, Rect, Shape, Text

__all__ = ["ENVELOPE_CHUNK", "PIXEL_WIDTHS", "write_png"]

ENVELOPE_CHUNK = "tanji-envelope"
#: Web sizes: name → width in pixels.
PIXEL_WIDTHS: dict[str, int] = {"small": 360, "medium": 720, "large": 1200}
_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}


def _ellipse(image: Image.Image, shape: Ellipse, scale: float) -> None:
    """A rotated ellipse: drawn upright on its own layer, rotated, pasted."""
    rx, ry = shape.rx * scale, shape.ry * scale
    side = int(2 * max(rx, ry)) + 4
    layer = Image.new("L", (side, side), 0)
    ImageDraw.Draw(layer).ellipse(
        (side / 2 - rx, side / 2 - ry, side / 2 + rx, side / 2 + ry), fill=255
    )
    if shape.angle:
        layer = layer.rotate(-shape.angle, resample=Image.Resampling.BICUBIC)
    colour = Image.new("RGB", (side, side), shape.fill)
    image.paste(colour, (int(shape.cx * scale - side / 2), int(shape.cy * scale - side / 2)), layer)


def write_png(shapes: list[Shape], envelope_text: str, *, size: str) -> bytes:
    """A PNG of ``shapes`` at web size ``size`` (see :data:`PIXEL_WIDTHS`)."""
    scale = PIXEL_WIDTHS[size] / WIDTH
    image = Image.new("RGB", (round(WIDTH * scale), round(HEIGHT * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}
    for shape in shapes:
        if isinstance(shape, Rect):
            box = (
                shape.x * scale,
                shape.y * scale,
                (shape.x + shape.w) * scale,
                (shape.y + shape.h) * scale,
            )
            if shape.radius:
                draw.rounded_rectangle(box, radius=shape.radius * scale, fill=shape.fill)
            else:
                draw.rectangle(box, fill=shape.fill)
        elif isinstance(shape, Ellipse):
            _ellipse(image, shape, scale)
        else:
            assert isinstance(shape, Text)
            if shape.size not in fonts:
                fonts[shape.size] = ImageFont.truetype(str(font_file()), shape.size * scale)
            draw.text(
                (shape.x * scale, shape.y * scale), shape.text, fill=shape.fill,
                font=fonts[shape.size], anchor=_ANCHOR[shape.anchor],
            )  # fmt: skip
    info = PngInfo()
    info.add_itxt("tanji-renderer", f"{RENDERER}:{size}")
    info.add_itxt(ENVELOPE_CHUNK, base64.b64encode(envelope_text.encode()).decode())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, optimize=False)
    return buffer.getvalue()
