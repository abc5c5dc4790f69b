"""Numbers as people read them: one formatter for the pages, the PDF and the Excel reports.

:func:`format_number` gives ``digits`` significant digits (never rounds a small value to
0: 0.000206 stays 0.000206), groups thousands (1,000,000, not 1e+06), and never raises:
infinite and NaN values come back as ``∞``/``—``, values beyond what a person reads as
digits (|x| ≥ 10¹⁵ or, non-zero, < 10⁻⁹) as ``1.235 × 10¹⁸``.

Design note: plain Python rather than Babel's ``format_decimal``, which raises
``decimal.InvalidOperation`` for large floats (a product page with an output of
``1e308 kWh`` was a 500 for good) and rounds to three decimals by default. The two
locales the platform speaks (zh_CN, en) write numbers the same way (``,`` groups, ``.``
decimals), so the locale only chooses the symbols table below.
"""

from __future__ import annotations

import math

__all__ = ["format_number"]

#: Locale → (group separator, decimal separator).
_SYMBOLS = {"zh": (",", "."), "en": (",", ".")}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: Beyond these magnitudes a number is written with a power of ten.
_LARGE = 15
_SMALL = -9


def _grouped(text: str, group: str, decimal: str) -> str:
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    parts: list[str] = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    out = sign + group.join(parts)
    return f"{out}{decimal}{fraction}" if fraction else out


def format_number(
    value: float | int | None, language: str = "zh", digits: int = 4, *, zeros: bool = False
) -> str:
    """``value`` with ``digits`` significant digits in the language's notation; integers
    are kept whole (12,346 rather than 12,350), ``None`` is ``—``. With ``zeros``, trailing
    zeros stay (``10.00``: a report's column of four significant digits)."""
    group, decimal = _SYMBOLS.get(language, _SYMBOLS["zh"])
    if value is None:
        return "—"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int) and abs(value) < 10**_LARGE:
        return _grouped(str(value), group, decimal)
    value = float(value)
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    digits = max(1, digits)
    rounded = float(f"{value:.{digits}g}")
    magnitude = math.floor(math.log10(abs(rounded)))
    if magnitude >= _LARGE or magnitude < _SMALL:
        mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
        magnitude = int(exponent)
        if not zeros and "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        power = str(magnitude).translate(_SUPERSCRIPT)
        return f"{mantissa.replace('.', decimal)} × 10{power}"
    if magnitude >= digits - 1:  # no decimals left: keep the integer digits
        return _grouped(f"{value:.0f}", group, decimal)
    text = f"{rounded:.{digits - 1 - magnitude}f}"
    if "." in text and not zeros:
        text = text.rstrip("0").rstrip(".")
    return _grouped(text, group, decimal)
