"""A label's files (SVG and PDF to print, PNG for the web, the signed JSON) and the
offline check of a file: ``tanji label verify FILE``.

The check needs no database: the file carries the signed envelope; the public keys come
from a file saved from the platform's well-known address (or from the store). It fails
on any change: a signature that does not verify, an envelope whose JSON is not in its
canonical form, or a drawing that is not exactly the drawing of the signed claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tanji.io.errors import DataFormatError
from tanji.io.labels import FORMATS, MEDIA_TYPES, read_carried, render, same_drawing
from tanji.io.labels.layout import SIZES
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.labels import trust
from tanji.services.labels.issuance import label_row

__all__ = ["FileCheck", "check_file", "label_file"]


def label_file(
    session: Session, public_id: str, fmt: str, size: str = "medium"
) -> tuple[bytes, str]:
    """(bytes, media type) of label ``public_id`` as ``fmt`` at ``size``."""
    if fmt not in FORMATS:
        raise InvalidInputError(f"A label file is one of {', '.join(FORMATS)}; not {fmt!r}.")
    if size not in SIZES:
        raise InvalidInputError(f"A label size is one of {', '.join(SIZES)}; not {size!r}.")
    row = label_row(session, public_id)
    if row is None:
        raise NotFoundError(f"No label {public_id}.")
    claim = trust.claim_of(row.envelope)
    return render(claim, row.envelope, fmt, size), MEDIA_TYPES[fmt]


@dataclass(frozen=True)
class FileCheck:
    """The outcome of checking a label file: ``ok`` only when every check passed."""

    format: str
    signatures: tuple[trust.SignatureCheck, ...]
    canonical: bool
    drawing_matches: bool
    claim: dict[str, Any]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(name: str, data: bytes, keys: trust.KeySet) -> FileCheck:
    """Check the label file ``name`` (its bytes ``data``) against ``keys``."""
    try:
        carried = read_carried(name, data)
        claim = trust.claim_of(carried.envelope_text)
    except (DataFormatError, ValueError) as error:
        return FileCheck("?", (), False, False, {}, (str(error),))
    problems: list[str] = []
    signatures = tuple(trust.verify(carried.envelope_text, keys))
    if not signatures:
        problems.append("The envelope carries no signature.")
    problems.extend(
        f"Signature by key {check.key_id} ({check.signer}): {check.detail}"
        for check in signatures
        if not check.ok
    )
    canonical = trust.is_canonical(carried.envelope_text)
    if not canonical:
        problems.append("The envelope's JSON is not in its canonical (RFC 8785) form.")
    drawing = same_drawing(data, carried, claim)
    if not drawing:
        problems.append(
            f"The {carried.format.upper()} is not the drawing of the signed claim "
            f"(drawn by {carried.renderer}); the file was changed."
        )
    return FileCheck(carried.format, signatures, canonical, drawing, claim, tuple(problems))
