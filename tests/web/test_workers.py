"""``tanji serve --workers 2`` on PostgreSQL: a real server of two processes, where a
sign-in, a job submitted through one process and read back through the other, and the
job's run by whichever process claims it all hold (nothing lives in one process); and
``/metrics``, whichever process answers, counts the requests of both."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from tests.web.conftest import PASSWORD, add_member, token_for
from tests.web.test_data_import import factor_csv

from tanji.bootstrap import App
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS

TANJI = Path(sys.executable).with_name("tanji")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's data folder (and its log, ``serve.log``; its temporary files in
    ``tmp``)."""
    return tmp_path_factory.mktemp("workers")


@pytest.fixture(scope="module")
def two_workers(tanji_app: App, server_dir: Path) -> Iterator[str]:
    if tanji_app.db.dialect.name != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    port = _free_port()
    scratch = server_dir / "tmp"
    scratch.mkdir()
    env = {
        **os.environ,
        "TANJI_DATABASE_URL": tanji_app.settings.database_url,
        "TANJI_DATA_DIR": str(server_dir),
        "TANJI_ADMIN_MFA": "0",
        "TANJI_LOG_FORMAT": "text",
        "TMPDIR": str(scratch),
    }
    env.pop("TANJI_SECRET_KEY", None)  # made once by the parent, read by both workers
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = server_dir / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(TANJI), "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # each worker imports the platform: slow when busy
        while True:
            try:
                if len(_workers_answering(url)) >= 2:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:  # pragma: no cover
                server.kill()
                said = log.read_text(errors="replace")[-3000:]
                pytest.fail(f"tanji serve --workers 2 did not start:\n{said}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # The workers' metrics folder is gone with the server.
    assert list(scratch.glob("tanji-metrics-*")) == []


def _workers_answering(url: str) -> set[str]:
    """The processes that answered a burst of fresh connections (both, once both run)."""

    def ask(_: int) -> str:
        with httpx.Client(base_url=url, timeout=10) as client:
            return _worker_of(client)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(ask, range(16)))


def _worker_of(client: httpx.Client) -> str:
    """Which process answers on this connection (its process id, from its metrics)."""
    found = re.search(r'^tanji_worker_process\{pid="(\d+)"\} ', client.get("/metrics").text, re.M)
    assert found
    return found.group(1)


def test_two_workers_share_sessions_jobs_and_the_queue(
    tanji_app: App, two_workers: str, server_dir: Path
) -> None:
    email, password, _ = DEMO_ACCOUNTS[3]
    with tanji_app.unit_of_work() as uow:
        province = logins.authenticate(uow.session, email, password)
    editor = add_member(tanji_app, province, "editor")
    bearer = {"Authorization": f"Bearer {token_for(tanji_app, editor.actor, ['factor.import'])}"}
    # A browser signs in (the session is a row in the store, the cookie signed with the
    # one secret key).
    browser = httpx.Client(base_url=two_workers, timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
    assert csrf
    signed_in = browser.post(
        "/login", data={"email": editor.email, "password": PASSWORD, "csrf_token": csrf[1]}
    )
    said = (server_dir / "serve.log").read_text(errors="replace")[-3000:]
    assert signed_in.status_code == 303, said
    cookies = dict(browser.cookies)
    browser.close()
    # A job through the API: queued in the store, run by a worker process.
    code = f"W-{secrets.token_hex(3)}"
    with httpx.Client(base_url=two_workers, headers=bearer, timeout=30) as api:
        submitted = api.post(
            "/api/v1/data/imports",
            data={"format": "csv", "name": f"workers-{code}", "visibility": "private"},
            files={"file": ("factors.csv", factor_csv(code, "多进程导入"), "text/csv")},
        )
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]

    # Read back through fresh connections, many at once (so that both processes accept
    # some), until both processes have answered and the job is done.
    def read_back(_: int) -> tuple[str, dict[str, object]]:
        with httpx.Client(base_url=two_workers, cookies=cookies, timeout=60) as fresh:
            worker = _worker_of(fresh)
            job = fresh.get(f"/api/v1/jobs/{job_id}", headers=bearer)
            assert job.status_code == 200, job.text
            account = fresh.get("/account")
            assert account.status_code == 200, f"the session on worker {worker}"
            assert editor.email in account.text
            return worker, job.json()

    seen: dict[str, dict[str, object]] = {}
    deadline = time.monotonic() + 90
    with ThreadPoolExecutor(max_workers=12) as pool:
        while time.monotonic() < deadline and not (
            len(seen) >= 2 and all(j["status"] == "done" for j in seen.values())
        ):
            seen.update(pool.map(read_back, range(24)))
            time.sleep(0.2)
    assert len(seen) >= 2, "only one worker process answered"
    assert {j["status"] for j in seen.values()} == {"done"}, seen
    result = next(iter(seen.values()))["result_url"]
    assert isinstance(result, str)
    assert result.startswith("/data/imports/")


