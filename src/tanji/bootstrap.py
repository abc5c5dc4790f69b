"""The composition root: settings → database engine, unit of work, LCA engine.

Nothing is built at import time; commands and (later) the web app's lifespan call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine as DbEngine

from tanji.db.session import UnitOfWork, make_engine
from tanji.engine import Engine, SolverConfig
from tanji.io.limits import configure as configure_limits
from tanji.services.background import BackgroundStore
from tanji.settings import Settings


@dataclass(frozen=True)
class App:
    settings: Settings
    db: DbEngine
    engine: Engine
    backgrounds: BackgroundStore

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.db)

    def close(self) -> None:
        """Close the store's pooled connections (a command ends, a test finishes)."""
        self.db.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def build_app(settings: Settings | None = None) -> App:
    settings = settings or Settings.from_env()
    solver = (
        settings.solver
        if settings.solver in ("auto", "superlu", "pardiso", "umfpack")
        else "superlu"
    )
    engine = Engine(SolverConfig(backend=solver))  # type: ignore[arg-type]
    configure_limits(settings.limits)  # the caps every file reader works within
    return App(
        settings=settings,
        db=make_engine(
            settings.database_url,
            sqlite_busy_timeout=settings.sqlite_busy_timeout,
            pool_size=settings.db_pool_size,
        ),
        engine=engine,
        backgrounds=BackgroundStore(
            engine, settings.data_dir / "cache" / "background", settings.database_url
        ),
    )
