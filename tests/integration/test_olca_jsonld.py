"""openLCA JSON-LD in and out: the authored LFP fixture, openLCA 1.x exports, conventions
(units, wastes, avoided products, allocation, resources), round trips and broken input."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import olca_schema as o
import olca_schema.units as olca_units
import pytest
from olca_schema import zipio

from tanji.domain.factors import Uncertainty
from tanji.domain.inventory import build_inventory_system
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.engine import Engine, by_activity
from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.olca_jsonld import read_jsonld, write_jsonld
from tanji.io.policy import PROVIDER_RULE, ImportPolicy

# tests/integration/this file → parents[3] is the workplace holding main/ and shared/.
REPO = Path(__file__).resolve().parents[2]
STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards"
OPENLCA = STANDARDS / "openlca"
LFP = OPENLCA / "authored" / "lfp-cell-illustrative.jsonld.zip"

CELL = "3b465b0b-ff4f-592d-a80a-6803f6bd08a9"
CATHODE = "e6be22b6-7a01-504b-8aaa-61cac99eae1c"
GRID = "c29d7389-8c5a-5f3e-be95-bd6fcf770193"
CO2 = "e6383698-8f08-5d6a-b61f-4f3f4acca06c"
CH4 = "bc070d15-0a3c-5a4f-982f-bf758a3c0aa1"
CATHODE_MATERIAL = "ab38e88a-c3c0-5bb5-8999-02cd526732d7"
GWP_CATEGORY = "5684f261-1868-5791-bff8-83947747219b"


@pytest.fixture(scope="module")
def openlca() -> Path:
    """The openLCA samples of the workplace's shared folder; required in CI."""
    if not OPENLCA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{STANDARDS} is missing; in CI the openLCA samples must be present")
        pytest.skip(
            "../shared/standards not found: "
            "the openLCA samples live in the workplace's shared folder"
        )
    return OPENLCA


@pytest.fixture(scope="module")
def expected(openlca: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (openlca / "authored" / "lfp-cell-illustrative.expected.json").read_text()
    )
    return data


@pytest.fixture(scope="module")
def lfp(openlca: Path) -> LciBundle:
    return read_jsonld(LFP)


def _score(
    bundle: LciBundle, methods: dict[str, dict[str, float]] | None = None, system: int = 0
) -> tuple[float, dict[str, float]]:
    """(score, direct contribution per activity name) of a bundle's product system."""
    methods = methods or {m.name: dict(m.factors) for m in bundle.methods}
    engine_system, index = build_inventory_system(bundle.activities, bundle.flows, methods)
    product_system = bundle.product_systems[system]
    demand = {index.activity_id(product_system.reference_activity): product_system.amount}
    result = Engine().lca(engine_system, demand, next(iter(methods)))
    names = {index.activity_id(a.key): a.name for a in bundle.activities}
    direct = {names[int(c.key)]: c.score for c in by_activity(result, top=None)}
    return result.score, direct


# --------------------------------------------------------------------------------------
# The authored LFP cell fixture
# --------------------------------------------------------------------------------------


def test_lfp_score_matches_the_expected_total(lfp: LciBundle, expected: dict[str, Any]) -> None:
    # By hand, per kWh of cell: the cell emits 1 kg CO2 and takes 2.2 kg cathode material and
    # 30 kWh; 1 kg cathode emits 2 kg CO2 + 0.01 kg CH4 (x 29.8) and takes 10 kWh; 1 kWh of
    # grid power emits 0.58 kg CO2. Total = 1 + 2.2·(2 + 0.298) + (30 + 2.2·10)·0.58
    # = 1 + 5.0556 + 30.16 = 36.2156 exactly: the file's 36.2156 is not rounded.
    score, _ = _score(lfp)
    assert expected["expected_total_kg_co2e"] == 36.2156
    assert score == pytest.approx(expected["expected_total_kg_co2e"], rel=1e-9)
    assert score == pytest.approx(1 + 2.2 * (2 + 0.01 * 29.8) + 52 * 0.58, rel=1e-12)


