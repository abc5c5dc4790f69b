"""Schema migrations (Alembic), run programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(engine_connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = engine_connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to ``revision`` (the newest by default) in one transaction."""
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the store, or ``None`` if it was never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def head_revision() -> str:
    """The newest revision the code knows (what :func:`upgrade` migrates to)."""
    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    """Every revision the code knows (a store at another one is from a newer Tanji)."""
    script = ScriptDirectory.from_config(_config(None))
    return frozenset(revision.revision for revision in script.walk_revisions())
