"""Bounded loopback load on the platform: the home page, a factor search, an
authenticated read and a write — on SQLite (one process) and on PostgreSQL with one and
with two worker processes (``tanji serve --workers N``).

For each configuration a fresh store is made (schema, reference data, shipped rules,
the demo accounts), ``tanji serve`` runs on it in its own process(es) on 127.0.0.1,
an API token is made for a new enterprise whose workspace gets ``--products`` products,
and ``--clients`` concurrent clients with keep-alive send requests for ``--seconds`` per
endpoint after a short warm-up:

- ``home``: ``GET /`` (the public home page, HTML);
- ``factors``: ``GET /api/v1/factors?q=…`` (a search of the public factor library);
- ``products``: ``GET /api/v1/products`` with ``Authorization: Bearer <token>``;
- ``write``: ``POST /api/v1/products`` with the token (a new product each time).

What drives the load (``--driver``): ``wrk`` (the C load generator, Debian package
``wrk``) when it is installed, else (or with ``--driver httpx``) asyncio with httpx in
this process, never more than ``--max-requests`` per endpoint. On a small machine the
driver shares the cores with the server: the Python one costs about as much CPU per
request as the server does, so its figures say more about the driver than the server.
With wrk, ``--threads`` threads hold the ``--clients`` connections; a request counts as
an error when its status is not the expected one (wrk's non-2xx/3xx count), on a socket
error, or when it takes longer than the phase (wrk's timeout); a phase in which no
request came back counts every client as an error.

Prints requests per second, p50 and p99 latency, errors, and the served processes' CPU
time per request (``server_cpu_ms``: what the platform itself costs, whatever the load
generator and the store cost beside it on a small machine) per endpoint (``--json OUT``
writes them). Stops by itself (every phase is bounded in time and in requests); the
servers and the throw-away PostgreSQL databases are removed at the end. Only loopback
addresses are used. Rate limits are off in the served processes
(``TANJI_RATE_LIMITS=0``): they would answer 429 to a load generator by design. Not
part of the test run.

    .venv/bin/python benchmarks/platform_load.py --seconds 10 --clients 50
    .venv/bin/python benchmarks/platform_load.py --config pg2 --seconds 3 --clients 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

# A throw-away PostgreSQL database per configuration, as the label load test makes it.
from label_load import postgres_store  # noqa: E402  (benchmarks/ is not a package)

SECRET = "platform-load-benchmark"
#: name → (store, worker processes)
CONFIGS = {"sqlite": ("sqlite", 1), "pg1": ("postgresql", 1), "pg2": ("postgresql", 2)}


@contextmanager
def sqlite_store(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'tanji.db'}"


def prepare(data_dir: Path, url: str) -> str:
    """The store with reference data and demo accounts; an enterprise's API token."""
    from tanji.bootstrap import build_app
    from tanji.db.migrate import upgrade
    from tanji.domain.accounts import ACTIONS, uscc_of
    from tanji.services import accounts, logins
    from tanji.services.reference import ensure_reference_data
    from tanji.services.rules import ensure_shipped_rules
    from tanji.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, secret_key=SECRET)
    with build_app(settings) as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
            accounts.demo_accounts(uow.session)
        with app.unit_of_work() as uow:
            actor = accounts.register_enterprise(
                uow.session,
                name="压测企业 Load test enterprise",
                uscc=uscc_of("320500", "MA1X7Q3P"),  # well-formed, invented
                email="load@bench.example",
                password=secrets.token_urlsafe(16),
                display_name="Load",
            )
            scopes = [a for a in ACTIONS if actor.can(a)]
            _, token = logins.create_token(uow.session, actor, "load test", scopes)
    return token


