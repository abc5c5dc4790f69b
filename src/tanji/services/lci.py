"""LCI databases: store an imported bundle, rebuild it, and compute footprints with the engine.

Storage is bulk (one INSERT per table with many rows) because sector databases hold tens
of thousands of activities and a million exchanges; the whole import is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from tanji.domain.factors import Uncertainty
from tanji.domain.inventory import uncertainty_columns
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.engine import Engine, Exchanges, LcaSystem, build_system, by_activity
from tanji.services._bulk import bulk_insert
from tanji.services.catalog import (
    Destination,
    destination_database,
    destination_version,
    get_database,
    get_version,
)
from tanji.services.errors import NotFoundError, ServiceError

__all__ = [
    "ActivityDetail",
    "ActivityHit",
    "FootprintAnswer",
    "LciImportSummary",
    "activity_detail",
    "footprint",
    "import_bundle",
    "load_bundle",
    "load_system",
    "method_keys",
    "search_activities",
]

DEFAULT_METHOD = "ipcc-ar6-gwp100"


@dataclass(frozen=True)
class LciImportSummary:
    database: str
    version: str
    activities: int
    flows: int
    exchanges: int
    methods: tuple[str, ...]
    product_systems: int
    unmapped_flows: int
    cut_off_inputs: tuple[str, ...] = ()


def import_bundle(session: Session, bundle: LciBundle, target: Destination) -> LciImportSummary:
    """Store an LCI bundle as a new version of the target database (created if new)."""
    if not bundle.activities:
        raise ServiceError("the file holds no activities (unit processes)")
    database = destination_database(session, target, "lci")
    dbv = destination_version(session, database, target, bundle.format)
    name = target.name
    flow_ids = _insert_flows(session, dbv.id, bundle.flows)
    activity_ids = _insert_activities(session, dbv.id, bundle.activities)
    n_exchanges = _insert_exchanges(session, bundle.activities, activity_ids, flow_ids)
    methods = tuple(_insert_method(session, name, dbv.id, m, flow_ids) for m in bundle.methods)
    for system in bundle.product_systems:
        if system.reference_activity not in activity_ids:
            raise ServiceError(
                f"product system {system.name!r}: reference process {system.reference_activity} "
                "is not in the file"
            )
        session.add(
            ProductSystemRow(
                database_version_id=dbv.id,
                key=system.key,
                name=system.name,
                reference_activity_id=activity_ids[system.reference_activity],
                amount=system.amount,
            )
        )
    session.flush()
    return LciImportSummary(
        database=name,
        version=dbv.version,
        activities=len(bundle.activities),
        flows=len(bundle.flows),
        exchanges=n_exchanges,
        methods=methods,
        product_systems=len(bundle.product_systems),
        unmapped_flows=sum(1 for f in bundle.flows if f.gas is None),
        cut_off_inputs=bundle.cut_offs(),
    )


FLOW_COLUMNS = (
    "database_version_id",
    "key",
    "name",
    "unit",
    "compartment",
    "cas",
    "formula",
    "gas_id",
)
ACTIVITY_COLUMNS = (
    "database_version_id", "key", "name", "name_zh", "unit", "location", "reference_product",
    "category", "search_text",
)  # fmt: skip
EXCHANGE_COLUMNS = (
    "activity_id", "kind", "provider_id", "flow_id", "amount", "unit", "distribution", "gsd",
    "sd", "minimum", "maximum",
)  # fmt: skip


def activity_search_text(*parts: str) -> str:
    """The lower-cased words an activity is found by."""
    return " ".join(parts).lower()


def ids_by_key(
    session: Session, table: type[FlowRow] | type[ActivityRow], dbv_id: int
) -> dict[str, int]:
    """Stored row ids of a database version's flows or activities, by their source keys."""
    return _ids_by_key(session, table, dbv_id)


def _ids_by_key(
    session: Session, table: type[FlowRow] | type[ActivityRow], dbv_id: int
) -> dict[str, int]:
    rows = session.execute(select(table.key, table.id).where(table.database_version_id == dbv_id))
    return dict(rows.all())


