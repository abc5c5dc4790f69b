"""Label files: each format carries the envelope exactly, re-draws byte for byte, and
any one-character change to the drawing or the carried envelope is found; the PNG's
QR code holds the claim's address module for module."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
import segno
from PIL import Image

from tanji.io.errors import DataFormatError
from tanji.io.labels import read_carried, render, same_drawing
from tanji.io.labels.layout import HEIGHT, WIDTH, format_value

CLAIM: dict[str, Any] = {
    "type": "tanji.carbon-label/1",
    "label": {
        "id": "k7q2m9x4abcdefgh", "kind": "footprint",
        "name": {"zh": "产品碳足迹标识", "en": "Product carbon footprint label"},
        "issued_at": "2026-12-07T08:00:00+00:00",
        "verify_url": "https://tanji.example/l/k7q2m9x4abcdefgh",
        "qr_url": "https://tanji.example/01/09506000134352",
    },
    "product": {"name": "单晶硅光伏组件 TJ-550W", "holder": "江苏示范光伏科技有限公司"},
    "footprint": {"value": 412.3456, "unit": "kg CO2e", "declared_unit": "1 kW",
                  "category": "photovoltaic"},
    "certificate": {
        "number": "CFP-2026-0007-000001",
        "body": {"name": "江苏示范认证中心", "approval": "CNCA-R-2026-001"},
        "standard": "GB/T 24067-2024", "rule": {"id": "pv-module-csi", "version": "1.0"},
        "valid_from": "2026-12-07", "valid_until": "2028-12-06",
    },
    "identifiers": {"label": "k7q2m9x4abcdefgh", "gtin": "09506000134352"},
}  # fmt: skip
ENVELOPE = json.dumps({"claim": CLAIM, "signatures": []}, ensure_ascii=False)


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_a_file_carries_its_envelope_and_redraws_exactly(fmt: str) -> None:
    data = render(CLAIM, ENVELOPE, fmt, "small")
    carried = read_carried(f"label.{fmt}", data)
    assert (carried.format, carried.size, carried.envelope_text) == (fmt, "small", ENVELOPE)
    assert same_drawing(data, carried, CLAIM)
    other = json.loads(json.dumps(CLAIM))
    other["product"]["name"] = "单晶硅光伏组件 TJ-560W"
    assert not same_drawing(data, carried, other)


def test_the_printed_value_is_in_the_svg_and_a_changed_digit_is_found() -> None:
    data = render(CLAIM, ENVELOPE, "svg", "medium")
    assert b">412.3</text>" in data
    assert b'width="60mm"' in data
    forged = data.replace(b">412.3</text>", b">312.3</text>")
    carried = read_carried("forged.svg", forged)
    assert not same_drawing(forged, carried, CLAIM)


def test_every_size_of_the_pdf_is_a_different_page() -> None:
    pages = {size: render(CLAIM, ENVELOPE, "pdf", size) for size in ("small", "medium", "large")}
    assert len(set(pages.values())) == 3
    assert b"/MediaBox [ 0 0 170.0787 105.4488 ]" in pages["medium"]  # 60 × 37.2 mm


def test_a_changed_byte_in_the_carried_envelope_is_found() -> None:
    data = render(CLAIM, ENVELOPE, "pdf", "medium")
    carried_b64 = base64.b64encode(ENVELOPE.encode())
    position = data.index(carried_b64) + 40
    flipped = b"A" if data[position : position + 1] != b"A" else b"B"
    forged = data[:position] + flipped + data[position + 1 :]
    try:
        carried = read_carried("forged.pdf", forged)
    except DataFormatError:
        return  # no longer valid base64 UTF-8: refused outright
    assert carried.envelope_text != ENVELOPE


def test_files_without_an_envelope_are_refused() -> None:
    with pytest.raises(DataFormatError, match="no Tanji label envelope"):
        read_carried("other.svg", b'<?xml version="1.0"?><svg xmlns="x"></svg>')
    with pytest.raises(DataFormatError, match="expected the label's JSON, SVG, PDF or PNG"):
        read_carried("notes.txt", b"hello")


def test_the_png_qr_code_holds_the_claims_address() -> None:
    image = Image.open(io.BytesIO(render(CLAIM, ENVELOPE, "png", "large"))).convert("L")
    matrix = segno.make(CLAIM["label"]["qr_url"], error="m", micro=False).matrix
    scale = image.width / WIDTH
    assert image.height == round(HEIGHT * scale)
    n, quiet, x0, y0, size = len(matrix), 2, 200.0, 44.0, 90.0
    module = size / (n + 2 * quiet)
    for row in range(n):
        for col in range(n):
            px = (x0 + (col + quiet + 0.5) * module) * scale
            py = (y0 + (row + quiet + 0.5) * module) * scale
            dark = image.getpixel((int(px), int(py))) < 128  # type: ignore[operator]
            assert dark == bool(matrix[row][col]), (row, col)


@pytest.mark.parametrize(
    ("value", "printed"),
    [(412.3456, "412.3"), (0.051234, "0.05123"), (12345.6, "12,346"), (0, "0")],
)
def test_the_value_is_printed_with_four_significant_digits(value: float, printed: str) -> None:
    assert format_value(value) == printed
