"""The emission-factor library: import, search, show, compare versions, export.

A factor record (database + code) has immutable versions. Importing a table as a new
version of a database compares each factor with the record's latest version: unchanged
factors carry over (the new database version lists the same factor version), changed ones
get a new version, and codes absent from the table are not part of the new database
version. So a footprint that pinned a factor version keeps its number forever.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from tanji.db.models import (
    DatabaseRow,
    DatabaseVersionRow,
    FactorGasRow,
    FactorRecordRow,
    FactorVersionRow,
    MembershipRow,
    PinRow,
    SourceRow,
)
from tanji.domain.factors import (
    Boundary,
    EmissionFactor,
    FactorKind,
    GasAmount,
    Pedigree,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.domain.footprint_uncertainty import Progress
from tanji.domain.geography import PLACES
from tanji.services.catalog import (
    Destination,
    Readers,
    destination_database,
    destination_version,
    get_database,
    get_version,
    latest_version,
    readable,
    restrict_to_readable,
    save_sources,
    source_of,
)
from tanji.services.errors import NotFoundError, ServiceError

__all__ = [
    "FactorChange",
    "FactorDetail",
    "FactorHit",
    "ImportSummary",
    "diff_factor",
    "factor_detail",
    "import_factors",
    "parse_ref",
    "resolve_factors",
    "search_factors",
    "stored_factors",
]

#: Words a search should find a factor by, beyond its own names (zh and en).
KIND_WORDS = {
    "grid_location": "电网 电力 平均 位置 grid electricity power location-based average",
    "grid_residual": "电网 电力 剩余 市场化 非化石 grid electricity power residual market",
    "grid_lifecycle": "电力 电网 生命周期 碳足迹 grid electricity power life-cycle footprint",
    "grid_fossil": "电力 化石能源 火电 grid electricity power fossil",
    "grid_ets": "电网 电力 碳市场 排放报告 发电行业 grid electricity power ETS reporting",
    "electricity_generation": "电力 发电 碳足迹 生命周期 electricity power generation life-cycle",
    "electricity_transmission": "电力 输配电 线损 碳足迹 electricity transmission distribution",
    "combustion": "燃烧 燃料 化石 fuel combustion stationary",
    "transport": "运输 货运 物流 transport freight logistics",
    "material": "材料 原材料 material",
    "process": "工艺 过程 process",
    "waste": "废弃物 处理 回收 waste treatment recycling",
    "other": "",
    "cbam_default": "欧盟 碳边境调节机制 CBAM 默认值 隐含排放 EU CBAM default embedded emissions",
}
#: Factors stored between two progress reports of an import.
PROGRESS_EVERY = 200
#: A place's names; a regional grid's also name its provinces (江苏 finds 华东 factors).
GEOGRAPHY_WORDS = {
    **{
        code: " ".join(
            [p.zh, p.zh + ("区域" if p.level == "regional" else "省"), p.en.lower(), p.level]
            + [f"{m.zh} {m.en.lower()}" for m in PLACES.values() if m.region == code]
        )
        for code, p in PLACES.items()
    },
    "CN": "中国 全国 china national",
    "GLO": "全球 global world",
    "GB": "英国 united kingdom uk",
    "EU": "欧盟 european union",
}


@dataclass(frozen=True)
class ImportSummary:
    database: str
    version: str
    new: int
    changed: int
    unchanged: int
    removed: int


@dataclass(frozen=True)
class FactorHit:
    ref: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    geography: str
    co2e: float | None
    gwp_basis: str | None
    gases: tuple[GasAmount, ...]
    source: str


@dataclass(frozen=True)
class FactorDetail:
    ref: str
    database: str
    version: int
    versions: tuple[int, ...]
    factor: EmissionFactor
    in_database_versions: tuple[str, ...]
    dependents: tuple[str, ...]


@dataclass(frozen=True)
class FactorChange:
    field: str
    before: object
    after: object


def _content_hash(factor: EmissionFactor) -> str:
    payload = json.dumps(asdict(factor), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _search_text(factor: EmissionFactor) -> str:
    parts = [
        factor.code,
        factor.name_zh,
        factor.name_en,
        factor.kind.value,
        KIND_WORDS.get(factor.kind.value, ""),
        factor.geography,
        GEOGRAPHY_WORDS.get(factor.geography, ""),
        factor.unit,
        factor.boundary.value,
        factor.industry_code or "",
        factor.product_code or "",
        factor.source.publisher,
        factor.source.title,
    ]
    return " ".join(parts).lower()


def _pack(values: Sequence[int | None]) -> str | None:
    return (
        None
        if all(v is None for v in values)
        else ",".join("" if v is None else str(v) for v in values)
    )


def _unpack(text: str | None, n: int) -> list[int | None]:
    if not text:
        return [None] * n
    return [int(v) if v else None for v in text.split(",")]


def import_factors(
    session: Session,
    factors: Sequence[EmissionFactor],
    target: Destination,
    *,
    import_format: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Store a factor table as a new version of the target database (created if new).

    ``progress(done, total, message)`` is told every :data:`PROGRESS_EVERY` factors.

    Design note: the database's records and their latest versions are read once, and
    the factors are written :data:`STORE_CHUNK` at a time (multi-row inserts), not a few
    round trips per factor: the shipped tables load in a fraction of the time, which
    every new store and every ``tanji db upgrade`` pays."""
    if not factors:
        raise ServiceError("the table holds no factors")
    database = destination_database(session, target, "factors")
    previous = _latest_members(session, database)
    db_version = destination_version(session, database, target, import_format)
    store = _ChunkStore(session, database.id, db_version.id)
    chunk: dict[str, EmissionFactor] = {}
    for done, factor in enumerate(factors):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(factors), "Storing the factors")
        if len(chunk) >= STORE_CHUNK or factor.code in chunk:  # a code twice: first goes first
            store.write(chunk)
        chunk[factor.code] = factor
    store.write(chunk)
    codes = {f.code for f in factors}
    removed = sum(1 for code in previous if code not in codes)
    return ImportSummary(
        target.name, db_version.version, store.new, store.changed, store.unchanged, removed
    )


