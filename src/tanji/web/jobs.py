"""Long work in the background, with its progress shown: calculations with Monte Carlo,
imports, admission propagation runs — anything that takes more than a moment.

A *job kind* (:class:`JobKind`, registered with :func:`register`) is a function
``run(app, actor, payload, report) -> result URL`` that receives ``report(done, total,
message)``; a *job* is one run of a kind for one person with a JSON ``payload``. Jobs
live in the store's durable queue (:mod:`tanji.services.jobs`): :meth:`JobRunner.submit`
adds a row, and the runner of every worker process — a poller thread and a small thread
pool, started by the app's lifespan — claims queued jobs, runs them and writes their
progress and outcome back. So a job survives a restart (a queued job is run by the next
process; one that was running fails with "interrupted by a restart, run again") and the
work spreads over the worker processes of ``tanji serve --workers N``.

The page ``/jobs/{id}`` (:mod:`tanji.web.ui.jobs`) shows a progress bar that htmx
refreshes every 500 ms and, when the job is done, sends the browser to its result
(``HX-Redirect``); ``GET /api/v1/jobs/{id}`` (:mod:`tanji.web.api.jobs`) gives the same
as JSON — from any worker process. Only the person who submitted a job, acting for the
same organisation, sees it; to anyone else it does not exist.

Defining a kind and submitting a job::

    def _run(app: App, actor: Actor, payload: dict[str, Any], report: Report) -> str:
        with app.unit_of_work() as uow:   # its own transaction
            result_id = calculate_product(uow.session, app.backgrounds, actor,
                                          payload["product_id"], progress=report).result_id
        return f"/workspace/results/{result_id}"

    CALCULATION = register(JobKind("calculation", "Calculating the footprint", _run))

    job = jobs.submit(actor, CALCULATION.name, {"product_id": product_id})
    return RedirectResponse(job_url(job), status_code=303)

- ``title`` and the messages given to ``report`` are English msgids: the page translates
  them with the catalogues, so use fixed strings (put numbers in ``done``/``total``).
- The payload is JSON: ids and options, never objects; the actor is stored with the job
  (as it was when submitted) and handed back to ``run``.
- A kind's ``back`` gives, from the payload, the URL and label that lead back (to the
  product) when the job failed, whose page is then titled ``failed_title`` instead of
  ``title`` (no dead end).
- A job that raises one of the platform's known errors (a service, domain, file-format
  or engine error: the classes of :data:`tanji.web.errors.STATUS`) fails with that error's
  message; anything else is a bug: its traceback goes to the log and the user reads
  that the work failed unexpectedly.
- ``cleanup(app, payload)`` runs when the job ends in any way, interrupted included
  (a staged upload is removed); ``sweep(app, pending_payloads)`` runs now and then to
  remove what no queued or running job uses any more.

Progress is written to the store at most every :data:`PROGRESS_SECONDS` (PostgreSQL)
and kept in the process's memory for its own pages. On SQLite, where a long import
holds the store's only write lock, only the start and the end are written; SQLite runs
one worker process, which sees the progress in memory.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from types import TracebackType
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.requests import Request

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.io.factor_table import FactorTableError
from tanji.services import jobs as queue
from tanji.services.auth.tokens import now
from tanji.services.errors import NotFoundError
from tanji.web.errors import STATUS
from tanji.web.job_failures import failure_of, told
from tanji.web.observability import current_request_id, request_id_of

__all__ = [
    "KEEP_SECONDS",
    "UNEXPECTED",
    "Job",
    "JobKind",
    "JobRunner",
    "JobStatus",
    "JobsDep",
    "Report",
    "current_jobs",
    "job_url",
    "register",
]

log = logging.getLogger(__name__)

#: ``report(done, total, message)``: what a job calls as it advances.
Report = Callable[[int, int, str], None]
#: How long a finished job's state is kept (its page may be reloaded meanwhile).
KEEP_SECONDS = 3600.0
#: What a user reads when a job failed for a reason that is a bug.
UNEXPECTED = "The work failed unexpectedly; the error has been logged for the operators."
WAITING = "Waiting to start"
#: At most one progress write to the store per job in this many seconds.
PROGRESS_SECONDS = 1.0
#: How often a runner says its running jobs are alive, and looks for interrupted ones.
HEARTBEAT_SECONDS = 10.0
SWEEP_SECONDS = 60.0
#: A job whose worker (on another machine) has not said it is alive for this long was
#: interrupted (workers on this machine are checked by their process id at once).
STALE_SECONDS = 120.0


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """A snapshot of a job's state."""

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
    started: float = 0.0  # time.time() of the submission
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


