"""Bounded loopback load on the label verification page and the GS1 Digital Link
resolver, on SQLite and on PostgreSQL.

For each store: a fresh store is made (schema, reference data, rules, the demo accounts
and the label demo: a certified product with its signed, logged label), ``tanji serve``
runs on it in its own process on 127.0.0.1, and ``--clients`` threads send requests
with keep-alive for ``--seconds`` per endpoint (never more than ``--max-requests``):

- ``page``: ``GET /l/<label>`` (HTML: signatures checked, inclusion proof, rendered);
- ``json``: the same address with ``Accept: application/json``;
- ``resolve``: ``GET /01/<GTIN>`` (the Digital Link: a 307 to the page, not followed);
- ``linkset``: ``GET /01/<GTIN>?linkType=linkset`` (application/linkset+json).

Prints requests per second, p50 and p99 latency and errors per endpoint (``--json OUT``
writes them). Stops by itself; the server and the throw-away PostgreSQL database are
removed at the end. Not part of the test run.

    .venv/bin/python benchmarks/label_load.py --seconds 10 --clients 8
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get(
    "TANJI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SECRET = "label-load-benchmark"


@contextmanager
def postgres_store() -> Iterator[str]:
    import psycopg

    name = f"tanji_bench_{secrets.token_hex(4)}"
    admin = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(data_dir: Path, url: str, base: str) -> tuple[str, str]:
    """The store with the label demo; returns (label id, GTIN)."""
    from tanji.bootstrap import build_app
    from tanji.db.migrate import upgrade
    from tanji.services import accounts
    from tanji.services.labels.demo import DEMO_GTIN, load_label_demo
    from tanji.services.reference import ensure_reference_data
    from tanji.services.rules import ensure_shipped_rules
    from tanji.services.signing import KeyRing
    from tanji.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, secret_key=SECRET)
    with build_app(settings) as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
            accounts.demo_accounts(uow.session)
        verify_url = load_label_demo(app, base, KeyRing.from_secret(SECRET))
    return verify_url.rsplit("/", 1)[1], "0" + DEMO_GTIN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(data_dir: Path, url: str, port: int) -> Iterator[None]:
    env = {
        **os.environ,
        "TANJI_DATA_DIR": str(data_dir),
        "TANJI_DATABASE_URL": url,
        "TANJI_SECRET_KEY": SECRET,
    }
    tanji = str(Path(sys.executable).parent / "tanji")
    process = subprocess.Popen(
        [tanji, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("tanji serve did not start") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(20)


def hammer(
    port: int, path: str, headers: dict[str, str], expect: int, seconds: float,
    clients: int, max_requests: int,
) -> dict[str, float]:  # fmt: skip
    """``clients`` threads send ``GET path`` until ``seconds`` pass or ``max_requests``
    were sent; returns the figures."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    sent = [0]
    stop = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != expect:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1),
        "errors": errors[0],
    }


def run_store(store: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch, (
        postgres_store() if store == "postgresql" else _sqlite(Path(scratch))
    ) as url:  # fmt: skip
        data_dir = Path(scratch)
        label, gtin = prepare(data_dir, url, base)
        endpoints = {
            "page": (f"/l/{label}", {"Accept": "text/html"}, 200),
            "json": (f"/l/{label}", {"Accept": "application/json"}, 200),
            "resolve": (f"/01/{gtin}", {}, 307),
            "linkset": (f"/01/{gtin}?linkType=linkset", {}, 200),
        }
        figures: dict[str, dict[str, float]] = {}
        with server(data_dir, url, port):
            for name, (path, headers, expect) in endpoints.items():
                hammer(port, path, headers, expect, 1.0, args.clients, 50)  # warm-up
                figures[name] = hammer(
                    port, path, headers, expect, args.seconds, args.clients, args.max_requests
                )
                print(f"{store:<10} {name:<8} {json.dumps(figures[name])}", flush=True)
    assert urlsplit(base).hostname == "127.0.0.1"
    return figures


@contextmanager
def _sqlite(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'tanji.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per endpoint")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"cores {os.cpu_count()}, 1-minute load average before: {load:.2f}")
    stores = ("sqlite", "postgresql") if args.store == "both" else (args.store,)
    results = {store: run_store(store, args) for store in stores}
    print(f"1-minute load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