#: Factors written per flush by :func:`import_factors`.
STORE_CHUNK = 500


class _ChunkStore:
    """Writes chunks of a factor table as versions of one database: a record per new
    code, a version per new or changed content, a membership per factor."""

    def __init__(self, session: Session, database_id: int, db_version_id: int) -> None:
        self.session = session
        self.database_id = database_id
        self.db_version_id = db_version_id
        self.records: dict[str, int] = dict(
            session.execute(
                select(FactorRecordRow.code, FactorRecordRow.id).where(
                    FactorRecordRow.database_id == database_id
                )
            ).all()
        )
        #: record id → (version row id, version number, content hash) of its latest
        self.latest: dict[int, tuple[int, int, str]] = {}
        versions = (
            select(
                FactorVersionRow.record_id,
                FactorVersionRow.id,
                FactorVersionRow.version,
                FactorVersionRow.content_hash,
            )
            .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
            .where(FactorRecordRow.database_id == database_id)
            .order_by(FactorVersionRow.record_id, FactorVersionRow.version)
        )
        for record_id, version_id, number, digest in session.execute(versions):
            self.latest[record_id] = (version_id, number, digest)
        self.sources: dict[Source, int] = {}
        self.new = self.changed = self.unchanged = 0

    def write(self, chunk: dict[str, EmissionFactor]) -> None:
        """Store ``chunk`` (factors by code), then empty it."""
        if not chunk:
            return
        session = self.session
        fresh = [
            FactorRecordRow(database_id=self.database_id, code=code)
            for code in chunk
            if code not in self.records
        ]
        session.add_all(fresh)
        session.flush()
        self.records.update((row.code, row.id) for row in fresh)
        members: list[int | FactorVersionRow] = []
        changes: list[tuple[EmissionFactor, int, str, int]] = []  # …, record, hash, number
        for f in chunk.values():
            record_id = self.records[f.code]
            digest = _content_hash(f)
            latest = self.latest.get(record_id)
            if latest is not None and latest[2] == digest:
                self.unchanged += 1
                members.append(latest[0])
                continue
            if latest is None:
                self.new += 1
            else:
                self.changed += 1
            changes.append((f, record_id, digest, latest[1] + 1 if latest is not None else 1))
        save_sources(session, (f.source for f, *_ in changes), self.sources)
        added: list[tuple[FactorVersionRow, EmissionFactor]] = []
        for f, record_id, digest, number in changes:
            source_id = self.sources[f.source]
            row = _new_version(record_id, number, self.db_version_id, f, digest, source_id)
            added.append((row, f))
            members.append(row)
        session.add_all(row for row, _ in added)
        session.flush()
        for row, f in added:
            self.latest[row.record_id] = (row.id, row.version, row.content_hash)
            session.add_all(
                FactorGasRow(factor_version_id=row.id, gas_id=g.gas, kg=g.kg) for g in f.gases
            )
        session.add_all(
            MembershipRow(
                database_version_id=self.db_version_id,
                factor_version_id=m if isinstance(m, int) else m.id,
            )
            for m in members
        )
        session.flush()
        chunk.clear()