Payload = dict[str, Any]


@dataclass(frozen=True)
class JobKind:
    """What a job does: ``run`` returns the URL of its result (or ``None``)."""

    name: str
    title: str
    run: Callable[[App, Actor, Payload, Report], str | None]
    cleanup: Callable[[App, Payload], None] | None = None
    sweep: Callable[[App, list[Payload]], None] | None = None
    #: The failed job's page: its title (an English msgid) and, from the payload, the
    #: (URL, label) that lead back.
    failed_title: str = "The work did not finish."
    back: Callable[[Payload], tuple[str, str]] | None = None


#: The kinds this process can run (every worker process imports the same modules).
KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


_KNOWN_ERRORS = tuple(STATUS)
_STATES = {
    "queued": JobStatus.RUNNING,
    "running": JobStatus.RUNNING,
    "done": JobStatus.DONE,
    "failed": JobStatus.FAILED,
}
_HOST = socket.gethostname()
#: The runners alive in this process (by boot id), and the jobs they run, as the
#: freshest progress to show.
_LIVE_BOOTS: set[str] = set()
_LIVE: dict[str, Job] = {}
_LIVE_LOCK = threading.Lock()


def _stamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def _job(record: queue.JobRecord) -> Job:
    spec = KINDS.get(record.kind)
    back_url, back_label = None, "Back"
    if spec is not None and spec.back is not None:
        back_url, back_label = spec.back(record.payload)
    return Job(
        id=record.id,
        user_id=record.actor.user_id,
        org_id=record.actor.org_id,
        title=record.title,
        status=_STATES.get(record.state, JobStatus.FAILED),
        done=record.done,
        total=record.total,
        message=record.message or WAITING,
        result_url=record.result_url,
        back_url=back_url,
        back_label=back_label,
        failed_title=spec.failed_title if spec is not None else Job.failed_title,
        error=record.error,
        problems=record.problems,
        started=record.created_at.timestamp(),
        ended=_stamp(record.ended_at),
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    """This process's share of the job queue: claims queued jobs while it has a free
    thread (``workers`` of them), runs them, and records how they went.

    Made in the app's lifespan (:func:`tanji.web.app.create_app`) and shut down with it.
    """

    def __init__(
        self,
        app: App,
        workers: int = 2,
        *,
        poll_seconds: float = 1.0,
        keep_seconds: float = KEEP_SECONDS,
        start: bool = True,
    ) -> None:
        self.app = app
        self.workers = workers
        self.boot = secrets.token_hex(6)
        self.worker_id = f"{_HOST}:{os.getpid()}:{self.boot}"
        self._poll = poll_seconds
        self._keep = timedelta(seconds=keep_seconds)
        self._sqlite = app.db.dialect.name == "sqlite"
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tanji-job")
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_beat = self._last_sweep = 0.0
        if start:
            self.start()

    # --- what requests use ------------------------------------------------------------

    def submit(
        self,
        owner: Actor,
        kind: str,
        payload: Payload | None = None,
        *,
        session: Session | None = None,
    ) -> Job:
        """Queue a job of ``kind`` for ``owner``; its first snapshot.

        With ``session`` (the request's), the job is queued in its transaction — one
        writer on SQLite, and no job without the request's other changes — and the
        runner looks for it as soon as that transaction commits."""
        spec = KINDS[kind]
        body = dict(payload or {})
        body.setdefault("request_id", current_request_id())
        fields: dict[str, Any] = {
            "job_id": secrets.token_urlsafe(12),
            "kind": spec.name,
            "title": spec.title,
            "payload": body,
            "actor": owner,
            "message": WAITING,
        }
        if session is not None:
            record = queue.enqueue(session, **fields)
            event.listen(session, "after_commit", lambda _: self._wake.set(), once=True)
            return _job(record)
        with self.app.unit_of_work() as uow:
            record = queue.enqueue(uow.session, **fields)
        self._wake.set()
        return _job(record)

    def get(self, actor: Actor, job_id: str) -> Job:
        """The job's current state; :class:`NotFoundError` unless ``actor`` submitted it."""
        with self.app.unit_of_work() as uow:
            record = queue.find(uow.session, job_id)
        job = _job(record) if record is not None else None
        if job is None or not job.owned_by(actor):
            raise NotFoundError(f"no job {job_id} (it may have ended more than an hour ago)")
        if job.status is JobStatus.RUNNING:
            with _LIVE_LOCK:
                live = _LIVE.get(job_id)
            if live is not None:
                job = replace(job, done=live.done, total=live.total, message=live.message)
        return job

    def counts(self) -> tuple[dict[JobStatus, int], int]:
        """Jobs in the store by state (queued ones count as running), and how many wait
        for a worker (the queue's depth); for the metrics endpoint."""
        with self.app.unit_of_work() as uow:
            found = queue.counts(uow.session)
        by_state = {
            JobStatus.RUNNING: found["queued"] + found["running"],
            JobStatus.DONE: found["done"],
            JobStatus.FAILED: found["failed"],
        }
        return by_state, found["queued"]

    # --- the worker -------------------------------------------------------------------

    def start(self) -> None:
        """Fail the jobs a gone process was running, then start claiming jobs."""
        _LIVE_BOOTS.add(self.boot)
        try:
            self.sweep()
        except Exception:  # the store may be busy or not migrated yet: try again later
            log.exception("could not look for interrupted jobs")
        self._thread = threading.Thread(target=self._loop, name="tanji-jobs", daemon=True)
        self._thread.start()

    def sweep(self) -> None:
        """End the jobs whose worker is gone, forget old ones, remove unused files."""
        self._last_sweep = time.monotonic()
        with self.app.unit_of_work() as uow:
            ended = queue.interrupt(uow.session, self._gone)
            queue.prune(uow.session, self._keep)
            pending = queue.pending_payloads(uow.session)
        for record in ended:
            log.warning("job %s (%s) was interrupted by a restart", record.id, record.kind)
            self._cleanup(record.kind, record.payload)
        for kind in list(KINDS.values()):
            if kind.sweep is not None:
                try:
                    kind.sweep(self.app, pending)
                except Exception:
                    log.exception("sweeping after %s jobs failed", kind.name)

    def _gone(self, worker: str, heartbeat: datetime | None) -> bool:
        """Whether the process ``worker`` (``host:pid:boot``) no longer runs its jobs."""
        host, _, rest = worker.partition(":")
        pid_text, _, boot = rest.partition(":")
        if host == _HOST and pid_text.isdigit():
            if boot in _LIVE_BOOTS:
                return False
            pid = int(pid_text)
            # This very process with a runner no longer alive (a restart that kept the
            # pid, as pid 1 in a container), or a process that has ended.
            return pid == os.getpid() or not _alive(pid)
        if self._sqlite:
            return False  # no heartbeats on SQLite (one machine, checked above)
        stale = timedelta(seconds=STALE_SECONDS)
        return heartbeat is None or now() - heartbeat > stale

    def _loop(self) -> None:
        pause = self._poll
        while not self._stop.is_set():
            try:
                self._tick()
                pause = self._poll
            except Exception:  # the store unreachable or not migrated: back off
                log.exception("the job runner's poll failed; trying again")
                pause = min(60.0, max(pause, self._poll) * 2)
            self._wake.wait(pause)
            self._wake.clear()

    def _tick(self) -> None:
        moment = time.monotonic()
        if not self._sqlite and moment - self._last_beat >= HEARTBEAT_SECONDS:
            self._last_beat = moment
            with self._lock:
                mine = list(self._running)
            if mine:
                with self.app.unit_of_work() as uow:
                    queue.heartbeat(uow.session, mine)
        if moment - self._last_sweep >= SWEEP_SECONDS:
            self.sweep()
        while not self._stop.is_set():
            with self._lock:
                if len(self._running) >= self.workers:
                    return
            with self.app.unit_of_work() as uow:
                record = queue.claim(uow.session, self.worker_id)
            if record is None:
                return
            with self._lock:
                self._running.add(record.id)
            with _LIVE_LOCK:
                _LIVE[record.id] = _job(record)
            self._pool.submit(self._execute, record)

    def _write(self, what: str, action: Callable[[Any], None]) -> None:
        """A short write of the job's state; retried a few times when the store is busy."""
        for attempt in range(5):
            try:
                with self.app.unit_of_work() as uow:
                    action(uow.session)
                return
            except Exception:
                if attempt == 4:
                    log.exception("could not record the %s of a job", what)
                    return
                time.sleep(0.5 * (attempt + 1))

    def _execute(self, record: queue.JobRecord) -> None:
        job_id = record.id
        last_write = 0.0

        def report(done: int, total: int, message: str) -> None:
            nonlocal last_write
            with _LIVE_LOCK:
                if job_id in _LIVE:
                    _LIVE[job_id] = replace(_LIVE[job_id], done=done, total=total, message=message)
            moment = time.monotonic()
            if self._sqlite or moment - last_write < PROGRESS_SECONDS:
                return
            last_write = moment
            try:
                with self.app.unit_of_work() as uow:
                    queue.progress(uow.session, job_id, done, total, message)
            except Exception:  # progress is best effort; the outcome is not
                log.warning("could not record the progress of job %s", job_id, exc_info=True)

        spec = KINDS.get(record.kind)
        try:
            with request_id_of(record.payload.get("request_id")):
                self._outcome(record, spec, report)
        finally:
            self._cleanup(record.kind, record.payload)
            with _LIVE_LOCK:
                _LIVE.pop(job_id, None)
            with self._lock:
                self._running.discard(job_id)
            self._wake.set()

    def _outcome(self, record: queue.JobRecord, spec: JobKind | None, report: Report) -> None:
        job_id = record.id
        try:
            if spec is None:
                raise LookupError(f"no job kind {record.kind!r} in this process")
            url = spec.run(self.app, record.actor, record.payload, report)
        except _KNOWN_ERRORS as error:
            # An import's problems (ImportProblemsError) come as rows for a table.
            problems = getattr(error, "problems", ())
            rows = tuple((p.process, p.exchange, told(p.detail)) for p in problems)
            message = failure_of(error, listed=bool(rows))
            if isinstance(error, FactorTableError):  # its cells, for the page's table
                rows = tuple((str(e.row), e.column, told(e.message)) for e in error.errors)
            self._write(
                "failure",
                lambda s: queue.finish(s, job_id, failed=True, error=message, problems=rows),
            )
            return
        except Exception:
            log.exception("job %s failed", job_id)
            self._write("failure", lambda s: queue.finish(s, job_id, failed=True, error=UNEXPECTED))
            return
        self._write("result", lambda s: queue.finish(s, job_id, failed=False, result_url=url))

    def _cleanup(self, kind: str, payload: Payload) -> None:
        spec = KINDS.get(kind)
        if spec is not None and spec.cleanup is not None:
            try:
                spec.cleanup(self.app, payload)
            except Exception:
                log.exception("cleaning up after a %s job failed", kind)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones finish."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
        self._pool.shutdown(wait=wait, cancel_futures=True)
        _LIVE_BOOTS.discard(self.boot)

    def __enter__(self) -> JobRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()


async def current_jobs(request: Request) -> JobRunner:
    """The job runner of this process (made by the app's lifespan); async: no I/O, so
    no trip to the thread pool."""
    runner: JobRunner = request.app.state.jobs
    return runner


JobsDep = Annotated[JobRunner, Depends(current_jobs)]
