"""The Monte Carlo calculation of a workspace product as a job (:mod:`tanji.web.jobs`),
submitted by the product page once the request has checked what it can."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.services import product_calculation
from tanji.web.jobs import Job, JobKind, JobRunner, Report, register

__all__ = ["CALCULATION", "submit_calculation"]


def _run(app: App, actor: Actor, payload: dict[str, Any], report: Report) -> str:
    # Its own transaction: the request's session is closed when the job runs.
    with app.unit_of_work() as uow:
        saved = product_calculation.calculate_product(
            uow.session, app.backgrounds, actor, int(payload["product_id"]),
            iterations=int(payload["iterations"]), seed=payload.get("seed"), progress=report,
        )  # fmt: skip
    return f"/workspace/results/{saved.result_id}"


CALCULATION = register(
    JobKind(
        "product.calculate", "Calculating the footprint", _run,
        failed_title="The footprint could not be calculated",
        back=lambda payload: (
            f"/workspace/products/{int(payload['product_id'])}", "Back to the product"
        ),
    )
)  # fmt: skip


def submit_calculation(
    session: Session,
    jobs: JobRunner,
    actor: Actor,
    product_id: int,
    iterations: int,
    seed: int | None,
) -> Job:
    """Queue the calculation in the request's transaction (``session``)."""
    payload = {"product_id": product_id, "iterations": iterations, "seed": seed}
    return jobs.submit(actor, CALCULATION.name, payload, session=session)
