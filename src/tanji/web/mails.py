"""E-mails the pages send: in Chinese first, then English, sent after the answer.

Sending after the answer (Starlette's background tasks) keeps a page's timing the same
whether or not a message goes out — a password-reset request must not tell by its
speed which addresses have accounts.
"""

from __future__ import annotations

from starlette.background import BackgroundTasks
from starlette.requests import Request

from tanji.services.mail import send_mail
from tanji.settings import SmtpSettings
from tanji.web.deps import app_of
from tanji.web.i18n import translations

__all__ = ["bilingual", "mail_enabled", "public_base", "send_later"]


def bilingual(message: str, **values: object) -> str:
    """``message`` in Chinese, then in English (a msgid of the catalogues)."""
    zh = translations("zh").gettext(message) % values
    en = translations("en").gettext(message) % values
    return zh if zh == en else f"{zh}\n\n{en}"


def smtp_of(request: Request) -> SmtpSettings:
    return app_of(request).settings.smtp


def mail_enabled(request: Request) -> bool:
    return smtp_of(request).enabled


def public_base(request: Request) -> str:
    """The platform's address for links: ``TANJI_PUBLIC_URL``, else this request's."""
    configured = app_of(request).settings.public_url
    return configured or str(request.base_url).rstrip("/")


def send_later(
    request: Request, tasks: BackgroundTasks, to: str, subject: str, body: str, **values: object
) -> None:
    """Queue one message (subject and body as msgids with ``values``) to go out after
    the answer; a failure is logged by :func:`tanji.services.mail.send_mail`."""
    tasks.add_task(
        send_mail,
        smtp_of(request),
        to=to,
        subject=bilingual(subject, **values).replace("\n\n", " / "),
        body=bilingual(body, **values),
    )