def test_lfp_direct_contributions_match_the_expected_ones(
    lfp: LciBundle, expected: dict[str, Any]
) -> None:
    _, direct = _score(lfp)
    assert direct == pytest.approx(expected["expected_direct_by_process_kg_co2e"], rel=1e-9)


def test_lfp_gas_ids_give_the_same_score(lfp: LciBundle, expected: dict[str, Any]) -> None:
    tanji_gwp = {"CO2": 1.0, "CH4-fossil": 29.8}
    by_gas = {f.key: tanji_gwp[f.gas] for f in lfp.flows if f.gas in tanji_gwp}
    assert {f.gas for f in lfp.flows} == {"CO2", "CH4-fossil"}
    score, _ = _score(lfp, {"tanji-gwp100": by_gas})
    assert score == pytest.approx(expected["expected_total_kg_co2e"], rel=1e-9)


def test_lfp_bundle_contents(lfp: LciBundle, expected: dict[str, Any]) -> None:
    assert lfp.format == "olca-jsonld"
    assert lfp.source is not None
    assert lfp.source.title == LFP.name
    assert {a.key for a in lfp.activities} == {CELL, CATHODE, GRID}
    cell = next(a for a in lfp.activities if a.key == CELL)
    assert (cell.unit, cell.location, cell.reference_product) == (
        "kWh",
        "CN-JS",
        expected["reference_flow"],
    )
    assert [(e.kind, e.target, e.amount, e.unit) for e in cell.exchanges] == [
        (ExchangeKind.PRODUCTION, CELL, 1.0, "kWh"),
        (ExchangeKind.TECHNOSPHERE, CATHODE, 2.2, "kg"),
        (ExchangeKind.TECHNOSPHERE, GRID, 30.0, "kWh"),
        (ExchangeKind.BIOSPHERE, CO2, 1.0, "kg"),
    ]
    (method,) = lfp.methods
    assert (method.key, method.name, method.unit) == (
        GWP_CATEGORY,
        expected["impact_category"],
        "kg CO2 eq",
    )
    assert dict(method.factors) == {CO2: 1.0, CH4: 29.8}
    assert lfp.product_systems == (
        ProductSystem(expected["product_system_id"], "LFP cell, per kWh (illustrative)", CELL, 1.0),
    )


def test_units_are_converted_to_the_reference_unit(openlca: Path, tmp_path: Path) -> None:
    """The cell's inputs in t and MJ, a factor per g and a target in MJ: the same footprint."""
    t_id, mj_id = "d4007310-5cea-5d4f-9b8a-87b32c4a6da7", "9dc2cccd-7071-5ac5-81d2-c8887e47387a"

    def edit(entry: str, data: dict[str, Any]) -> None:
        if entry.endswith(f"{CELL}.json"):
            cathode, power = data["exchanges"][1], data["exchanges"][2]
            cathode.update(amount=0.0022, unit={"@id": t_id, "name": "t"})
            power.update(amount=108.0, unit={"@id": mj_id, "name": "MJ"})
        if entry.startswith("lcia_categories/"):
            data["impactFactors"][0].update(value=0.001, unit={"name": "g"})
        if entry.startswith("unit_groups/39358ea5"):  # mass: add g = 0.001 kg
            data["units"].append({"@id": "g", "name": "g", "conversionFactor": 0.001})
        if entry.startswith("product_systems/"):
            data.update(targetAmount=3.6, targetUnit={"@id": mj_id, "name": "MJ"})

    bundle = read_jsonld(_rewritten(LFP, tmp_path / "units.zip", edit))
    cell = next(a for a in bundle.activities if a.key == CELL)
    assert [e.amount for e in cell.exchanges[1:3]] == pytest.approx([2.2, 30.0], rel=1e-12)
    assert dict(bundle.methods[0].factors)[CO2] == pytest.approx(1.0, rel=1e-12)
    assert bundle.product_systems[0].amount == pytest.approx(1.0, rel=1e-12)
    assert _score(bundle)[0] == pytest.approx(36.2156, rel=1e-9)


