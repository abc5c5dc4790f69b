"""Batch recomputation on Dask (``dask.distributed``).

A batch is a function of its inputs shipped to a scheduler: :func:`recompute_chunk`
takes the store's address and a list of result ids, opens its own unit of work (no
session crosses a process boundary), computes each result again and writes the new
results and the run's items in one transaction per chunk. :func:`run_batch` starts an
in-process :class:`~dask.distributed.LocalCluster` with ``workers`` workers by default,
or connects to an existing scheduler named by ``TANJI_DASK_SCHEDULER``
(``tcp://host:8786``), so a province that outgrows one machine adds workers.

Each worker keeps one database engine and one prepared-background store per store
address (in its thread), so the background of a database version is prepared once per
worker, not once per chunk.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine as DbEngine

from tanji.db.models import FootprintResultRow, PropagationItemRow, PropagationRunRow
from tanji.db.session import UnitOfWork, make_engine
from tanji.domain.factors import DomainError
from tanji.engine import Engine, SolverConfig
from tanji.engine.errors import EngineError
from tanji.services.admission.propagation import (
    Recomputed,
    compute_latest,
    record_items,
    save_recomputed,
)
from tanji.services.background import BackgroundStore
from tanji.services.errors import ServiceError

__all__ = [
    "SCHEDULER_ENV",
    "BatchOutcome",
    "StoreSpec",
    "background_samples",
    "batch_options",
    "recompute_chunk",
    "run_background_samples",
    "run_batch",
]

#: The environment variable naming an existing Dask scheduler.
SCHEDULER_ENV = "TANJI_DASK_SCHEDULER"


@dataclass(frozen=True)
class StoreSpec:
    """How a worker reaches the store: its URL, the background cache folder, the solver."""

    database_url: str
    cache_dir: str | None = None
    solver: str = "superlu"


@dataclass(frozen=True)
class ChunkOutcome:
    recomputed: tuple[Recomputed, ...]
    failures: tuple[tuple[int, str], ...]
    seconds: float
    compute_seconds: float
    write_seconds: float


@dataclass(frozen=True)
class BatchOutcome:
    run_id: int
    workers: int
    seconds: float
    recomputed: tuple[Recomputed, ...]
    failures: tuple[tuple[int, str], ...]
    chunk_seconds: tuple[float, ...] = field(default_factory=tuple)
    compute_seconds: float = 0.0
    write_seconds: float = 0.0


#: Per worker thread: the store's engine and prepared backgrounds (built on first use,
#: disposed by :func:`_dispose` when a batch ends).
_cache: dict[tuple[StoreSpec, int], tuple[DbEngine, BackgroundStore]] = {}
_lock = threading.Lock()


def _resources(spec: StoreSpec) -> tuple[DbEngine, BackgroundStore]:
    key = (spec, threading.get_ident())
    with _lock:
        if key not in _cache:
            engine = Engine(SolverConfig(backend=spec.solver))  # type: ignore[arg-type]
            cache_dir = Path(spec.cache_dir) if spec.cache_dir else None
            _cache[key] = (
                make_engine(spec.database_url),
                BackgroundStore(engine, cache_dir, spec.database_url),
            )
        return _cache[key]


def _dispose() -> None:
    """Close every cached engine's connections (run on each worker when a batch ends)."""
    with _lock:
        for db, _ in _cache.values():
            db.dispose()
        _cache.clear()


def recompute_chunk(
    spec: StoreSpec, run_id: int, result_ids: Sequence[int], user_id: int | None
) -> ChunkOutcome:
    """Recompute ``result_ids`` (compute all, then write all: a short write transaction)."""
    started = time.perf_counter()
    db, backgrounds = _resources(spec)
    failures: list[tuple[int, str]] = []
    with UnitOfWork(db) as uow:
        computed = []
        for result_id in result_ids:
            try:
                computed.append(compute_latest(uow.session, backgrounds, result_id))
            except (ServiceError, DomainError, EngineError) as error:
                failures.append((result_id, str(error)))
        compute_done = time.perf_counter()
        done = [save_recomputed(uow.session, row, calc, user_id) for row, calc in computed]
        record_items(uow.session, run_id, done)
        for result_id, message in failures:
            result = uow.session.get(FootprintResultRow, result_id)
            uow.session.add(
                PropagationItemRow(
                    run_id=run_id,
                    old_result_id=result_id,
                    product_code=result.product_code if result else "",
                    org_id=result.org_id if result else None,
                    before=result.total if result else 0.0,
                    error=message,
                )
            )
    finished = time.perf_counter()
    return ChunkOutcome(
        tuple(done),
        tuple(failures),
        finished - started,
        compute_done - started,
        finished - compute_done,
    )


