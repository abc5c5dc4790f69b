"""Change propagation: who depends on a new database version, and their footprints
recomputed beside the old ones.

:func:`affected` reads the pins of the latest result of every product (a workspace
product, or a product code computed outside a workspace) and lists those that pin a
record the new version changes. :func:`recompute_latest` computes one of them again with
the store as it is now (its owner's eyes: what its organisation may read; the same
stored model and rule version) and saves the new result beside the pinned one, which
stays untouched. The batch over many results runs on Dask (:mod:`.batch`).

Design note: the batch recomputes the footprint itself; a Monte Carlo of the new result
runs when its owner asks for one (1,000 Monte Carlos would dominate every batch).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.models import (
    DatabaseRow,
    DatabaseVersionRow,
    FactorRecordRow,
    FactorVersionRow,
    FootprintResultRow,
    MembershipRow,
    ProductModelRow,
    PropagationItemRow,
    PropagationRunRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.admission import Change, stale_pins
from tanji.domain.burdens import Pin
from tanji.domain.footprints import RULE_APPLIED
from tanji.domain.products import ProductModel
from tanji.domain.rules import apply
from tanji.io.product_model import ModelDocument, model_from_document
from tanji.services.background import BackgroundStore
from tanji.services.catalog import get_database, get_version, readers_of_org
from tanji.services.errors import NotFoundError
from tanji.services.footprints import (
    Calculation,
    StoreResolver,
    run_model,
    save_result,
    stored_result,
)
from tanji.services.permissions import require
from tanji.services.rules import rule_by_ref

__all__ = [
    "Dependent",
    "Recomputed",
    "RunSummary",
    "affected",
    "affected_for",
    "changes_of_run",
    "compute_latest",
    "recompute_latest",
    "record_items",
    "run_for",
    "runs_for",
    "save_recomputed",
    "start_run",
]


@dataclass(frozen=True)
class Dependent:
    result_id: int
    product_code: str
    product_id: int | None
    org_id: int | None
    total: float
    unit: str
    stale: tuple[str, ...]  # the pinned refs the new version changes


def _latest_results(session: Session, like: str) -> list[FootprintResultRow]:
    """The latest result of each product whose pins mention ``like``."""
    latest = (
        select(func.max(FootprintResultRow.id))
        .group_by(
            FootprintResultRow.org_id,
            FootprintResultRow.product_id,
            FootprintResultRow.product_code,
        )
        .scalar_subquery()
    )
    return list(
        session.scalars(
            select(FootprintResultRow)
            .where(FootprintResultRow.id.in_(latest), FootprintResultRow.pins.contains(like))
            .order_by(FootprintResultRow.id)
        )
    )


def affected(
    session: Session, database: str, version: str | None = None, *, org_id: int | None = None
) -> list[Dependent]:
    """Every product whose latest result pins a record that ``database``'s ``version``
    (the latest by default) changes; ``org_id`` keeps one organisation's."""
    db = get_database(session, database)
    dbv = get_version(session, db, version)
    factor_versions = None
    lci_version = None
    if db.kind == "factors":
        members = session.execute(
            select(FactorRecordRow.code, FactorVersionRow.version)
            .join(FactorVersionRow, FactorVersionRow.record_id == FactorRecordRow.id)
            .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
            .where(MembershipRow.database_version_id == dbv.id)
        )
        factor_versions = {row.code: row.version for row in members}
    else:
        lci_version = dbv.version
    found = []
    for row in _latest_results(session, f'"{db.name}:'):
        if org_id is not None and row.org_id != org_id:
            continue
        stale = stale_pins(json.loads(row.pins), db.name, factor_versions, lci_version)
        if stale:
            found.append(
                Dependent(row.id, row.product_code, row.product_id, row.org_id, row.total,
                          row.unit, tuple(stale))
            )  # fmt: skip
    return found


@dataclass(frozen=True)
class Recomputed:
    old_result_id: int
    new_result_id: int
    product_code: str
    org_id: int | None
    before: float
    after: float
    unit: str


def compute_latest(
    session: Session, backgrounds: BackgroundStore, result_id: int
) -> tuple[FootprintResultRow, Calculation]:
    """Compute result ``result_id``'s model again against the store as it is now (its
    owner's eyes, the same stored models and rule version); nothing is written."""
    row = stored_result(session, result_id)
    root_row = session.get(ProductModelRow, row.model_id)
    assert root_row is not None
    subs = [session.get(ProductModelRow, i) for i in json.loads(row.submodels)]
    models = {r.code: _model(r) for r in subs if r is not None}
    root = _model(root_row)
    pins = [Pin(**data) for data in json.loads(row.pins)]
    rule_pin = next((p for p in pins if p.link == RULE_APPLIED), None)
    if rule_pin is not None:
        root = apply(root, rule_by_ref(session, rule_pin.ref))
    readers = readers_of_org(session, row.org_id) if row.org_id is not None else None
    resolver = StoreResolver(session, backgrounds, root.method, models=models, readers=readers)
    return row, run_model(root, resolver, 0, None, backgrounds.engine)


