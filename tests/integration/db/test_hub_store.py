"""The service hub on both stores: providers list services, the public directory
filters them, enterprises send requests the provider sees and answers; the policy
section is kept by departments and read by anyone; the demo is idempotent."""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise

from tanji.db.models import AuditRow, NotificationRow, OrganisationRow, PolicyItemRow
from tanji.domain.accounts import Actor, OrgKind, OrgStatus, Role
from tanji.services import accounts, logins
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.hub import policy, providers
from tanji.services.hub.demo import DEMO_PROVIDER, load_hub_demo


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def _operator(session: Session) -> Actor:
    return accounts.ensure_platform_admin(
        session, f"op-{secrets.token_hex(3)}@example.com", "correct-horse-9"
    )


def _org(session: Session, operator: Actor, kind: OrgKind, region: str = "CN-JS") -> Actor:
    email = f"x-{secrets.token_hex(4)}@example.com"
    org_id = accounts.register_organisation(
        session, operator, kind, f"组织 {secrets.token_hex(3)}", region=region,
        admin_email=email, admin_password="correct-horse-9",
    )  # fmt: skip
    return Actor(accounts.members(session, operator, org_id)[0].user_id, org_id, kind, Role.ADMIN)


def test_a_provider_lists_services_and_answers_a_request(session: Session) -> None:
    operator = _operator(session)
    provider = _org(session, operator, OrgKind.SERVICE_PROVIDER, "CN-JS-SZ")
    company = enterprise(session)
    word = secrets.token_hex(4)
    consulting = providers.offer_service(
        session, provider, category="consulting", city="CN-JS-SZ", title=f"核算咨询 {word}",
        description="协助核算", contact="通过平台联系",
    )  # fmt: skip
    testing = providers.offer_service(
        session, provider, category="testing", city="CN-JS-NJ", title=f"检测 {word}"
    )
    for bad, field in (({"category": "astrology"}, "category"), ({"city": "CN-BJ"}, "city"),
                       ({"title": "  "}, "title")):  # fmt: skip
        with pytest.raises(InvalidInputError) as refused:
            providers.offer_service(
                session, provider, **({"category": "legal", "city": "CN-JS", "title": "x"} | bad)
            )
        assert field in (refused.value.fields or {})
    with pytest.raises(PermissionDeniedError):
        providers.offer_service(session, company, category="legal", city="CN-JS", title="x")

    found = providers.directory(session, text=word)
    assert [s.id for s in found] == [consulting, testing]
    assert [s.id for s in providers.directory(session, category="testing", text=word)] == [testing]
    assert [s.id for s in providers.directory(session, city="CN-JS-SZ", text=word)] == [consulting]
    with pytest.raises(InvalidInputError):
        providers.directory(session, category="astrology")

    request_id = providers.send_request(
        session, company, consulting, message="需要核算一款电池的碳足迹", contact="李经理"
    )
    with pytest.raises(PermissionDeniedError):
        providers.send_request(session, provider, consulting, message="自己给自己")
    notice = session.scalar(
        select(NotificationRow).where(NotificationRow.org_id == provider.org_id)
    )
    assert notice is not None
    assert notice.kind == "service-request"
    assert json.loads(notice.params)["service"] == f"核算咨询 {word}"
    (received,) = providers.requests_received(session, provider)
    assert (received.id, received.message, received.status) == (
        request_id, "需要核算一款电池的碳足迹", "open",
    )  # fmt: skip
    other = _org(session, operator, OrgKind.SERVICE_PROVIDER)
    assert providers.requests_received(session, other) == []
    with pytest.raises(NotFoundError):
        providers.answer_request(session, other, request_id, reply="不是我的")
    providers.answer_request(session, provider, request_id, reply="可以，下周联系您")
    (sent,) = providers.requests_sent(session, company)
    assert (sent.status, sent.reply) == ("answered", "可以，下周联系您")

    # An edit names the version it read; the service leaves the directory when inactive.
    entry = providers.get_service(session, testing)
    with pytest.raises(ConflictError):
        providers.update_service(
            session, provider, testing, version=entry.version + 1, category="testing",
            city="CN-JS-NJ", title="检测",
        )  # fmt: skip
    providers.update_service(
        session, provider, testing, version=entry.version, category="testing",
        city="CN-JS-NJ", title=f"检测 {word}", active=False,
    )  # fmt: skip
    assert [s.id for s in providers.directory(session, text=word)] == [consulting]
    with pytest.raises(NotFoundError):
        providers.get_service(session, testing)
    with pytest.raises(NotFoundError):
        providers.update_service(
            session, other, consulting, version=1, category="testing", city="CN-JS", title="x"
        )
    # A suspended provider's services leave the directory.
    accounts.set_org_status(session, operator, provider.org_id, OrgStatus.SUSPENDED)
    assert providers.directory(session, text=word) == []
    audited = set(session.scalars(select(AuditRow.action).where(AuditRow.action.like("service.%"))))
    assert {"service.offer", "service.request", "service.answer", "service.update"} <= audited


