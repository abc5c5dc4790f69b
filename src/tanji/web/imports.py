"""Data imports as jobs, shared by the page (``/data/import``) and the API
(``POST /api/v1/data/imports``): the checks run in the request, the work in a job.

The request checks who is asking and what they asked for
(:func:`tanji.services.imports.check_import`: a refusal is a 403 or 422 at once, not a
failed job) and stages the upload in a temporary folder; the job reads, checks and
stores the file in its own transaction, then (for LCI data) writes the version's
columnar snapshot in a second one, as ``tanji data import`` does. The staged file is
removed when the job ends, whatever the outcome.
"""

from __future__ import annotations

from typing import IO

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.services import imports
from tanji.services.imports import ImportOrder, ImportReport
from tanji.web.jobs import Job, JobRunner, Report

__all__ = ["TITLE", "report_url", "submit_import"]

#: The job's title (an English msgid, translated on the progress page).
TITLE = "Importing data"


def report_url(report: ImportReport) -> str:
    """The summary page of a finished import."""
    return f"/data/imports/{report.id}"


def submit_import(
    app: App, jobs: JobRunner, actor: Actor, order: ImportOrder, stream: IO[bytes]
) -> Job:
    """Stage the uploaded ``stream`` and import it in a job; the job's first snapshot."""
    staged = imports.stage_upload(stream, order)

    def work(report: Report) -> ImportReport:
        try:
            with app.unit_of_work() as uow:
                done = imports.import_upload(uow.session, actor, order, staged, progress=report)
            if done.kind == "lci":
                report(90, 100, "Writing the columnar snapshot")
                with app.unit_of_work() as uow:
                    imports.write_snapshot(
                        uow.session, app.backgrounds, done.database, done.version
                    )
            return done
        finally:
            staged.discard()

    try:
        return jobs.submit(actor, TITLE, work, result_url=report_url)
    except BaseException:
        staged.discard()
        raise