def save_recomputed(
    session: Session, row: FootprintResultRow, calculation: Calculation, user_id: int | None
) -> Recomputed:
    """Save a recomputed result beside ``row`` (the same product; ``row`` is untouched)."""
    new_id = save_result(session, calculation)
    new = session.get(FootprintResultRow, new_id)
    assert new is not None
    new.org_id, new.product_id, new.created_by = row.org_id, row.product_id, user_id
    session.flush()
    return Recomputed(row.id, new_id, row.product_code, row.org_id, row.total, new.total, row.unit)


def recompute_latest(
    session: Session, backgrounds: BackgroundStore, result_id: int, user_id: int | None
) -> Recomputed:
    """:func:`compute_latest` and :func:`save_recomputed` in one step."""
    row, calculation = compute_latest(session, backgrounds, result_id)
    return save_recomputed(session, row, calculation, user_id)


def _model(row: ProductModelRow) -> ProductModel:
    return model_from_document(ModelDocument(json.loads(row.document), {}, row.source or row.code))


def start_run(
    session: Session, actor: Actor, database: str, version: str | None, workers: int
) -> tuple[int, list[Dependent]]:
    """Open a propagation run for ``database``'s version (by its publisher, a department
    or the platform) and list what it will recompute."""
    require(actor, "admission.propagate")
    db = get_database(session, database)
    dbv = get_version(session, db, version)
    dependents = affected(session, database, dbv.version)
    run = PropagationRunRow(
        database_version_id=dbv.id,
        started_by=actor.user_id,
        started_org_id=actor.org_id,
        workers=workers,
    )
    session.add(run)
    session.flush()
    return run.id, dependents


def changes_of_run(
    session: Session, run_id: int, *, org_id: int | None = None
) -> tuple[str, str, list[Change], list[PropagationItemRow]]:
    """A run's database and version, its changes (``org_id``: one owner's) and failures."""
    run = session.get(PropagationRunRow, run_id)
    if run is None:
        raise NotFoundError(f"No propagation run #{run_id}.")
    dbv = session.get(DatabaseVersionRow, run.database_version_id)
    assert dbv is not None
    db = session.get(DatabaseRow, dbv.database_id)
    assert db is not None
    query = select(PropagationItemRow).where(PropagationItemRow.run_id == run_id)
    if org_id is not None:
        query = query.where(PropagationItemRow.org_id == org_id)
    items = list(session.scalars(query.order_by(PropagationItemRow.id)))
    changes = [
        Change(i.product_code, i.org_id, i.old_result_id, i.new_result_id, i.before, i.after,
               i.unit)
        for i in items
        if i.new_result_id is not None and i.after is not None
    ]  # fmt: skip
    failures = [i for i in items if i.error]
    return db.name, dbv.version, changes, failures


def record_items(session: Session, run_id: int, done: Sequence[Recomputed]) -> None:
    session.add_all(
        PropagationItemRow(
            run_id=run_id, old_result_id=r.old_result_id, new_result_id=r.new_result_id,
            product_code=r.product_code, org_id=r.org_id, before=r.before, after=r.after,
            unit=r.unit,
        )
        for r in done
    )  # fmt: skip
    session.flush()


def affected_for(
    session: Session, actor: Actor, database: str, version: str | None = None
) -> list[Dependent]:
    """What ``actor`` may see of :func:`affected`: everything for those who publish
    (``admission.propagate``), their own organisation's products for everyone else."""
    if actor.can("admission.propagate"):
        return affected(session, database, version)
    return affected(session, database, version, org_id=actor.org_id)


def run_for(
    session: Session, actor: Actor, run_id: int
) -> tuple[str, str, list[Change], list[PropagationItemRow]]:
    """A run's report as ``actor`` may see it: whole for those who publish, an owner's
    own products otherwise."""
    whole = actor.can("admission.propagate")
    return changes_of_run(session, run_id, org_id=None if whole else actor.org_id)


@dataclass(frozen=True)
class RunSummary:
    id: int
    database: str
    version: str
    products: int  # the reader's products in it (all of them for those who publish)
    created_at: str


def runs_for(session: Session, actor: Actor, limit: int = 20) -> list[RunSummary]:
    """The latest propagation runs that recomputed products of ``actor``'s organisation
    (every run for those who publish), newest first: where owners read the effect."""
    whole = actor.can("admission.propagate")
    query = (
        select(PropagationRunRow, func.count(PropagationItemRow.id))
        .join(PropagationItemRow, PropagationItemRow.run_id == PropagationRunRow.id)
        .group_by(PropagationRunRow.id)
        .order_by(PropagationRunRow.id.desc())
        .limit(limit)
    )
    if not whole:
        query = query.where(PropagationItemRow.org_id == actor.org_id)
    found = []
    for run, count in session.execute(query):
        dbv = session.get(DatabaseVersionRow, run.database_version_id)
        assert dbv is not None
        db = session.get(DatabaseRow, dbv.database_id)
        assert db is not None
        found.append(RunSummary(run.id, db.name, dbv.version, int(count),
                                run.created_at.isoformat(timespec="seconds")))  # fmt: skip
    return found
