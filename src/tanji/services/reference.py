"""Reference data shipped with Tanji: gases, GWP methods and public factor tables.

Loaded by ``tanji db upgrade`` after the schema migrations, idempotently: a table that is
already stored with the same content is left alone; a shipped table that changed in a new
Tanji release is stored as a new version of its database, so the change is visible as a
version difference and nothing pinned to the old values moves.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import DatabaseRow, DatabaseVersionRow, GasFactorRow, GasRow, MethodRow
from tanji.domain.factors import Source
from tanji.io.factor_table import read_factor_table
from tanji.services.catalog import Destination, save_sources
from tanji.services.factors import import_factors

__all__ = ["GWP_METHODS", "SHIPPED_TABLES", "ensure_reference_data"]

#: method key → (name, gwp.csv column, source of the column)
GWP_METHODS = {
    "ipcc-ar6-gwp100": ("IPCC AR6 GWP100", "ar6_gwp100", "ar6_source"),
    "ipcc-ar6-gwp20": ("IPCC AR6 GWP20", "ar6_gwp20", "ar6_source"),
    "ipcc-ar5-gwp100": ("IPCC AR5 GWP100", "ar5_gwp100", "ar5_source"),
}

#: Biogenic CO2 is characterized like fossil CO2 (1 per kg emitted, −1 per kg taken up) so
#: that emissions and removals can be reported apart as ISO 14067:2018 requires; whether
#: they net out is a reporting choice made later, never a silent one here.
BIOGENIC = (
    ("CO2-biogenic", "CO2", "Carbon dioxide, biogenic", "二氧化碳（生物源）", 1.0),
    (
        "CO2-biogenic-uptake",
        "CO2",
        "Carbon dioxide, biogenic uptake from air",
        "二氧化碳（生物源吸收）",
        -1.0,
    ),
)
BIOGENIC_SOURCE = Source(
    publisher="ISO",
    title="ISO 14067:2018 Greenhouse gases — Carbon footprint of products",
    year=2018,
    table="biogenic carbon: removals −1 and emissions +1 kg CO2e per kg CO2",
)


@dataclass(frozen=True)
class ShippedTable:
    file: str
    database: str
    description: str


SHIPPED_TABLES = (
    ShippedTable(
        "cn-electricity.csv",
        "cn-electricity",
        "China electricity CO2 and footprint factors (MEE, NBS, NEA announcements)",
    ),
    ShippedTable(
        "ipcc2006-fuels.csv",
        "ipcc2006-fuels",
        "IPCC 2006 default stationary-combustion factors (Table 2.3 manufacturing industries, "
        "Table 2.2 energy industries) and net calorific values",
    ),
    ShippedTable(
        "cn-fuels.csv",
        "cn-fuels",
        "China enterprise GHG accounting guideline fuel defaults (NDRC), per Nm3, m3 and TJ",
    ),
    ShippedTable(
        "freight-transport.csv",
        "freight-transport",
        "Freight transport per tonne-km, tank-to-wheel and well-to-wheel (UK DESNZ 2025)",
    ),
    ShippedTable(
        "ipcc2006-ippu.csv",
        "ipcc2006-ippu",
        "IPCC 2006 Vol. 3 Tier 1 process CO2 defaults (clinker, lime, glass, ammonia, carbides,"
        " titanium dioxide, soda ash, iron and steel, primary aluminium); direct plant"
        " emissions, not footprints",
    ),
    ShippedTable(
        "materials-sector.csv",
        "materials-sector",
        "Materials: steel (worldsteel), primary aluminium (IAI),"
        " battery raw materials (Istrate et al. 2024), material use (UK DESNZ 2025, proxies)",
    ),
    ShippedTable(
        "eu-cbam-defaults-cn.csv",
        "eu-cbam-defaults",
        "EU CBAM default values for goods from China (Implementing Regulation (EU) 2025/2621);"
        " reference values, not life-cycle factors",
    ),
)


def _data_file(*parts: str) -> Path:
    return Path(str(resources.files("tanji.data").joinpath(*parts)))


def ensure_reference_data(session: Session) -> list[str]:
    """Load gases, GWP methods and the shipped factor tables; returns what changed."""
    changes = _ensure_gases_and_methods(session)
    for table in SHIPPED_TABLES:
        path = _data_file("factors", table.file)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        stored = session.scalar(
            select(DatabaseVersionRow.id)
            .join(DatabaseRow, DatabaseRow.id == DatabaseVersionRow.database_id)
            .where(DatabaseRow.name == table.database, DatabaseVersionRow.import_sha256 == digest)
        )
        if stored is not None:
            continue
        target = Destination(
            table.database,
            owner_name="Tanji platform (shipped reference data)",
            owner_kind="platform",
            visibility="public",
            import_file=f"tanji/data/factors/{table.file}",
            import_sha256=digest,
        )
        summary = import_factors(session, read_factor_table(path), target, import_format="csv")
        changes.append(
            f"{table.database} version {summary.version}: {summary.new} new, "
            f"{summary.changed} changed, {summary.unchanged} unchanged factors"
        )
        db = session.scalar(select(DatabaseRow).where(DatabaseRow.name == table.database))
        if db is not None and not db.description:
            db.description = table.description
    return changes


def _ensure_gases_and_methods(session: Session) -> list[str]:
    with _data_file("gwp.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    changes: list[str] = []
    gases = set(session.scalars(select(GasRow.id)))
    for row in rows:
        if row["gas_id"] not in gases:
            gases.add(row["gas_id"])
            session.add(
                GasRow(
                    id=row["gas_id"],
                    formula=row["formula"],
                    name_en=row["name_en"],
                    name_zh=row["name_zh"],
                    cas=row["cas"] or None,
                )
            )
    for gas_id, formula, name_en, name_zh, _ in BIOGENIC:
        if gas_id not in gases:
            session.add(
                GasRow(id=gas_id, formula=formula, name_en=name_en, name_zh=name_zh, cas="124-38-9")
            )
    session.flush()
    sources: dict[Source, int] = {}
    for key, (name, column, source_column) in GWP_METHODS.items():
        method = session.scalar(select(MethodRow).where(MethodRow.key == key))
        if method is None:
            method = MethodRow(key=key, name=name, unit="kg CO2e")
            session.add(method)
            session.flush()
            changes.append(f"method {key}")
        stored = dict(
            session.execute(
                select(GasFactorRow.gas_id, GasFactorRow.factor).where(
                    GasFactorRow.method_id == method.id
                )
            ).all()
        )
        wanted = [
            (row["gas_id"], float(row[column]), _gwp_source(row[source_column]))
            for row in rows
            if row[column]
        ]
        wanted += [(gas_id, factor, BIOGENIC_SOURCE) for gas_id, *_, factor in BIOGENIC]
        save_sources(session, (source for *_, source in wanted), sources)
        for gas_id, factor, source in wanted:
            if gas_id not in stored:
                stored[gas_id] = factor
                session.add(
                    GasFactorRow(
                        method_id=method.id,
                        gas_id=gas_id,
                        factor=factor,
                        source_id=sources[source],
                    )
                )
            elif stored[gas_id] != factor:
                raise ValueError(
                    f"shipped GWP of {gas_id} changed ({stored[gas_id]} → {factor}); GWP sets "
                    "are fixed once published — add a new method key instead"
                )
    session.flush()
    return changes


def _gwp_source(citation: str) -> Source:
    report = "IPCC AR6 WG1 (2021)" if "AR6" in citation else "IPCC AR5 WG1 (2013)"
    year = 2021 if "AR6" in citation else 2013
    return Source(
        publisher="Intergovernmental Panel on Climate Change (IPCC)",
        title=f"{report}, The Physical Science Basis",
        year=year,
        table=citation,
    )
