"""Certification notices as e-mails, in the recipient's language, sent after the commit
(see :mod:`tanji.services.certification.mailing`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tanji.web.i18n import translations
from tanji.web.ui.certification.text import notice_text

__all__ = ["render_notice"]


def render_notice(language: str, kind: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """``(subject, body)`` of a notice's e-mail in ``language`` (``zh`` or ``en``)."""
    gettext = translations(language).gettext
    line = notice_text(kind, params, gettext)
    subject = gettext("Tanji: %(notice)s") % {"notice": line}
    body = "\n\n".join(
        [line, gettext("Sign in to Tanji and open your notifications to act on it.")]
    )
    return subject, body
