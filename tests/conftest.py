"""Shared fixtures: the two stores (SQLite, PostgreSQL) every database test runs on.

PostgreSQL is the production store. Tests reach it at ``TANJI_TEST_POSTGRES_URL``
(default: the local server, ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and
create a throw-away database per run. Without a server the PostgreSQL tests are skipped
with a message saying so — except where ``TANJI_REQUIRE_POSTGRES=1`` (CI sets it), where
they fail.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

# bw2io (a test dependency) brings bw2data, which bw2calc imports wherever it is installed:
# its projects go to a temporary folder of this process, never the user's home folder.
# Each pytest-xdist worker gets its own: workers inherit the controller's environment, and
# two workers importing bw2data at once in one fresh folder both create its "default"
# project (UNIQUE constraint failed: projectdataset.name).
_BRIGHTWAY_DIR = tempfile.mkdtemp(prefix="tanji-brightway-")
os.environ["BRIGHTWAY2_DIR"] = _BRIGHTWAY_DIR
atexit.register(shutil.rmtree, _BRIGHTWAY_DIR, ignore_errors=True)

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_standards() -> Path:
    """``../shared/standards`` of the workplace; skips (fails in CI) where it is absent."""
    path = SHARED / "standards"
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI needs the workplace's shared standards")
        pytest.skip(
            "../shared/standards not found: the samples live in the workplace's shared folder"
        )
    return path


def _admin_engine() -> Engine:
    url = os.environ.get("TANJI_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)
    return create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database URL for one test run, dropped afterwards: empty, or a
    copy of the database ``template`` (which nobody may be connected to)."""
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {admin.url.render_as_string()}: {error.orig}"
        if os.environ.get("TANJI_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (TANJI_REQUIRE_POSTGRES=1: the PostgreSQL tests are required)")
        pytest.skip(reason)
    name = f"tanji_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def new_postgres_database() -> Callable[..., AbstractContextManager[str]]:
    """A factory of throw-away PostgreSQL databases (a context manager giving the URL;
    :func:`postgres_database`'s ``template`` makes a copy of another database)."""
    return postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tanji.db'}"
    else:
        with postgres_database() as url:
            yield url