# --------------------------------------------------------------------------------------
# openLCA 1.x exports (olca-modules test resources)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "activities", "methods", "systems"),
    [
        ("exchange_sync-all.zip", 2, 0, 1),
        ("flow_property_factor_sync-all.zip", 1, 1, 1),
        ("unit_sync-all.zip", 1, 1, 1),
        ("nw_set_sync-all.zip", 0, 1, 0),  # a method, a normalisation set, a project
        ("unit_sync-unit_group.zip", 0, 0, 0),  # a unit group only
    ],
)
def test_openlca_1x_exports_read(
    openlca: Path, name: str, activities: int, methods: int, systems: int
) -> None:
    bundle = read_jsonld(openlca / "jsonld-zips" / name)
    assert (len(bundle.activities), len(bundle.methods), len(bundle.product_systems)) == (
        activities,
        methods,
        systems,
    )
    # The 1.x field names ("quantitativeReference", "referenceUnitName", "input") were read.
    for activity in bundle.activities:
        assert activity.production_amount == 1.0
    for method in bundle.methods:
        assert method.unit in ("test", "tests")
        assert method.factors == ()  # the one factor is on a product flow: never applies


def test_openlca_1x_export_links_its_processes(openlca: Path) -> None:
    bundle = read_jsonld(openlca / "jsonld-zips" / "exchange_sync-all.zip")
    test_process = next(a for a in bundle.activities if a.name == "Test process")
    assert [(e.kind, e.target) for e in test_process.exchanges] == [
        (ExchangeKind.PRODUCTION, "68a86e58-0567-433f-ae8a-af32effe1f4c"),
        (ExchangeKind.TECHNOSPHERE, "644e363a-a8e2-423b-a25c-d109a188d963"),
    ]


def test_openlca_1x_export_without_the_provider_is_refused(openlca: Path) -> None:
    # Only "Test process" was exported, not "Test process 2" that provides its input.
    with pytest.raises(DataFormatError) as caught:
        read_jsonld(openlca / "jsonld-zips" / "exchange_sync-process.zip")
    assert caught.value.source.endswith("exchange_sync-process.zip")
    assert "Test process (processes/68a86e58" in caught.value.problem
    assert "1c253369-d6a6-470d-8442-1f4b65a82015" in caught.value.problem
    assert "no process in the zip provides 'Test flow 2'" in caught.value.problem
    assert "--unlinked cut-off" in caught.value.problem


# --------------------------------------------------------------------------------------
# Conventions: wastes, avoided flows, allocation, resources, uncertainty
# --------------------------------------------------------------------------------------


def _conventions_zip(path: Path, *, allocation: bool = True) -> Path:
    """P makes p; W treats waste w; M makes a and b (physical allocation 1:3);
    Q makes q from 0.5 kg a and 2 kg b, sends 0.5 kg w to W, credits 1 kg avoided p and
    1 kg avoided w, and takes up 1 kg CO2 from air. Every process emits e."""
    mass_units = o.new_unit_group("Units of mass", "kg")
    mass = o.new_flow_property("Mass", mass_units)
    e = o.new_elementary_flow("e", mass)
    e.category = "Elementary flows/Emission to air/unspecified"
    uptake = o.new_elementary_flow("Carbon dioxide, in air", mass)
    uptake.category = "Elementary flows/Resource/in air"
    p, q, a, b = (o.new_product(n, mass) for n in "pqab")
    w = o.new_waste("w", mass)

    P = o.new_process("P")
    o.new_output(P, p, 1).is_quantitative_reference = True
    o.new_output(P, e, 1)
    W = o.new_process("W")
    o.new_input(W, w, 2).is_quantitative_reference = True  # treats 2 kg, emits 1 kg e
    o.new_output(W, e, 1)
    M = o.new_process("M")
    o.new_output(M, a, 1).is_quantitative_reference = True
    o.new_output(M, b, 2)
    emission = o.new_output(M, e, 4)
    emission.uncertainty = o.Uncertainty(
        distribution_type=o.UncertaintyType.UNIFORM_DISTRIBUTION, minimum=2.0, maximum=6.0
    )
    if allocation:
        M.default_allocation_method = o.AllocationType.PHYSICAL_ALLOCATION
        M.allocation_factors = [
            o.new_physical_allocation_factor(M, a, 0.25),
            o.new_physical_allocation_factor(M, b, 0.75),
        ]
    Q = o.new_process("Q")
    o.new_output(Q, q, 1).is_quantitative_reference = True
    o.new_input(Q, a, 0.5)
    o.new_input(Q, b, 2)
    o.new_output(Q, w, 0.5)
    avoided_p = o.new_input(Q, p, 1)
    avoided_p.is_avoided_product = True
    avoided_w = o.new_output(Q, w, 1)
    avoided_w.is_avoided_product = True
    o.new_input(Q, uptake, 1)
    for i, exchange in enumerate(Q.exchanges, start=1):
        exchange.internal_id = i

    gwp = o.new_impact_category("GWP")
    gwp.ref_unit = "kg CO2 eq"
    o.new_impact_factor(gwp, e, 1.0)
    o.new_impact_factor(gwp, uptake, -1.0)
    system = o.ProductSystem(
        name="q system", ref_process=Q.to_ref(), ref_exchange=o.ExchangeRef(1), target_amount=1.0
    )
    with zipio.ZipWriter(path) as writer:
        for entity in (mass_units, mass, e, uptake, p, q, a, b, w, P, W, M, Q, gwp, system):
            writer.write(entity)
    return path


