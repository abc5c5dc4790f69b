"""LCI databases: footprints with the engine, search, and what an activity uses and feeds.

Storing imports and rebuilding bundles for export is in :mod:`tanji.services.lci_import`.
"""

from __future__ import annotations

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
    "ActivityHit",
    "FootprintAnswer",
    "activity_detail",
    "footprint",
    "load_system",
    "method_keys",
    "search_activities",
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


def load_system(
    session: Session, dbv_id: int, method_key: str, *, by_gas: bool = False
) -> LcaSystem:
    """The engine system of a stored LCI database version (ids are the stored row ids).

    ``by_gas`` adds one method per greenhouse gas, ``"<method>|<gas id>"``, holding the
    method's factors of that gas's flows only (flows of no known gas: ``"<method>|other"``),
    so footprints can be split by gas with one more adjoint solve each.
    """
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
    methods = {method_key: (list(factors), list(factors.values()))}
    if by_gas:
        gas_of = dict(
            session.execute(
                select(FlowRow.id, FlowRow.gas_id).where(FlowRow.database_version_id == dbv_id)
            ).all()
        )
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
