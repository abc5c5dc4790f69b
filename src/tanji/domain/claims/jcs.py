"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

The bytes a signature covers must not depend on how a program happened to write the
JSON, so every claim and every log entry is hashed and signed in this form:

- objects: members sorted by their names' UTF-16 code units (§3.2.3), no whitespace;
- strings: UTF-8, escaping only ``"``, ``\\``, and the controls below U+0020 — the five
  short forms ``\\b \\t \\n \\f \\r``, the rest as ``\\u00xx`` with lower-case hex (§3.2.2.2);
- numbers: IEEE 754 binary64 written as ECMAScript's ``Number.prototype.toString`` does
  (ECMA-262 §7.1.12.1, RFC 8785 §3.2.2.3); NaN and the infinities are errors;
- ``true``, ``false``, ``null`` as literals.

Design note: Python's ``repr(float)`` yields the shortest digit string that reads back
to the same double (David Gay's algorithm, as V8 and Ryu do); only the layout rules of
ECMAScript (plain notation from 1e-6 up to 1e21, exponent form outside) are written
here. The ``rfc8785`` package was not made a runtime dependency because the layout is
twenty lines and the tests compare this module with it and with RFC 8785 Appendix B.

Integers beyond ±2**53 are refused rather than rounded: I-JSON (RFC 7493 §2.2),
on which JCS builds, does not carry them exactly, and a signed number must not change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MAX_EXACT_INTEGER", "CanonicalizationError", "canonical_json", "number_text"]

#: Integers up to this magnitude are exact doubles, every one of them (2**53 + 1 is not).
MAX_EXACT_INTEGER = 2**53

_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


class CanonicalizationError(ValueError):
    """The value is not in JCS's data model (NaN, an infinity, an integer beyond 2**53,
    a lone surrogate, a non-string member name, or a type JSON has no word for)."""


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (dicts, lists/tuples, str, int,
    float, bool, None)."""
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalizationError(f"not valid Unicode (a lone surrogate?): {error}") from None


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_EXACT_INTEGER:
            raise CanonicalizationError(f"integer {value} is beyond ±2**53; write it as a string")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(number_text(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, Mapping):
        _write_object(value, out)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise CanonicalizationError(f"{type(value).__name__} has no JSON form")


def _write_object(value: Mapping[Any, Any], out: list[str]) -> None:
    for name in value:
        if not isinstance(name, str):
            raise CanonicalizationError(f"member name {name!r} is not a string")
    out.append("{")
    # UTF-16 code units, big-endian, compare in the same order as the units themselves.
    for position, name in enumerate(sorted(value, key=_utf16_units)):
        if position:
            out.append(",")
        out.append(_string(name))
        out.append(":")
        _write(value[name], out)
    out.append("}")


def _utf16_units(name: str) -> bytes:
    try:
        return name.encode("utf-16-be")
    except UnicodeEncodeError as error:
        raise CanonicalizationError(f"member name is not valid Unicode: {error}") from None


def _string(text: str) -> str:
    escaped = []
    for character in text:
        if character in _SHORT_ESCAPES:
            escaped.append(_SHORT_ESCAPES[character])
        elif character < " ":
            escaped.append(f"\\u{ord(character):04x}")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


def number_text(number: float) -> str:
    """ECMAScript's ``Number::toString(number)`` for a finite double (ECMA-262 §7.1.12.1)."""
    if not math.isfinite(number):
        raise CanonicalizationError(f"{number} is not a JSON number")
    if number == 0:
        return "0"  # also for -0.0 (step 2: "-0" is written "0")
    sign = "-" if number < 0 else ""
    digits, n = _shortest_digits(abs(number))
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + body


def _shortest_digits(number: float) -> tuple[str, int]:
    """``(s, n)`` with ``number == 0.s × 10**n``: ``s`` the shortest round-trip digits
    without leading or trailing zeros (ECMA-262's k digits and n)."""
    text = repr(number)
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    point = len(whole) + exponent  # digits before the decimal point
    stripped = all_digits.lstrip("0")
    point -= len(all_digits) - len(stripped)
    return stripped.rstrip("0"), point
