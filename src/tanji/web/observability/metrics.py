"""Prometheus metrics at ``/metrics`` (the text exposition format, ``prometheus-client``).

- ``tanji_http_request_duration_seconds`` (histogram): every answered request, by
  method, route template (``/api/v1/products/{product_id}``, never the raw path, so the
  series stay few) and status code.
- ``tanji_jobs`` (gauge, by state): the background jobs this process keeps —
  running, done, failed; ``tanji_job_queue_depth``: the running ones still waiting for
  a worker.
- ``tanji_db_pool_size``, ``tanji_db_pool_checked_out``, ``tanji_db_pool_overflow``:
  the store's connection pool.
- The ``process_*`` and ``python_*`` series of ``prometheus-client``.

Who may read it: by default only clients on this machine (loopback) that did not come
through a proxy (no ``Forwarded``/``X-Forwarded-For`` header) — anyone else gets 404;
``TANJI_METRICS_PUBLIC=1`` opens it (put it behind the proxy's own access rule then).
Each app has its own registry (no global state: tests build many apps).

Several worker processes (``tanji serve --workers N``): the request histogram covers all
of them. ``tanji serve`` gives the workers a private folder (``PROMETHEUS_MULTIPROC_DIR``,
made 0700 and removed at exit) where each process keeps its counts in a file
(``prometheus-client``'s multiprocess mode), and whichever worker answers a scrape adds
up every process's files. The other series are of the answering process
(``tanji_worker_process{pid}``, the pool, ``process_*``) or of the store (the jobs).
See docs/operations.md.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator

from fastapi import Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from tanji.web.routing import Router

__all__ = ["MULTIPROCESS_DIR", "Metrics", "metrics_router", "shared_folder"]

#: The environment variable naming the folder where worker processes keep their counts
#: (read by ``prometheus-client`` when it is first imported).
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

#: Buckets in seconds: pages and API reads are tens of ms, uploads and reports seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _StateCollector(Collector):
    """Jobs and the database pool, read when Prometheus scrapes (nothing to keep up)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # Which worker process answered (with several workers each scrape sees one; two
        # workers started together can share process_start_time_seconds to the 10 ms).
        worker = GaugeMetricFamily(
            "tanji_worker_process", "The worker process that answered", labels=["pid"]
        )
        worker.add_metric([str(os.getpid())], 1)
        yield worker
        state = self._metrics.state
        jobs = getattr(state, "jobs", None)
        if jobs is not None:
            by_state, waiting = jobs.counts()
            family = GaugeMetricFamily(
                "tanji_jobs", "Background jobs kept by this process, by state", labels=["state"]
            )
            for job_state, count in by_state.items():
                family.add_metric([str(job_state)], count)
            yield family
            yield GaugeMetricFamily(
                "tanji_job_queue_depth", "Jobs submitted and waiting for a worker", value=waiting
            )
        tanji = getattr(state, "tanji", None)
        pool = getattr(getattr(tanji, "db", None), "pool", None)
        if isinstance(pool, QueuePool):
            yield GaugeMetricFamily(
                "tanji_db_pool_size", "Connections the store's pool keeps", value=pool.size()
            )
            yield GaugeMetricFamily(
                "tanji_db_pool_checked_out",
                "Store connections in use by requests and jobs",
                value=pool.checkedout(),
            )
            yield GaugeMetricFamily(
                "tanji_db_pool_overflow",
                "Connections opened beyond the pool's size (negative: room left)",
                value=pool.overflow(),
            )


class Metrics:
    """One app's registry: the request histogram, fed by the request middleware, and the
    collectors reading the app's state (``app.state.jobs``, ``app.state.tanji``)."""

    def __init__(self, state: object) -> None:
        self.state = state
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "tanji_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status",
            ["method", "route", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        # What a scrape reads: with several workers, every process's counts (from their
        # files) rather than this registry's, which holds this process's only.
        folder = shared_folder()
        self.exposed = self.registry if folder is None else CollectorRegistry()
        if folder is not None:
            MultiProcessCollector(self.exposed, path=folder)  # type: ignore[no-untyped-call]
        self.exposed.register(_StateCollector(self))
        ProcessCollector(registry=self.exposed)
        PlatformCollector(registry=self.exposed)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if route == "/metrics":
            return  # the scrapes themselves are not the platform's traffic
        self.requests.labels(method, route, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.exposed)


def shared_folder() -> str | None:
    """The folder the worker processes share their counts in, when this process keeps
    its counts there (the variable was set before ``prometheus-client`` was imported:
    ``tanji serve --workers N`` sets it for its workers); else ``None``."""
    folder = os.environ.get(MULTIPROCESS_DIR)
    if not folder or values.ValueClass is values.MutexValue:
        return None
    return folder


def _local(request: Request) -> bool:
    """A client on this machine, not relayed by a proxy on it."""
    headers = request.headers
    if "forwarded" in headers or "x-forwarded-for" in headers:
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


metrics_router = Router(include_in_schema=False)


@metrics_router.get("/metrics")
def metrics(request: Request) -> Response:
    """The Prometheus exposition; 404 to others than local clients unless made public."""
    web = request.app
    if not (web.state.metrics_public or _local(request)):
        return Response(status_code=404)
    body = web.state.metrics.exposition()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
