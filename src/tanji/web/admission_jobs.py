"""The propagation job: started from the API and the pages, run on Dask
(:mod:`tanji.services.admission.batch`), its report at ``/admission/runs/{id}``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.services.admission import batch, propagation
from tanji.services.permissions import require
from tanji.web.jobs import Job, JobKind, JobRunner, Report, register

__all__ = ["PROPAGATION", "start_propagation"]

TITLE = "Recomputing the dependent footprints"


def _run(app: App, actor: Actor, payload: dict[str, Any], report: Report) -> str:
    workers, processes = batch.batch_options()
    spec = batch.StoreSpec(
        app.settings.database_url,
        str(app.settings.data_dir / "cache" / "background"),
        app.settings.solver,
    )
    # Its own transaction, committed before the workers read the run's row.
    with app.unit_of_work() as uow:
        run_id, dependents = propagation.start_run(
            uow.session, actor, payload["database"], payload.get("version"), workers
        )
    report(0, 1, TITLE)
    batch.run_batch(
        spec, run_id, [d.result_id for d in dependents], workers=workers,
        user_id=actor.user_id, processes=processes,
    )  # fmt: skip
    report(1, 1, TITLE)
    return f"/admission/runs/{run_id}"


PROPAGATION = register(JobKind("admission.propagate", TITLE, _run))


def start_propagation(
    session: Session, jobs: JobRunner, actor: Actor, database: str, version: str | None
) -> Job:
    """Queue the run in the request's transaction (``session``)."""
    require(actor, "admission.propagate")
    payload = {"database": database, "version": version}
    return jobs.submit(actor, PROPAGATION.name, payload, session=session)
