"""The emission-factor library on both stores: shipped data, search, versions, diffs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.models import FactorVersionRow, GasFactorRow, MethodRow, SourceRow
from tanji.domain.factors import EmissionFactor, FactorKind, GasAmount, Source
from tanji.services.catalog import Destination, list_databases
from tanji.services.errors import ConflictError, NotFoundError, ServiceError
from tanji.services.factors import (
    diff_factor,
    factor_detail,
    import_factors,
    parse_ref,
    search_factors,
    stored_factors,
)

SOURCE = Source(publisher="Test Bureau", title="Test factors", year=2024, table="Table 1")


def factor(code: str = "F1", co2: float = 1.5, **changes: object) -> EmissionFactor:
    base = EmissionFactor(
        code=code,
        name_zh="测试因子",
        name_en="Test factor",
        kind=FactorKind.MATERIAL,
        unit="kg",
        geography="CN-JS",
        source=SOURCE,
        gases=(GasAmount("CO2", co2),),
        illustrative=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_shipped_gwp_methods_carry_sources(session: Session) -> None:
    keys = set(
        session.scalars(select(MethodRow.key).where(MethodRow.database_version_id.is_(None)))
    )
    assert {"ipcc-ar6-gwp100", "ipcc-ar6-gwp20", "ipcc-ar5-gwp100"} <= keys
    ar6 = session.scalar(select(MethodRow).where(MethodRow.key == "ipcc-ar6-gwp100"))
    assert ar6 is not None
    gwp = dict(
        session.execute(
            select(GasFactorRow.gas_id, GasFactorRow.factor).where(GasFactorRow.method_id == ar6.id)
        ).all()
    )
    # IPCC AR6 WG1 Table 7.15: CH4 fossil 29.8, non-fossil 27.0, N2O 273
    assert gwp["CO2"] == 1.0
    assert gwp["CH4-fossil"] == pytest.approx(29.8)
    assert gwp["CH4-nonfossil"] == pytest.approx(27.0)
    assert gwp["N2O"] == pytest.approx(273.0)
    # The whole of Table 7.SM.7 flows into the methods (251 gases + 2 biogenic CO2 ids);
    # AR5 only where Table 8.A.1 lists the gas.
    assert (len(gwp), gwp["HCFC-22"], gwp["PFC-116"], gwp["Halon-1301"]) == (253, 1960, 12400, 7200)
    counts = dict(
        session.execute(
            select(MethodRow.key, func.count())
            .join(GasFactorRow, GasFactorRow.method_id == MethodRow.id)
            .where(MethodRow.database_version_id.is_(None))
            .group_by(MethodRow.key)
        ).all()
    )
    assert counts == {"ipcc-ar6-gwp100": 253, "ipcc-ar6-gwp20": 253, "ipcc-ar5-gwp100": 141}
    missing_source = session.scalar(
        select(func.count()).select_from(GasFactorRow).where(GasFactorRow.source_id.is_(None))
    )
    assert missing_source == 0


def test_shipped_factor_databases_are_public_and_sourced(session: Session) -> None:
    databases = {d.name: d for d in list_databases(session)}
    for name in ("cn-electricity", "ipcc2006-fuels", "cn-fuels", "freight-transport"):
        assert databases[name].visibility == "public"
        assert databases[name].records > 0
    sources = session.scalars(
        select(SourceRow).join(FactorVersionRow, FactorVersionRow.source_id == SourceRow.id)
    ).all()
    assert sources
    assert all(s.publisher and s.title for s in sources)


@pytest.mark.parametrize("query", ["江苏 电网", "Jiangsu grid", "jiangsu ELECTRICITY"])
def test_search_finds_the_jiangsu_grid_factor_in_chinese_and_english(
    session: Session, query: str
) -> None:
    hits = search_factors(session, query)
    assert hits
    # Jiangsu's own factors and its regional grid's (East China covers Jiangsu).
    assert {h.geography for h in hits} <= {"CN-JS", "CN-EAST"}
    assert any(h.kind == "grid_location" and h.geography == "CN-JS" for h in hits)
    assert all(h.source for h in hits)


def test_search_by_geography_filter(session: Session) -> None:
    hits = search_factors(session, "电网", geography="CN-JS")
    assert hits
    assert {h.geography for h in hits} == {"CN-JS"}


def test_show_gives_values_and_source(session: Session) -> None:
    hit = search_factors(session, "2023 national grid")[0]
    detail = factor_detail(session, hit.ref)
    assert detail.factor.source.publisher
    assert detail.factor.gases or detail.factor.co2e is not None
    assert detail.in_database_versions


def test_a_new_version_keeps_the_old_one_and_shows_the_difference(session: Session) -> None:
    first = import_factors(session, [factor("F1"), factor("F2")], Destination("test-db", "v1"))
    assert (first.new, first.changed, first.unchanged) == (2, 0, 0)
    second = import_factors(
        session, [factor("F1", co2=1.8), factor("F2")], Destination("test-db", "v2")
    )
    assert (second.new, second.changed, second.unchanged, second.removed) == (0, 1, 1, 0)

    assert factor_detail(session, "test-db:F1@1").factor.gases == (GasAmount("CO2", 1.5),)
    latest = factor_detail(session, "test-db:F1")
    assert latest.version == 2
    assert latest.versions == (1, 2)
    changes = diff_factor(session, "test-db:F1", 1, 2)
    assert [c.field for c in changes] == ["gases"]
    # The unchanged factor is the same version in both database versions.
    assert factor_detail(session, "test-db:F2").in_database_versions == ("v1", "v2")
    assert [f.code for f in stored_factors(session, "test-db", "v1")] == ["F1", "F2"]


def test_removed_codes_leave_the_new_version(session: Session) -> None:
    import_factors(session, [factor("F1"), factor("F2")], Destination("test-db", "1"))
    summary = import_factors(session, [factor("F1")], Destination("test-db", "2"))
    assert summary.removed == 1
    assert [f.code for f in stored_factors(session, "test-db")] == ["F1"]


def test_a_published_version_label_cannot_be_reused(session: Session) -> None:
    import_factors(session, [factor("F1")], Destination("test-db", "1"))
    with pytest.raises(ConflictError, match="already has version '1'"):
        import_factors(session, [factor("F1", co2=9.0)], Destination("test-db", "1"))


def test_round_trip_of_stored_factors(session: Session) -> None:
    original = [factor("A", co2=2.0, notes="n", valid_from=None), factor("B", co2=3.0)]
    import_factors(session, original, Destination("test-db"))
    assert stored_factors(session, "test-db") == original


@pytest.mark.parametrize(
    ("ref", "error"),
    [
        ("no-colon", ServiceError),
        ("test-db:F1@x", ServiceError),
        ("nope:F1", NotFoundError),
        ("test-db:NOPE", NotFoundError),
        ("test-db:F1@7", NotFoundError),
    ],
)
def test_bad_references_are_explained(session: Session, ref: str, error: type[Exception]) -> None:
    import_factors(session, [factor("F1")], Destination("test-db"))
    with pytest.raises(error):
        factor_detail(session, ref)


def test_parse_ref() -> None:
    assert parse_ref("db:code@3") == ("db", "code", 3)
    assert parse_ref("db:a:b") == ("db", "a:b", None)
