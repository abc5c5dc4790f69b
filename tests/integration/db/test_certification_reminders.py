"""Surveillance reminders and the e-mail copy of certification notices (both stores;
mail through a real SMTP server on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.integration import test_mail
from tests.integration.db import test_certification_store as store
from tests.integration.db.test_certification_store import (
    World,
    _to_evaluation,
    application,
    planned,
)
from tests.integration.test_mail import _free_port, _Inbox

from tanji.db.base import Base
from tanji.db.models import (
    CaseEventRow,
    CertificateRow,
    NotificationRow,
    OrganisationRow,
    UserRow,
)
from tanji.db.session import UnitOfWork, make_engine
from tanji.domain.certification.surveillance import next_due
from tanji.services.background import BackgroundStore
from tanji.services.certification import cases
from tanji.services.certification.mailing import deliver, take_pending
from tanji.services.certification.notifications import PENDING_MAIL, notify
from tanji.services.certification.surveillance import send_reminders, upcoming_surveillance
from tanji.settings import SmtpSettings

# The certification store tests' fixtures (a body, an enterprise, a footprint) and the
# mail tests' SMTP server on loopback.
_rules_and_cheap_hashes = store._rules_and_cheap_hashes
backgrounds, world, smtp_server = store.backgrounds, store.world, test_mail.smtp_server


def _granted(session: Session, backgrounds: BackgroundStore, world: World) -> CertificateRow:
    case_id = _to_evaluation(session, backgrounds, world)
    number = cases.grant(session, world.body.decider, case_id)
    row = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    assert row is not None
    return row


def _kinds(session: Session, org_id: int) -> list[str]:
    return list(
        session.scalars(
            select(NotificationRow.kind)
            .where(NotificationRow.org_id == org_id, NotificationRow.kind.like("surveillance-%"))
            .order_by(NotificationRow.id)
        )
    )


def test_reminders_go_once_per_due_date_to_body_and_holder(
    session: Session, backgrounds: BackgroundStore, world: World
) -> None:
    certificate = _granted(session, backgrounds, world)
    due = next_due(certificate.issued_on, certificate.expires_on, [], certificate.issued_on)
    assert due is not None
    day_before_lead = due.on - timedelta(days=31)
    assert send_reminders(session, within_days=30, on=day_before_lead) == []
    in_lead = due.on - timedelta(days=10)
    assert send_reminders(session, within_days=30, on=in_lead) == [
        (certificate.number, due.on, False)
    ]
    assert send_reminders(session, within_days=30, on=in_lead) == []  # idempotent
    assert send_reminders(session, within_days=30, on=due.on + timedelta(days=5)) == []
    assert _kinds(session, world.body.org_id) == ["surveillance-due"]
    assert _kinds(session, world.company.org_id) == ["surveillance-due"]

    upcoming = upcoming_surveillance(session, world.body.admin, on=in_lead)
    assert [(u.number, u.due_on, u.overdue) for u in upcoming] == [
        (certificate.number, due.on, False)
    ]
    assert upcoming_surveillance(session, world.company, on=due.on + timedelta(days=1))[0].overdue
    assert upcoming_surveillance(session, world.body.outsider, on=in_lead)  # same body
    assert upcoming_surveillance(session, world.body.admin, on=certificate.issued_on) == []

    # Surveillance started: the due date is met, nothing more is owed or reminded.
    cases.start_surveillance(session, world.body.admin, certificate.case_id)
    assert upcoming_surveillance(session, world.body.admin, on=in_lead)  # a year too early
    session.execute(
        update(CaseEventRow)
        .where(CaseEventRow.case_id == certificate.case_id)
        .where(CaseEventRow.action == "start-surveillance")
        .values(at=datetime.combine(in_lead, time(9), UTC))
    )
    assert upcoming_surveillance(session, world.body.admin, on=in_lead) == []
    assert send_reminders(session, within_days=30, on=due.on + timedelta(days=40)) == []


def test_a_reminder_first_sent_late_says_overdue(
    session: Session, backgrounds: BackgroundStore, world: World
) -> None:
    certificate = _granted(session, backgrounds, world)
    due = next_due(certificate.issued_on, certificate.expires_on, [], certificate.issued_on)
    assert due is not None
    late = due.on + timedelta(days=3)
    assert send_reminders(session, on=late) == [(certificate.number, due.on, True)]
    assert _kinds(session, world.company.org_id) == ["surveillance-overdue"]
    notice = session.scalar(
        select(NotificationRow).where(NotificationRow.org_id == world.company.org_id)
        .where(NotificationRow.kind == "surveillance-overdue")
    )  # fmt: skip
    assert notice is not None
    assert json.loads(notice.params)["due"] == due.on.isoformat()


def _render(language: str, kind: str, params: Mapping[str, Any]) -> tuple[str, str]:
    word = "案件" if language == "zh" else "case"
    return f"[{language}] {kind}", f"{word} {params.get('case')}"


@pytest.fixture
def same_session(session: Session) -> Any:
    @contextmanager
    def open_session() -> Iterator[SimpleNamespace]:
        yield SimpleNamespace(session=session)
        session.flush()

    return open_session


def test_notices_are_mailed_in_each_recipients_language(
    session: Session,
    world: World,
    smtp_server: tuple[_Inbox, int],
    same_session: Any,
) -> None:
    inbox, port = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="noreply@tanji.test")
    take_pending(session)  # the world's own notices
    english = world.body.team[0].user_id
    session.execute(update(UserRow).where(UserRow.id == english).values(locale="en"))
    case_id = planned(session, world)  # accept → enterprise and body; plan → each team member
    pending = take_pending(session)
    assert pending
    assert take_pending(session) == []
    status = deliver(same_session, smtp, _render, pending)
    assert set(status.values()) == {"sent"}
    by_address = {m["To"]: m for m in inbox.messages}
    team_mail = [m for m in inbox.messages if m["Subject"] == "[en] review"]
    assert len(team_mail) == 1
    assert f"case {case_id}" in team_mail[0].get_content()
    assert any(m["Subject"] == "[zh] review" for m in inbox.messages)  # the other member
    assert any(m["Subject"] == "[zh] accepted" for m in by_address.values())
    rows = session.scalars(select(NotificationRow).where(NotificationRow.id.in_(pending))).all()
    assert {r.email_status for r in rows} == {"sent"}
    assert all(r.emailed_at is not None for r in rows)


def test_a_failed_send_is_recorded_not_raised_and_off_means_untried(
    session: Session, world: World, same_session: Any
) -> None:
    take_pending(session)
    case_id = application(session, world)
    pending = take_pending(session)
    dead = SmtpSettings(host="127.0.0.1", port=_free_port(), security="none", timeout=2)
    assert deliver(same_session, SmtpSettings(), _render, pending) == {}  # SMTP off
    status = deliver(same_session, dead, _render, pending)
    assert set(status.values()) == {"failed"}
    row = session.get(NotificationRow, pending[0])
    assert row is not None
    assert row.email_status == "failed"
    assert cases.case_events(session, world.company, case_id)  # the case stands


def test_a_rolled_back_notice_is_never_mailed(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rollback.db'}")
    Base.metadata.create_all(engine)
    with UnitOfWork(engine) as uow:
        org = OrganisationRow(kind="platform-admin", name="平台")
        uow.session.add(org)
    failed = UnitOfWork(engine)
    with pytest.raises(RuntimeError), failed as uow:
        _notice_then_fail(uow.session, org.id)
    assert take_pending(_SEEN[-1]) == []
    engine.dispose()


_SEEN: list[Session] = []


def _notice_then_fail(session: Session, org_id: int) -> None:
    notify(session, org_id, "body-status", status="suspended")
    assert session.info[PENDING_MAIL]
    _SEEN.append(session)
    raise RuntimeError("the step failed after the notice")
