"""Long work with progress: the job runner, its page (htmx polling, HX-Redirect), its
JSON, who may see a job — and Monte Carlo progress that leaves the numbers alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import EXAMPLES, new_enterprise, token_for
from tests.web.job_calls import submit_call

from tanji.bootstrap import App
from tanji.domain import footprint_uncertainty
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.footprints import calculate
from tanji.web.jobs import UNEXPECTED, Job, JobRunner, JobStatus, Report

ALICE = Actor(user_id=1, org_id=10, org_kind=OrgKind.ENTERPRISE, role=Role.EDITOR)
BOB_SAME_ORG = Actor(user_id=2, org_id=10, org_kind=OrgKind.ENTERPRISE, role=Role.ADMIN)


def wait(runner: JobRunner, actor: Actor, job: Job, timeout: float = 10.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = runner.get(actor, job.id)
        if current.status is not JobStatus.RUNNING:
            return current
        time.sleep(0.01)
    raise AssertionError(f"job {job.id} still running after {timeout} s")


@pytest.fixture
def runner(tanji_app: App) -> Iterator[JobRunner]:
    with JobRunner(tanji_app, workers=2, poll_seconds=0.05) as jobs:
        yield jobs


def test_a_job_reports_progress_and_ends_with_its_result_url(runner: JobRunner) -> None:
    release = threading.Event()
    seen = threading.Event()

    def work(report: Report) -> int:
        report(3, 4, "Solving the Monte Carlo iterations")
        seen.set()
        release.wait(5)
        return 42

    job = submit_call(runner, ALICE, work, "/r/{}")
    assert seen.wait(5)
    running = runner.get(ALICE, job.id)
    assert (running.status, running.done, running.total) == (JobStatus.RUNNING, 3, 4)
    assert running.fraction == 0.75
    assert running.message == "Solving the Monte Carlo iterations"
    release.set()
    done = wait(runner, ALICE, job)
    assert (done.status, done.result_url, done.fraction) == (JobStatus.DONE, "/r/42", 1.0)


def test_only_the_owner_sees_a_job(runner: JobRunner) -> None:
    job = submit_call(runner, ALICE, lambda report: None)
    with pytest.raises(NotFoundError):
        runner.get(BOB_SAME_ORG, job.id)
    with pytest.raises(NotFoundError):
        runner.get(ALICE, "no-such-job")


def test_a_known_error_is_shown_and_a_bug_is_logged(
    runner: JobRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(report: Report) -> None:
        raise InvalidInputError("iterations: from 0 to 100000, got -1")

    def buggy(report: Report) -> None:
        raise KeyError("oops")

    failed = wait(runner, ALICE, submit_call(runner, ALICE, refused))
    assert (failed.status, failed.error) == (
        JobStatus.FAILED,
        "iterations: from 0 to 100000, got -1",
    )
    with caplog.at_level("ERROR", logger="tanji.web.jobs"):
        broken = wait(runner, ALICE, submit_call(runner, ALICE, buggy))
    assert (broken.status, broken.error) == (JobStatus.FAILED, UNEXPECTED)
    assert "KeyError" in caplog.text


def test_job_page_polls_then_redirects(tanji_app: App, client: TestClient) -> None:
    member = new_enterprise(tanji_app)
    headers = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    jobs: JobRunner = client.app.state.jobs  # type: ignore[attr-defined]
    release = threading.Event()

    def work(report: Report) -> int:
        report(1, 2, "Computing the footprint")
        release.wait(5)
        return 7

    job = submit_call(jobs, member.actor, work, "/workspace/results/{}")
    page = client.get(f"/jobs/{job.id}", headers=headers)
    assert page.status_code == 200
    assert 'hx-trigger="every 500ms"' in page.text
    assert "正在计算碳足迹" in page.text  # the message, translated
    assert 'role="progressbar"' in page.text
    api = client.get(f"/api/v1/jobs/{job.id}", headers=headers).json()
    assert (api["status"], api["done"], api["total"]) == ("running", 1, 2)
    stranger = new_enterprise(tanji_app, "别家企业")
    other = {"Authorization": f"Bearer {token_for(tanji_app, stranger.actor)}"}
    assert client.get(f"/jobs/{job.id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/jobs/{job.id}", headers=other).status_code == 404
    release.set()
    wait(jobs, member.actor, job)
    polled = client.get(f"/jobs/{job.id}", headers={**headers, "HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == "/workspace/results/7"
    opened = client.get(f"/jobs/{job.id}", headers=headers, follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, "/workspace/results/7")
    assert client.get(f"/api/v1/jobs/{job.id}", headers=headers).json()["fraction"] == 1.0


def test_failed_job_page_says_why_and_stops_polling(tanji_app: App, client: TestClient) -> None:
    member = new_enterprise(tanji_app)
    headers = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    jobs: JobRunner = client.app.state.jobs  # type: ignore[attr-defined]

    def refused(report: Report) -> None:
        raise InvalidInputError("the model has no lines")

    job = wait(jobs, member.actor, submit_call(jobs, member.actor, refused))
    page = client.get(f"/jobs/{job.id}", headers={**headers, "HX-Request": "true"})
    assert "the model has no lines" in page.text
    assert "hx-trigger" not in page.text


def test_monte_carlo_progress_leaves_the_numbers_alone(
    tanji_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pack links the cell model, so the Monte Carlo solves a 2×2 system per
    iteration, in blocks; block size and progress reports change no digit."""
    pack = EXAMPLES / "battery" / "lfp-pack.yaml"
    steps: list[tuple[int, int, str]] = []
    with tanji_app.unit_of_work() as uow:
        plain = calculate(uow.session, tanji_app.backgrounds, pack, iterations=300, seed=5)
        monkeypatch.setattr(footprint_uncertainty, "SOLVE_BLOCK", 7)
        told = calculate(
            uow.session,
            tanji_app.backgrounds,
            pack,
            iterations=300,
            seed=5,
            progress=lambda done, total, message: steps.append((done, total, message)),
        )
    assert plain.uncertainty is not None
    assert told.uncertainty is not None
    assert np.array_equal(plain.uncertainty.samples, told.uncertainty.samples)
    assert plain.result["uncertainty"] == told.result["uncertainty"]
    done = [s[0] for s in steps]
    assert done == sorted(done)
    assert steps[-1][0] == steps[-1][1]
    assert len({s[1] for s in steps}) == 1  # the total is known from the start
    assert len(steps) > 300 // 7  # one report per block solved
    assert {s[2] for s in steps} >= {
        "Computing the footprint",
        "Solving the Monte Carlo iterations",
    }
