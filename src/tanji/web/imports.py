"""Data imports as jobs, shared by the page (``/data/import``) and the API
(``POST /api/v1/data/imports``): the checks run in the request, the work in a job.

The request checks who is asking and what they asked for
(:func:`tanji.services.imports.check_import`: a refusal is a 403 or 422 at once, not a
failed job) and stages the upload in a folder of its own under
``<data dir>/staging`` (shared by the worker processes, kept across a restart, readable
by its owner only); the job — in whichever worker process claims it — reads, checks and
stores the file in its own transaction, then (for LCI data) writes the version's
columnar snapshot in a second one, as ``tanji data import`` does. The staged file is
removed when the job ends, whatever the outcome — interrupted by a restart included —
and a sweep removes staged folders no queued or running job names (a request that died
between staging and queueing).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.services import imports
from tanji.services.catalog import Destination
from tanji.services.errors import ConflictError
from tanji.services.imports import ImportOrder, ImportReport, StagedUpload
from tanji.services.jobs import INTERRUPTED
from tanji.web.jobs import Job, JobKind, JobRunner, Report, register

__all__ = ["IMPORT", "TITLE", "report_url", "staging_root", "submit_import"]

#: The job's title (an English msgid, translated on the progress page).
TITLE = "Importing data"
#: A staged folder no job names is removed once it is this old (seconds).
ORPHAN_SECONDS = 3600.0


def report_url(report: ImportReport) -> str:
    """The summary page of a finished import."""
    return f"/data/imports/{report.id}"


def staging_root(app: App) -> Path:
    """Where uploads wait for their import job."""
    return app.settings.data_dir / "staging"


def _staged(app: App, payload: dict[str, Any]) -> StagedUpload | None:
    """The payload's staged file, if it is under the staging folder."""
    path = Path(str(payload.get("staged", "")))
    root = staging_root(app).resolve()
    if not payload.get("staged") or root not in path.resolve().parents:
        return None
    return StagedUpload(path)


def _run(app: App, actor: Actor, payload: dict[str, Any], report: Report) -> str:
    fields = dict(payload["order"])
    order = ImportOrder(**{**fields, "target": Destination(**fields["target"])})
    staged = _staged(app, payload)
    if staged is None or not staged.path.exists():
        raise ConflictError(INTERRUPTED)  # a restart on a machine without the file
    with app.unit_of_work() as uow:
        done = imports.import_upload(uow.session, actor, order, staged, progress=report)
    if done.kind == "lci":
        report(90, 100, "Writing the columnar snapshot")
        with app.unit_of_work() as uow:
            imports.write_snapshot(uow.session, app.backgrounds, done.database, done.version)
    return report_url(done)


def _cleanup(app: App, payload: dict[str, Any]) -> None:
    staged = _staged(app, payload)
    if staged is not None:
        staged.discard()


def _sweep(app: App, pending: list[dict[str, Any]]) -> None:
    """Remove staged folders that no queued or running job names (and not just made)."""
    root = staging_root(app)
    if not root.is_dir():
        return
    used = {Path(str(p["staged"])).parent.name for p in pending if p.get("staged")}
    limit = time.time() - ORPHAN_SECONDS
    for folder in root.iterdir():
        if folder.name not in used and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


IMPORT = register(JobKind("data.import", TITLE, _run, cleanup=_cleanup, sweep=_sweep))


def submit_import(
    app: App,
    jobs: JobRunner,
    actor: Actor,
    order: ImportOrder,
    stream: IO[bytes],
    session: Session | None = None,
) -> Job:
    """Stage the uploaded ``stream`` and import it in a job; the job's first snapshot."""
    root = staging_root(app)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = imports.stage_upload(stream, order, root=root)
    try:
        payload = {"order": asdict(order), "staged": str(staged.path)}
        return jobs.submit(actor, IMPORT.name, payload, session=session)
    except BaseException:
        staged.discard()
        raise
