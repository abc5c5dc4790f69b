"""An LCI activity admitted into an LCI background database as a unit process, on both
stores: a new version holds it with its exchanges (its footprint is the engine's), the
earlier version is unchanged, a missing provider is refused naming the exchange, and a
product pinned to the earlier version is listed by change propagation."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.db.admission_world import World, files, world
from tests.integration.db.test_admission_store import a_review
from tests.integration.db.test_footprints_store import bundle

from tanji.db.models import ActivityRow, DatabaseVersionRow
from tanji.domain.admission import (
    AdmissionError,
    BackgroundRecord,
    Quantity,
    RecordKind,
    UnitExchange,
)
from tanji.domain.factors import PefQuality
from tanji.engine import Engine as LcaEngine
from tanji.services import lci, product_calculation, products
from tanji.services.admission import databases, decisions, propagation, reviews, submissions
from tanji.services.admission._common import AdmissionRefusedError
from tanji.services.admission.submissions import EvidenceFile
from tanji.services.admission.unit_process import activity_source
from tanji.services.background import BackgroundStore
from tanji.services.catalog import Destination, get_database, get_lci_version
from tanji.services.lci_import import import_bundle, load_bundle
from tanji.services.product_lines import LineInput
from tanji.services.rules import ensure_shipped_rules

METHOD = "ipcc-ar6-gwp100"


def pack(*, provider: str = "cell", flow: str = "co2") -> BackgroundRecord:
    """A battery pack per kWh: 1.02 kWh of cells, 0.5 kWh of electricity, 0.2 kg CO2."""
    return BackgroundRecord(
        kind=RecordKind.LCI_ACTIVITY, code="lfp-pack", name_zh="磷酸铁锂电池包",
        name_en="LFP battery pack", unit="kWh", geography="CN-JS", product="lfp-pack",
        year=2024, co2e=40.0, dqr=PefQuality(2, 2, 1, 2),
        quantities=(
            Quantity("electricity", 5.0e5, "kWh", ("meter.csv",)),
            Quantity("cells", 1.02e6, "kWh", ("invoice.pdf",)),
            Quantity("output", 1.0e6, "kWh", ("production.xlsx",)),
        ),
        exchanges=(
            UnitExchange("technosphere", provider, 1.02, "kWh", "cells"),
            UnitExchange("technosphere", "elec", 0.5, "kWh", "electricity"),
            UnitExchange("biosphere", flow, 0.2, "kg"),
        ),
    )  # fmt: skip


def evidence() -> list[EvidenceFile]:
    return [*files(), EvidenceFile("invoice.pdf", "invoice", b"%PDF invoice", "application/pdf")]


def lci_world(session: Session) -> tuple[World, str, int]:
    """The admission world with an imported LCI database (version 1) taking submissions."""
    w = world(session, min_reviews=1)
    name = f"js-lci-{secrets.token_hex(3)}"
    import_bundle(session, bundle(), Destination(name, "1", visibility="public"))
    sector = w.database.removeprefix("js-")
    adb = databases.create_background_database(
        session, w.department, name, sector, min_reviews=1, kind="lci"
    )
    databases.register_reviewer(session, w.department, adb, w.reviewers[0].org_id)
    return w, name, adb


def admitted(session: Session, w: World, adb: int, record: BackgroundRecord) -> str:
    sid = submissions.submit(session, w.submitter, adb, record, evidence())
    reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    return decisions.admit(session, w.department, sid).factor_ref


def test_an_lci_activity_is_admitted_as_a_unit_process_in_a_new_version(
    session: Session, tmp_path: Path
) -> None:
    w, name, adb = lci_world(session)
    engine = LcaEngine()
    cell_1 = lci.footprint(session, engine, name, "cell", method=METHOD, version="1").score
    elec_1 = lci.footprint(session, engine, name, "elec", method=METHOD, version="1").score
    # a product of another organisation links the cell of version 1
    ensure_shipped_rules(session)
    owner = w.reviewers[1]
    product = products.create_product(
        session, owner, template="general", code=f"p-{secrets.token_hex(3)}", name_zh="储能柜",
        output="1 piece",
    )  # fmt: skip
    for line_id in ("main-material", "inbound-road", "natural-gas"):
        products.delete_line(session, owner, product.id, line_id)
    products.add_line(
        session, owner, product.id,
        LineInput(id="cells", stage="raw_materials", kind="activity", amount=2, unit="kWh",
                  activity=f"{name}:cell"),
    )  # fmt: skip
    backgrounds = BackgroundStore(engine, tmp_path / "cache", "test")
    old = product_calculation.calculate_product(session, backgrounds, owner, product.id)

    ref = admitted(session, w, adb, pack())

    assert ref == f"{name}:lfp-pack@2"
    # the new version holds the unit process; its footprint is the engine's computation
    answer = lci.footprint(session, engine, name, "lfp-pack", method=METHOD, version="2")
    assert answer.score == pytest.approx(1.02 * cell_1 + 0.5 * elec_1 + 0.2)
    stored = next(a for a in load_bundle(session, name, "2").activities if a.key == "lfp-pack")
    assert sorted((e.kind.value, e.target, e.amount) for e in stored.exchanges) == [
        ("biosphere", "co2", 0.2),
        ("production", "lfp-pack", 1.0),
        ("technosphere", "cell", 1.02),
        ("technosphere", "elec", 0.5),
    ]
    # every other activity carried over with the same footprint
    assert lci.footprint(session, engine, name, "cell", method=METHOD).score == pytest.approx(
        cell_1
    )
    # the earlier version is unchanged
    assert sorted(a.key for a in load_bundle(session, name, "1").activities) == [
        "cell", "coal", "elec"
    ]  # fmt: skip
    # the source organisation and the evidence are marked on the record
    source = activity_source(session, name, "lfp-pack")
    assert source is not None
    assert (source.submitter_org_id, source.admitted_in) == (w.submitter.org_id, "2")
    assert "sha256:" in source.note
    assert "invoice.pdf" in source.note
    assert activity_source(session, name, "cell") is None
    row = session.scalar(
        select(ActivityRow).where(
            ActivityRow.database_version_id == get_lci_version(session, name, "2").id,
            ActivityRow.key == "lfp-pack",
        )
    )
    assert row is not None
    assert row.category.startswith("admitted/测试企业")
    # change propagation lists the product pinned to version 1
    dependents = propagation.affected(session, name)
    assert [(d.result_id, d.stale) for d in dependents] == [(old.result_id, (f"{name}:cell@1",))]
    assert propagation.affected(session, name, "1") == []
    # a footprint links the admitted activity (pinned to version 2)
    products.add_line(
        session, owner, product.id,
        LineInput(id="pack", stage="raw_materials", kind="activity", amount=1, unit="kWh",
                  activity=f"{name}:lfp-pack"),
    )  # fmt: skip
    new = product_calculation.calculate_product(session, backgrounds, owner, product.id)
    assert new.total == pytest.approx(2 * cell_1 + answer.score)


def test_a_missing_provider_or_flow_is_refused_naming_the_exchange(session: Session) -> None:
    w, name, adb = lci_world(session)
    with pytest.raises(AdmissionError) as refused:
        submissions.submit(session, w.submitter, adb, pack(provider="nickel"), evidence())
    assert [(r.key, r.params["target"]) for r in refused.value.reasons] == [
        ("admission.lci.no_provider", "nickel")
    ]
    assert "nickel" in str(refused.value)
    with pytest.raises(AdmissionError) as refused:
        submissions.submit(session, w.submitter, adb, pack(flow="so2"), evidence())
    assert [r.key for r in refused.value.reasons] == ["admission.lci.no_flow"]
    # a record without its exchanges, or a factor, is refused by an LCI database
    bare = BackgroundRecord.from_dict({**pack().as_dict(), "exchanges": []})
    with pytest.raises(AdmissionError) as refused:
        submissions.submit(session, w.submitter, adb, bare, evidence())
    assert [r.key for r in refused.value.reasons] == ["admission.lci.no_exchanges"]
    # the latest version no longer holds the provider at admission: refused, nothing written
    sid = submissions.submit(session, w.submitter, adb, pack(), evidence())
    reviews.review(session, w.reviewers[0], sid, a_review(w.reviewers[0]))
    without_cell = load_bundle(session, name, "1")
    import_bundle(
        session,
        type(without_cell)(
            format="test",
            activities=tuple(a for a in without_cell.activities if a.key != "cell"),
            flows=without_cell.flows,
        ),
        Destination(name, "2"),
    )
    with pytest.raises(AdmissionRefusedError) as at_admission:
        decisions.admit(session, w.department, sid)
    assert [(r.key, r.params["target"]) for r in at_admission.value.reasons] == [
        ("admission.lci.no_provider", "cell")
    ]
    versions = session.scalars(
        select(DatabaseVersionRow.version).where(
            DatabaseVersionRow.database_id == get_database(session, name).id
        )
    )
    assert sorted(versions) == ["1", "2"]


def test_the_aggregated_factor_path_stays_for_a_factor_database(session: Session) -> None:
    w = world(session, min_reviews=1)
    ref = admitted(session, w, w.admission_db_id, pack())
    assert ref == f"{w.database}:lfp-pack@1"  # a factor: exchanges are not needed there
