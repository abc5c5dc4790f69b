"""Product identifiers a label's QR code can carry.

**GTIN** (GS1 General Specifications §7.9): 8, 12, 13 or 14 digits, the last a check
digit — weights 3 and 1 alternating from the rightmost data digit, the check digit
bringing the weighted sum to a multiple of ten. A Digital Link URI carries the GTIN in
its 14-digit form (left-padded with zeros), so every length is stored that way.

**GS1 Digital Link** (GS1 Digital Link Standard: URI Syntax 1.4; ISO/IEC 18975:2024):
``https://<host>/01/<GTIN-14>[/10/<batch or lot>]``. A batch (AI 10) is 1 to 20
characters of GS1 AI encodable character set 82; it is percent-encoded in the path.

**Industrial-internet identifier** (工业互联网标识解析, the Handle-based national
system run by CAICT): ``<prefix>/<suffix>``, the prefix ``88.`` followed by dotted
numeric segments (e.g. ``88.100.1``), the suffix the enterprise's own code in printable
ASCII. The platform stores it and resolves it like a GTIN; it does not register it with
the national top-level node (docs/labels.md).
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = [
    "IdentifierError",
    "digital_link",
    "gtin_check_digit",
    "normalise_gtin",
    "parse_handle",
    "valid_batch",
]

_GTIN_LENGTHS = (8, 12, 13, 14)
#: GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
_HANDLE = re.compile(r"^(88(?:\.\d{1,10}){1,4})/([\x21-\x7e]{1,128})$")


class IdentifierError(ValueError):
    """An identifier that is not well formed; ``field`` names the input, ``key`` the
    message (for the web layer to translate) and ``values`` its placeholders."""

    def __init__(self, field: str, key: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.field = field
        self.key = key
        self.values = values


def gtin_check_digit(data: str) -> int:
    """The check digit for the data digits ``data`` (a GTIN without its last digit)."""
    if not data.isascii() or not data.isdigit():
        raise IdentifierError("gtin", "labels.gtin.digits", "A GTIN has digits only.")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    return (10 - total % 10) % 10


def normalise_gtin(text: str) -> str:
    """The 14-digit GTIN for a GTIN-8, -12, -13 or -14 (spaces removed); refuses a wrong
    length or check digit, naming what was expected."""
    gtin = text.replace(" ", "").strip()
    if not gtin.isascii() or not gtin.isdigit() or len(gtin) not in _GTIN_LENGTHS:
        raise IdentifierError(
            "gtin", "labels.gtin.length",
            f"A GTIN has 8, 12, 13 or 14 digits; got {text!r}.", value=text,
        )  # fmt: skip
    expected = gtin_check_digit(gtin[:-1])
    if int(gtin[-1]) != expected:
        raise IdentifierError(
            "gtin", "labels.gtin.check_digit",
            f"The GTIN {gtin}'s check digit should be {expected}.",
            value=gtin, expected=str(expected),
        )  # fmt: skip
    return gtin.zfill(14)


def valid_batch(batch: str) -> str:
    """A batch/lot number (AI 10) as given, if it is 1–20 characters of set 82."""
    if not _CSET82.match(batch):
        raise IdentifierError(
            "batch", "labels.batch.invalid",
            "A batch or lot number is 1 to 20 letters, digits or GS1 punctuation.",
            value=batch,
        )  # fmt: skip
    return batch


def digital_link(base_url: str, gtin: str, batch: str | None = None) -> str:
    """The GS1 Digital Link URI of a GTIN (and batch) on the platform at ``base_url``."""
    uri = f"{base_url.rstrip('/')}/01/{normalise_gtin(gtin)}"
    if batch:
        uri += "/10/" + quote(valid_batch(batch), safe="")
    return uri


def parse_handle(text: str) -> tuple[str, str]:
    """(prefix, suffix) of an industrial-internet identifier such as
    ``88.100.1/TJ-PV-0001``; refuses anything not of that form."""
    match = _HANDLE.match(text.strip())
    if match is None:
        raise IdentifierError(
            "handle", "labels.handle.invalid",
            "An industrial-internet identifier looks like 88.100.1/PRODUCT-CODE.",
            value=text,
        )  # fmt: skip
    return match.group(1), match.group(2)
