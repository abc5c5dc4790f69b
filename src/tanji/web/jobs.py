"""Long work in the background, with its progress shown: calculations with Monte Carlo,
imports, anything that takes more than a moment.

A *job* is a function that receives ``report(done, total, message)`` and returns a
value. :class:`JobRunner` runs it on a small thread pool and keeps its state in memory:
id, owner, status (running → done | failed), progress, and either the URL to go to when
it is done or a message for the user when it failed. The page ``/jobs/{id}``
(:mod:`tanji.web.ui.jobs`) shows a progress bar that htmx refreshes every 500 ms and,
when the job is done, sends the browser to its result (``HX-Redirect``);
``GET /api/v1/jobs/{id}`` (:mod:`tanji.web.api.jobs`) gives the same as JSON. Only the
person who submitted a job, acting for the same organisation, sees it; to anyone else
it does not exist.

Submitting a job from a handler::

    from tanji.web.jobs import JobsDep, Report, job_url

    @router.post("/workspace/products/{product_id}/calculate")
    def calculate(request: Request, product_id: int, actor: ActorDep, app: AppDep,
                  jobs: JobsDep) -> Response:
        def work(report: Report) -> int:
            # Its own transaction: the request's session is closed when the job runs.
            with app.unit_of_work() as uow:
                return calculate_product(uow.session, app.backgrounds, actor, product_id,
                                         progress=report)   # returns the new result id

        job = jobs.submit(actor, "Calculating the footprint", work,
                          result_url=lambda result_id: f"/workspace/results/{result_id}")
        return RedirectResponse(job_url(job), status_code=303)  # or HX-Redirect for htmx

- ``title`` and the messages given to ``report`` are English msgids: the page translates
  them with the catalogues, so use fixed strings (put numbers in ``done``/``total``).
- ``back_url``/``back_label`` lead back (to the product) when the job failed, whose page
  is then titled ``failed_title`` instead of ``title`` (no dead end).
- ``result_url`` is a string, or a function of the job's return value (a new result's
  id is known only at the end).
- A job that raises one of the platform's known errors (a service, domain, file-format
  or engine error: the classes of :data:`tanji.web.errors.STATUS`) fails with that error's
  message; anything else is a bug: its traceback goes to the log and the user reads
  that the work failed unexpectedly.
- Pass services a progress callback where they take one
  (:func:`tanji.services.footprints.calculate` and ``run_model`` take ``progress=``).

Design note: an in-process pool rather than a task queue (Celery, RQ) — the platform is
one process with a store; jobs are minutes at most, and a job lost in a restart is
simply submitted again. State older than :data:`KEEP_SECONDS` after it ended is dropped.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from types import TracebackType
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request

from tanji.domain.accounts import Actor
from tanji.services.errors import NotFoundError
from tanji.web.errors import STATUS

__all__ = [
    "KEEP_SECONDS",
    "UNEXPECTED",
    "Job",
    "JobRunner",
    "JobStatus",
    "JobsDep",
    "Report",
    "current_jobs",
    "job_url",
]

log = logging.getLogger(__name__)

#: ``report(done, total, message)``: what a job calls as it advances.
Report = Callable[[int, int, str], None]
#: How long a finished job's state is kept (its page may be reloaded meanwhile).
KEEP_SECONDS = 3600.0
#: What a user reads when a job failed for a reason that is a bug.
UNEXPECTED = "The work failed unexpectedly; the error has been logged for the operators."
WAITING = "Waiting to start"


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """A snapshot of a job's state (the runner replaces it as the job advances)."""

    id: str
    user_id: int
    org_id: int
    title: str
    status: JobStatus = JobStatus.RUNNING
    done: int = 0
    total: int = 0
    message: str = WAITING
    result_url: str | None = None
    #: Where a person goes back to when the job failed (e.g. the product), and its label
    back_url: str | None = None
    back_label: str = "Back"
    #: The page's title once the job failed (an English msgid)
    failed_title: str = "The work did not finish."
    error: str | None = None
    #: (process, exchange, problem) rows of an import that failed on its file's contents
    problems: tuple[tuple[str, str, str], ...] = ()
    started: float = 0.0  # time.time()
    ended: float | None = None

    @property
    def fraction(self) -> float:
        """How far the job is, 0…1 (1 when done; 0 while nothing is known)."""
        if self.status is JobStatus.DONE:
            return 1.0
        return min(max(self.done / self.total, 0.0), 1.0) if self.total > 0 else 0.0

    def owned_by(self, actor: Actor) -> bool:
        return self.user_id == actor.user_id and self.org_id == actor.org_id


