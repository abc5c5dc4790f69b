"""The web application over a real store, per backend (SQLite and PostgreSQL).

One migrated store per backend per run (reference data, shipped rules, demo accounts);
tests that change data make their own organisations (:func:`new_enterprise`), so they do
not see each other's rows. Passwords are hashed with cheap argon2 parameters here (the
production parameters cost ~50 ms and 64 MiB per hash).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests import live

from tanji.bootstrap import App, build_app
from tanji.db.migrate import upgrade
from tanji.db.models import (
    CertificateRow,
    FootprintResultRow,
    OrganisationRow,
    ThrottleCounterRow,
)
from tanji.domain.accounts import USCC_CHARSET, Actor, uscc_of
from tanji.services import accounts, logins
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.settings import Settings
from tanji.web.app import create_app

PASSWORD = "correct-horse-9"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    production = logins.PASSWORD_HASHER
    logins.PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    logins.PASSWORD_HASHER = production


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def tanji_app(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    new_postgres_database: Callable[[], AbstractContextManager[str]],
    _cheap_password_hashes: None,
) -> Iterator[App]:
    """A migrated store with reference data, shipped rules and the demo accounts."""
    data_dir = tmp_path_factory.mktemp(f"web-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{data_dir / 'tanji.db'}"
        else:
            url = stack.enter_context(new_postgres_database())
        app = stack.enter_context(
            build_app(Settings(data_dir=data_dir, database_url=url, secret_key="test-key"))
        )
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
            accounts.demo_accounts(uow.session)
        yield app


@pytest.fixture
def client(tanji_app: App) -> Iterator[TestClient]:
    """A fresh browser (no cookies) on the app, as after a restart of the platform: the
    throttle counters a PostgreSQL store keeps for its workers start empty (on SQLite they
    live in the app's memory, so every test's app starts with none)."""
    with tanji_app.unit_of_work() as uow:
        uow.session.execute(delete(ThrottleCounterRow))
    with TestClient(create_app(tanji_app), base_url="http://testserver") as test_client:
        yield test_client


def random_uscc(division: str = "320500") -> str:
    """A well-formed unified social credit code (check character computed), random body."""
    return uscc_of(division, "".join(secrets.choice(USCC_CHARSET) for _ in range(8)))


@dataclass(frozen=True)
class Member:
    email: str
    password: str
    actor: Actor


def new_enterprise(app: App, name: str = "测试企业") -> Member:
    """A new enterprise with its admin (unique email and credit code)."""
    email = f"admin-{secrets.token_hex(4)}@example.com"
    with app.unit_of_work() as uow:
        actor = accounts.register_enterprise(
            uow.session,
            name=f"{name} {email}",
            uscc=random_uscc(),
            email=email,
            password=PASSWORD,
            display_name="Admin",
        )
    return Member(email, PASSWORD, actor)


def add_member(app: App, admin: Actor, role: str) -> Member:
    """A new person with ``role`` in ``admin``'s organisation."""
    email = f"{role}-{secrets.token_hex(4)}@example.com"
    with app.unit_of_work() as uow:
        accounts.add_member(
            uow.session, admin, admin.org_id, email, role, password=PASSWORD, display_name=role
        )
        actor = logins.authenticate(uow.session, email, PASSWORD, org_id=admin.org_id)
    return Member(email, PASSWORD, actor)


def token_for(app: App, actor: Actor, scopes: list[str] | None = None) -> str:
    """An API token of ``actor`` with ``scopes`` (default: every action it may do)."""
    from tanji.domain.accounts import ACTIONS

    wanted = scopes if scopes is not None else [a for a in ACTIONS if actor.can(a)]
    with app.unit_of_work() as uow:
        _, secret = logins.create_token(uow.session, actor, "test", wanted)
    return secret


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def serving(app: App) -> AbstractContextManager[str]:
    """``app`` under a real uvicorn (see :func:`tests.live.serving`); yields its URL."""
    return live.serving(create_app(app))


def certified_products(session: Session) -> set[tuple[object, ...]]:
    """The products (a workspace product, else an organisation's product code) with a
    valid certificate on a result that is neither a demo organisation's nor illustrative."""
    rows = session.execute(
        select(
            FootprintResultRow.org_id,
            FootprintResultRow.product_id,
            FootprintResultRow.product_code,
            FootprintResultRow.result,
        )
        .join(CertificateRow, CertificateRow.result_id == FootprintResultRow.id)
        .join(OrganisationRow, OrganisationRow.id == FootprintResultRow.org_id)
        .where(CertificateRow.status == "valid", OrganisationRow.demo.is_(False))
    ).all()
    return {
        ("workspace", product) if product is not None else ("code", org, code)
        for org, product, code, text in rows
        if not json.loads(text).get("illustrative")
    }
