"""Settings from the environment, read when the composition root asks — never at import.

``TANJI_DATA_DIR``: where the embedded SQLite store and other files live
(default ``$XDG_DATA_HOME/tanji``, i.e. ``~/.local/share/tanji``).
``TANJI_DATABASE_URL``: a SQLAlchemy URL; PostgreSQL in production, e.g.
``postgresql+psycopg://user@host:5432/tanji``. Default: ``sqlite:///<data dir>/tanji.db``.
``TANJI_SOLVER``: the engine's sparse solver (superlu, pardiso, umfpack, auto).
``TANJI_SECRET_KEY``: the key that signs session cookies (default: a random key kept in
``<data dir>/secret-key``, made on first use). ``TANJI_SECURE_COOKIES``: ``1`` sends cookies
over HTTPS only, ``0`` over HTTP too; unset, ``tanji serve`` makes them ``Secure`` except
with ``--demo`` or on a loopback address (set ``1`` behind a TLS proxy on loopback).
``TANJI_ADMIN_MFA``: ``1``/``0`` — whether platform and department admins must sign in
with a second factor (unset: yes, except with ``--demo``).
``TANJI_RATE_LIMITS=0``: no rate limits or sign-in throttling (load tests).
``TANJI_PUBLIC_URL``: the address people reach the platform at, for links in e-mails
and on labels and their QR codes (default: the address the request came to).
``TANJI_SQLITE_BUSY_TIMEOUT``: seconds a write waits for SQLite's write lock (default 5)
before the request is answered 503 "busy, retry" (``tanji.db.session.make_engine``).
``TANJI_SMTP_HOST`` (and ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``, ``_SECURITY``):
the mail server for password resets and invitations (:class:`SmtpSettings`); without a
host no mail is sent and an admin hands out reset links instead.
``TANJI_PACT_TEST_MODE=1``: the PACT host may send answers to plain ``http://`` on the
loopback (a conformance suite on this machine); never in production.
``TANJI_PACT_CA_FILE``: a PEM file of certificates to trust when calling partners' PACT
hosts (a partner's self-signed test certificate); default: the system's.
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


def _flag(value: str | None) -> bool | None:
    """``1/true/yes`` → True, ``0/false/no`` → False, unset or empty → None (the default)."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{value!r} is not a yes/no setting; use 1 or 0")


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number from ``env[name]``, else ``default``."""
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name}={value!r}: give a whole number of at least 1")
    return int(value)


#: How the SMTP connection is protected: ``starttls`` (port 587), ``tls`` (implicit TLS,
#: port 465) or ``none`` (a relay on the same host or network only).
SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """Where outgoing mail goes. Off (``host is None``) unless ``TANJI_SMTP_HOST`` is set:
    a fresh install sends nothing and says so where it would have sent."""

    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "tanji@localhost"
    security: str = "starttls"
    timeout: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        security = (env.get("TANJI_SMTP_SECURITY") or "starttls").lower()
        if security not in SMTP_SECURITY:
            raise ValueError(
                f"TANJI_SMTP_SECURITY={security!r}: use one of {', '.join(SMTP_SECURITY)}"
            )
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        return cls(
            host=env.get("TANJI_SMTP_HOST") or None,
            port=int(env.get("TANJI_SMTP_PORT") or default_port),
            user=env.get("TANJI_SMTP_USER") or None,
            password=env.get("TANJI_SMTP_PASSWORD") or None,
            sender=env.get("TANJI_SMTP_FROM") or "tanji@localhost",
            security=security,
        )


#: Threads per worker process for requests' synchronous work on PostgreSQL. Every
#: thread beyond what keeps the CPU busy while others wait for the store only contends
#: for the GIL: with anyio's 40, a loaded worker's threads and its event loop took turns
#: so often that answers waited on the turns (issue 19). Fewer threads measured faster
#: down to one on a 2-core machine with a local store (docs/web.md, "How many
#: threads"), but then a few slow requests (a large upload parsed, a report drawn)
#: would hold a process's every thread: four is the compromise. The pooled connections
#: (16 + 8) are then more than enough for every thread and the jobs.
WEB_THREADS = 4
#: anyio's own default, kept on SQLite (:meth:`Settings.web_threads_for`).
SQLITE_WEB_THREADS = 40


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    solver: str = "superlu"
    secret_key: str | None = None
    secure_cookies: bool | None = None
    admin_mfa: bool | None = None
    rate_limits: bool = True
    public_url: str | None = None
    sqlite_busy_timeout: float = 5.0
    #: PostgreSQL connections each worker process keeps open for its requests and jobs
    #: (as many more may open for a burst and close again).
    db_pool_size: int = 16
    #: Threads of each worker process that run requests' synchronous work at a time
    #: (``TANJI_WEB_THREADS``); ``None``: :data:`WEB_THREADS` on PostgreSQL, anyio's 40
    #: on SQLite (see :meth:`web_threads_for`).
    web_threads: int | None = None
    limits: Limits = field(default_factory=Limits)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    pact_test_mode: bool = False
    pact_ca_file: str | None = None
    metrics_public: bool = False
    log_format: str = "json"

    def web_threads_for(self, dialect: str) -> int:
        """The threads a worker process gives requests' synchronous work, on a store of
        ``dialect``: the setting, else :data:`WEB_THREADS` on a server store. SQLite
        keeps anyio's 40: its writers wait for the write gate holding a thread (up to
        16 of them), and the reads must find threads beside them."""
        if self.web_threads is not None:
            return self.web_threads
        return SQLITE_WEB_THREADS if dialect == "sqlite" else WEB_THREADS

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
            secure_cookies=_flag(env.get("TANJI_SECURE_COOKIES")),
            admin_mfa=_flag(env.get("TANJI_ADMIN_MFA")),
            rate_limits=_flag(env.get("TANJI_RATE_LIMITS")) is not False,
            public_url=(env.get("TANJI_PUBLIC_URL") or "").rstrip("/") or None,
            sqlite_busy_timeout=float(env.get("TANJI_SQLITE_BUSY_TIMEOUT") or 5.0),
            db_pool_size=_count(env, "TANJI_DB_POOL_SIZE", 16),
            web_threads=_count(env, "TANJI_WEB_THREADS", 0) or None,
            limits=Limits.from_env(env),
            smtp=SmtpSettings.from_env(env),
            pact_test_mode=env.get("TANJI_PACT_TEST_MODE", "") in ("1", "true", "yes"),
            pact_ca_file=env.get("TANJI_PACT_CA_FILE") or None,
            metrics_public=env.get("TANJI_METRICS_PUBLIC", "") in ("1", "true", "yes"),
            log_format="text" if env.get("TANJI_LOG_FORMAT", "").lower() == "text" else "json",
        )
