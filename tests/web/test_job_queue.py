"""The durable job queue: jobs survive a restart (queued ones run, running ones fail
visibly), a job is claimed by one worker only, staged uploads are removed."""

from __future__ import annotations

import os
import time

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, token_for
from tests.web.job_calls import submit_call
from tests.web.test_jobs import wait

from tanji.bootstrap import App
from tanji.db.models import JobRow
from tanji.services import jobs as queue
from tanji.web.imports import staging_root
from tanji.web.jobs import JobRunner, JobStatus

GONE_PID = 4_194_305  # above Linux's largest process id: no such process


def test_a_queued_job_runs_after_a_restart(tanji_app: App) -> None:
    actor = new_enterprise(tanji_app).actor
    stopped = JobRunner(tanji_app, start=False)  # the process that accepted the job…
    job = submit_call(stopped, actor, lambda report: 5, "/r/{}")
    stopped.shutdown()  # …ends before running it
    assert stopped.get(actor, job.id).status is JobStatus.RUNNING  # queued, not lost
    with JobRunner(tanji_app, poll_seconds=0.05) as restarted:
        done = wait(restarted, actor, job)
    assert (done.status, done.result_url) == (JobStatus.DONE, "/r/5")


def test_a_job_of_a_gone_process_fails_visibly_and_its_upload_is_removed(
    tanji_app: App, client: TestClient
) -> None:
    actor = new_enterprise(tanji_app).actor
    root = staging_root(tanji_app)
    staged = root / "tanji-import-gone" / "factors.csv"
    staged.parent.mkdir(parents=True)
    staged.write_text("name\n")
    orphan, fresh = root / "tanji-import-orphan", root / "tanji-import-fresh"
    orphan.mkdir()
    fresh.mkdir()
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    with tanji_app.unit_of_work() as uow:
        record = queue.enqueue(
            uow.session, job_id=f"gone-{time.time_ns()}", kind="data.import",
            title="Importing data", payload={"staged": str(staged)}, actor=actor,
        )  # fmt: skip
        row = uow.session.get(JobRow, record.id)
        assert row is not None
        row.state, row.worker = "running", f"{os.uname().nodename}:{GONE_PID}:dead"
    with JobRunner(tanji_app) as restarted:
        failed = restarted.get(actor, record.id)
    assert (failed.status, failed.error) == (JobStatus.FAILED, queue.INTERRUPTED)
    assert not staged.parent.exists()
    assert not orphan.exists()  # no job names it, and it is old
    assert fresh.exists()  # a request may be about to queue it
    bearer = {"Authorization": f"Bearer {token_for(tanji_app, actor)}"}
    page = client.get(f"/jobs/{record.id}", headers=bearer)
    assert "这项工作因平台重新启动而中断，请重新运行。" in page.text


def test_a_job_is_claimed_once(tanji_app: App) -> None:
    actor = new_enterprise(tanji_app).actor
    with tanji_app.unit_of_work() as uow:
        queue.enqueue(
            uow.session, job_id=f"once-{time.time_ns()}", kind="test.call", title="t",
            payload={}, actor=actor,
        )  # fmt: skip
    claims = []
    with tanji_app.unit_of_work() as uow:
        while (record := queue.claim(uow.session, "a:1:x")) is not None:
            claims.append(record.id)  # every queued job, each once
    with tanji_app.unit_of_work() as uow:
        again = queue.claim(uow.session, "b:2:y")
    assert claims
    assert again is None
    with tanji_app.unit_of_work() as uow:  # leave no running job behind for other tests
        for job_id in claims:
            queue.finish(uow.session, job_id, failed=True, error="test")