def _chunks(ids: Sequence[int], size: int) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def run_batch(
    spec: StoreSpec,
    run_id: int,
    result_ids: Sequence[int],
    *,
    workers: int = 1,
    user_id: int | None = None,
    chunk_size: int | None = None,
    processes: bool = True,
    scheduler: str | None = None,
) -> BatchOutcome:
    """Recompute ``result_ids`` on Dask and return what changed.

    ``scheduler`` (else ``TANJI_DASK_SCHEDULER``) names an existing scheduler; without
    one an in-process ``LocalCluster`` of ``workers`` single-threaded workers runs the
    chunks (``processes=False`` keeps the workers in this process, as threads: for
    tests and small batches).
    """
    from dask.distributed import Client, LocalCluster

    started = time.perf_counter()
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    size = chunk_size or max(1, min(50, -(-len(result_ids) // (4 * max(workers, 1)))))
    chunks = _chunks(result_ids, size)
    outcomes: list[ChunkOutcome] = []
    if chunks:
        with ExitStack() as stack:
            if address:
                client = stack.enter_context(Client(address))  # type: ignore[no-untyped-call]
            else:
                cluster = stack.enter_context(
                    LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=processes,
                        dashboard_address=None,
                    )
                )
                client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
            futures = [
                client.submit(recompute_chunk, spec, run_id, chunk, user_id, pure=False)
                for chunk in chunks
            ]
            outcomes = client.gather(futures)
            client.run(_dispose)
    seconds = time.perf_counter() - started
    _finish_run(spec, run_id, seconds)
    return BatchOutcome(
        run_id=run_id,
        workers=workers,
        seconds=seconds,
        recomputed=tuple(r for o in outcomes for r in o.recomputed),
        failures=tuple(f for o in outcomes for f in o.failures),
        chunk_seconds=tuple(o.seconds for o in outcomes),
        compute_seconds=sum(o.compute_seconds for o in outcomes),
        write_seconds=sum(o.write_seconds for o in outcomes),
    )


def _finish_run(spec: StoreSpec, run_id: int, seconds: float) -> None:
    db = make_engine(spec.database_url)
    try:
        with UnitOfWork(db) as uow:
            run = uow.session.get(PropagationRunRow, run_id)
            if run is not None:
                run.seconds = seconds
    finally:
        db.dispose()


def batch_options() -> tuple[int, bool]:
    """Workers and whether they are processes, for batches the platform starts itself:
    ``TANJI_DASK_WORKERS`` (default 1) and ``TANJI_DASK_PROCESSES`` (default 1; 0 runs
    the workers as threads of the web process)."""
    workers = int(os.environ.get("TANJI_DASK_WORKERS", "1") or "1")
    processes = os.environ.get("TANJI_DASK_PROCESSES", "1") != "0"
    return max(1, workers), processes


def background_samples(spec: StoreSpec, dbv_id: int, method: str, iterations: int) -> int:
    """Prepare a database version's background and its ``iterations`` Monte Carlo samples
    of every activity (seeded; written to the background cache, so every later
    calculation reads them). Returns the number of activities sampled."""
    db, backgrounds = _resources(spec)
    with UnitOfWork(db) as uow:
        background = backgrounds.get(uow.session, dbv_id, method)
        samples = backgrounds.samples(uow.session, background, iterations)
    return int(samples.shape[1])


def run_background_samples(
    spec: StoreSpec,
    dbv_id: int,
    method: str,
    iterations: int,
    *,
    processes: bool = True,
    scheduler: str | None = None,
) -> int:
    """:func:`background_samples` on the same Dask path as the recomputations (a worker
    of an in-process ``LocalCluster``, or ``TANJI_DASK_SCHEDULER``'s)."""
    from dask.distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV)
    with ExitStack() as stack:
        if address:
            client = stack.enter_context(Client(address))  # type: ignore[no-untyped-call]
        else:
            cluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=1, threads_per_worker=1, processes=processes, dashboard_address=None
                )
            )
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        count: int = client.submit(
            background_samples, spec, dbv_id, method, iterations, pure=False
        ).result()
        client.run(_dispose)
    return count
