"""The evidence pack of a certified product, for banks and bond issuers, and its check.

One ZIP archive per certificate in force:

- ``certificate.json`` — the certificate as the public page shows it;
- ``report-<lang>.pdf`` — the footprint report of the certified result (recomputed
  from its pins, as the workspace's report; refused when it no longer reproduces);
- ``result.json`` — the certified result document, exactly as stored;
- ``label.svg`` and ``claim.json`` — the label drawing and the signed claim (the
  envelope: platform signature and the body's countersignature), when a label is in
  force;
- ``ledger-proof.json`` — a receipt (RFC 9162 inclusion proof against a signed tree
  head) for every transparency-log entry about the certificate and the label;
- ``manifest.json`` — every other file's name, media type, size and SHA-256; signed by
  the platform's key (an envelope like the label's) when the platform has a key.

:func:`check_pack` verifies a pack offline: every file against the manifest (a
changed, missing or extra file fails), and — given the platform's published keys — the
manifest's and the claim's signatures and every ledger receipt.

Design note: the pack makes the certified result's report public. A certificate is a
public statement about that footprint, and the bank needs the report behind it; an
enterprise that will not publish it should not seek the directory's listing (a
per-product opt-out is left for later; see docs/public-directory.md).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import CertificateRow, FootprintResultRow
from tanji.domain.claims import PLATFORM, canonical_json
from tanji.domain.directory import MANIFEST, ManifestFile, manifest_of, manifest_problems
from tanji.domain.ledger.receipts import receipt_problems
from tanji.io.reports import write_report
from tanji.services import ledger
from tanji.services.background import BackgroundStore
from tanji.services.certification.certificates import public_of
from tanji.services.directory.listing import entry
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError
from tanji.services.footprints import recompute
from tanji.services.labels import files as label_files
from tanji.services.labels import trust
from tanji.services.labels.issuance import label_row
from tanji.services.signing import KeyRing, published_keys, sign_claim

__all__ = ["MAX_PACK_BYTES", "PackCheck", "build_pack", "check_pack", "pack_name"]

#: The largest pack :func:`check_pack` opens (and the largest file in it, unpacked).
MAX_PACK_BYTES = 50 * 1024 * 1024


def pack_name(certificate: str) -> str:
    return f"tanji-evidence-{certificate}.zip"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


def _certificate(session: Session, row: CertificateRow) -> dict[str, Any]:
    c = public_of(session, row)
    return {
        "number": c.number, "status": c.status, "certification_type": c.certification_type,
        "category": c.category, "product_name": c.product_name, "holder": c.holder,
        "holder_en": c.holder_en, "body": c.body, "body_en": c.body_en,
        "body_status": c.body_status, "body_in_good_standing": c.body_in_good_standing,
        "declared_unit": c.declared_unit, "declared_value": c.declared_value, "unit": c.unit,
        "rule_ref": c.rule_ref, "standard": c.standard, "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
    }  # fmt: skip


def _report(session: Session, backgrounds: BackgroundStore, result_id: int, language: str) -> bytes:
    calculation, same = recompute(session, backgrounds, result_id)
    if not same:
        raise ConflictError(
            f"The certified result #{result_id} no longer reproduces from its pins; its "
            "report cannot be written (ask the platform operator)."
        )
    with tempfile.TemporaryDirectory(prefix="tanji-evidence-") as folder:
        path = write_report(
            calculation.footprint, calculation.uncertainty, Path(folder) / "report.pdf", language
        )
        return path.read_bytes()


def _receipts(session: Session, keys: KeyRing, subjects: list[str]) -> list[dict[str, Any]]:
    return [
        {"subject": subject, "kind": found.kind,
         "receipt": ledger.receipt(session, keys, found.index)}
        for subject in subjects
        for found in ledger.entries_about(session, subject)
    ]  # fmt: skip


def build_pack(
    session: Session, backgrounds: BackgroundStore, keys: KeyRing, certificate: str,
    language: str = "zh",
) -> bytes:  # fmt: skip
    """The evidence pack (ZIP bytes) of the certified product ``certificate``."""
    if language not in ("zh", "en"):
        raise InvalidInputError(f"language {language!r}: choose zh or en",
                                fields={"lang": "zh or en"})  # fmt: skip
    item = entry(session, certificate)  # NotFoundError unless in the directory
    row = session.scalar(select(CertificateRow).where(CertificateRow.number == item.certificate))
    result = session.get(FootprintResultRow, item.result_id)
    if row is None or result is None:
        raise NotFoundError(f"No certified result for certificate {certificate}.")
    files = [
        ManifestFile("certificate.json", "application/json", "The certificate",
                     _json(_certificate(session, row))),
        ManifestFile(f"report-{language}.pdf", "application/pdf",
                     "The footprint report of the certified result",
                     _report(session, backgrounds, item.result_id, language)),
        ManifestFile("result.json", "application/json", "The certified result document",
                     result.result.encode("utf-8")),
    ]  # fmt: skip
    subjects = [f"certificate:{item.certificate}"]
    if item.label is not None:
        label = label_row(session, item.label)
        assert label is not None
        svg, _ = label_files.label_file(session, item.label, "svg")
        files.append(ManifestFile("label.svg", "image/svg+xml", "The carbon label", svg))
        files.append(ManifestFile("claim.json", "application/json",
                                  "The signed claim (platform and certification body)",
                                  label.envelope.encode("utf-8")))  # fmt: skip
        subjects.append(f"label:{item.label}")
    files.append(ManifestFile("ledger-proof.json", "application/json",
                              "Transparency-log receipts (RFC 9162 inclusion proofs)",
                              _json({"receipts": _receipts(session, keys, subjects)})))  # fmt: skip
    subject = {"certificate": item.certificate, "product": item.product_name,
               "holder": item.holder, "label": item.label, "language": language}  # fmt: skip
    manifest = manifest_of(subject, files)
    if any(k.signer == PLATFORM for k in published_keys(session).values()):
        manifest_bytes = canonical_json(sign_claim(session, manifest, body_id=None, keys=keys))
    else:
        manifest_bytes = _json(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        for f in files:
            archive.writestr(f.name, f.content)
    return out.getvalue()


@dataclass(frozen=True)
class PackCheck:
    """The outcome of checking a pack: ``ok`` only when nothing is wrong."""

    problems: tuple[str, ...]
    signed: bool
    signatures_checked: bool
    subject: dict[str, Any] = field(default_factory=dict)
    files: tuple[dict[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems), "signed": self.signed,
                "signatures_checked": self.signatures_checked, "subject": self.subject,
                "files": list(self.files)}  # fmt: skip


def _read(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_PACK_BYTES:
        raise ValueError(f"The pack is larger than {MAX_PACK_BYTES // 1024 // 1024} MB.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        out = {}
        if sum(info.file_size for info in archive.infolist()) > 2 * MAX_PACK_BYTES:
            raise ValueError("The pack unpacks to more than a pack can hold.")
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.file_size > MAX_PACK_BYTES:
                raise ValueError(f"{info.filename} is too large to check.")
            out[info.filename] = archive.read(info)
        return out


def check_pack(data: bytes, keys: trust.KeySet | None) -> PackCheck:
    """Check a pack's files against its manifest and, with ``keys``, its signatures
    and ledger receipts (see the module docstring)."""
    try:
        found = _read(data)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        return PackCheck((f"The file is not a readable ZIP archive: {error}",), False, False)
    text = found.pop(MANIFEST, None)
    if text is None:
        return PackCheck(("The pack has no manifest.json.",), False, False)
    try:
        document = json.loads(text)
    except ValueError:
        return PackCheck(("manifest.json is not JSON.",), False, False)
    if not isinstance(document, dict):
        return PackCheck(("manifest.json is not a JSON object.",), False, False)
    signed = "signatures" in document and isinstance(document.get("claim"), dict)
    manifest = document["claim"] if signed else document
    problems = manifest_problems(manifest, found)
    checked = keys is not None
    if keys is not None:
        problems.extend(_signature_problems(text, found, keys, signed=signed))
    files = manifest.get("files")
    subject = manifest.get("subject")
    return PackCheck(
        tuple(problems), signed, checked,
        subject if isinstance(subject, dict) else {},
        tuple(f for f in files if isinstance(f, dict)) if isinstance(files, list) else (),
    )  # fmt: skip


def _signature_problems(
    manifest_text: bytes, found: dict[str, bytes], keys: trust.KeySet, *, signed: bool
) -> list[str]:
    problems = []
    if not signed:
        problems.append("The manifest is not signed.")
    else:
        problems.extend(
            f"manifest.json: signature by key {c.key_id} ({c.signer}): {c.detail}"
            for c in trust.verify(manifest_text.decode("utf-8", "replace"), keys)
            if not c.ok
        )
    claim = found.get("claim.json")
    if claim is not None:
        problems.extend(
            f"claim.json: signature by key {c.key_id} ({c.signer}): {c.detail}"
            for c in trust.verify(claim.decode("utf-8", "replace"), keys)
            if not c.ok
        )
    proof = found.get("ledger-proof.json")
    if proof is not None:
        try:
            receipts = json.loads(proof).get("receipts", [])
        except (ValueError, AttributeError):
            return [*problems, "ledger-proof.json is not a JSON object."]
        for item in receipts:
            receipt = item.get("receipt") if isinstance(item, dict) else None
            if not isinstance(receipt, dict):
                problems.append("ledger-proof.json: an entry without a receipt.")
                continue
            problems.extend(
                f"ledger-proof.json, entry {receipt.get('index')}: {p}"
                for p in receipt_problems(receipt, keys)
            )
    return problems
