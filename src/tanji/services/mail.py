"""Outgoing mail: password-reset links, invitations, certification notices.

One function, :func:`send_mail`, over the SMTP server that ``TANJI_SMTP_*`` names
(:class:`tanji.settings.SmtpSettings`). Mail is **off by default**: without
``TANJI_SMTP_HOST`` nothing is sent and the answer says so (``sent=False``,
``reason="disabled"``), so a caller can offer the other way (an admin hands out the
link) instead of pretending the message left.

Design note: a failed delivery is an expected outcome, returned as a value
(:class:`MailOutcome`), not an exception — a password-reset request must answer the same
whether or not the message could be delivered (no e-mail existence leak), and a
certification decision must not be rolled back because a mail server is down. The
rejected alternative, a background queue with retries, waits for the durable job queue.
Nothing of the message body is logged (it may hold a single-use link).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from tanji.settings import SmtpSettings

__all__ = ["MailOutcome", "send_mail"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailOutcome:
    """What became of one message: ``sent``, or why not (``disabled`` where no SMTP
    server is configured, ``refused`` where the server would not take it, ``failed``
    where it could not be reached); ``detail`` says more, for the operator's log."""

    sent: bool
    reason: str = ""
    detail: str = ""


def _message(
    smtp: SmtpSettings, to: str, subject: str, body: str, html: str | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(smtp.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)  # UTF-8, so Chinese text arrives as written
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    assert smtp.host is not None
    context = ssl.create_default_context()
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    if smtp.security == "starttls":
        client.starttls(context=context)
    return client


def _valid_address(address: str) -> bool:
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        return False
    return "\n" not in address and "\r" not in address


def send_mail(
    smtp: SmtpSettings, *, to: str, subject: str, body: str, html: str | None = None
) -> MailOutcome:
    """Send one plain-text message (with an optional HTML alternative) to ``to``.

    Returns ``MailOutcome(sent=False, reason="disabled")`` without connecting where SMTP
    is off; otherwise connects (STARTTLS, implicit TLS or plain, as configured), logs in
    where a user is set, and sends. Never raises for a delivery problem: the outcome
    says what happened.
    """
    if not smtp.enabled:
        return MailOutcome(False, "disabled", "TANJI_SMTP_HOST is not set")
    if not _valid_address(to):
        return MailOutcome(False, "refused", "the recipient is not an e-mail address")
    message = _message(smtp, to, subject, body, html)
    try:
        with _connect(smtp) as client:
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        _log.warning("mail to a recipient refused by %s: %s", smtp.host, error)
        return MailOutcome(False, "refused", str(error))
    except (smtplib.SMTPException, OSError) as error:
        _log.warning("mail server %s:%s not usable: %s", smtp.host, smtp.port, error)
        return MailOutcome(False, "failed", f"{type(error).__name__}: {error}")
    if refused:
        return MailOutcome(False, "refused", str(refused))
    return MailOutcome(True)
