"""LCI databases: footprints with the engine, search, and what an activity uses and feeds.

Storing imports and rebuilding bundles for export is in :mod:`tanji.services.lci_import`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    ActivityRow,
    CharacterizationRow,
    DatabaseVersionRow,
    ExchangeRow,
    FlowRow,
    GasFactorRow,
    MethodRow,
    ProductSystemRow,
)
from tanji.domain.gases import GhgLikeFlow, unmapped_greenhouse_gases
from tanji.domain.inventory import uncertainty_columns
from tanji.domain.lci import (
    ExchangeKind,
)
from tanji.engine import Engine, Exchanges, LcaSystem, build_system, by_activity
from tanji.services.catalog import (
    get_lci_version,
)
from tanji.services.errors import NotFoundError, ServiceError

__all__ = [
    "DEFAULT_METHOD",
    "ActivityDetail",
    "ActivityFootprint",
    "ActivityHit",
    "AllFootprints",
    "FootprintAnswer",
    "StoredExchanges",
    "activity_detail",
    "all_footprints",
    "footprint",
    "footprint_warnings",
    "ghg_like_unmapped",
    "load_system",
    "method_keys",
    "search_activities",
    "stored_exchanges",
]

DEFAULT_METHOD = "ipcc-ar6-gwp100"


def method_keys(session: Session, name: str, version: str | None = None) -> list[str]:
    """Methods usable on a database: Tanji's GWP sets and the database's own imported ones."""
    dbv = get_lci_version(session, name, version)
    own = session.scalars(select(MethodRow.key).where(MethodRow.database_version_id == dbv.id))
    shipped = session.scalars(select(MethodRow.key).where(MethodRow.database_version_id.is_(None)))
    return sorted(shipped) + sorted(own)


def _characterization(session: Session, dbv_id: int, method_key: str) -> dict[int, float]:
    """Flow id → factor: by the flows' gas ids for Tanji's methods, or as imported."""
    method = session.scalar(select(MethodRow).where(MethodRow.key == method_key))
    if method is None:
        raise NotFoundError(f"no impact method {method_key!r}")
    if method.database_version_id is None:
        gwp = dict(
            session.execute(
                select(GasFactorRow.gas_id, GasFactorRow.factor).where(
                    GasFactorRow.method_id == method.id
                )
            ).all()
        )
        flows = session.execute(
            select(FlowRow.id, FlowRow.gas_id).where(
                FlowRow.database_version_id == dbv_id, FlowRow.gas_id.is_not(None)
            )
        )
        return {flow_id: gwp[gas] for flow_id, gas in flows if gas in gwp}
    if method.database_version_id != dbv_id:
        raise ServiceError(f"method {method_key!r} belongs to another database version")
    rows = session.execute(
        select(CharacterizationRow.flow_id, CharacterizationRow.factor).where(
            CharacterizationRow.method_id == method.id
        )
    ).all()
    return dict(rows)


@dataclass(frozen=True, eq=False)
class StoredExchanges:
    """A database version's exchanges as columns, ready for the engine.

    Versions never change, so this can be kept (``BackgroundStore`` writes it to disk):
    building a system from it skips the store entirely.
    """

    tech_rows: np.ndarray  # provider activity id (the activity itself for production)
    tech_cols: np.ndarray
    tech_amounts: np.ndarray
    tech_flip: np.ndarray  # True for inputs (kind technosphere): entered negative
    tech_uncertainty: np.ndarray
    bio_rows: np.ndarray  # flow id
    bio_cols: np.ndarray
    bio_amounts: np.ndarray
    bio_uncertainty: np.ndarray
    gas_flows: np.ndarray  # flow ids that are greenhouse gases …
    gas_ids: np.ndarray  # … and their gas ids

    def to_npz(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_npz(cls, data: Mapping[str, np.ndarray]) -> StoredExchanges:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


_KIND_CODE = "CASE e.kind WHEN 'biosphere' THEN 0 WHEN 'technosphere' THEN 1 ELSE 2 END"


def stored_exchanges(session: Session, dbv_id: int) -> StoredExchanges:
    """Read a version's exchanges column by column through the driver (no ORM rows).

    Two queries: every exchange as numbers, then the few columns of those with a
    distribution. ``dbv_id`` is an integer of the store, formatted into the SQL as one.
    """
    version = int(dbv_id)
    scope = (
        "FROM exchanges e JOIN activities a ON a.id = e.activity_id "
        f"WHERE a.database_version_id = {version}"
    )
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SELECT e.id, e.activity_id, {_KIND_CODE}, COALESCE(e.provider_id, e.flow_id), "
            f"e.amount {scope} ORDER BY e.id"
        )
        rows = cursor.fetchall()
        if not rows:
            raise ServiceError("the database version holds no exchanges")
        table = np.array(rows, dtype=np.float64)
        cursor.execute(
            f"SELECT e.id, e.distribution, e.gsd, e.sd, e.minimum, e.maximum {scope} "
            "AND e.distribution IS NOT NULL AND e.distribution <> 'none' ORDER BY e.id"
        )
        uncertain = cursor.fetchall()
        cursor.execute(
            "SELECT id, gas_id FROM flows "
            f"WHERE database_version_id = {version} AND gas_id IS NOT NULL ORDER BY id"
        )
        gases = cursor.fetchall()
    finally:
        cursor.close()
    ids = table[:, 0].astype(np.int64)
    n = len(ids)
    distribution = np.full(n, "none", dtype=object)
    gsd, sd, low, high = (np.full(n, np.nan) for _ in range(4))
    if uncertain:
        where = np.searchsorted(ids, np.array([u[0] for u in uncertain], dtype=np.int64))
        distribution[where] = [u[1] for u in uncertain]
        for column, values in ((gsd, 2), (sd, 3), (low, 4), (high, 5)):
            column[where] = [np.nan if u[values] is None else u[values] for u in uncertain]
    amounts = table[:, 4]
    records = uncertainty_columns(amounts, distribution, gsd, sd, low, high)
    kind = table[:, 2].astype(np.int8)
    bio, tech = kind == 0, kind != 0
    cols = table[:, 1].astype(np.int64)
    target = table[:, 3].astype(np.int64)
    return StoredExchanges(
        tech_rows=target[tech],
        tech_cols=cols[tech],
        tech_amounts=amounts[tech],
        tech_flip=kind[tech] == 1,
        tech_uncertainty=records[tech],
        bio_rows=target[bio],
        bio_cols=cols[bio],
        bio_amounts=amounts[bio],
        bio_uncertainty=records[bio],
        gas_flows=np.array([g[0] for g in gases], dtype=np.int64),
        gas_ids=np.array([g[1] for g in gases], dtype=str),
    )


def load_system(
    session: Session,
    dbv_id: int,
    method_key: str,
    *,
    by_gas: bool = False,
    exchanges: StoredExchanges | None = None,
) -> LcaSystem:
    """The engine system of a stored LCI database version (ids are the stored row ids).

    ``by_gas`` adds one method per greenhouse gas, ``"<method>|<gas id>"``, holding the
    method's factors of that gas's flows only (flows of no known gas: ``"<method>|other"``),
    so footprints can be split by gas with one more adjoint solve each. ``exchanges``: the
    version's columns when the caller keeps them (else they are read from the store).
    """
    stored = exchanges if exchanges is not None else stored_exchanges(session, dbv_id)
    technosphere = Exchanges(
        stored.tech_rows,
        stored.tech_cols,
        stored.tech_amounts,
        stored.tech_flip,
        stored.tech_uncertainty,
        name="technosphere",
    )
    biosphere = Exchanges(
        stored.bio_rows,
        stored.bio_cols,
        stored.bio_amounts,
        None,
        stored.bio_uncertainty,
        name="biosphere",
    )
    factors = _characterization(session, dbv_id, method_key)
    methods = {method_key: (list(factors), list(factors.values()))}
    if by_gas:
        gas_of = dict(zip(stored.gas_flows.tolist(), stored.gas_ids.tolist(), strict=True))
        groups: dict[str, tuple[list[int], list[float]]] = {}
        for flow_id, factor in factors.items():
            group = f"{method_key}|{gas_of.get(flow_id) or 'other'}"
            ids, values = groups.setdefault(group, ([], []))
            ids.append(flow_id)
            values.append(factor)
        methods.update(groups)
    return build_system(technosphere, biosphere, methods)


@dataclass(frozen=True)
class FootprintAnswer:
    database: str
    version: str
    activity: str
    activity_name: str
    amount: float
    unit: str
    method: str
    score: float
    top_activities: tuple[tuple[str, float, float], ...]
    #: what the reader must know about the whole database (see :func:`footprint_warnings`)
    warnings: tuple[str, ...] = ()


def ghg_like_unmapped(session: Session, dbv_id: int) -> tuple[GhgLikeFlow, ...]:
    """The version's flows to air that look like greenhouse gases but have no gas id."""
    rows = session.execute(
        select(FlowRow.name, FlowRow.cas, FlowRow.compartment, FlowRow.gas_id).where(
            FlowRow.database_version_id == dbv_id, FlowRow.gas_id.is_(None)
        )
    ).all()
    return unmapped_greenhouse_gases((n, cas, where or "", gas) for n, cas, where, gas in rows)