def test_wastes_avoided_flows_allocation_and_resources(tmp_path: Path) -> None:
    bundle = read_jsonld(_conventions_zip(tmp_path / "conventions.zip"))
    by_name = {a.name: a for a in bundle.activities}
    assert sorted(by_name) == ["M [a]", "M [b]", "P", "Q", "W"]
    m_a, m_b, q = by_name["M [a]"], by_name["M [b]"], by_name["Q"]
    # The reference product keeps the process id; the co-product gets "<process>:<flow>".
    assert m_b.key == f"{m_a.key}:{next(e for e in m_b.exchanges).target.split(':')[1]}"
    assert [(e.kind, e.amount) for e in m_a.exchanges] == [
        (ExchangeKind.PRODUCTION, 1.0),
        (ExchangeKind.BIOSPHERE, 1.0),  # 4 kg · 0.25
    ]
    assert [(e.kind, e.amount) for e in m_b.exchanges] == [
        (ExchangeKind.PRODUCTION, 2.0),
        (ExchangeKind.BIOSPHERE, 3.0),  # 4 kg · 0.75
    ]
    assert m_b.exchanges[1].uncertainty == Uncertainty("uniform", minimum=1.5, maximum=4.5)
    treatment = by_name["W"]
    assert treatment.exchanges[0] == Exchange(ExchangeKind.PRODUCTION, treatment.key, 2.0, "kg")
    assert [(e.kind, e.target, e.amount) for e in q.exchanges[1:]] == [
        (ExchangeKind.TECHNOSPHERE, m_a.key, 0.5),
        (ExchangeKind.TECHNOSPHERE, m_b.key, 2.0),
        (ExchangeKind.TECHNOSPHERE, treatment.key, 0.5),  # waste out: treatment demanded
        (ExchangeKind.TECHNOSPHERE, by_name["P"].key, -1.0),  # avoided product
        (ExchangeKind.TECHNOSPHERE, treatment.key, -1.0),  # avoided waste
        (ExchangeKind.BIOSPHERE, next(f.key for f in bundle.flows if f.name != "e"), 1.0),
    ]
    uptake = next(f for f in bundle.flows if f.name == "Carbon dioxide, in air")
    assert uptake.gas == "CO2-biogenic-uptake"
    # By hand: a 0.5·1 + b 2·1.5 + w 0.5·0.5 − p 1 − w 1·0.5 − uptake 1 = 1.75 kg e-eq.
    score, _ = _score(bundle)
    assert score == pytest.approx(0.5 + 3.0 + 0.25 - 1.0 - 0.5 - 1.0, rel=1e-12)


