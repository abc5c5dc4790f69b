"""Brightway datapackages into the store, array to table, without per-exchange objects.

A datapackage is already a set of arrays; turning a million triples into domain objects
first (as the other formats' bundles do) would cost more than storing them. Rows are
built column-wise with NumPy and handed to the driver in bulk. Names are not in a
datapackage: activities are stored as ``activity <id>`` and flows as ``flow <id>``, keyed
by the integer id as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from tanji.db.models import ActivityRow, ExchangeRow, FlowRow
from tanji.domain.footprint_uncertainty import Progress
from tanji.domain.problems import Problem
from tanji.engine.system import sorted_unique
from tanji.io.brightway import BrightwayData, load_datapackages
from tanji.services._bulk import bulk_insert
from tanji.services.catalog import Destination, destination_database, destination_version
from tanji.services.errors import ServiceError
from tanji.services.lci_import import (
    ACTIVITY_COLUMNS,
    EXCHANGE_COLUMNS,
    FLOW_COLUMNS,
    LciImportSummary,
    activity_search_text,
    ids_by_key,
    store_method,
)

__all__ = ["import_brightway"]

_DISTRIBUTIONS = np.array(["none", "none", "lognormal", "normal", "uniform", "triangular"])


def import_brightway(
    session: Session,
    paths: Sequence[Path],
    target: Destination,
    *,
    progress: Progress | None = None,
) -> LciImportSummary:
    """Store Brightway datapackages as a new version of the target LCI database.

    ``progress(done, total, message)`` is told when reading ends and before each table
    is stored.
    """
    report = progress or _quiet
    data = load_datapackages(paths)
    if len(data.technosphere) == 0:
        raise ServiceError(Problem("bw-no-technosphere", file=", ".join(map(str, paths))))
    database = destination_database(session, target, "lci")
    dbv = destination_version(session, database, target, "bw-datapackage")
    name = target.name
    tech, bio = data.technosphere, data.biosphere
    activity_ids = sorted_unique(tech.cols)
    unknown = np.setdiff1d(tech.rows, activity_ids)
    if len(unknown):
        raise ServiceError(Problem("bw-rows-unproduced", rows=unknown[:5].tolist()))
    flow_ids = sorted_unique(np.concatenate([bio.rows, *(ids for ids, _ in data.methods.values())]))
    report(1, 4, "Storing the flows and activities")
    bulk_insert(
        session,
        FlowRow,
        FLOW_COLUMNS,
        ((dbv.id, str(f), f"flow {f}", "", "", None, None, None) for f in flow_ids.tolist()),
    )
    bulk_insert(
        session,
        ActivityRow,
        ACTIVITY_COLUMNS,
        (
            (dbv.id, str(a), f"activity {a}", "", "", "", "", "",
             activity_search_text(f"activity {a}", str(a)))
            for a in activity_ids.tolist()
        ),
    )  # fmt: skip
    activity_rows = _row_ids(ids_by_key(session, ActivityRow, dbv.id), activity_ids)
    flow_rows = _row_ids(ids_by_key(session, FlowRow, dbv.id), flow_ids)
    report(2, 4, "Storing the exchanges")
    bulk_insert(session, ExchangeRow, EXCHANGE_COLUMNS, _exchange_rows(data, activity_ids,
                activity_rows, flow_ids, flow_rows))  # fmt: skip
    report(3, 4, "Storing the methods and product systems")
    methods = tuple(_store_method(session, name, dbv.id, data, key, flow_ids, flow_rows)
                    for key in data.methods)  # fmt: skip
    return LciImportSummary(
        database=name,
        version=dbv.version,
        activities=len(activity_ids),
        flows=len(flow_ids),
        exchanges=len(tech) + len(bio),
        methods=methods,
        product_systems=0,
        unmapped_flows=len(flow_ids),
    )


def _quiet(done: int, total: int, message: str) -> None:
    """The progress callback of a caller that does not ask for one."""


def _row_ids(by_key: dict[str, int], ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """Stored row ids aligned with the sorted datapackage ids."""
    return np.array([by_key[str(i)] for i in ids.tolist()], dtype=np.int64)


def _exchange_rows(
    data: BrightwayData,
    activity_ids: NDArray[np.int64],
    activity_rows: NDArray[np.int64],
    flow_ids: NDArray[np.int64],
    flow_rows: NDArray[np.int64],
) -> zip[tuple[object, ...]]:
    """Exchange rows (as in ``EXCHANGE_COLUMNS``) for all triples, built column by column."""
    tech, bio = data.technosphere, data.biosphere
    owner = activity_rows[np.searchsorted(activity_ids, np.concatenate([tech.cols, bio.cols]))]
    provider = activity_rows[np.searchsorted(activity_ids, tech.rows)]
    flow = flow_rows[np.searchsorted(flow_ids, bio.rows)]
    nones_tech = np.full(len(tech), None, dtype=object)
    nones_bio = np.full(len(bio), None, dtype=object)
    kinds = np.concatenate(
        [np.where(tech.flip, "technosphere", "production"), np.full(len(bio), "biosphere")]
    )
    amounts = np.concatenate([tech.amounts, np.where(bio.flip, -bio.amounts, bio.amounts)])
    records = np.concatenate([tech.uncertainty, bio.uncertainty])
    kind = records["uncertainty_type"].astype(np.int64)
    scale = records["scale"].astype(np.float64)
    low, high = records["minimum"].astype(np.float64), records["maximum"].astype(np.float64)
    lognormal = (kind == 2) & (scale > 0)
    bounded = ((kind == 4) | (kind == 5)) & (low < high)
    distribution = np.where(lognormal | (kind == 3) | bounded, _DISTRIBUTIONS[kind], "none")
    with np.errstate(over="ignore"):
        gsd = np.where(lognormal, np.exp(scale), np.nan)
    columns = (
        owner,
        kinds,
        np.concatenate([provider.astype(object), nones_bio]),
        np.concatenate([nones_tech, flow.astype(object)]),
        amounts,
        np.full(len(amounts), ""),
        distribution,
        _nullable(gsd),
        _nullable(np.where(kind == 3, scale, np.nan)),
        _nullable(np.where(bounded, low, np.nan)),
        _nullable(np.where(bounded, high, np.nan)),
    )
    return zip(*(c.tolist() for c in columns), strict=True)


def _nullable(values: NDArray[np.float64]) -> NDArray[np.object_]:
    """NaN → None (SQL NULL)."""
    result = values.astype(object)
    result[np.isnan(values)] = None
    return result


def _store_method(
    session: Session,
    database: str,
    dbv_id: int,
    data: BrightwayData,
    key: str,
    flow_ids: NDArray[np.int64],
    flow_rows: NDArray[np.int64],
) -> str:
    ids, factors = data.methods[key]
    rows = flow_rows[np.searchsorted(flow_ids, ids)]
    pairs = zip(rows.tolist(), factors.tolist(), strict=True)
    return store_method(session, database, dbv_id, key, "", pairs)