def _count(exposition: str, route: str) -> float:
    """How many requests to ``route`` the request histogram counts."""
    pattern = r"^tanji_http_request_duration_seconds_count\{([^}]*)\} (\S+)$"
    return sum(
        float(value)
        for labels, value in re.findall(pattern, exposition, re.M)
        if f'route="{route}"' in labels
    )


def test_metrics_answer_for_every_worker(two_workers: str, server_dir: Path) -> None:
    route = "/api/v1/health/live"

    def live(_: int) -> str:
        """A request to ``route`` on a fresh connection; the process that answered."""
        with httpx.Client(base_url=two_workers, timeout=30) as client:
            worker = _worker_of(client)
            assert client.get(route).status_code == 200
            return worker

    served: Counter[str] = Counter()
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(served) < 2 and time.monotonic() < deadline:
            served.update(pool.map(live, range(16)))
    assert len(served) == 2, served  # both processes answered some
    total = sum(served.values())

    def scrape(_: int) -> tuple[str, float]:
        with httpx.Client(base_url=two_workers, timeout=30) as client:
            response = client.get("/metrics")
            assert response.status_code == 200
        found = re.search(r'^tanji_worker_process\{pid="(\d+)"\} ', response.text, re.M)
        assert found
        return found.group(1), _count(response.text, route)

    counted: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(counted) < 2 and time.monotonic() < deadline + 30:
            counted.update(pool.map(scrape, range(16)))
    # Each process, answering a scrape, counts the requests both answered (before: its own).
    assert set(counted) == set(served)
    assert all(count == total for count in counted.values()), (counted, served)
    folders = list((server_dir / "tmp").glob("tanji-metrics-*"))
    assert len(folders) == 1  # private to the server's processes
    assert folders[0].stat().st_mode & 0o777 == 0o700


def test_connections_are_spread_over_the_workers(two_workers: str) -> None:
    """Each worker listens on its own socket (SO_REUSEPORT), so the kernel spreads a
    burst of keep-alive connections over both. With uvicorn's one shared socket the
    first process to wake accepted nearly all of them (48 of 50 under a load test),
    leaving the other idle."""
    clients = [httpx.Client(base_url=two_workers, timeout=30) for _ in range(40)]
    try:
        with ThreadPoolExecutor(max_workers=40) as pool:  # all connect at once
            first = list(pool.map(_worker_of, clients))
        # Each connection stays with the worker that accepted it (keep-alive).
        assert [_worker_of(client) for client in clients] == first
        held = Counter(first)
    finally:
        for client in clients:
            client.close()
    assert len(held) == 2, held
    # A fair hash gives 20 ± 3; fewer than 8 on one worker has odds under 1 in 10,000.
    assert min(held.values()) >= 8, held


def test_a_worker_that_dies_is_replaced(two_workers: str, server_dir: Path) -> None:
    """The supervisor starts a new worker in place of one that died (here killed), and
    the address keeps answering meanwhile (the other worker's socket)."""
    victim = int(_any_worker(two_workers))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 120  # the new worker imports the platform
    workers: set[str] = set()
    while time.monotonic() < deadline:
        workers = _workers_answering(two_workers)
        if len(workers) >= 2 and str(victim) not in workers:
            break
        time.sleep(0.5)
    said = (server_dir / "serve.log").read_text(errors="replace")
    assert len(workers) >= 2, said[-3000:]
    assert str(victim) not in workers, said[-3000:]
    assert f"worker process {victim} ended" in said


def _any_worker(url: str) -> str:
    with httpx.Client(base_url=url, timeout=30) as client:
        return _worker_of(client)
