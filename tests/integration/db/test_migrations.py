"""The migrations build exactly the schema the models describe, on both stores."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tanji.db.migrate import current_revision, upgrade
from tanji.db.models import Base
from tanji.db.session import make_engine


def test_models_and_migrations_agree(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"render_as_batch": connection.dialect.name == "sqlite"}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_records_its_revision(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        first = current_revision(engine)
        upgrade(engine)
        assert first is not None
        assert current_revision(engine) == first
    finally:
        engine.dispose()
