"""Label files: the drawing (:mod:`.layout`), its SVG, PDF and PNG writers, and the
envelope each file carries (:func:`render`, :func:`read_carried`).

A label file is exactly the drawing of the claim inside the signed envelope it carries;
:func:`same_drawing` re-draws it and compares bytes, so a one-character change anywhere
(the value, the metadata, the envelope) is found.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from tanji.io.errors import DataFormatError
from tanji.io.labels.layout import RENDERER, SIZES, layout
from tanji.io.labels.pdf import ENVELOPE_KEY, write_pdf
from tanji.io.labels.png import ENVELOPE_CHUNK, PIXEL_WIDTHS, write_png
from tanji.io.labels.svg import write_svg

__all__ = ["FORMATS", "MEDIA_TYPES", "Carried", "read_carried", "render", "same_drawing"]

FORMATS = ("svg", "pdf", "png", "json")
MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "png": "image/png",
    "json": "application/json",
}
_SVG = re.compile(
    rb'<tj:envelope renderer="([^"]+)" size="([a-z]+)" encoding="base64">'
    rb"([A-Za-z0-9+/=]+)</tj:envelope>"
)
_PDF = re.compile(rb"/Subject \(" + ENVELOPE_KEY.encode() + rb":([a-z]+):([A-Za-z0-9+/=]+)\)")
_PDF_CREATOR = re.compile(rb"/Creator \(([^)]*)\)")


@dataclass(frozen=True)
class Carried:
    """What a label file carries: its format, the envelope's exact text, the size it
    was drawn at and the renderer that drew it."""

    format: str
    envelope_text: str
    size: str
    renderer: str


def render(claim: dict[str, Any], envelope_text: str, fmt: str, size: str = "medium") -> bytes:
    """The label file of ``claim`` (the claim inside ``envelope_text``) in ``fmt``."""
    if fmt == "json":
        return envelope_text.encode()
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    shapes = layout(claim)
    title = f"{claim['label']['name']['zh']} {claim['label']['id']}"
    if fmt == "svg":
        return write_svg(shapes, envelope_text, size=size, title=title)
    if fmt == "pdf":
        return write_pdf(shapes, envelope_text, size=size, title=title)
    if fmt == "png":
        return write_png(shapes, envelope_text, size=size)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def _decode(name: str, carried: bytes) -> str:
    try:
        return base64.b64decode(carried, validate=True).decode()
    except ValueError as error:
        raise DataFormatError(name, "the carried envelope is not valid base64 UTF-8.") from error


def read_carried(name: str, data: bytes) -> Carried:
    """The envelope a label file carries; ``name`` is used in error messages."""
    if data.startswith(b"%PDF-"):
        match = _PDF.search(data)
        creator = _PDF_CREATOR.search(data)
        if match is None or creator is None:
            raise DataFormatError(name, "this PDF carries no Tanji label envelope.")
        size, carried = match.group(1).decode(), match.group(2)
        return Carried("pdf", _decode(name, carried), size, creator.group(1).decode())
    if data.startswith(b"\x89PNG"):
        return _read_png(name, data)
    if b"<svg" in data[:400]:
        match = _SVG.search(data)
        if match is None:
            raise DataFormatError(name, "this SVG carries no Tanji label envelope.")
        renderer, size, carried = (g.decode() for g in match.groups())
        return Carried("svg", _decode(name, carried.encode()), size, renderer)
    try:
        json.loads(data)
    except ValueError as error:
        raise DataFormatError(
            name, "not a label file (expected the label's JSON, SVG, PDF or PNG)."
        ) from error
    return Carried("json", data.decode(), "", RENDERER)


def _read_png(name: str, data: bytes) -> Carried:
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # reads every chunk: a damaged one fails here, with its CRC
            text: dict[str, str] = dict(getattr(image, "text", {}))
    except (OSError, SyntaxError, ValueError) as error:
        raise DataFormatError(name, f"this PNG cannot be read ({error}).") from None
    if ENVELOPE_CHUNK not in text or "tanji-renderer" not in text:
        raise DataFormatError(name, "this PNG carries no Tanji label envelope.")
    renderer, _, size = text["tanji-renderer"].rpartition(":")
    if size not in PIXEL_WIDTHS:
        raise DataFormatError(name, f"unknown label size {size!r}.")
    return Carried("png", _decode(name, text[ENVELOPE_CHUNK].encode()), size, renderer)


def same_drawing(data: bytes, carried: Carried, claim: dict[str, Any]) -> bool:
    """Whether ``data`` is exactly the drawing of ``claim`` with ``carried``'s envelope."""
    if carried.format == "json":
        return True  # the file is the envelope itself; its signatures are the check
    if carried.renderer != RENDERER:
        return False
    return render(claim, carried.envelope_text, carried.format, carried.size) == data
