"""The e-mail copy of in-app notices, sent **after** the transaction that left them has
committed.

:func:`~tanji.services.certification.notifications.notify` keeps each new notice's id
in the session (``Session.info[PENDING_MAIL]``); the caller that owns the transaction
(the web request, a command) takes them with :func:`take_pending` and, once committed,
calls :func:`deliver`. A failed send rolls nothing back: the outcome is logged and kept
on the notice (``email_status``), in a transaction of its own.

Who gets the mail: the person the notice names, else every active member of the
organisation it is addressed to — each in their own language (``users.locale``). The
words come from the web layer's catalogues through ``render`` (services do not read
them). Off when SMTP is not configured: nothing is tried and ``email_status`` stays
empty.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import NotificationRow, OrgMemberRow, UserRow
from tanji.services.certification.notifications import PENDING_MAIL
from tanji.services.mail import send_mail
from tanji.settings import SmtpSettings

__all__ = ["Render", "deliver", "language_of_locale", "take_pending"]

_log = logging.getLogger(__name__)

#: ``(language, kind, params) -> (subject, body)``: a notice in words (``zh`` or ``en``).
Render = Callable[[str, str, Mapping[str, Any]], tuple[str, str]]
#: Opens a unit of work whose block commits (``App.unit_of_work``), yielding it.
OpenSession = Callable[[], AbstractContextManager[Any]]


@dataclass(frozen=True)
class _Letter:
    notice_id: int
    to: str
    subject: str
    body: str


def take_pending(session: Session) -> list[int]:
    """The ids of the notices this session left, taken (the list is emptied)."""
    pending: list[int] = session.info.get(PENDING_MAIL, [])
    taken = list(pending)
    pending.clear()
    return taken


def language_of_locale(locale: str | None) -> str:
    """A user's stored locale (``zh-CN``, ``en``…) as a page language."""
    return "en" if (locale or "").lower().startswith("en") else "zh"


def _recipients(session: Session, row: NotificationRow) -> list[tuple[str, str]]:
    query = select(UserRow.email, UserRow.locale).where(UserRow.active.is_(True))
    if row.user_id is not None:
        query = query.where(UserRow.id == row.user_id)
    else:
        query = query.join(OrgMemberRow, OrgMemberRow.user_id == UserRow.id).where(
            OrgMemberRow.org_id == row.org_id
        )
    return [(email, locale) for email, locale in session.execute(query.order_by(UserRow.id))]


def _letters(
    session: Session, ids: Iterable[int], render: Render
) -> tuple[list[_Letter], set[int]]:
    letters: list[_Letter] = []
    nobody: set[int] = set()
    for notice_id in ids:
        row = session.get(NotificationRow, notice_id)
        if row is None:
            continue
        params = json.loads(row.params)
        people = _recipients(session, row)
        if not people:
            nobody.add(notice_id)
        for email, locale in people:
            subject, body = render(language_of_locale(locale), row.kind, params)
            letters.append(_Letter(notice_id, email, subject, body))
    return letters, nobody


def deliver(
    open_session: OpenSession, smtp: SmtpSettings, render: Render, notice_ids: Iterable[int]
) -> dict[int, str]:
    """Send the e-mail copy of committed notices; returns each notice's e-mail status
    (``sent``, or the first failure: ``refused``, ``failed``; ``no-address`` when nobody
    could be written to). Never raises for a delivery problem."""
    ids = list(dict.fromkeys(notice_ids))
    if not ids or not smtp.enabled:
        return {}
    with open_session() as uow:
        letters, nobody = _letters(uow.session, ids, render)
    status: dict[int, str] = dict.fromkeys(nobody, "no-address")
    for letter in letters:
        outcome = send_mail(smtp, to=letter.to, subject=letter.subject, body=letter.body)
        if not outcome.sent:
            _log.warning(
                "notice %s: e-mail not sent (%s: %s)", letter.notice_id, outcome.reason,
                outcome.detail,
            )  # fmt: skip
        if status.get(letter.notice_id, "sent") == "sent":
            status[letter.notice_id] = "sent" if outcome.sent else outcome.reason
    try:
        with open_session() as uow:
            now = utcnow()
            for notice_id, said in status.items():
                row = uow.session.get(NotificationRow, notice_id)
                if row is not None:
                    row.email_status, row.emailed_at = said, now
    except Exception:  # the mail is out; failing to note it must not fail the caller
        _log.exception("could not record the e-mail status of notices %s", sorted(status))
    return status