def test_multi_output_without_allocation_is_refused(tmp_path: Path) -> None:
    path = _conventions_zip(tmp_path / "multi.zip", allocation=False)
    with pytest.raises(ImportProblemsError) as caught:
        read_jsonld(path)
    (problem,) = (x for x in caught.value.problems if x.process.startswith("M ("))
    assert "processes/" in problem.process
    assert "2 products ('a', 'b') and no default allocation method" in problem.detail
    assert "--multi-output reference-only or own" in problem.detail
    # Every problem of the file at once: Q's input b has no provider left either.
    assert len(caught.value.problems) >= 2


def test_multi_output_reference_only_drops_the_co_products(tmp_path: Path) -> None:
    path = _conventions_zip(tmp_path / "multi.zip", allocation=False)
    policy = ImportPolicy(unlinked="cut-off", multi_output="reference-only")
    bundle = read_jsonld(path, policy=policy)
    m = next(a for a in bundle.activities if a.name == "M")
    # a carries all of M's emission (4 kg e), b is gone.
    assert [(e.kind, e.amount) for e in m.exchanges if e.kind is ExchangeKind.BIOSPHERE] == [
        (ExchangeKind.BIOSPHERE, 4.0)
    ]
    assert not any(a.name.startswith("M [") for a in bundle.activities)
    kinds = {(n.kind, n.exchange.split(" ", 1)[1]) for n in bundle.notes}
    assert ("co-product dropped", "'b'") in kinds
    assert ("cut-off", "'b'") in kinds  # Q's input of b has no provider now


def test_multi_output_own_uses_the_process_factors(tmp_path: Path) -> None:
    """No default method, but physical factors 1:3: ``own`` uses them, and says so."""

    def no_default(entry: str, data: dict[str, Any]) -> None:
        data.pop("defaultAllocationMethod", None)

    source = _conventions_zip(tmp_path / "multi.zip")
    path = _rewritten(source, tmp_path / "own.zip", no_default)
    with pytest.raises(ImportProblemsError, match="no default allocation method"):
        read_jsonld(path)
    bundle = read_jsonld(path, policy=ImportPolicy(multi_output="own"))
    assert [n.kind for n in bundle.notes] == ["own allocation"]
    assert "PHYSICAL_ALLOCATION" in bundle.notes[0].detail
    assert _score(bundle) == _score(read_jsonld(source))


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


def _assert_same_content(first: LciBundle, second: LciBundle) -> None:
    """The same content; identities the first lacks (a bundle built by hand or from a
    format without them) may come back as openLCA's reference ids the export chose."""
    assert [f.key for f in first.flows] == [f.key for f in second.flows]
    assert first.flows == tuple(
        f if a.flow_property else dataclasses.replace(f, flow_property="")
        for a, f in zip(first.flows, second.flows, strict=True)
    )
    assert [a.key for a in first.activities] == [a.key for a in second.activities]
    for a, b in zip(first.activities, second.activities, strict=True):
        assert (a.name, a.unit, a.location, a.reference_product, a.category, a.name_zh) == (
            b.name,
            b.unit,
            b.location,
            b.reference_product,
            b.category,
            b.name_zh,
        )
        assert a.waste == b.waste or a.production_amount < 0
        if a.product_key:
            assert (a.product_key, a.product_property) == (b.product_key, b.product_property)
        # The reference product is written (and read) first; the rest keep their order.
        mine, theirs = _reference_first(a), _reference_first(b)
        assert [(e.kind, e.target, e.unit, e.uncertainty) for e in mine] == [
            (e.kind, e.target, e.unit, e.uncertainty) for e in theirs
        ]
        assert [e.amount for e in mine] == pytest.approx([e.amount for e in theirs], rel=1e-12)
    assert [(m.key, m.name, m.unit) for m in first.methods] == [
        (m.key, m.name, m.unit) for m in second.methods
    ]
    for m, n in zip(first.methods, second.methods, strict=True):
        if m.group_key:
            assert (m.group_key, m.group_name) == (n.group_key, n.group_name)
    if first.flow_properties:
        assert set(first.flow_properties) <= set(second.flow_properties)
    for m, n in zip(first.methods, second.methods, strict=True):
        assert dict(m.factors) == pytest.approx(dict(n.factors), rel=1e-12)
    assert first.product_systems == second.product_systems