#: The served process's pid while :func:`server` runs.
SERVED: dict[str, int] = {}


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its children so far (Linux
    ``/proc``; 0 elsewhere): the worker processes' cost, whatever the load generator
    and the store cost beside them."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    proc = Path("/proc")
    for entry in proc.glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        this, parent = int(entry.parent.name), int(fields[1])
        if pid in (this, parent):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(data_dir: Path, url: str, port: int, workers: int) -> Iterator[str]:
    """``tanji serve`` on ``port``; yields its base URL (:data:`SERVED` holds its pid)."""
    env = {
        **os.environ,
        "TANJI_DATA_DIR": str(data_dir),
        "TANJI_DATABASE_URL": url,
        "TANJI_SECRET_KEY": SECRET,
        "TANJI_RATE_LIMITS": "0",
    }
    tanji = str(Path(sys.executable).parent / "tanji")
    command = [tanji, "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # workers import the platform: slow when busy
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("tanji serve did not start") from None
            time.sleep(0.3)
        SERVED["pid"] = process.pid
        yield base
    finally:
        SERVED.pop("pid", None)
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _product(n: int) -> dict[str, Any]:
    code = f"load-{n}-{secrets.token_hex(4)}"
    return {"template": "general", "code": code, "name_zh": "压测产品"}


async def hammer(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str],
    expect: int,
    seconds: float,
    clients: int,
    max_requests: int,
) -> dict[str, float]:
    """``clients`` concurrent clients send requests until ``seconds`` pass or
    ``max_requests`` were sent; the figures."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:

        async def client() -> None:
            nonlocal errors, sent
            while time.monotonic() < stop and sent < max_requests:
                sent += 1
                body = _product(sent) if method == "POST" else None
                start = time.perf_counter()
                try:
                    response = await http.request(method, path, json=body)
                    if response.status_code != expect:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1),
        "errors": errors,
    }


#: wrk's Lua: a POST body with a new product code each request (``write``), and the
#: figures as one JSON line at the end (latency in microseconds).
WRK_SCRIPT = """
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function request()
  if wrk.method == "POST" then
    counter = counter + 1
    local code = string.format("wrk-%d-%d-%d", tid, counter, math.random(1, 1e9))
    local body = '{"template": "general", "code": "' .. code .. '", "name_zh": "压测产品"}'
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format()
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"status": %d, "socket": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str],
    expect: int,
    seconds: float,
    clients: int,
    threads: int,
) -> dict[str, float]:
    """The figures of ``wrk`` run against ``base + path`` (``expect`` is 200 or 201:
    wrk counts every other 2xx/3xx as a success, so only 2xx statuses are expected)."""
    assert 200 <= expect < 300
    duration = max(1, round(seconds))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
        script.write(f'wrk.method = "{method}"\n' + WRK_SCRIPT)
        script.flush()
        command = [
            "wrk", f"--threads={min(threads, clients)}", f"--connections={clients}",
            f"--duration={duration}s", f"--timeout={duration}s", f"--script={script.name}",
        ]  # fmt: skip
        for name, value in headers.items():
            command += ["--header", f"{name}: {value}"]
        if method != "GET":
            command += ["--header", "Content-Type: application/json"]
        command.append(base + path)
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRK "))
    found = json.loads(line.removeprefix("WRK "))
    elapsed = found["duration_us"] / 1e6
    return {
        "requests": found["requests"],
        "seconds": round(elapsed, 2),
        "rps": round(found["requests"] / elapsed, 1),
        "p50_ms": round(found["p50_us"] / 1000, 1),
        "p99_ms": round(found["p99_us"] / 1000, 1),
        # wrk counts no request still waiting when the phase ends (none older than the
        # phase: the timeout is the phase); when none came back, all clients failed.
        "errors": found["status"] + found["socket"] if found["requests"] else clients,
    }


def run_config(name: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    store, workers = CONFIGS[name]
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        context = postgres_store() if store == "postgresql" else sqlite_store(data_dir)
        with context as url:
            token = prepare(data_dir, url)
            bearer = {"Authorization": f"Bearer {token}"}
            endpoints = {
                "home": ("GET", "/", {}, 200),
                "factors": ("GET", "/api/v1/factors?q=%E7%94%B5", {}, 200),  # 电
                "products": ("GET", "/api/v1/products", bearer, 200),
                "write": ("POST", "/api/v1/products", bearer, 201),
            }
            figures: dict[str, dict[str, float]] = {}
            with server(data_dir, url, port, workers) as base:
                assert base.startswith("http://127.0.0.1:")
                with httpx.Client(base_url=base, headers=bearer, timeout=60) as http:
                    for n in range(args.products):  # the workspace the read lists
                        http.post("/api/v1/products", json=_product(n)).raise_for_status()
                for endpoint, (method, path, headers, expect) in endpoints.items():
                    request = (base, method, path, headers, expect)
                    asyncio.run(hammer(*request, 1.0, args.clients, 100))  # warm-up
                    cpu = server_cpu_seconds(SERVED["pid"])
                    if args.driver == "wrk":
                        figures[endpoint] = wrk(*request, args.seconds, args.clients, args.threads)
                    else:
                        load = hammer(*request, args.seconds, args.clients, args.max_requests)
                        figures[endpoint] = asyncio.run(load)
                    spent = server_cpu_seconds(SERVED["pid"]) - cpu
                    done = max(1, int(figures[endpoint]["requests"]))
                    figures[endpoint]["server_cpu_ms"] = round(1000 * spent / done, 2)
                    print(f"{name:<7} {endpoint:<9} {json.dumps(figures[endpoint])}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--config", choices=(*CONFIGS, "all"), default="all",
        help="sqlite (1 process), pg1 / pg2 (PostgreSQL, 1 / 2 worker processes)",
    )  # fmt: skip
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--max-requests", type=int, default=50_000, help="per endpoint (httpx driver)"
    )
    parser.add_argument(
        "--driver", choices=("auto", "wrk", "httpx"), default="auto",
        help="what sends the requests: wrk when installed (auto), or asyncio with httpx",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument("--products", type=int, default=20, help="in the token's workspace")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if args.driver == "auto":
        args.driver = "wrk" if shutil.which("wrk") else "httpx"
    elif args.driver == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    print(
        f"cores {os.cpu_count()}, driver {args.driver}, "
        f"1-minute load average before: {os.getloadavg()[0]:.2f}"
    )
    names = tuple(CONFIGS) if args.config == "all" else (args.config,)
    results = {name: run_config(name, args) for name in names}
    print(f"1-minute load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
