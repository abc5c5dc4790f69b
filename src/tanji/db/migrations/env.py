"""Alembic environment: migrations run on the connection Tanji passes in.

Tanji runs migrations programmatically (``tanji db upgrade`` → ``tanji.db.migrate``), so
there is no alembic.ini; the connection arrives in ``config.attributes["connection"]``.
SQLite needs batch mode to alter tables.
"""

from alembic import context

from tanji.db import models  # registers every table on the metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=models.Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
