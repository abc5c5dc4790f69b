"""Requests' synchronous work and the store's pooled connections: how many threads a
process gives requests (``TANJI_WEB_THREADS``), and that no request holds a connection
while it waits for a thread (a pool smaller than the load never stalls the process)."""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, serving, token_for

from tanji.bootstrap import App, build_app
from tanji.settings import SQLITE_WEB_THREADS, WEB_THREADS, Settings
from tanji.web.app import create_app


def _threads(app: App) -> int:
    with TestClient(create_app(app)) as client:
        return int(
            client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
        )


def test_a_process_gives_requests_the_threads_its_store_wants(tanji_app: App) -> None:
    expected = SQLITE_WEB_THREADS if tanji_app.db.dialect.name == "sqlite" else WEB_THREADS
    assert _threads(tanji_app) == expected
    chosen = dataclasses.replace(
        tanji_app, settings=dataclasses.replace(tanji_app.settings, web_threads=3)
    )
    assert _threads(chosen) == 3


def test_the_setting_is_read_from_the_environment() -> None:
    base = {"TANJI_DATA_DIR": "/tmp/tanji-settings"}
    assert Settings.from_env(base).web_threads is None
    assert Settings.from_env({**base, "TANJI_WEB_THREADS": "12"}).web_threads == 12
    with pytest.raises(ValueError, match="TANJI_WEB_THREADS"):
        Settings.from_env({**base, "TANJI_WEB_THREADS": "0"})


def test_a_small_pool_does_not_stall_concurrent_token_reads(tanji_app: App) -> None:
    """Three pooled connections, eight threads, forty clients at once. Each request's
    sign-in check and its endpoint run in two trips to the thread pool. When the check
    read through the request's own session, a request kept its connection between the
    trips: soon every connection was held by a request waiting for a thread and every
    thread by a request waiting for a connection, until the pool's 30 s time-out."""
    if tanji_app.db.dialect.name != "postgresql":
        pytest.skip("the pool of a server store (SQLite opens a connection per thread)")
    member = new_enterprise(tanji_app)
    bearer = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    settings = dataclasses.replace(tanji_app.settings, db_pool_size=2, web_threads=8)
    with build_app(settings) as small, serving(small) as url:
        assert small.db.pool.size() == 2  # type: ignore[attr-defined]

        def read(_: int) -> int:
            with httpx.Client(base_url=url, headers=bearer, timeout=60) as client:
                return client.get("/api/v1/products").status_code

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(read, range(120)))
        elapsed = time.monotonic() - began
    assert statuses == [200] * 120
    assert elapsed < 20, f"{elapsed:.1f} s for 120 reads"
