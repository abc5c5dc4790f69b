"""The words and colours of a label's status, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

from tanji.domain.labels import LabelStatus

__all__ = ["STATUS_TONE", "body_status_word", "certificate_status_word", "status_text"]


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    return message


_WORDS = {
    LabelStatus.VALID: (N_("Valid"), N_("This label is genuine and its certificate is in force.")),
    LabelStatus.EXPIRED: (
        N_("Expired"),
        N_("This label is genuine, but its certificate's validity has ended."),
    ),
    LabelStatus.SUSPENDED: (
        N_("Suspended"),
        N_("The certification body has suspended the certificate; the label may not be used now."),
    ),
    LabelStatus.WITHDRAWN: (
        N_("Withdrawn"),
        N_("The certification body has withdrawn the certificate; the label is no longer valid."),
    ),
    LabelStatus.REVOKED: (
        N_("Revoked"),
        N_("This label has been revoked and is no longer valid."),
    ),
    LabelStatus.UNKNOWN: (
        N_("Unknown"),
        N_("The platform cannot confirm this label. It may be a fake: please report it."),
    ),
}
#: The colour class of each status (tanji.css: ok, warn, bad, muted).
STATUS_TONE = {
    LabelStatus.VALID: "ok",
    LabelStatus.EXPIRED: "muted",
    LabelStatus.SUSPENDED: "warn",
    LabelStatus.WITHDRAWN: "bad",
    LabelStatus.REVOKED: "bad",
    LabelStatus.UNKNOWN: "muted",
}


def status_text(status: LabelStatus, gettext: Callable[[str], str]) -> tuple[str, str, str]:
    """(word, sentence, tone) of ``status``."""
    word, sentence = _WORDS[status]
    return gettext(word), gettext(sentence), STATUS_TONE[status]


_CERTIFICATE = {
    "valid": N_("valid"),
    "suspended": N_("suspended"),
    "withdrawn": N_("withdrawn"),
    "expired": N_("expired"),
    "cancelled": N_("cancelled"),
}
_BODY = {"active": N_("active"), "suspended": N_("suspended"), "revoked": N_("revoked")}


def certificate_status_word(status: str | None, gettext: Callable[[str], str]) -> str:
    return gettext(_CERTIFICATE[status]) if status in _CERTIFICATE else "—"


def body_status_word(status: str | None, gettext: Callable[[str], str]) -> str:
    return gettext(_BODY[status]) if status in _BODY else "—"