def job_url(job: Job) -> str:
    """The page showing ``job``'s progress."""
    return f"/jobs/{job.id}"


_KNOWN_ERRORS = tuple(STATUS)


class JobRunner:
    """A small thread pool running jobs, with their state kept in memory.

    Made in the app's lifespan (:func:`tanji.web.app.create_app`) and shut down with it.
    """

    def __init__(self, workers: int = 2, *, keep_seconds: float = KEEP_SECONDS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tanji-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep_seconds
        self._waiting = 0  # submitted, not yet started: the queue's depth

    def submit[T](
        self,
        owner: Actor,
        title: str,
        fn: Callable[[Report], T],
        *,
        result_url: str | Callable[[T], str] | None = None,
        back_url: str | None = None,
        back_label: str = "Back",
        failed_title: str = "The work did not finish.",
    ) -> Job:
        """Run ``fn(report)`` in the background for ``owner``; the job's first snapshot."""
        job = Job(
            id=secrets.token_urlsafe(12),
            user_id=owner.user_id,
            org_id=owner.org_id,
            title=title,
            back_url=back_url,
            back_label=back_label,
            failed_title=failed_title,
            started=time.time(),
        )
        with self._lock:
            self._prune()
            self._jobs[job.id] = job
            self._waiting += 1
        # The job runs in the submitting request's context: its log lines carry that
        # request's id (tanji.web.observability).
        context = contextvars.copy_context()
        self._pool.submit(context.run, self._run, job.id, fn, result_url)
        return job

    def get(self, actor: Actor, job_id: str) -> Job:
        """The job's current state; :class:`NotFoundError` unless ``actor`` submitted it."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not job.owned_by(actor):
            raise NotFoundError(f"no job {job_id} (it may have ended more than an hour ago)")
        return job

    def counts(self) -> tuple[dict[JobStatus, int], int]:
        """Jobs kept in memory by state, and how many of the running ones wait for a
        worker (the queue's depth); for the metrics endpoint."""
        with self._lock:
            by_state = dict.fromkeys(JobStatus, 0)
            for job in self._jobs.values():
                by_state[job.status] += 1
            return by_state, self._waiting

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run[T](
        self,
        job_id: str,
        fn: Callable[[Report], T],
        result_url: str | Callable[[T], str] | None,
    ) -> None:
        def report(done: int, total: int, message: str) -> None:
            self._update(job_id, done=done, total=total, message=message)

        with self._lock:
            self._waiting -= 1
        try:
            value = fn(report)
            url = result_url(value) if callable(result_url) else result_url
        except _KNOWN_ERRORS as error:
            # An import's problems (ImportProblemsError) come as rows for a table.
            rows = tuple((p.process, p.exchange, p.detail) for p in getattr(error, "problems", ()))
            message = str(error).split("\n", 1)[0] if rows else str(error)
            self._update(
                job_id, status=JobStatus.FAILED, error=message, problems=rows, ended=time.time()
            )
            return
        except Exception:
            log.exception("job %s failed", job_id)
            self._update(job_id, status=JobStatus.FAILED, error=UNEXPECTED, ended=time.time())
            return
        self._update(job_id, status=JobStatus.DONE, result_url=url, ended=time.time())

    def _prune(self) -> None:
        """Forget jobs that ended long ago (called with the lock held)."""
        limit = time.time() - self._keep
        for job_id in [i for i, j in self._jobs.items() if j.ended is not None and j.ended < limit]:
            del self._jobs[job_id]

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones finish."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> JobRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()


def current_jobs(request: Request) -> JobRunner:
    """The job runner of this process (made by the app's lifespan)."""
    runner: JobRunner = request.app.state.jobs
    return runner


JobsDep = Annotated[JobRunner, Depends(current_jobs)]
