"""Languages of the web pages: Simplified Chinese first, English on request.

Catalogues are gettext ``.po`` files under ``locales/`` (English msgids). They are read
and compiled in memory on first use — Design note: we do not ship compiled ``.mo`` files,
which are binaries a reviewer cannot read and that drift from their sources.

The language of a request: ``?lang=`` first, then the ``lang`` cookie, else Chinese.
Numbers and dates are formatted by Babel for that locale.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_percent
from babel.support import Translations
from starlette.requests import Request

from tanji.domain.numbers import format_number as _format_number

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "catalogue_path",
    "format_datetime_for",
    "format_number",
    "format_share",
    "language_of",
    "translations",
]

LOCALES = Path(__file__).parent / "locales"
#: Language code in URLs and cookies → Babel locale.
LANGUAGES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"


def catalogue_path(language: str) -> Path:
    return LOCALES / LANGUAGES[language] / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> Translations:
    """The compiled catalogue of a language (read from its .po once per process)."""
    locale = LANGUAGES[language]
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def language_of(request: Request) -> str:
    """``?lang=zh|en``, else the ``lang`` cookie, else Chinese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def format_number(value: float | int | None, language: str, digits: int = 4) -> str:
    """A number in the locale's notation, with up to ``digits`` significant digits; never
    raises (:func:`tanji.domain.numbers.format_number`, shared with the reports)."""
    return _format_number(value, language, digits)


@cache
def _locale(language: str) -> Locale:
    """The Babel locale of ``language``, parsed once (parsing scans Babel's list of
    locales: a millisecond per number formatted on a page)."""
    return Locale.parse(LANGUAGES[language])


def format_share(value: float, language: str) -> str:
    if not math.isfinite(value) or abs(value) > 1e6:
        return "—"
    return format_percent(value, format="#,##0.0%", locale=_locale(language))


def format_datetime_for(value: date | datetime | None, language: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, format="medium", locale=_locale(language))
    return format_date(value, format="medium", locale=_locale(language))
