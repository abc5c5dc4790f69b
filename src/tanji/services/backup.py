"""Backup and restore of the whole store (``tanji db backup`` / ``tanji db restore``).

- **SQLite**: SQLite's online backup API (:meth:`sqlite3.Connection.backup`) copies the
  store page by page while the platform keeps running and gives a consistent snapshot of
  committed data — unlike copying ``tanji.db`` by hand, which misses what still sits in
  the write-ahead log. The backup is one self-contained SQLite file (rollback journal,
  no ``-wal`` beside it). Restore runs the same API the other way, into the live store.
- **PostgreSQL**: ``pg_dump --format=custom`` writes the backup; restore turns it back
  into SQL with ``pg_restore`` and runs it with ``psql`` in **one transaction** that first
  drops the schema's tables — so the restored store equals the backed-up one (no table
  of a later migration is left behind) and a failed restore leaves the store untouched.
  Both tools must be on the ``PATH`` (Debian: ``postgresql-client``), at least the
  server's major version.

Every backup file is created with mode 0600 (it holds enterprises' confidential data),
written under a temporary name beside the target and renamed when complete, so a failed
backup never leaves a half-written file under the name asked for.

Restore refuses, in words, a file that is not a backup of the store's kind: not a
SQLite or ``pg_dump`` file, a backup of the other kind of store, a database that is not
a Tanji store, or one from a newer version of Tanji than this one. A backup from an older
version is restored as it is; ``tanji db upgrade`` then migrates it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from tanji.db.migrate import known_revisions
from tanji.services.errors import InvalidInputError, ServiceError

__all__ = ["BackupInfo", "backup_store", "restore_store"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupInfo:
    """What a backup or restore did: the file, the kind of store, its schema revision."""

    path: Path
    kind: str  # "sqlite" or "postgresql"
    revision: str | None
    size: int


def backup_store(database_url: str, target: Path) -> BackupInfo:
    """Write a consistent backup of the store at ``database_url`` to ``target`` (0600).

    Refuses when ``target`` exists (a backup never overwrites a file).
    """
    if target.exists():
        raise InvalidInputError(
            f"{target} already exists: a backup never overwrites a file; "
            "choose another name or remove it first"
        )
    url = make_url(database_url)
    kind = _kind(url)
    with _private_file_beside(target) as partial:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
            revision = _sqlite_revision(partial)
        else:
            _pg_dump(url, partial)
            revision = None
        os.replace(partial, target)
    return BackupInfo(target, kind, revision, target.stat().st_size)


def restore_store(database_url: str, source: Path) -> BackupInfo:
    """Replace the whole content of the store at ``database_url`` by the backup ``source``.

    The backup is checked first (its kind, that it is a Tanji store, its revision); a
    file that does not pass is refused and the store is not touched.
    """
    url = make_url(database_url)
    kind = _kind(url)
    if not source.is_file():
        raise InvalidInputError(f"{source}: no such backup file")
    found = _file_kind(source)
    if found != kind:
        raise InvalidInputError(_wrong_kind(source, found, kind))
    if kind == "sqlite":
        revision = _check_sqlite_backup(source)
        _sqlite_restore(source, _sqlite_path(url))
    else:
        revision = _check_pg_backup(source)
        _pg_restore(url, source)
    return BackupInfo(source, kind, revision, source.stat().st_size)


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ServiceError(f"backup supports SQLite and PostgreSQL stores, not {backend}")
    if backend == "sqlite" and not url.database:
        raise ServiceError("an in-memory SQLite store cannot be backed up or restored")
    return backend


def _sqlite_path(url: URL) -> Path:
    assert url.database is not None
    return Path(url.database)


@contextmanager
def _private_file_beside(target: Path) -> Iterator[Path]:
    """A new, empty file of mode 0600 in ``target``'s folder; removed unless renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(descriptor)  # mkstemp creates the file 0600
    partial = Path(name)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _file_kind(path: Path) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _wrong_kind(source: Path, found: str | None, kind: str) -> str:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if found is None:
        return (
            f"{source} is not a Tanji backup: neither a SQLite database nor a PostgreSQL "
            "custom-format dump (make one with 'tanji db backup FILE')"
        )
    return (
        f"{source} is a backup of a {names[found]} store; this store is {names[kind]}: "
        f"restore it into a {names[found]} store (TANJI_DATABASE_URL)"
    )


# --- SQLite -------------------------------------------------------------------------