def footprint_warnings(session: Session, dbv_id: int, method_key: str) -> tuple[str, ...]:
    """Warnings every footprint of this database version with this method carries.

    A method that characterizes no flow the version's exchanges use gives exactly zero
    for every activity; greenhouse-gas-like flows without a gas id are left out of
    Tanji's GWP methods (they are named, with their CAS number).
    """
    factors = _characterization(session, dbv_id, method_key)
    warnings: list[str] = []
    used = select(ExchangeRow.flow_id).join(ActivityRow, ActivityRow.id == ExchangeRow.activity_id)
    used = used.where(ActivityRow.database_version_id == dbv_id, ExchangeRow.flow_id.is_not(None))
    charged = [flow_id for flow_id, factor in factors.items() if factor != 0.0]
    hit = charged and session.scalar(used.where(ExchangeRow.flow_id.in_(charged)).limit(1))
    if not hit:
        warnings.append(
            f"method {method_key} characterizes no elementary flow this database uses: "
            "every footprint is exactly zero"
        )
    method = session.scalar(select(MethodRow).where(MethodRow.key == method_key))
    if method is not None and method.database_version_id is None:
        unmapped = ghg_like_unmapped(session, dbv_id)
        if unmapped:
            names = "; ".join(f.label for f in unmapped[:20])
            more = f"; and {len(unmapped) - 20} more" if len(unmapped) > 20 else ""
            warnings.append(
                f"{len(unmapped)} greenhouse-gas-like flow(s) of this database have no GWP "
                f"in {method_key} and count as zero: {names}{more}"
            )
    return tuple(warnings)


