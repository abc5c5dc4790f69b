"""Stale changes as the reader sees them: the API's ``ETag``/``If-Match`` and the message
of a conflict, in the reader's language.

A product's version (:mod:`tanji.services.product_lock`) is its ETag, ``"<version>"``
(a strong validator: the working document and facts are exactly those of that
version). A change sends it back in ``If-Match``; see docs/web.md for which changes must.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header
from starlette.requests import Request

from tanji.services.errors import InvalidInputError
from tanji.services.product_lock import Change, StaleVersionError
from tanji.web.i18n import LANGUAGES, format_datetime_for, language_of, translations

__all__ = [
    "IfMatch",
    "api_language",
    "conflict_message",
    "etag",
    "expected_version",
    "form_version",
]

_TAG = re.compile(r'^\s*(?:W/)?"?v?(\d{1,18})"?\s*$')

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The product\'s ETag as read ("7"): the change is refused with 412 '
        "when the product has changed since",
    ),
]


def etag(version: int) -> str:
    """The ETag of a product at ``version``."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` names (``None`` when none is given: the service
    decides whether the change needs one). ``*`` names no version, so it counts as none."""
    if if_match is None or not if_match.strip() or if_match.strip() == "*":
        return None
    for tag in if_match.split(","):
        match = _TAG.match(tag)
        if match:
            return int(match.group(1))
    raise InvalidInputError(
        f'If-Match: expected the product\'s ETag, such as "7"; got {if_match[:40]!r}',
        fields={"If-Match": 'an ETag such as "7"'},
    )


def form_version(value: str | None) -> int | None:
    """The hidden ``version`` field of a workspace form (absent: none)."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise InvalidInputError(
            f"version: expected a whole number, got {text[:40]!r}",
            fields={"version": "a whole number"},
        )
    return int(text)


def api_language(request: Request) -> str:
    """The language of an API message: ``?lang``, the ``lang`` cookie, then the first
    language of ``Accept-Language`` that Tanji speaks; English by default."""
    if request.query_params.get("lang") in LANGUAGES or request.cookies.get("lang") in LANGUAGES:
        return language_of(request)
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"


def _what(change: Change, language: str) -> str:
    gettext = translations(language).gettext
    what = {
        "product.create": gettext("created the product"),
        "product.line-add": gettext("added a line"),
        "product.line-edit": gettext("changed a line"),
        "product.line-delete": gettext("deleted a line"),
        "product.update-facts": gettext("changed the product's facts"),
        "product.update-document": gettext("uploaded a new model file"),
        "product.activity-data": gettext("filled in activity data from Excel"),
    }.get(change.action, change.action)
    if change.fields:
        from tanji.web.ui.audit_text import FIELDS

        named = [gettext(FIELDS[f]) if f in FIELDS else f for f in change.fields]
        what += f" ({'、'.join(named) if language == 'zh' else ', '.join(named)})"
    return what


def conflict_message(error: StaleVersionError, language: str) -> str:
    """What the person reads: the versions, the changes made since, what to do."""
    gettext = translations(language).gettext
    if error.current is None:
        head = gettext(
            "This product was changed by someone else while you were saving (you read "
            "version %(expected)s)."
        ) % {"expected": error.expected}
    else:
        head = gettext(
            "This product was changed after you read it: you read version %(expected)s, "
            "it is now at version %(current)s."
        ) % {"expected": error.expected, "current": error.current}
    changes = [
        gettext("Version %(version)s, %(when)s, %(who)s: %(what)s.")
        % {
            "version": c.version,
            "when": format_datetime_for(c.at, language),
            "who": c.by or "?",
            "what": _what(c, language),
        }
        for c in error.changes
    ]
    tail = gettext(
        "Nothing was saved. Reload to see the current version, then make your change again."
    )
    return " ".join([head, *changes, tail])