def _latest_members(session: Session, database: DatabaseRow) -> set[str]:
    try:
        current = latest_version(session, database)
    except NotFoundError:
        return set()
    return set(
        session.scalars(
            select(FactorRecordRow.code)
            .join(FactorVersionRow, FactorVersionRow.record_id == FactorRecordRow.id)
            .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
            .where(MembershipRow.database_version_id == current.id)
        )
    )


def _new_version(
    record_id: int, number: int, db_version_id: int, f: EmissionFactor, digest: str, source_id: int
) -> FactorVersionRow:
    return FactorVersionRow(
        record_id=record_id,
        version=number,
        introduced_in_id=db_version_id,
        content_hash=digest,
        name_zh=f.name_zh,
        name_en=f.name_en,
        kind=f.kind.value,
        unit=f.unit,
        geography=f.geography,
        valid_from=f.valid_from,
        valid_to=f.valid_to,
        co2e=f.co2e,
        gwp_basis=f.gwp_basis,
        boundary=f.boundary.value,
        distribution=f.uncertainty.distribution,
        gsd=f.uncertainty.gsd,
        sd=f.uncertainty.sd,
        minimum=f.uncertainty.minimum,
        maximum=f.uncertainty.maximum,
        pedigree=_pack(
            [
                f.pedigree.reliability,
                f.pedigree.completeness,
                f.pedigree.temporal,
                f.pedigree.geographical,
                f.pedigree.technological,
            ]
        ),
        pef=_pack([f.pef.ter, f.pef.ger, f.pef.tir, f.pef.p]),
        industry_code=f.industry_code,
        product_code=f.product_code,
        illustrative=f.illustrative,
        notes=f.notes,
        source_id=source_id,
        search_text=_search_text(f),
    )


def _factor_of(session: Session, code: str, row: FactorVersionRow) -> EmissionFactor:
    source = session.get(SourceRow, row.source_id)
    assert source is not None
    gases = session.scalars(
        select(FactorGasRow)
        .where(FactorGasRow.factor_version_id == row.id)
        .order_by(FactorGasRow.gas_id)
    )
    return _factor_from(code, row, source, list(gases))


def _factor_from(
    code: str, row: FactorVersionRow, source: SourceRow, gases: Sequence[FactorGasRow]
) -> EmissionFactor:
    ped = _unpack(row.pedigree, 5)
    pef = _unpack(row.pef, 4)
    return EmissionFactor(
        code=code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        kind=FactorKind(row.kind),
        unit=row.unit,
        geography=row.geography,
        source=source_of(source),
        gases=tuple(GasAmount(g.gas_id, g.kg) for g in gases),
        co2e=row.co2e,
        gwp_basis=row.gwp_basis,
        boundary=Boundary(row.boundary),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        uncertainty=Uncertainty(row.distribution, row.gsd, row.sd, row.minimum, row.maximum),
        pedigree=Pedigree(*ped),
        pef=PefQuality(*pef),
        industry_code=row.industry_code,
        product_code=row.product_code,
        illustrative=row.illustrative,
        notes=row.notes,
    )