def _resolve_activity(session: Session, dbv_id: int, ref: str) -> tuple[ActivityRow, float]:
    """An activity by key, or a product system by key or name (its reference and amount)."""
    system = session.scalar(
        select(ProductSystemRow).where(
            ProductSystemRow.database_version_id == dbv_id,
            (ProductSystemRow.key == ref) | (ProductSystemRow.name == ref),
        )
    )
    if system is not None:
        activity = session.get(ActivityRow, system.reference_activity_id)
        assert activity is not None
        return activity, system.amount
    matches = list(
        session.scalars(
            select(ActivityRow).where(
                ActivityRow.database_version_id == dbv_id,
                (ActivityRow.key == ref) | (ActivityRow.name == ref),
            )
        )
    )
    if len(matches) == 1:
        return matches[0], 1.0
    if not matches:
        raise NotFoundError(
            f"no activity or product system {ref!r} in this database; "
            "find ids with 'tanji data search'"
        )
    raise ServiceError(f"{ref!r} names {len(matches)} activities; give the activity's id (key)")


def footprint(
    session: Session,
    engine: Engine,
    name: str,
    activity: str,
    *,
    method: str = DEFAULT_METHOD,
    version: str | None = None,
) -> FootprintAnswer:
    """Cradle-to-gate footprint of one unit of an activity (or a product system's amount)."""
    dbv = get_lci_version(session, name, version)
    row, amount = _resolve_activity(session, dbv.id, activity)
    system = load_system(session, dbv.id, method)
    result = engine.lca(system, {row.id: amount}, method)
    names = dict(
        session.execute(
            select(ActivityRow.id, ActivityRow.name).where(
                ActivityRow.database_version_id == dbv.id
            )
        ).all()
    )
    top = tuple((names[int(c.key)], c.score, c.share) for c in by_activity(result, top=10))
    unit = session.scalar(select(MethodRow.unit).where(MethodRow.key == method)) or "kg CO2e"
    return FootprintAnswer(
        database=name,
        version=dbv.version,
        activity=row.key,
        activity_name=row.name,
        amount=amount,
        unit=unit,
        method=method,
        score=result.score,
        top_activities=top,
        warnings=footprint_warnings(session, dbv.id, method),
    )


@dataclass(frozen=True)
class ActivityFootprint:
    """One activity's footprint per unit of its reference product.

    ``key`` is the activity's id in its source format: the openLCA process id (for a
    split multi-output process ``<process id>:<product flow id>``), the ecoSpold2
    ``<activity id>_<reference product id>`` (the ecoinvent dataset name) or the
    Brightway datapackage's integer id.
    """

    key: str
    name: str
    unit: str
    score: float


@dataclass(frozen=True)
class AllFootprints:
    database: str
    version: str
    method: str
    unit: str  # of the scores, e.g. "kg CO2e"
    activities: tuple[ActivityFootprint, ...]


