"""Storing imported LCI bundles, and rebuilding them for export.

Storage is bulk (rows go to the driver as tuples, see ``_bulk``) because sector databases
hold tens of thousands of activities and a million exchanges; an import is one
transaction, owned by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    ActivityRow,
    CharacterizationRow,
    ExchangeRow,
    FlowPropertyRow,
    FlowRow,
    MethodRow,
    ProductSystemRow,
)
from tanji.domain.factors import Uncertainty
from tanji.domain.footprint_uncertainty import Progress
from tanji.domain.gases import unmapped_greenhouse_gases
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    FlowProperty,
    ImpactMethod,
    ImportNote,
    LciBundle,
    ProductSystem,
)
from tanji.domain.problems import Problem
from tanji.services._bulk import bulk_insert
from tanji.services.catalog import (
    Destination,
    destination_database,
    destination_version,
    get_lci_version,
)
from tanji.services.errors import ServiceError

__all__ = [
    "ACTIVITY_COLUMNS",
    "EXCHANGE_COLUMNS",
    "FLOW_COLUMNS",
    "LciImportSummary",
    "activity_search_text",
    "ghg_warnings",
    "ids_by_key",
    "import_bundle",
    "load_bundle",
    "store_method",
]


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
    #: What the import policies did, by process and exchange (the reader's notes).
    notes: tuple[ImportNote, ...] = ()
    #: flows to air that look like greenhouse gases but map to no gas (name, compartment,
    #: CAS): Tanji's GWP methods count them as zero, so the importer is told
    ghg_warnings: tuple[str, ...] = ()


def import_bundle(
    session: Session,
    bundle: LciBundle,
    target: Destination,
    *,
    progress: Progress | None = None,
) -> LciImportSummary:
    """Store an LCI bundle as a new version of the target database (created if new).

    ``progress(done, total, message)`` is told before each table is stored.
    """
    if not bundle.activities:
        raise ServiceError(Problem("lci-no-activities"))
    report = progress or _quiet
    database = destination_database(session, target, "lci")
    dbv = destination_version(session, database, target, bundle.format)
    name = target.name
    report(0, 4, "Storing the flows")
    _insert_flow_properties(session, dbv.id, bundle.flow_properties)
    flow_ids = _insert_flows(session, dbv.id, bundle.flows)
    report(1, 4, "Storing the activities")
    activity_ids = _insert_activities(session, dbv.id, bundle.activities)
    report(2, 4, "Storing the exchanges")
    n_exchanges = _insert_exchanges(session, bundle.activities, activity_ids, flow_ids)
    report(3, 4, "Storing the methods and product systems")
    methods = tuple(_insert_method(session, name, dbv.id, m, flow_ids) for m in bundle.methods)
    for system in bundle.product_systems:
        if system.reference_activity not in activity_ids:
            raise ServiceError(
                Problem(
                    "lci-system-reference", name=system.name, provider=system.reference_activity
                )
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
        notes=bundle.notes,
        ghg_warnings=ghg_warnings(bundle.flows),
    )


def ghg_warnings(flows: Iterable[ElementaryFlow]) -> tuple[str, ...]:
    """One line per greenhouse-gas-like flow the importer mapped to no gas."""
    found = unmapped_greenhouse_gases((f.name, f.cas, f.compartment, f.gas) for f in flows)
    return tuple(f.label for f in found)


def _quiet(done: int, total: int, message: str) -> None:
    """The progress callback of a caller that does not ask for one."""


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
# A bundle's flows and activities also keep their identities in the source (a Brightway
# datapackage has none: it stores the columns above).
_BUNDLE_FLOW_COLUMNS = (*FLOW_COLUMNS, "flow_property")
_BUNDLE_ACTIVITY_COLUMNS = (*ACTIVITY_COLUMNS, "product_key", "product_property", "waste")
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


def _insert_flow_properties(
    session: Session, dbv_id: int, properties: tuple[FlowProperty, ...]
) -> None:
    session.add_all(
        FlowPropertyRow(
            database_version_id=dbv_id,
            key=p.key,
            name=p.name,
            unit=p.unit,
            unit_key=p.unit_key or None,
            unit_group_key=p.unit_group_key or None,
            unit_group_name=p.unit_group_name or None,
        )
        for p in properties
    )


def _insert_flows(
    session: Session, dbv_id: int, flows: tuple[ElementaryFlow, ...]
) -> dict[str, int]:
    if flows:
        bulk_insert(
            session,
            FlowRow,
            _BUNDLE_FLOW_COLUMNS,
            (
                (
                    dbv_id, f.key, f.name, f.unit, f.compartment, f.cas, f.formula, f.gas,
                    f.flow_property or None,
                )
                for f in flows
            ),
        )  # fmt: skip
    return _ids_by_key(session, FlowRow, dbv_id)


def _insert_activities(
    session: Session, dbv_id: int, activities: tuple[Activity, ...]
) -> dict[str, int]:
    bulk_insert(
        session,
        ActivityRow,
        _BUNDLE_ACTIVITY_COLUMNS,
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
                a.product_key or None,
                a.product_property or None,
                a.waste,
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
                code = "lci-flow-not-in-file" if biosphere else "lci-provider-not-in-file"
                raise ServiceError(Problem(code, name=activity.name, target=e.target))
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
    *,
    source: ImpactMethod | None = None,
) -> str:
    """Store an imported method of a database version: (flow row id, factor) pairs.

    Its key is ``<database>/<name>``; a later version's method of the same name gets
    ``@<version row id>`` appended, so every version keeps its own factors. ``source``:
    the method as read, whose ids in the source are kept.
    """
    key = f"{database}/{name}"
    if session.scalar(select(MethodRow.id).where(MethodRow.key == key)) is not None:
        key = f"{key}@{dbv_id}"
    row = MethodRow(
        key=key,
        name=name,
        unit=unit,
        database_version_id=dbv_id,
        source_key=source.key if source else None,
        group_key=source.group_key or None if source else None,
        group_name=source.group_name or None if source else None,
    )
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
    return store_method(session, database, dbv_id, method.name, method.unit, pairs, source=method)


def load_bundle(session: Session, name: str, version: str | None = None) -> LciBundle:
    """Rebuild the bundle of a stored LCI database version (for export)."""
    dbv = get_lci_version(session, name, version)
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
                method.source_key or method.key,
                method.name,
                method.unit,
                tuple((flow_keys[f], v) for f, v in factors),
                group_key=method.group_key or "",
                group_name=method.group_name or "",
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
                product_key=a.product_key or "",
                product_property=a.product_property or "",
                waste=a.waste,
            )
            for a in activities
        ),
        flows=tuple(
            ElementaryFlow(
                f.key,
                f.name,
                f.unit,
                f.compartment,
                f.cas,
                f.formula,
                f.gas_id,
                flow_property=f.flow_property or "",
            )
            for f in flows
        ),
        methods=tuple(methods),
        product_systems=tuple(systems),
        flow_properties=tuple(
            FlowProperty(
                p.key,
                p.name,
                p.unit,
                p.unit_key or "",
                p.unit_group_key or "",
                p.unit_group_name or "",
            )
            for p in session.scalars(
                select(FlowPropertyRow)
                .where(FlowPropertyRow.database_version_id == dbv.id)
                .order_by(FlowPropertyRow.id)
            )
        ),
    )
