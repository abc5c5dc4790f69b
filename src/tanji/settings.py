"""Settings from the environment, read when the composition root asks — never at import.

``TANJI_DATA_DIR``: where the embedded SQLite store and other files live
(default ``$XDG_DATA_HOME/tanji``, i.e. ``~/.local/share/tanji``).
``TANJI_DATABASE_URL``: a SQLAlchemy URL; PostgreSQL in production, e.g.
``postgresql+psycopg://user@host:5432/tanji``. Default: ``sqlite:///<data dir>/tanji.db``.
``TANJI_SOLVER``: the engine's sparse solver (superlu, pardiso, umfpack, auto).
``TANJI_SECRET_KEY``: the key that signs session cookies (default: a random key kept in
``<data dir>/secret-key``, made on first use). ``TANJI_SECURE_COOKIES=1``: send cookies
over HTTPS only (set it behind the TLS proxy of a production deployment).
``TANJI_SQLITE_BUSY_TIMEOUT``: seconds a write waits for SQLite's write lock (default 15)
before the request is answered 503 "busy, retry".
``TANJI_METRICS_PUBLIC=1``: serve ``/metrics`` to every client, not only to this machine's
(docs/operations.md). ``TANJI_LOG_FORMAT``: ``json`` (default; one JSON object a line) or
``text``.
``TANJI_LIMIT_<NAME>``: the caps on what an uploaded or imported file may make the
readers do (:class:`tanji.io.limits.Limits`; docs/web.md lists them and their defaults).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tanji.io.limits import Limits


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    solver: str = "superlu"
    secret_key: str | None = None
    secure_cookies: bool = False
    sqlite_busy_timeout: float = 15.0
    limits: Limits = field(default_factory=Limits)
    metrics_public: bool = False
    log_format: str = "json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        data_dir = Path(env.get("TANJI_DATA_DIR") or Path(base) / "tanji")
        url = env.get("TANJI_DATABASE_URL") or f"sqlite:///{data_dir / 'tanji.db'}"
        return cls(
            data_dir=data_dir,
            database_url=url,
            solver=env.get("TANJI_SOLVER", "superlu"),
            secret_key=env.get("TANJI_SECRET_KEY") or None,
            secure_cookies=env.get("TANJI_SECURE_COOKIES", "") in ("1", "true", "yes"),
            sqlite_busy_timeout=float(env.get("TANJI_SQLITE_BUSY_TIMEOUT") or 15.0),
            limits=Limits.from_env(env),
            metrics_public=env.get("TANJI_METRICS_PUBLIC", "") in ("1", "true", "yes"),
            log_format="text" if env.get("TANJI_LOG_FORMAT", "").lower() == "text" else "json",
        )