def all_footprints(
    session: Session,
    engine: Engine,
    name: str,
    *,
    method: str = DEFAULT_METHOD,
    version: str | None = None,
    exchanges: StoredExchanges | None = None,
) -> AllFootprints:
    """Every activity's footprint of a stored database version: one adjoint solve.

    Activities come in the order of their keys. ``exchanges``: the version's columns when
    the caller keeps them (``BackgroundStore.exchanges``), else they are read from the store.
    """
    dbv = get_lci_version(session, name, version)
    usable = method_keys(session, name, dbv.version)
    if method not in usable:
        raise NotFoundError(
            f"no impact method {method!r} for database {name!r} version {dbv.version} "
            f"(usable: {', '.join(usable)})"
        )
    system = load_system(session, dbv.id, method, exchanges=exchanges)
    scores = dict(
        zip(
            system.activity_ids.tolist(),
            engine.footprints(system, method).scores.tolist(),
            strict=True,
        )
    )
    rows = session.execute(
        select(ActivityRow.id, ActivityRow.key, ActivityRow.name, ActivityRow.unit)
        .where(ActivityRow.database_version_id == dbv.id)
        .order_by(ActivityRow.key)
    ).all()
    unit = session.scalar(select(MethodRow.unit).where(MethodRow.key == method)) or "kg CO2e"
    return AllFootprints(
        database=name,
        version=dbv.version,
        method=method,
        unit=unit,
        activities=tuple(
            ActivityFootprint(key, activity_name, activity_unit, scores[row_id])
            for row_id, key, activity_name, activity_unit in rows
        ),
    )


@dataclass(frozen=True)
class ActivityHit:
    ref: str
    name: str
    location: str
    unit: str


def search_activities(
    session: Session, text: str, *, geography: str | None = None, limit: int = 50
) -> list[ActivityHit]:
    """Activities of the latest version of each LCI database whose text holds every word."""
    from sqlalchemy import and_, func

    from tanji.db.models import DatabaseRow

    latest = (
        select(DatabaseVersionRow.database_id, func.max(DatabaseVersionRow.id).label("latest"))
        .group_by(DatabaseVersionRow.database_id)
        .subquery()
    )
    query = (
        select(ActivityRow, DatabaseRow.name)
        .join(latest, latest.c.latest == ActivityRow.database_version_id)
        .join(DatabaseRow, DatabaseRow.id == latest.c.database_id)
    )
    words = [w for w in text.lower().split() if w]
    if words:
        query = query.where(
            and_(*(ActivityRow.search_text.contains(w, autoescape=True) for w in words))
        )
    if geography:
        query = query.where(ActivityRow.location.startswith(geography))
    query = query.order_by(DatabaseRow.name, ActivityRow.name).limit(limit)
    return [
        ActivityHit(ref=f"{db}:{row.key}", name=row.name, location=row.location, unit=row.unit)
        for row, db in session.execute(query)
    ]


@dataclass(frozen=True)
class ActivityDetail:
    """An activity of an LCI database version, with what it uses and what uses it."""

    ref: str
    database: str
    version: str
    name: str
    location: str
    unit: str
    inputs: tuple[tuple[str, float, str], ...]  # (provider or flow name, amount, kind)
    used_by: tuple[str, ...]  # activities of the same version that consume its product


def activity_detail(session: Session, ref: str, version: str | None = None) -> ActivityDetail:
    """``database:activity key`` → the activity, its exchanges and its direct consumers."""
    name, sep, key = ref.partition(":")
    if not sep or not key:
        raise ServiceError(f"{ref!r}: expected DATABASE:ACTIVITY_KEY")
    dbv = get_lci_version(session, name, version)
    activity = session.scalar(
        select(ActivityRow).where(ActivityRow.database_version_id == dbv.id, ActivityRow.key == key)
    )
    if activity is None:
        raise NotFoundError(f"database {name!r} version {dbv.version} has no activity {key!r}")
    names = dict(
        session.execute(
            select(ActivityRow.id, ActivityRow.name).where(
                ActivityRow.database_version_id == dbv.id
            )
        ).all()
    )
    flows = dict(
        session.execute(
            select(FlowRow.id, FlowRow.name).where(FlowRow.database_version_id == dbv.id)
        ).all()
    )
    inputs = tuple(
        (
            flows[e.flow_id] if e.flow_id is not None else names[e.provider_id or 0],
            e.amount,
            e.kind,
        )
        for e in session.scalars(
            select(ExchangeRow)
            .where(ExchangeRow.activity_id == activity.id)
            .order_by(ExchangeRow.id)
        )
    )
    consumers = session.scalars(
        select(ExchangeRow.activity_id).where(
            ExchangeRow.provider_id == activity.id,
            ExchangeRow.activity_id != activity.id,
            ExchangeRow.kind == ExchangeKind.TECHNOSPHERE.value,
        )
    )
    return ActivityDetail(
        ref=f"{name}:{key}",
        database=name,
        version=dbv.version,
        name=activity.name,
        location=activity.location,
        unit=activity.unit,
        inputs=inputs,
        used_by=tuple(sorted({names[c] for c in consumers})),
    )
