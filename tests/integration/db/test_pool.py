"""The server store's connection pool: its size is a setting, and a burst may open half
as many again (SQLAlchemy's default of 5 + 10 made a loaded worker open and close
connections all the time)."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from tanji.db.session import make_engine
from tanji.settings import Settings


def test_the_pool_size_is_a_setting() -> None:
    assert Settings.from_env({"HOME": "/tmp"}).db_pool_size == 16
    assert Settings.from_env({"HOME": "/tmp", "TANJI_DB_POOL_SIZE": "4"}).db_pool_size == 4
    for wrong in ("0", "many", "-3"):
        with pytest.raises(ValueError, match="TANJI_DB_POOL_SIZE"):
            Settings.from_env({"HOME": "/tmp", "TANJI_DB_POOL_SIZE": wrong})


def test_a_postgresql_engine_keeps_the_pool_it_is_given() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_size=7)
    try:
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 7
        assert pool._max_overflow == 3  # a burst: half as many again
    finally:
        engine.dispose()  # nothing was connected: make_engine does not connect
