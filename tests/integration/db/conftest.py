"""A migrated store with the reference data, per backend, and a rolled-back session per test."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tanji.db.migrate import upgrade
from tanji.db.session import UnitOfWork, make_engine
from tanji.domain.accounts import USCC_CHARSET, Actor, uscc_of
from tanji.services import accounts
from tanji.services.reference import ensure_reference_data


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_engine(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    new_postgres_database: Callable[[], AbstractContextManager[str]],
) -> Iterator[Engine]:
    """A migrated store with the reference data loaded, once per backend per run."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'tanji.db'}"
        else:
            url = stack.enter_context(new_postgres_database())
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        with UnitOfWork(engine) as uow:
            ensure_reference_data(uow.session)
        yield engine


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (savepoints inside)."""
    connection = db_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "src" / "tanji" / "data"


def enterprise(session: Session) -> Actor:
    """A newly registered enterprise (random name, USCC and e-mail) and its admin."""
    return accounts.register_enterprise(
        session,
        name=f"测试企业 {secrets.token_hex(3)}",
        uscc=uscc_of("320500", "".join(secrets.choice(USCC_CHARSET) for _ in range(8))),
        email=f"a-{secrets.token_hex(4)}@example.com",
        password="correct-horse-9",
        display_name="Admin",
    )