def resolve_factors(
    session: Session, refs: Iterable[str], readers: Readers | None = None
) -> dict[str, tuple[str, EmissionFactor]]:
    """Many refs at once (a handful of queries): ref → (``DB:CODE@VERSION``, factor).

    Like :func:`factor_detail`, a ref without a version names the record's latest version.
    Refs that name no stored factor, or one in a database ``readers`` may not read, are
    left out (the caller reports them one by one).
    """
    wanted = {ref: parse_ref(ref) for ref in set(refs)}
    if not wanted:
        return {}
    pairs = {(db, code) for db, code, _ in wanted.values()}
    query = (
        select(FactorVersionRow, FactorRecordRow.code, DatabaseRow.name)
        .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
        .join(DatabaseRow, DatabaseRow.id == FactorRecordRow.database_id)
        .where(DatabaseRow.name.in_({db for db, _ in pairs}))
        .where(FactorRecordRow.code.in_({code for _, code in pairs}))
    )
    rows = session.execute(restrict_to_readable(query, readers)).all()
    versions: dict[tuple[str, str], dict[int, FactorVersionRow]] = {}
    for row, code, db in rows:
        versions.setdefault((db, code), {})[row.version] = row
    chosen: dict[str, tuple[str, str, FactorVersionRow]] = {}
    for ref, (db, code, number) in wanted.items():
        found = versions.get((db, code), {})
        key = number if number is not None else max(found, default=None)
        if key is not None and key in found:
            chosen[ref] = (db, code, found[key])
    ids = [row.id for _, _, row in chosen.values()]
    gases: dict[int, list[FactorGasRow]] = {}
    for gas in session.scalars(
        select(FactorGasRow)
        .where(FactorGasRow.factor_version_id.in_(ids))
        .order_by(FactorGasRow.gas_id)
    ):
        gases.setdefault(gas.factor_version_id, []).append(gas)
    sources = {
        s.id: s
        for s in session.scalars(
            select(SourceRow).where(
                SourceRow.id.in_({row.source_id for _, _, row in chosen.values()})
            )
        )
    }
    return {
        ref: (
            f"{db}:{code}@{row.version}",
            _factor_from(code, row, sources[row.source_id], gases.get(row.id, [])),
        )
        for ref, (db, code, row) in chosen.items()
    }


def parse_ref(ref: str) -> tuple[str, str, int | None]:
    """``database:code[@version]`` → (database, code, version or None for the latest)."""
    database, sep, rest = ref.partition(":")
    if not sep or not database or not rest:
        raise ServiceError(f"{ref!r}: expected DATABASE:CODE or DATABASE:CODE@VERSION")
    code, at, number = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if at and not number.isdigit():
        raise ServiceError(f"{ref!r}: the version after @ must be a number")
    return database, code, int(number) if at else None


def _version_row(
    session: Session, ref: str
) -> tuple[DatabaseRow, FactorRecordRow, FactorVersionRow]:
    name, code, number = parse_ref(ref)
    database = get_database(session, name)
    record = session.scalar(
        select(FactorRecordRow).where(
            FactorRecordRow.database_id == database.id, FactorRecordRow.code == code
        )
    )
    if record is None:
        raise NotFoundError(f"database {name!r} has no factor {code!r}")
    query = select(FactorVersionRow).where(FactorVersionRow.record_id == record.id)
    if number is None:
        query = query.order_by(FactorVersionRow.version.desc()).limit(1)
    else:
        query = query.where(FactorVersionRow.version == number)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"factor {name}:{code} has no version {number}")
    return database, record, row


def factor_detail(session: Session, ref: str, readers: Readers | None = None) -> FactorDetail:
    """A factor version with its source, its other versions and what depends on it.
    A database ``readers`` may not see answers as missing (its existence does not leak)."""
    database, record, row = _version_row(session, ref)
    if not readable(session, database.id, readers):
        raise NotFoundError(f"{ref}: no such factor")
    versions = tuple(
        session.scalars(
            select(FactorVersionRow.version)
            .where(FactorVersionRow.record_id == record.id)
            .order_by(FactorVersionRow.version)
        )
    )
    in_versions = tuple(
        session.scalars(
            select(DatabaseVersionRow.version)
            .join(MembershipRow, MembershipRow.database_version_id == DatabaseVersionRow.id)
            .where(MembershipRow.factor_version_id == row.id)
            .order_by(DatabaseVersionRow.id)
        )
    )
    dependents = tuple(
        f"{p.dependent_kind} {p.dependent_ref}"
        for p in session.scalars(select(PinRow).where(PinRow.factor_version_id == row.id))
    )
    return FactorDetail(
        ref=f"{database.name}:{record.code}@{row.version}",
        database=database.name,
        version=row.version,
        versions=versions,
        factor=_factor_of(session, record.code, row),
        in_database_versions=in_versions,
        dependents=dependents,
    )


