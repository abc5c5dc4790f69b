"""``tanji label verify`` offline: a label file (JSON, SVG, PDF, PNG) signed with a key
whose public half is in a saved key file is accepted (status 0); the same file with one
character changed — anywhere — is refused (status 1); a file that is no label, 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tanji.cli.main import main
from tanji.domain.claims import (
    PLATFORM,
    PublicKey,
    b64url,
    canonical_json,
    jwk_thumbprint,
    jwks,
    rfc3339,
    signature_header,
    signing_input,
)
from tanji.io.labels import render

CLAIM: dict[str, Any] = {
    "type": "tanji.carbon-label/1",
    "label": {
        "id": "k7q2m9x4abcdefgh", "kind": "footprint",
        "name": {"zh": "产品碳足迹标识", "en": "Product carbon footprint label"},
        "issued_at": "2026-12-07T08:00:00+00:00",
        "verify_url": "https://tanji.example/l/k7q2m9x4abcdefgh",
        "qr_url": "https://tanji.example/01/09506000134352",
    },
    "product": {"name": "单晶硅光伏组件", "holder": "江苏示范光伏科技有限公司"},
    "footprint": {"value": 412.5, "unit": "kg CO2e", "declared_unit": "1 kW",
                  "category": "photovoltaic"},
    "certificate": {
        "number": "CFP-2026-0007-000001",
        "body": {"name": "江苏示范认证中心", "approval": "CNCA-R-2026-001"},
        "standard": "GB/T 24067-2024", "rule": {"id": "pv-module-csi", "version": "1.0"},
        "valid_from": "2026-12-07", "valid_until": "2028-12-06",
    },
    "identifiers": {"label": "k7q2m9x4abcdefgh", "gtin": "09506000134352"},
}  # fmt: skip


@pytest.fixture
def signed(tmp_path: Path) -> tuple[str, Path]:
    """(the envelope's text, the key file) for CLAIM signed by a fresh platform key."""
    return _sign(CLAIM, tmp_path)


def _sign(claim: dict[str, Any], tmp_path: Path) -> tuple[str, Path]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    moment = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    key = PublicKey(jwk_thumbprint(raw), PLATFORM, raw, moment)
    header = signature_header(key.keyid, PLATFORM, rfc3339(moment))
    signature = b64url(private.sign(signing_input(claim, header)))
    envelope = {"claim": claim, "signatures": [{**header, "sig": signature}]}
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(jwks([key])), encoding="utf-8")
    return canonical_json(envelope).decode(), keys


@pytest.mark.parametrize("fmt", ["json", "svg", "pdf", "png"])
def test_verify_accepts_the_file_and_refuses_one_changed_character(
    fmt: str, signed: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope, keys = signed
    data = render(CLAIM, envelope, fmt, "small")
    original = tmp_path / f"label.{fmt}"
    original.write_bytes(data)
    assert main(["label", "verify", str(original), "--keys", str(keys)]) == 0
    assert "The file is as issued" in capsys.readouterr().out

    # One character, in the printed value (SVG), the signed value (JSON), the envelope
    # (PDF), the pixels' chunk (PNG): every one is refused.
    marker = {"json": b"412.5", "svg": b">412.5<", "pdf": b"tanji-envelope:", "png": b"IDAT"}[fmt]
    at = data.index(marker) + (1 if fmt == "svg" else 0) + (20 if fmt == "pdf" else 0)
    flipped = b"7" if data[at : at + 1] != b"7" else b"3"
    changed = tmp_path / f"changed.{fmt}"
    changed.write_bytes(data[:at] + flipped + data[at + 1 :])
    assert main(["label", "verify", str(changed), "--keys", str(keys), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"]


def test_a_key_file_without_the_signing_key_refuses_the_label(
    signed: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope, _ = signed
    label = tmp_path / "label.json"
    label.write_text(envelope, encoding="utf-8")
    empty = tmp_path / "empty-keys.json"
    empty.write_text('{"keys": []}', encoding="utf-8")
    assert main(["label", "verify", str(label), "--keys", str(empty)]) == 1
    assert "is not among the published keys" in capsys.readouterr().out


def test_a_file_that_is_no_label_is_refused(
    signed: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, keys = signed
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    assert main(["label", "verify", str(notes), "--keys", str(keys)]) == 1
    assert "not a label file" in capsys.readouterr().out


def test_the_footprint_is_printed_as_a_person_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sum of line results carries binary noise (86.982 is 86.98200000000001 in a float);
    # the signed claim keeps it, the report to a person does not.
    claim = {**CLAIM, "footprint": {**CLAIM["footprint"], "value": 86.98200000000001}}
    envelope, keys = _sign(claim, tmp_path)
    label = tmp_path / "label.json"
    label.write_bytes(render(claim, envelope, "json", "small"))
    assert main(["label", "verify", str(label), "--keys", str(keys)]) == 0
    out = capsys.readouterr().out
    assert "86.982 kg CO2e / 1 kW" in out
    assert "86.98200000000001" not in out