def _insert_flows(
    session: Session, dbv_id: int, flows: tuple[ElementaryFlow, ...]
) -> dict[str, int]:
    if flows:
        bulk_insert(
            session,
            FlowRow,
            FLOW_COLUMNS,
            (
                (dbv_id, f.key, f.name, f.unit, f.compartment, f.cas, f.formula, f.gas)
                for f in flows
            ),
        )
    return _ids_by_key(session, FlowRow, dbv_id)


def _insert_activities(
    session: Session, dbv_id: int, activities: tuple[Activity, ...]
) -> dict[str, int]:
    bulk_insert(
        session,
        ActivityRow,
        ACTIVITY_COLUMNS,
        (
            (
                dbv_id,
                a.key,
                a.name,
                a.name_zh,
                a.unit,
                a.location,
                a.reference_product,
                a.category,
                activity_search_text(a.name, a.name_zh, a.location, a.reference_product, a.key),
            )
            for a in activities
        ),
    )
    return _ids_by_key(session, ActivityRow, dbv_id)


def _insert_exchanges(
    session: Session,
    activities: tuple[Activity, ...],
    activity_ids: Mapping[str, int],
    flow_ids: Mapping[str, int],
) -> int:
    rows = []
    for activity in activities:
        own = activity_ids[activity.key]
        for e in activity.exchanges:
            biosphere = e.kind is ExchangeKind.BIOSPHERE
            target = flow_ids if biosphere else activity_ids
            if e.target not in target:
                what = "elementary flow" if biosphere else "providing activity"
                raise ServiceError(
                    f"activity {activity.name!r}: its {what} {e.target!r} is not in the file"
                )
            u = e.uncertainty
            rows.append(
                (
                    own,
                    e.kind.value,
                    None if biosphere else target[e.target],
                    target[e.target] if biosphere else None,
                    e.amount,
                    e.unit,
                    u.distribution,
                    u.gsd,
                    u.sd,
                    u.minimum,
                    u.maximum,
                )
            )
    bulk_insert(session, ExchangeRow, EXCHANGE_COLUMNS, rows)
    return len(rows)


def store_method(
    session: Session,
    database: str,
    dbv_id: int,
    name: str,
    unit: str,
    factors: Iterable[tuple[int, float]],
) -> str:
    """Store an imported method of a database version: (flow row id, factor) pairs.

    Its key is ``<database>/<name>``; a later version's method of the same name gets
    ``@<version row id>`` appended, so every version keeps its own factors.
    """
    key = f"{database}/{name}"
    if session.scalar(select(MethodRow.id).where(MethodRow.key == key)) is not None:
        key = f"{key}@{dbv_id}"
    row = MethodRow(key=key, name=name, unit=unit, database_version_id=dbv_id)
    session.add(row)
    session.flush()
    bulk_insert(
        session,
        CharacterizationRow,
        ("method_id", "flow_id", "factor"),
        ((row.id, flow, value) for flow, value in factors),
    )
    return key


def _insert_method(
    session: Session, database: str, dbv_id: int, method: ImpactMethod, flow_ids: Mapping[str, int]
) -> str:
    pairs = ((flow_ids[flow], value) for flow, value in method.factors if flow in flow_ids)
    return store_method(session, database, dbv_id, method.name, method.unit, pairs)


def _version_of(session: Session, name: str, version: str | None) -> DatabaseVersionRow:
    database = get_database(session, name)
    if database.kind != "lci":
        raise ServiceError(f"database {name!r} holds emission factors, not LCI activities")
    return get_version(session, database, version)


def method_keys(session: Session, name: str, version: str | None = None) -> list[str]:
    """Methods usable on a database: Tanji's GWP sets and the database's own imported ones."""
    dbv = _version_of(session, name, version)
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


