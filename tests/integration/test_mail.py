"""send_mail against a real SMTP server on loopback (aiosmtpd in a thread)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tanji.services.mail import send_mail
from tanji.settings import SmtpSettings


@dataclass
class _Inbox:
    """An aiosmtpd handler keeping what arrives; refuses recipients at ``@refused.test``."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.test"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (b"tanji", b"s3cret-pass")
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _settings(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": "碳迹 <noreply@tanji.test>",
        "timeout": 5.0,
    }
    return SmtpSettings(**(values | changes))


def test_mail_is_off_by_default_and_says_so() -> None:
    outcome = send_mail(SmtpSettings.from_env({}), to="a@b.test", subject="x", body="y")
    assert (outcome.sent, outcome.reason) == (False, "disabled")


def test_a_message_reaches_the_server_in_utf8(smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    outcome = send_mail(
        _settings(port, user="tanji", password="s3cret-pass"),
        to="zhang@example.test",
        subject="重置密码 / Reset your password",
        body="打开链接 https://tanji.test/reset/abc\nOpen the link.",
    )
    assert outcome.sent, outcome
    (message,) = inbox.messages
    assert message["Subject"] == "重置密码 / Reset your password"
    assert message["To"] == "zhang@example.test"
    assert message["Message-ID"].endswith("@tanji.test>")
    assert not message["Message-ID"].endswith(">>")
    body = message.get_body(("plain",))
    assert body is not None
    assert "打开链接" in body.get_content()
    assert inbox.envelopes == [("noreply@tanji.test", ["zhang@example.test"])]


def test_a_refused_recipient_is_reported(smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    outcome = send_mail(_settings(port), to="nobody@refused.test", subject="s", body="b")
    assert (outcome.sent, outcome.reason) == (False, "refused")
    assert inbox.messages == []


def test_header_injection_in_the_recipient_is_refused(smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    outcome = send_mail(_settings(port), to="a@b.test\r\nBcc: victim@c.test", subject="s", body="b")
    assert not outcome.sent
    assert inbox.messages == []


def test_an_unreachable_server_is_a_failure() -> None:
    outcome = send_mail(_settings(_free_port(), timeout=2.0), to="a@b.test", subject="s", body="b")
    assert (outcome.sent, outcome.reason) == (False, "failed")


def test_smtp_settings_from_the_environment() -> None:
    smtp = SmtpSettings.from_env(
        {"TANJI_SMTP_HOST": "mail.example.test", "TANJI_SMTP_SECURITY": "tls"}
    )
    assert (smtp.enabled, smtp.port, smtp.security) == (True, 465, "tls")
    with pytest.raises(ValueError, match="TANJI_SMTP_SECURITY"):
        SmtpSettings.from_env({"TANJI_SMTP_HOST": "x", "TANJI_SMTP_SECURITY": "ssl3"})