def _sqlite_backup(store: Path, target: Path) -> None:
    if not store.is_file():
        raise ServiceError(f"the store {store} does not exist: run 'tanji db upgrade' first")
    with (
        closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
        # One self-contained file: a rollback journal, so no -wal/-shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.commit()


def _sqlite_revision(path: Path) -> str | None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return None if row is None else str(row[0])


def _check_sqlite_backup(source: Path) -> str:
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as connection:
            integrity = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise InvalidInputError(f"{source} is not a readable SQLite database: {error}") from None
    if integrity is None or integrity[0] != "ok":
        raise InvalidInputError(f"{source} is damaged (SQLite integrity check: {integrity})")
    revision = _sqlite_revision(source)
    return _check_revision(source, revision)


def _check_revision(source: Path, revision: str | None) -> str:
    if revision is None:
        raise InvalidInputError(
            f"{source} is a database but not a Tanji store (it has no schema revision)"
        )
    if revision not in known_revisions():
        raise InvalidInputError(
            f"{source} is at schema revision {revision}, which this version of Tanji does "
            "not know (a backup of a newer Tanji?): restore it with that version"
        )
    return revision


def _sqlite_restore(source: Path, store: Path) -> None:
    if not store.exists():
        store.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(store, os.O_CREAT | os.O_WRONLY, 0o600))
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup,
        closing(sqlite3.connect(store, timeout=30)) as live,
    ):
        # The backup API writes the live store under its write lock, in one step: other
        # connections see the old content or the new one, never a mixture.
        backup.backup(live)
        live.execute("PRAGMA journal_mode=WAL")


# --- PostgreSQL ---------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it (so
    the password does not show in the process list)."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ServiceError(
            f"{name} was not found on the PATH: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client), the server's major version or newer"
        )
    return path


def _pg_dump(url: URL, target: Path) -> None:
    uri, env = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", uri]
    with target.open("wb") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.PIPE, check=False)
        out.flush()
        os.fsync(out.fileno())
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ServiceError(f"pg_dump failed: {lines[-1] if lines else done.returncode}")


def _pg_listing(source: Path) -> str:
    done = subprocess.run(
        [_tool("pg_restore"), "--list", str(source)], capture_output=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise InvalidInputError(f"{source} is not a readable pg_dump archive: {detail}")
    return done.stdout.decode("utf-8", "replace")


def _check_pg_backup(source: Path) -> str:
    listing = _pg_listing(source)
    if " TABLE DATA public alembic_version " not in listing:
        raise InvalidInputError(
            f"{source} is a PostgreSQL dump but not of a Tanji store (no schema revision)"
        )
    sql = subprocess.run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "-f", "-", str(source)],
        capture_output=True,
        check=False,
    ).stdout.decode("utf-8", "replace")
    revision = _copied_revision(sql)
    return _check_revision(source, revision)


def _copied_revision(sql: str) -> str | None:
    """The one row of ``alembic_version`` in a data-only script (a COPY block)."""
    lines = iter(sql.splitlines())
    for line in lines:
        if line.startswith("COPY public.alembic_version"):
            row = next(lines, "\\.")
            return None if row == "\\." else row.strip()
    return None


#: Run first, in the restored script's transaction: the store keeps nothing of its own.
_EMPTY_SCHEMA = "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"


def _pg_restore(url: URL, source: Path) -> None:
    """``pg_restore`` writes the SQL, ``psql`` runs it after :data:`_EMPTY_SCHEMA`, all
    in one transaction (``-1`` covers every ``-c`` and ``-f``); streamed, never held in
    memory whole."""
    uri, env = _libpq(url)
    restore = [_tool("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", str(source)]
    psql = [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction"]
    psql += ["--set=ON_ERROR_STOP=1", "-c", _EMPTY_SCHEMA, "-f", "-", "--dbname", uri]
    with subprocess.Popen(restore, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as writer:
        assert writer.stdout is not None
        done = subprocess.run(psql, stdin=writer.stdout, env=env, capture_output=True, check=False)
        writer.stdout.close()
        writer_error = writer.stderr.read() if writer.stderr else b""
        writer.wait()
    if writer.returncode != 0:
        detail = writer_error.decode("utf-8", "replace").strip()
        raise InvalidInputError(f"{source} could not be read (the store is unchanged): {detail}")
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ServiceError(
            f"restoring {source} failed and was rolled back: {lines[-1] if lines else ''}"
        )