def load_system(session: Session, dbv_id: int, method_key: str) -> LcaSystem:
    """The engine system of a stored LCI database version (ids are the stored row ids)."""
    columns = (
        ExchangeRow.activity_id,
        ExchangeRow.kind,
        ExchangeRow.provider_id,
        ExchangeRow.flow_id,
        ExchangeRow.amount,
        ExchangeRow.distribution,
        ExchangeRow.gsd,
        ExchangeRow.sd,
        ExchangeRow.minimum,
        ExchangeRow.maximum,
    )
    rows = session.execute(
        select(*columns)
        .join(ActivityRow, ActivityRow.id == ExchangeRow.activity_id)
        .where(ActivityRow.database_version_id == dbv_id)
    ).all()
    if not rows:
        raise ServiceError("the database version holds no exchanges")
    col, kind, provider, flow, amount, dist, gsd, sd, low, high = (
        np.array(c, dtype=object) for c in zip(*rows, strict=True)
    )
    numbers = {
        name: np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        for name, values in (
            ("amount", amount),
            ("gsd", gsd),
            ("sd", sd),
            ("min", low),
            ("max", high),
        )
    }
    bio = kind == ExchangeKind.BIOSPHERE.value
    tech = ~bio

    def exchanges(
        mask: np.ndarray, rows_of: np.ndarray, flip: np.ndarray | None, name: str
    ) -> Exchanges:
        return Exchanges(
            rows_of[mask].astype(np.int64),
            col[mask].astype(np.int64),
            numbers["amount"][mask],
            flip,
            uncertainty_columns(
                numbers["amount"][mask],
                dist[mask],
                numbers["gsd"][mask],
                numbers["sd"][mask],
                numbers["min"][mask],
                numbers["max"][mask],
            ),
            name=name,
        )

    technosphere = exchanges(
        tech, provider, kind[tech] == ExchangeKind.TECHNOSPHERE.value, "technosphere"
    )
    biosphere = exchanges(bio, flow, None, "biosphere")
    factors = _characterization(session, dbv_id, method_key)
    return build_system(
        technosphere, biosphere, {method_key: (list(factors), list(factors.values()))}
    )


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
    dbv = _version_of(session, name, version)
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
    )


def load_bundle(session: Session, name: str, version: str | None = None) -> LciBundle:
    """Rebuild the bundle of a stored LCI database version (for export)."""
    dbv = _version_of(session, name, version)
    flows = list(session.scalars(select(FlowRow).where(FlowRow.database_version_id == dbv.id)))
    activities = list(
        session.scalars(select(ActivityRow).where(ActivityRow.database_version_id == dbv.id))
    )
    flow_keys = {f.id: f.key for f in flows}
    activity_keys = {a.id: a.key for a in activities}
    by_activity_id: dict[int, list[Exchange]] = {a.id: [] for a in activities}
    for e in session.scalars(
        select(ExchangeRow)
        .join(ActivityRow, ActivityRow.id == ExchangeRow.activity_id)
        .where(ActivityRow.database_version_id == dbv.id)
        .order_by(ExchangeRow.id)
    ):
        kind = ExchangeKind(e.kind)
        target = (
            flow_keys[e.flow_id] if e.flow_id is not None else activity_keys[e.provider_id or 0]
        )
        by_activity_id[e.activity_id].append(
            Exchange(
                kind,
                target,
                e.amount,
                e.unit,
                Uncertainty(e.distribution, e.gsd, e.sd, e.minimum, e.maximum),
            )
        )
    methods = []
    for method in session.scalars(select(MethodRow).where(MethodRow.database_version_id == dbv.id)):
        factors = session.execute(
            select(CharacterizationRow.flow_id, CharacterizationRow.factor).where(
                CharacterizationRow.method_id == method.id
            )
        )
        methods.append(
            ImpactMethod(
                method.key, method.name, method.unit, tuple((flow_keys[f], v) for f, v in factors)
            )
        )
    systems = [
        ProductSystem(s.key, s.name, activity_keys[s.reference_activity_id], s.amount)
        for s in session.scalars(
            select(ProductSystemRow).where(ProductSystemRow.database_version_id == dbv.id)
        )
    ]
    return LciBundle(
        format=dbv.import_format or "tanji",
        activities=tuple(
            Activity(
                key=a.key,
                name=a.name,
                unit=a.unit,
                exchanges=tuple(by_activity_id[a.id]),
                location=a.location,
                reference_product=a.reference_product,
                category=a.category,
                name_zh=a.name_zh,
            )
            for a in activities
        ),
        flows=tuple(
            ElementaryFlow(f.key, f.name, f.unit, f.compartment, f.cas, f.formula, f.gas_id)
            for f in flows
        ),
        methods=tuple(methods),
        product_systems=tuple(systems),
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
    dbv = _version_of(session, name, version)
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
