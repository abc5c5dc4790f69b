"""Structured reasons (a message key and its values) in the reader's language.

The admission process (and any layer that refuses with :class:`Reason`-like values: a
``key`` and ``params``) says *why* as keys; the catalogues hold each key's sentence in
Chinese and English. A key the catalogue does not know falls back to the reason's own
English sentence, so nothing shows a bare key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from tanji.web.i18n import translations

__all__ = ["reasons_message"]


class _Reason(Protocol):
    key: str

    @property
    def params(self) -> Any: ...

    def english(self) -> str: ...


def reasons_message(reasons: Iterable[_Reason], language: str) -> str:
    catalogue = translations(language)
    sentences = []
    for reason in reasons:
        template = catalogue.gettext(reason.key)
        if template == reason.key:
            sentences.append(reason.english())
            continue
        params = {
            name: catalogue.gettext(value) if isinstance(value, str) else value
            for name, value in dict(reason.params).items()
        }
        sentences.append(template.format(**params))
    return " ".join(sentences)
