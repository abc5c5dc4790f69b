"""Observability on both stores: request ids in answers and in every log line of the
request, the Prometheus endpoint (what it counts, who may read it), and the health
probes (live; ready only when the store answers at the code's migration head)."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.web.job_calls import submit_call

from tanji.bootstrap import App, build_app
from tanji.db.migrate import head_revision
from tanji.settings import Settings
from tanji.web.app import create_app
from tanji.web.observability import JsonFormatter

from .conftest import new_enterprise

LOCAL = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.7", 50000)


def _local_client(tanji_app: App, client: tuple[str, int] = LOCAL) -> TestClient:
    return TestClient(create_app(tanji_app), base_url="http://testserver", client=client)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, object]]]:
    """JSON log lines of the platform and of SQLAlchemy's statements (logged from the
    handler's worker thread) while the test runs."""
    handler = _Lines()
    root, sql = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = root.level, sql.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    sql.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(levels[0])
    sql.setLevel(levels[1])


def test_every_log_line_of_a_request_carries_its_id(
    client: TestClient, log_lines: list[dict[str, object]]
) -> None:
    client.app.state.jobs.shutdown()  # type: ignore[attr-defined]  # its polls are no request
    log_lines.clear()
    answer = client.get("/api/v1/health", headers={"X-Request-ID": "probe-42.a:b"})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == "probe-42.a:b"
    # The server's lines (the test client logs its own side, outside the request).
    lines = [line for line in log_lines if not str(line["logger"]).startswith("httpx")]
    assert any(line["logger"] == "sqlalchemy.engine.Engine" for line in lines)
    assert {line.get("request_id") for line in lines} == {"probe-42.a:b"}
    (request,) = [line for line in lines if line["logger"] == "tanji.request"]
    assert request["route"] == "/api/v1/health"
    assert request["status"] == 200
    assert isinstance(request["duration_ms"], float)

    log_lines.clear()
    for hostile in ("a b", "x" * 129, "id/../x", "<script>"):  # not a plain token: a new id instead
        generated = client.get("/api/v1/health/live", headers={"X-Request-ID": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    plain = client.get("/api/v1/health/live").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", plain)
    assert {line["request_id"] for line in log_lines if line["logger"] == "tanji.request"} >= {
        plain
    }


def test_a_log_line_is_one_json_object_with_fields_and_traceback() -> None:
    try:
        raise ValueError("bad 碳")
    except ValueError:
        record = logging.getLogger("tanji.x").makeRecord(
            "tanji.x",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("job",),
            sys.exc_info(),
            extra={"job_id": "j1", "color_message": "\x1b[1mfailed\x1b[0m"},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed job"
    assert entry["level"] == "ERROR"
    assert entry["job_id"] == "j1"
    assert "color_message" not in entry
    assert "request_id" not in entry  # outside a request
    assert entry["exception"].endswith("ValueError: bad 碳")
    assert entry["time"].endswith("+00:00")


def _metric(body: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = "^" + re.escape(name + ("{" + wanted + "}" if labels else "")) + r" (\S+)$"
    match = re.search(pattern, body, re.MULTILINE)
    assert match, f"{name} {labels} not in the metrics"
    return float(match.group(1))


def test_metrics_count_requests_by_route_template_jobs_queue_and_pool(tanji_app: App) -> None:
    admin = new_enterprise(tanji_app).actor
    with _local_client(tanji_app) as client:
        missing = client.get("/api/v1/jobs/no-such-job").status_code
        assert missing in (401, 404)
        release = threading.Event()
        jobs = client.app.state.jobs  # type: ignore[attr-defined]
        for _ in range(3):  # two workers: one waits in the queue
            submit_call(jobs, admin, lambda report: release.wait(10))
        try:
            deadline = time.monotonic() + 10  # the runner claims what it can run
            body = client.get("/metrics").text
            while _metric(body, "tanji_job_queue_depth") > 1 and time.monotonic() < deadline:
                time.sleep(0.05)
                body = client.get("/metrics").text
        finally:
            release.set()
    assert (
        _metric(
            body,
            "tanji_http_request_duration_seconds_count",
            method="GET",
            route="/api/v1/jobs/{job_id}",
            status=str(missing),
        )
        == 1
    )
    assert "no-such-job" not in body  # the template, never the raw path
    assert _metric(body, "tanji_jobs", state="running") == 3
    assert _metric(body, "tanji_job_queue_depth") == 1
    assert _metric(body, "tanji_db_pool_size") >= 1
    assert _metric(body, "tanji_db_pool_checked_out") >= 0
    assert "process_cpu_seconds_total" in body or "python_info" in body


def test_metrics_are_for_this_machine_unless_made_public(tanji_app: App) -> None:
    with _local_client(tanji_app, REMOTE) as remote:
        assert remote.get("/metrics").status_code == 404
    with _local_client(tanji_app) as local:
        assert local.get("/metrics").status_code == 200
        # Relayed by a proxy on this machine: someone else is asking.
        relayed = local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1"})
        assert relayed.status_code == 404
    public = create_app(tanji_app)
    public.state.metrics_public = True
    with TestClient(public, client=REMOTE) as remote:
        assert remote.get("/metrics").status_code == 200


def test_live_and_ready_probes(client: TestClient, tanji_app: App) -> None:
    assert client.get("/api/v1/health/live").json() == {"status": "ok"}
    ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["schema_revision"] == head_revision()

    with tanji_app.db.begin() as connection:  # the schema behind the code: not ready
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        behind = client.get("/api/v1/health/ready")
    finally:
        with tanji_app.db.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()}
            )
    assert behind.status_code == 503
    assert behind.json()["status"] == "not ready"
    assert behind.json()["schema_revision"] == "0001"


def test_ready_is_503_when_the_store_cannot_be_reached(tmp_path: Path) -> None:
    unreachable = Settings(
        data_dir=tmp_path,
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/tanji?connect_timeout=2",
        secret_key="test-key",
    )
    with build_app(unreachable) as app, TestClient(create_app(app)) as client:
        assert client.get("/api/v1/health/live").status_code == 200
        answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 503
    assert answer.json()["status"] == "not ready"
    assert answer.json()["store"] == "unreachable: OperationalError"
