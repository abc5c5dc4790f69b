"""LCI databases on both stores: import a bundle, compute footprints, rebuild it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tanji.domain.factors import Uncertainty
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.engine import Engine
from tanji.services.catalog import Destination
from tanji.services.errors import ConflictError, NotFoundError, ServiceError
from tanji.services.lci import activity_detail, footprint, method_keys, search_activities
from tanji.services.lci_import import import_bundle, load_bundle

P, T, B = ExchangeKind.PRODUCTION, ExchangeKind.TECHNOSPHERE, ExchangeKind.BIOSPHERE


def bundle() -> LciBundle:
    """Electricity ↔ coal loop feeding a cell.

    electricity (kWh): needs 0.4 kg coal, emits 0.5 kg CO2
    coal (kg): needs 0.1 kWh electricity, emits 0.01 kg CH4 (fossil)
    cell (kWh): needs 50 kWh electricity, emits 1 kg CO2

    Supply for 1 cell: e = 50 + 0.1·c, c = 0.4·e → e = 50/0.96, c = 20/0.96.
    AR6 GWP100: CO2 1, CH4 fossil 29.8 → h = 1 + 0.5·e + 0.298·c
      = 1 + (25 + 5.96)/0.96 = 1 + 30.96/0.96 = 33.25 kg CO2e.
    """
    return LciBundle(
        format="test",
        activities=(
            Activity(
                "elec",
                "electricity, grid",
                "kWh",
                (
                    Exchange(P, "elec", 1.0),
                    Exchange(T, "coal", 0.4, uncertainty=Uncertainty("lognormal", gsd=1.2)),
                    Exchange(B, "co2", 0.5),
                ),
                location="CN-JS",
            ),
            Activity(
                "coal",
                "hard coal, mined",
                "kg",
                (Exchange(P, "coal", 1.0), Exchange(T, "elec", 0.1), Exchange(B, "ch4", 0.01)),
                location="CN",
            ),
            Activity(
                "cell",
                "LFP cell",
                "kWh",
                (Exchange(P, "cell", 1.0), Exchange(T, "elec", 50.0), Exchange(B, "co2", 1.0)),
                location="CN-JS",
            ),
        ),
        flows=(
            ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", "air", "124-38-9", gas="CO2"),
            ElementaryFlow("ch4", "Methane, fossil", "kg", "air", "74-82-8", gas="CH4-fossil"),
        ),
        methods=(ImpactMethod("m", "own gwp", "kg CO2e", (("co2", 1.0), ("ch4", 30.0))),),
        product_systems=(ProductSystem("ps", "cell system", "cell", 2.0),),
    )


def test_footprint_with_the_shipped_ar6_method(session: Session) -> None:
    summary = import_bundle(session, bundle(), Destination("lci-test", "1"))
    assert (summary.activities, summary.flows, summary.exchanges) == (3, 2, 9)
    answer = footprint(session, Engine(), "lci-test", "cell")
    assert answer.score == pytest.approx(33.25, rel=1e-12)
    assert answer.unit == "kg CO2e"
    assert (summary.ghg_warnings, answer.warnings) == ((), ())


def test_footprint_with_the_imported_method_and_a_product_system(session: Session) -> None:
    summary = import_bundle(session, bundle(), Destination("lci-test"))
    (key,) = summary.methods
    assert key in method_keys(session, "lci-test")
    # CH4 at 30 instead of 29.8: h = 1 + (25 + 0.3·20)/0.96 = 1 + 31/0.96; product system: ×2
    answer = footprint(session, Engine(), "lci-test", "cell system", method=key)
    assert answer.amount == 2.0
    assert answer.score == pytest.approx(2 * (1 + 31 / 0.96), rel=1e-12)


def test_stored_bundle_rebuilds_equal(session: Session) -> None:
    original = bundle()
    import_bundle(session, original, Destination("lci-test"))
    rebuilt = load_bundle(session, "lci-test")
    assert sorted(a.key for a in rebuilt.activities) == ["cell", "coal", "elec"]
    by_key = {a.key: a for a in rebuilt.activities}
    for activity in original.activities:
        assert set(by_key[activity.key].exchanges) == set(activity.exchanges)
    assert set(rebuilt.flows) == set(original.flows)
    assert rebuilt.product_systems[0].reference_activity == "cell"


def test_search_activities(session: Session) -> None:
    import_bundle(session, bundle(), Destination("lci-test"))
    assert [h.ref for h in search_activities(session, "coal")] == ["lci-test:coal"]
    assert {h.ref for h in search_activities(session, "", geography="CN-JS")} == {
        "lci-test:cell",
        "lci-test:elec",
    }


def test_errors_name_what_is_missing(session: Session) -> None:
    import_bundle(session, bundle(), Destination("lci-test", "1"))
    with pytest.raises(ConflictError):
        import_bundle(session, bundle(), Destination("lci-test", "1"))
    with pytest.raises(NotFoundError, match="no activity or product system 'nope'"):
        footprint(session, Engine(), "lci-test", "nope")
    with pytest.raises(NotFoundError, match="no impact method"):
        footprint(session, Engine(), "lci-test", "cell", method="nope")
    with pytest.raises(ServiceError, match="holds emission factors"):
        footprint(session, Engine(), "cn-electricity", "x")
    broken = LciBundle(
        format="test",
        activities=(Activity("x", "x", "kg", (Exchange(P, "x", 1.0), Exchange(T, "ghost", 1.0))),),
        flows=(),
    )
    with pytest.raises(ServiceError, match="providing activity 'ghost'"):
        import_bundle(session, broken, Destination("lci-broken"))


def test_an_activity_shows_its_inputs_and_what_uses_it(session: Session) -> None:
    import_bundle(session, bundle(), Destination("lci-test"))
    electricity = activity_detail(session, "lci-test:elec")
    assert electricity.name == "electricity, grid"
    assert ("hard coal, mined", 0.4, "technosphere") in electricity.inputs
    assert ("Carbon dioxide, fossil", 0.5, "biosphere") in electricity.inputs
    assert electricity.used_by == ("LFP cell", "hard coal, mined")
    assert activity_detail(session, "lci-test:cell").used_by == ()
    with pytest.raises(NotFoundError, match="no activity 'nope'"):
        activity_detail(session, "lci-test:nope")


def test_greenhouse_gas_like_flows_without_a_gas_are_reported(session: Session) -> None:
    """An unspecified PFC group has no GWP: the import and every AR6 footprint say so, and a
    method that characterizes no flow the database uses warns that all scores are zero."""
    base = bundle()
    pfc = ElementaryFlow("pfc", "Perfluorocarbons, unspecified", "kg", "air/unspecified")
    unused = ElementaryFlow("n2o", "Dinitrogen monoxide", "kg", "air", gas="N2O")
    coal = base.activities[1]
    coal = Activity(
        coal.key, coal.name, coal.unit, (*coal.exchanges, Exchange(B, "pfc", 1e-6)), location="CN"
    )
    data = LciBundle(
        format="test",
        activities=(base.activities[0], coal, base.activities[2]),
        flows=(*base.flows, pfc, unused),
        methods=(ImpactMethod("zero", "N2O only", "kg CO2e", (("n2o", 273.0),)),),
    )
    summary = import_bundle(session, data, Destination("lci-ghg"))
    assert summary.ghg_warnings == ("Perfluorocarbons, unspecified (air/unspecified)",)
    answer = footprint(session, Engine(), "lci-ghg", "cell")
    assert answer.score == pytest.approx(33.25, rel=1e-12)  # the PFCs count as zero
    (warning,) = answer.warnings
    assert "1 greenhouse-gas-like flow(s)" in warning
    assert "Perfluorocarbons, unspecified (air/unspecified)" in warning
    (key,) = summary.methods
    zero = footprint(session, Engine(), "lci-ghg", "cell", method=key)
    assert zero.score == 0.0
    assert zero.warnings == (
        f"method {key} characterizes no elementary flow this database uses: "
        "every footprint is exactly zero",
    )