def diff_factor(session: Session, ref: str, before: int, after: int) -> list[FactorChange]:
    """Field-by-field differences between two versions of a factor."""
    name, code, _ = parse_ref(ref)
    old = factor_detail(session, f"{name}:{code}@{before}").factor
    new = factor_detail(session, f"{name}:{code}@{after}").factor
    changes = []
    for key, value in asdict(old).items():
        other = asdict(new)[key]
        if value != other:
            changes.append(FactorChange(key, value, other))
    return changes


def search_factors(
    session: Session,
    text: str,
    *,
    geography: str | None = None,
    database: str | None = None,
    limit: int = 50,
    readers: Readers | None = None,
) -> list[FactorHit]:
    """Factors of the latest version of each database whose text holds every word.

    Words match names (Chinese and English), codes, kind, geography (also by its Chinese
    and English names: 江苏 / Jiangsu finds CN-JS) and the source. ``database`` keeps
    one database's factors only; ``readers`` (see :class:`Readers`) the databases whose
    factors may be shown.
    """
    latest = (
        select(DatabaseVersionRow.database_id, func.max(DatabaseVersionRow.id).label("latest"))
        .group_by(DatabaseVersionRow.database_id)
        .subquery()
    )
    query = (
        select(FactorVersionRow, FactorRecordRow.code, DatabaseRow.name, SourceRow)
        .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
        .join(latest, latest.c.latest == MembershipRow.database_version_id)
        .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
        .join(DatabaseRow, DatabaseRow.id == FactorRecordRow.database_id)
        .join(SourceRow, SourceRow.id == FactorVersionRow.source_id)
    )
    words = [w for w in text.lower().split() if w]
    if words:
        query = query.where(
            and_(*(FactorVersionRow.search_text.contains(w, autoescape=True) for w in words))
        )
    if geography:
        query = query.where(
            or_(
                FactorVersionRow.geography == geography,
                FactorVersionRow.geography.startswith(geography + "-"),
            )
        )
    if database:
        query = query.where(DatabaseRow.name == database)
    query = restrict_to_readable(query, readers)
    query = query.order_by(DatabaseRow.name, FactorRecordRow.code).limit(limit)
    rows = session.execute(query).all()
    gases: dict[int, list[GasAmount]] = {}
    for gas in session.scalars(
        select(FactorGasRow)
        .where(FactorGasRow.factor_version_id.in_([row.id for row, *_ in rows]))
        .order_by(FactorGasRow.gas_id)
    ):
        gases.setdefault(gas.factor_version_id, []).append(GasAmount(gas.gas_id, gas.kg))
    return [
        FactorHit(
            ref=f"{db_name}:{code}@{row.version}",
            name_zh=row.name_zh,
            name_en=row.name_en,
            kind=row.kind,
            unit=row.unit,
            geography=row.geography,
            co2e=row.co2e,
            gwp_basis=row.gwp_basis,
            gases=tuple(gases.get(row.id, ())),
            source=source_of(source).citation(),
        )
        for row, code, db_name, source in rows
    ]


def stored_factors(session: Session, name: str, version: str | None = None) -> list[EmissionFactor]:
    """The factors of a database version (the latest by default), ordered by code."""
    db_version = get_version(session, get_database(session, name), version)
    rows: Iterable[tuple[FactorVersionRow, str]] = session.execute(
        select(FactorVersionRow, FactorRecordRow.code)
        .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
        .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
        .where(MembershipRow.database_version_id == db_version.id)
        .order_by(FactorRecordRow.code)
    )
    return [_factor_of(session, code, row) for row, code in rows]