def _reference_first(activity: Activity) -> list[Exchange]:
    reference = next(e for e in activity.exchanges if e.target == activity.key)
    return [reference, *(e for e in activity.exchanges if e is not reference)]


def test_round_trip_of_a_synthetic_database(synthetic: ModuleType, tmp_path: Path) -> None:
    """ecoinvent's shape (hubs, loops, 4,700 flows, every distribution) at 200 activities."""
    spec = importlib.util.spec_from_file_location(
        "tanji_benchmarks_import_olca", REPO / "benchmarks" / "import_olca.py"
    )
    assert spec is not None
    assert spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    # Without waste treatments: their JSON-LD form (waste inputs) is the exporter's to add.
    arrays = synthetic.generate(synthetic.SyntheticSpec(n_activities=200, seed=11, waste_share=0.0))
    bundle = benchmark.bundle_of(arrays, synthetic)
    write_jsonld(bundle, tmp_path / "synthetic.zip")
    _assert_same_content(bundle, read_jsonld(tmp_path / "synthetic.zip"))


def test_round_trip_of_the_lfp_fixture(lfp: LciBundle, tmp_path: Path) -> None:
    write_jsonld(lfp, tmp_path / "lfp-again.zip")
    again = read_jsonld(tmp_path / "lfp-again.zip")
    _assert_same_content(lfp, again)
    assert _score(again)[0] == pytest.approx(36.2156, rel=1e-12)


def test_round_trip_of_the_conventions(tmp_path: Path) -> None:
    bundle = read_jsonld(_conventions_zip(tmp_path / "conventions.zip"))
    write_jsonld(bundle, tmp_path / "again.zip")
    _assert_same_content(bundle, read_jsonld(tmp_path / "again.zip"))


def test_round_trip_of_a_built_bundle(tmp_path: Path) -> None:
    """Every distribution, a resource, a negative input, a Chinese name, units of one dimension."""
    co2 = ElementaryFlow(
        "co2", "Carbon dioxide, fossil", "kg", "air/unspecified", "124-38-9", "CO2", "CO2"
    )
    air = ElementaryFlow(
        "air", "Carbon dioxide, in air", "kg", "natural resource/in air", gas="CO2-biogenic-uptake"
    )
    power = Activity(
        "power",
        "electricity",
        "kWh",
        (
            Exchange(ExchangeKind.PRODUCTION, "power", 1.0, "kWh"),
            Exchange(ExchangeKind.BIOSPHERE, "co2", 0.5, "kg", Uncertainty("lognormal", gsd=1.2)),
        ),
        location="CN",
        reference_product="electricity, medium voltage",
        name_zh="电力",
    )
    heat = Activity(
        "heat",
        "heat",
        "MJ",
        (
            Exchange(ExchangeKind.PRODUCTION, "heat", 2.0, "MJ", comment="per 2 MJ"),
            Exchange(
                ExchangeKind.TECHNOSPHERE, "power", 0.1, "kWh", Uncertainty("normal", sd=0.01)
            ),
            Exchange(
                ExchangeKind.TECHNOSPHERE,
                "mass",
                -0.3,
                "t",
                Uncertainty("uniform", minimum=-0.4, maximum=-0.2),
            ),
            Exchange(
                ExchangeKind.BIOSPHERE,
                "air",
                0.2,
                "kg",
                Uncertainty("triangular", minimum=0.1, maximum=0.3),
            ),
        ),
        reference_product="heat, district",
        category="Energy/heat",
        comment="a note",
    )
    mass = Activity(
        "mass", "steel", "t", (Exchange(ExchangeKind.PRODUCTION, "mass", 1.0, "t"),), "", "steel"
    )
    bundle = LciBundle(
        format="olca-jsonld",
        activities=(power, heat, mass),
        flows=(co2, air),
        methods=(ImpactMethod("gwp", "GWP100", "kg CO2 eq", (("co2", 1.0), ("air", -1.0))),),
        product_systems=(ProductSystem("ps", "heat system", "heat", 3.6),),
    )
    write_jsonld(bundle, tmp_path / "built.zip")
    write_jsonld(bundle, tmp_path / "built.zip")  # replaces, does not append
    again = read_jsonld(tmp_path / "built.zip")
    _assert_same_content(bundle, again)
    with zipfile.ZipFile(tmp_path / "built.zip") as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    # olca-schema's own reader reads what was written; keys that are not UUIDs got UUIDv5
    # ids and are kept in otherProperties.
    with zipio.ZipReader(tmp_path / "built.zip") as reader:
        processes = {p.other_properties["tanji"]["key"]: p for p in reader.read_each(o.Process)}
        heat = processes["heat"]
        assert [e.amount for e in heat.exchanges] == [2.0, 0.1, -0.3, 0.2]
        assert heat.exchanges[0].is_quantitative_reference
        assert heat.exchanges[1].default_provider.id == processes["power"].id
        (system,) = reader.read_each(o.ProductSystem)
        assert [(link.process.id, link.provider.id) for link in system.process_links] == [
            (heat.id, processes["power"].id),
            (heat.id, processes["mass"].id),
        ]
        groups = {g.name: g for g in reader.read_each(o.UnitGroup)}
        # MJ is the reference unit of openLCA's "Units of energy": its reference data's ids
        # (olca-schema's units.csv) and factors.
        energy = groups["Units of energy"]
        assert energy.id == olca_units.group_ref("MJ").id
        assert {u.name: u.conversion_factor for u in energy.units} == {
            "MJ": 1.0,
            "kJ": 1e-3,
            "GJ": 1e3,
            "kWh": 3.6,
            "Wh": 3.6e-3,
            "MWh": 3.6e3,
        }
        assert {u.name: u.id for u in energy.units}["kWh"] == olca_units.unit_ref("kWh").id