def test_departments_keep_the_policy_section(session: Session) -> None:
    operator = _operator(session)
    province = _org(session, operator, OrgKind.DEPARTMENT_PROVINCE)
    city = _org(session, operator, OrgKind.DEPARTMENT_CITY, "CN-JS-NJ")
    company = enterprise(session)
    start = date(2027, 5, 10)
    course = policy.publish_item(
        session, province, kind="training", title="核算培训", body="# 课程\n\n内容",
        starts_on=start, ends_on=start + timedelta(days=1), location="南京",
    )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        policy.publish_item(session, company, kind="notice", title="x", body="y")
    for bad, field in (
        ({"kind": "rumour"}, "kind"), ({"kind": "event"}, "starts_on"),
        ({"title": ""}, "title"), ({"body": ""}, "body"),
        ({"starts_on": start, "ends_on": start - timedelta(days=1)}, "ends_on"),
    ):  # fmt: skip
        with pytest.raises(InvalidInputError) as refused:
            policy.publish_item(session, province, **({"kind": "notice", "title": "t",
                                                       "body": "b"} | bad))  # fmt: skip
        assert field in (refused.value.fields or {})
    item = policy.get_item(session, course)
    assert (item.kind, item.starts_on, item.publisher.startswith("组织"), item.illustrative) == (
        "training", start, True, False,
    )  # fmt: skip
    assert course in [i.id for i in policy.list_items(session, kind="training")]
    assert course not in [i.id for i in policy.list_items(session, kind="notice")]
    with pytest.raises(NotFoundError):  # another department's item
        policy.update_item(session, city, course, version=item.version, title="改")
    with pytest.raises(ConflictError):
        policy.update_item(session, province, course, version=item.version + 1, title="改")
    version = policy.update_item(session, province, course, version=item.version, title="改")
    assert version == item.version + 1
    assert policy.get_item(session, course).title == "改"
    policy.update_item(session, operator, course, version=version, location="苏州")  # operator


def test_the_demo_is_idempotent_and_marks_what_is_illustrative(session: Session) -> None:
    accounts.demo_accounts(session)
    assert load_hub_demo(session) == DEMO_PROVIDER
    load_hub_demo(session)
    provider = logins.authenticate(session, *DEMO_PROVIDER[:2])
    mine = providers.my_services(session, provider)
    assert len(mine) == 3
    assert all(s.demo and "示范" in s.title for s in mine)
    org = session.get(OrganisationRow, provider.org_id)
    assert org is not None
    assert (org.kind, org.demo) == ("service-provider", True)
    items = session.scalars(select(PolicyItemRow)).all()
    real = [i for i in items if not i.illustrative]
    assert [i.title for i in real] == ["江苏省产品碳足迹管理体系建设实施意见"]
    assert real[0].source
    assert real[0].published_on == date(2024, 2, 28)
    assert "力争完成400个产品碳足迹核算工作" in real[0].body  # quoted from the original
    assert all("示范" in i.title for i in items if i.illustrative)
    assert len(items) == 3
