"""Autogenerate an Alembic migration from the models: python scripts/new_migration.py "message".

Compares the models (src/tanji/db/models.py) with a scratch SQLite store migrated to the
newest revision and writes the difference as a new file in src/tanji/db/migrations/versions.
Read the generated file before committing it: autogenerate misses renames and data moves.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from tanji.db.migrate import MIGRATIONS, upgrade


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit('usage: python scripts/new_migration.py "what the migration does"')
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        upgrade(engine)
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.revision(config, message=sys.argv[1], autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()