# --------------------------------------------------------------------------------------
# Broken input
# --------------------------------------------------------------------------------------


def _rewritten(
    source: Path,
    target: Path,
    edit: Callable[[str, dict[str, Any]], None] | None = None,
    drop: str | None = None,
) -> Path:
    """A copy of a zip with JSON entries edited in place and entries ending in ``drop`` left out."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if drop is not None and name.endswith(drop):
                continue
            data = old.read(name)
            if edit is not None and name.endswith(".json") and "/" in name:
                content = json.loads(data)
                edit(name, content)
                data = json.dumps(content).encode()
            new.writestr(name, data)
    return target


def test_missing_flow_names_the_process_and_the_flow(openlca: Path, tmp_path: Path) -> None:
    broken = _rewritten(LFP, tmp_path / "no-methane.zip", drop=f"flows/{CH4}.json")
    with pytest.raises(ImportProblemsError) as caught:
        read_jsonld(broken)
    assert caught.value.source.endswith("no-methane.zip")
    first = caught.value.problems[0]
    assert first.process == f"LFP cathode production (illustrative) (processes/{CATHODE}.json)"
    assert f"flow {CH4} is not in the zip" in first.detail
    assert f"processes/{CATHODE}.json" in caught.value.problem


def test_not_a_zip_names_the_file(tmp_path: Path) -> None:
    text = tmp_path / "flows.csv"
    text.write_text("name,unit\nCO2,kg\n")
    with pytest.raises(DataFormatError, match=r"flows\.csv: not a zip file"):
        read_jsonld(text)
    with pytest.raises(DataFormatError, match=r"absent\.zip: no such file"):
        read_jsonld(tmp_path / "absent.zip")


def test_a_zip_without_openlca_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DataFormatError, match="no openLCA entities"):
        read_jsonld(path)


def test_broken_json_names_the_entry(openlca: Path, tmp_path: Path) -> None:
    path = _rewritten(LFP, tmp_path / "broken.zip", drop=f"{GRID}.json")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"processes/{GRID}.json", "{not json")
    with pytest.raises(DataFormatError) as caught:
        read_jsonld(path)
    assert caught.value.source.endswith(f"broken.zip: processes/{GRID}.json")
    assert "not readable JSON" in caught.value.problem


def test_units_of_the_same_dimension_convert_and_others_are_refused(
    openlca: Path, tmp_path: Path
) -> None:
    def unit(name: str) -> Callable[[str, dict[str, Any]], None]:
        def edit(entry: str, data: dict[str, Any]) -> None:
            if entry.endswith(f"{GRID}.json"):
                data["exchanges"][1]["unit"] = {"@id": "x", "name": name}

        return edit

    with pytest.raises(ImportProblemsError, match=r"unit 'kWh' is not in the unit group of 'Mass'"):
        read_jsonld(_rewritten(LFP, tmp_path / "kwh.zip", unit("kWh")))
    before = read_jsonld(LFP)
    after = read_jsonld(_rewritten(LFP, tmp_path / "lb.zip", unit("lb")))
    (note,) = after.notes
    assert note.kind == "unit converted"
    assert note.detail == "lb → kg: × 0.45359237 (pint)"
    grid = next(a for a in after.activities if a.key == GRID)
    old = next(a for a in before.activities if a.key == GRID)
    assert grid.exchanges[1].amount == pytest.approx(old.exchanges[1].amount * 0.45359237)


def test_the_one_product_output_is_the_reference_when_none_is_flagged(
    openlca: Path, tmp_path: Path
) -> None:
    def no_reference(entry: str, data: dict[str, Any]) -> None:
        if entry.endswith(f"{GRID}.json"):
            del data["exchanges"][0]["isQuantitativeReference"]

    bundle = read_jsonld(_rewritten(LFP, tmp_path / "noref.zip", no_reference))
    assert [n.kind for n in bundle.notes] == ["reference by its only product"]
    assert _score(bundle) == _score(read_jsonld(LFP))


def test_ambiguous_provider_lists_the_candidates(openlca: Path, tmp_path: Path) -> None:
    """Without the product system's links and with two grid processes, the choice is open."""
    twin = "00000000-0000-0000-0000-00000000000a"
    path = tmp_path / "twins.zip"
    with zipfile.ZipFile(LFP) as old, zipfile.ZipFile(path, "w") as new:
        for name in old.namelist():
            if not name.startswith("product_systems/"):
                new.writestr(name, old.read(name))
        grid = json.loads(old.read(f"processes/{GRID}.json"))
        new.writestr(f"processes/{twin}.json", json.dumps(grid | {"@id": twin}))
    with pytest.raises(ImportProblemsError) as caught:
        read_jsonld(path)
    assert "2 processes provide" in caught.value.problem
    assert GRID in caught.value.problem
    assert twin in caught.value.problem
    assert "--providers default-provider" in caught.value.problem
    bundle = read_jsonld(path, policy=ImportPolicy(providers="default-provider"))
    chosen = [n for n in bundle.notes if n.kind == "provider chosen"]
    assert chosen
    assert all("Rule: " + PROVIDER_RULE in n.detail for n in chosen)


@pytest.mark.parametrize(
    ("uncertainty", "note"),
    [
        ({"distributionType": "LOG_NORMAL_DISTRIBUTION", "geomSd": 0.0}, "geomSd 0.0"),
        ({"distributionType": "LOG_NORMAL_DISTRIBUTION", "geomSd": math.inf}, "geomSd inf"),
        ({"distributionType": "NORMAL_DISTRIBUTION", "sd": math.nan}, "normal with sd nan"),
        (
            {"distributionType": "TRIANGLE_DISTRIBUTION", "minimum": 5.0, "maximum": 6.0},
            "is not within [5, 6]",
        ),
    ],
)
def test_an_invalid_uncertainty_is_dropped_with_a_note(
    openlca: Path, tmp_path: Path, uncertainty: dict[str, Any], note: str
) -> None:
    """Never a reason to refuse the import: the amount is kept, the record dropped, noted
    (json writes inf and nan as Infinity and NaN, as openLCA does for a broken pedigree
    variance)."""

    def broken(entry: str, data: dict[str, Any]) -> None:
        if entry.endswith(f"{GRID}.json"):
            data["exchanges"][1]["uncertainty"] = uncertainty

    bundle = read_jsonld(_rewritten(LFP, tmp_path / "broken.zip", broken))
    (dropped,) = [n for n in bundle.notes if n.kind == "uncertainty dropped"]
    assert note in dropped.detail
    assert dropped.detail.endswith("; amount kept")
    assert _score(bundle) == _score(read_jsonld(LFP))
