"""The openLCA JSON-LD export checked from outside: olca-schema, bw2io with bw2calc, round trips.

Real openLCA exports (the openLCA 1.7 test zips of olca-modules and the LFP zip written with
olca-schema) are imported, exported and checked entity by entity against olca-schema; the
export is read back by Tanji (same footprints to 1e-12, same impact method) and by
Brightway's openLCA importer (bw2io) and bw2calc. Waste treatments, which no sample has,
come from a zip built here with olca-schema's own constructors.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import olca_schema as o
import pytest
from olca_schema import zipio

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
from tanji.engine import Engine
from tanji.io.olca_jsonld import read_jsonld, write_jsonld
from tanji.io.olca_jsonld._archive import _FOLDERS

STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards"
OPENLCA = STANDARDS / "openlca"
SAMPLES = (
    "authored/lfp-cell-illustrative.jsonld.zip",
    "jsonld-zips/exchange_sync-all.zip",
    "jsonld-zips/flow_property_factor_sync-all.zip",
    "jsonld-zips/unit_sync-all.zip",
    "jsonld-zips/nw_set_sync-all.zip",
)
TYPES = {folder: name for name, folder in _FOLDERS.items()}


@pytest.fixture(scope="module")
def openlca() -> Path:
    if not OPENLCA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{STANDARDS} is missing; in CI the openLCA samples must be present")
        pytest.skip("../shared/standards not found: the openLCA samples live there")
    return OPENLCA


# --------------------------------------------------------------------------------------
# What openLCA needs of a zip, checked entity by entity
# --------------------------------------------------------------------------------------


def _refs(value: Any, root: bool = True) -> Iterator[dict[str, Any]]:
    """Every reference (an object with @type and @id) inside an entity's JSON."""
    if isinstance(value, dict):
        if not root and "@type" in value and "@id" in value:
            yield value
        for v in value.values():
            yield from _refs(v, root=False)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v, root=False)


def check_openlca_zip(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Fail unless ``path`` is a JSON-LD zip openLCA 2 reads; returns the entities by type.

    Every entity parses with olca-schema, sits at ``<folder>/<@id>.json`` with a UUID id,
    and every reference in it resolves to an entity of the zip of that type (units to a
    unit of a unit group); flow references carry the flow's ``flowType``; a process has
    one quantitative reference, a product output or a waste input, and each product input
    and waste output names a default provider whose reference is that flow.
    """
    entities: dict[str, dict[str, dict[str, Any]]] = {}
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("olca-schema.json")) == {"version": 2}
        for name in archive.namelist():
            if name == "olca-schema.json":
                continue
            folder, file = name.split("/")
            data = json.loads(archive.read(name))
            type_name = TYPES[folder]
            assert data["@type"] == type_name, name
            assert file == f"{data['@id']}.json", name
            assert str(uuid.UUID(data["@id"])) == data["@id"], name
            assert getattr(o, type_name).from_dict(data).to_dict() == data, name
            entities.setdefault(type_name, {})[data["@id"]] = data
    units = {u["@id"] for g in entities.get("UnitGroup", {}).values() for u in g.get("units", [])}
    for type_name, by_id in entities.items():
        for key, data in by_id.items():
            for ref in _refs(data):
                where = f"{type_name} {key}: {ref['@type']} {ref['@id']}"
                if ref["@type"] == "Unit":
                    assert ref["@id"] in units, where
                    continue
                target = entities.get(ref["@type"], {}).get(ref["@id"])
                assert target is not None, f"{where} is not in the zip"
                if ref["@type"] == "Flow":
                    assert ref.get("flowType") == target["flowType"], where
    flows = entities.get("Flow", {})
    processes = entities.get("Process", {})
    for key, process in processes.items():
        references = [e for e in process["exchanges"] if e.get("isQuantitativeReference")]
        assert len(references) == 1, key
        kind = flows[references[0]["flow"]["@id"]]["flowType"]
        assert (kind, references[0]["isInput"]) in (("PRODUCT_FLOW", False), ("WASTE_FLOW", True))
        for e in process["exchanges"]:
            kind = flows[e["flow"]["@id"]]["flowType"]
            linked = (kind == "PRODUCT_FLOW" and e["isInput"]) or (
                kind == "WASTE_FLOW" and not e["isInput"]
            )
            if linked and not e.get("isAvoidedProduct"):
                provider = processes[e["defaultProvider"]["@id"]]
                (theirs,) = [x for x in provider["exchanges"] if x.get("isQuantitativeReference")]
                assert theirs["flow"]["@id"] == e["flow"]["@id"], key
    for method in entities.get("ImpactMethod", {}).values():
        assert method["impactCategories"], method["@id"]
    # And olca-schema's own zip reader reads every entity.
    with zipio.ZipReader(path) as reader:
        for type_name, by_id in entities.items():
            for key in by_id:
                assert reader.read(getattr(o, type_name), key) is not None
    return entities


# --------------------------------------------------------------------------------------
# Footprints
# --------------------------------------------------------------------------------------


def footprints(bundle: LciBundle, method: str | None = None) -> dict[str, float]:
    """Every activity's footprint (per unit of its reference flow) under one method."""
    chosen = next(m for m in bundle.methods if method in (None, m.key))
    system, index = build_inventory_system(
        bundle.activities, bundle.flows, {chosen.key: dict(chosen.factors)}
    )
    scores = Engine().footprints(system, chosen.key).scores
    return {a.key: float(scores[index.activity_id(a.key)]) for a in bundle.activities}


def assert_same_methods(first: LciBundle, second: LciBundle) -> None:
    mine = {m.key: m for m in first.methods}
    theirs = {m.key: m for m in second.methods}
    assert mine.keys() == theirs.keys()
    for key, m in mine.items():
        n = theirs[key]
        assert (m.name, m.unit) == (n.name, n.unit)
        # A method without an openLCA impact method comes back in one named after it.
        assert (m.group_key or n.group_key, m.group_name or m.name) == (
            n.group_key,
            n.group_name,
        )
        assert dict(n.factors) == pytest.approx(dict(m.factors), rel=1e-12)


@pytest.mark.parametrize("sample", SAMPLES)
def test_openlca_exports_export_again_as_openlca_reads_them(
    openlca: Path, sample: str, tmp_path: Path
) -> None:
    bundle = read_jsonld(openlca / sample)
    out = tmp_path / "again.zip"
    write_jsonld(bundle, out)
    check_openlca_zip(out)
    again = read_jsonld(out)
    assert_same_methods(bundle, again)
    assert [a.key for a in again.activities] == [a.key for a in bundle.activities]
    if bundle.methods and bundle.activities:
        for method in bundle.methods:
            before, after = footprints(bundle, method.key), footprints(again, method.key)
            assert after == pytest.approx(before, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_export_keeps_the_ids_of_the_source(openlca: Path, sample: str, tmp_path: Path) -> None:
    """Processes, impact categories and methods keep their ids; flows, flow properties and
    unit groups are written with the source's ids, never new ones."""
    source: dict[str, set[str]] = {}
    with zipfile.ZipFile(openlca / sample) as archive:
        for name in archive.namelist():
            folder = name.split("/")[0]
            if folder in TYPES and name.count("/") == 1 and name.endswith(".json"):
                source.setdefault(TYPES[folder], set()).add(name.split("/")[1][:-5])
    write_jsonld(read_jsonld(openlca / sample), tmp_path / "again.zip")
    written = {k: set(v) for k, v in check_openlca_zip(tmp_path / "again.zip").items()}
    for type_name in ("Process", "ImpactCategory", "ImpactMethod"):
        assert written.get(type_name, set()) == source.get(type_name, set()), type_name
    for type_name in ("Flow", "FlowProperty", "UnitGroup"):
        if source.get(type_name):
            assert written.get(type_name, set()) <= source[type_name], type_name
    if source.get("Process"):
        assert written["Flow"]


def test_a_tanji_built_bundle_takes_openlca_reference_units(tmp_path: Path) -> None:
    """A bundle without openLCA ids (e.g. from ecoSpold2) gets openLCA's reference data
    ids for units that are their group's reference unit, and its own group otherwise."""
    power = Activity(
        "power", "electricity", "kWh", (Exchange(ExchangeKind.PRODUCTION, "power", 1.0),)
    )
    steel = Activity(
        "steel",
        "steel",
        "kg",
        (
            Exchange(ExchangeKind.PRODUCTION, "steel", 1.0),
            Exchange(ExchangeKind.TECHNOSPHERE, "power", 2.0),
        ),
    )
    write_jsonld(LciBundle("tanji", (power, steel), ()), tmp_path / "b.zip")
    entities = check_openlca_zip(tmp_path / "b.zip")
    assert {g["name"] for g in entities["UnitGroup"].values()} == {
        "Units of mass",
        "Units of energy (kWh)",
    }
    mass = next(g for g in entities["UnitGroup"].values() if g["name"] == "Units of mass")
    assert mass["@id"] == "93a60a57-a4c8-11da-a746-0800200c9a66"  # openLCA's, units.csv
    assert "93a60a56-a3c8-11da-a746-0800200b9a66" in entities["FlowProperty"]  # Mass


# --------------------------------------------------------------------------------------
# Waste treatments
# --------------------------------------------------------------------------------------


def _waste_zip(path: Path) -> Path:
    """P makes 1 kg p and 0.5 kg of waste w; T treats 2 kg w (emitting 1 kg CO2) and
    takes 0.1 kg p. A GWP category (CO2 = 1) in an impact method."""
    mass_units = o.new_unit_group("Units of mass", "kg")
    mass = o.new_flow_property("Mass", mass_units)
    co2 = o.new_elementary_flow("Carbon dioxide, fossil", mass)
    co2.category = "Elementary flows/Emission to air/unspecified"
    p = o.new_product("p", mass)
    w = o.new_waste("w", mass)
    P = o.new_process("P")
    o.new_output(P, p, 1).is_quantitative_reference = True
    o.new_output(P, w, 0.5)
    o.new_output(P, co2, 3)
    T = o.new_process("T")
    o.new_input(T, w, 2).is_quantitative_reference = True
    o.new_input(T, p, 0.1)
    o.new_output(T, co2, 1)
    gwp = o.new_impact_category("GWP100")
    gwp.ref_unit = "kg CO2 eq"
    o.new_impact_factor(gwp, co2, 1.0)
    method = o.new_impact_method("A method", gwp)
    with zipio.ZipWriter(str(path)) as writer:
        for entity in (mass_units, mass, co2, p, w, P, T, gwp, method):
            writer.write(entity)
    return path


def test_waste_treatments_are_written_as_waste_inputs(tmp_path: Path) -> None:
    bundle = read_jsonld(_waste_zip(tmp_path / "waste.zip"))
    treatment = next(a for a in bundle.activities if a.name == "T")
    assert treatment.waste
    write_jsonld(bundle, tmp_path / "again.zip")
    entities = check_openlca_zip(tmp_path / "again.zip")
    processes = {p["name"]: p for p in entities["Process"].values()}
    flows = entities["Flow"]
    (reference,) = [e for e in processes["T"]["exchanges"] if e.get("isQuantitativeReference")]
    assert (flows[reference["flow"]["@id"]]["flowType"], reference["isInput"]) == (
        "WASTE_FLOW",
        True,
    )
    assert reference["amount"] == 2.0
    (waste,) = [
        e
        for e in processes["P"]["exchanges"]
        if flows[e["flow"]["@id"]]["flowType"] == "WASTE_FLOW"
    ]
    assert (waste["isInput"], waste["amount"]) == (False, 0.5)
    assert waste["defaultProvider"]["@id"] == processes["T"]["@id"]
    again = read_jsonld(tmp_path / "again.zip")
    assert footprints(again) == pytest.approx(footprints(bundle), rel=1e-12)
    # By hand: T per kg treated = (1 + 0.1·P) / 2 and P = 3 + 0.5·T, so P = 3.25 / 0.975.
    p_score = 3.25 / 0.975
    assert footprints(again)[next(a.key for a in again.activities if a.name == "P")] == (
        pytest.approx(p_score, rel=1e-12)
    )
    assert_same_methods(bundle, again)


def test_negative_reference_treatments_keep_their_sign(tmp_path: Path) -> None:
    """The ecoinvent / Brightway convention (−1 kg of waste treated, consumers' waste a
    negative input) goes out as openLCA's waste input and comes back as it was."""
    treat = Activity(
        "treat",
        "treatment of w",
        "kg",
        (
            Exchange(ExchangeKind.PRODUCTION, "treat", -1.0),
            Exchange(ExchangeKind.BIOSPHERE, "co2", 0.5),
        ),
        reference_product="w",
    )
    make = Activity(
        "make",
        "p",
        "kg",
        (
            Exchange(ExchangeKind.PRODUCTION, "make", 1.0),
            Exchange(ExchangeKind.TECHNOSPHERE, "treat", -0.2),
            Exchange(ExchangeKind.BIOSPHERE, "co2", 2.0),
        ),
    )
    bundle = LciBundle(
        "ecospold2",
        (treat, make),
        (ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", "air"),),
        (ImpactMethod("gwp", "GWP100", "kg CO2 eq", (("co2", 1.0),)),),
        (ProductSystem("ps", "treating 3 kg", "treat", -3.0),),
    )
    write_jsonld(bundle, tmp_path / "w.zip")
    entities = check_openlca_zip(tmp_path / "w.zip")
    processes = {p["name"]: p for p in entities["Process"].values()}
    (reference,) = [
        e for e in processes["treatment of w"]["exchanges"] if e.get("isQuantitativeReference")
    ]
    assert (reference["isInput"], reference["amount"]) == (True, 1.0)
    (waste,) = [e for e in processes["p"]["exchanges"] if e.get("defaultProvider")]
    assert (waste["isInput"], waste["amount"]) == (False, 0.2)
    (system,) = entities["ProductSystem"].values()
    assert system["targetAmount"] == 3.0
    again = read_jsonld(tmp_path / "w.zip")
    assert [
        (a.key, [(e.kind, e.target, e.amount) for e in a.exchanges]) for a in again.activities
    ] == [(a.key, [(e.kind, e.target, e.amount) for e in a.exchanges]) for a in bundle.activities]
    assert again.product_systems == bundle.product_systems


def _generated(synthetic: Any, **spec: Any) -> LciBundle:
    """A generated ecoinvent-shaped database as a bundle (benchmarks/import_olca.py)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "import_olca.py"
    module_spec = importlib.util.spec_from_file_location("tanji_benchmarks_import_olca", path)
    assert module_spec is not None
    assert module_spec.loader is not None
    benchmark = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(benchmark)
    bundle: LciBundle = benchmark.bundle_of(
        synthetic.generate(synthetic.SyntheticSpec(**spec)), synthetic
    )
    return bundle


def test_a_generated_database_with_waste_treatments_round_trips(
    synthetic: Any, tmp_path: Path
) -> None:
    """ecoinvent's shape with 3 % waste treatments (production −1, consumers' waste
    negative, as Brightway stores ecoinvent cut-off): every footprint, treatments included,
    the same to 1e-12 after export and import; the treatments are openLCA waste inputs."""
    bundle = _generated(synthetic, n_activities=300, seed=7)
    treatments = {a.key for a in bundle.activities if a.production_amount < 0}
    assert treatments
    write_jsonld(bundle, tmp_path / "g.zip")
    entities = check_openlca_zip(tmp_path / "g.zip")
    flows = entities["Flow"]
    waste_inputs = sum(
        1
        for p in entities["Process"].values()
        for e in p["exchanges"]
        if e.get("isQuantitativeReference") and flows[e["flow"]["@id"]]["flowType"] == "WASTE_FLOW"
    )
    assert waste_inputs == len(treatments)
    again = read_jsonld(tmp_path / "g.zip")
    assert {a.key for a in again.activities if a.production_amount < 0} == treatments
    before, after = footprints(bundle), footprints(again)
    assert after == pytest.approx(before, rel=1e-12, abs=1e-300)
    assert_same_methods(bundle, again)


# --------------------------------------------------------------------------------------
# Brightway reads it: bw2io's openLCA importer, then bw2calc
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brightway(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """bw2data with a project in a temporary folder (tests/conftest.py points
    BRIGHTWAY2_DIR there before anything imports it)."""
    import bw2data

    bw2data.projects.set_current(f"tanji-{uuid.uuid4().hex[:8]}")
    yield bw2data
    bw2data.projects.delete_project(bw2data.projects.current, delete_dir=True)


def _brightway_footprints(
    bw2data: Any, folder: Path, name: str, method: tuple[str, str]
) -> dict[str, float]:
    """Import an unzipped JSON-LD export with bw2io, then every process's score (bw2calc)
    per unit of its reference product, by process code (the openLCA process id)."""
    import bw2calc
    from bw2io.importers.json_ld import JSONLDImporter
    from bw2io.importers.json_ld_lcia import JSONLDLCIAImporter

    with warnings.catch_warnings():
        # bw2io 0.9's JSON-LD extractor opens every file without closing it: collected
        # here, so the warnings of its leaks never land on another test.
        warnings.simplefilter("ignore", ResourceWarning)
        importer = JSONLDImporter(str(folder), name)
        methods = JSONLDLCIAImporter(str(folder))
        gc.collect()
    importer.apply_strategies(no_warning=True)
    importer.merge_biosphere_flows()
    assert importer.all_linked
    importer.write_database()
    methods.apply_strategies()
    methods.match_biosphere_by_id(name)
    methods.write_methods(overwrite=True)
    assert method in bw2data.methods
    products = {}
    for node in bw2data.Database(name):
        if node["type"] == "process":
            (production,) = list(node.production())
            products[node["code"]] = production.input.id
    # One factorization; then one solve per product.
    lca = bw2calc.LCA({next(iter(products.values())): 1.0}, method)
    lca.lci(factorize=True)
    lca.lcia()
    scores = {}
    for code, product in products.items():
        lca.lcia(demand={product: 1.0})
        scores[code] = float(lca.score)
    return scores


@pytest.mark.slow
def test_brightway_reads_the_export(
    openlca: Path, brightway: Any, synthetic: Any, tmp_path: Path
) -> None:
    """bw2io's openLCA JSON-LD importer reads the export of the LFP zip and of a generated
    ecoinvent-shaped database (200 activities, loops; no waste treatments, which bw2io 0.9
    cannot import: "Failed allocation"); bw2calc gives every process the
    footprint Tanji gives it, to bw2calc's float32 matrices (1e-5 relative)."""
    import importlib.util

    lfp = read_jsonld(openlca / SAMPLES[0])
    spec = importlib.util.spec_from_file_location(
        "tanji_benchmarks_import_olca",
        Path(__file__).resolve().parents[2] / "benchmarks" / "import_olca.py",
    )
    assert spec is not None
    assert spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    generated = benchmark.bundle_of(
        synthetic.generate(synthetic.SyntheticSpec(n_activities=200, seed=5, waste_share=0.0)),
        synthetic,
    )
    for name, bundle in (("lfp", lfp), ("generated", generated)):
        zipped, folder = tmp_path / f"{name}.zip", tmp_path / name
        write_jsonld(bundle, zipped)
        shutil.unpack_archive(zipped, folder)
        (category,) = bundle.methods
        # bw2io names a method (openLCA impact method, impact category).
        method = (category.group_name or category.name, category.name)
        theirs = _brightway_footprints(brightway, folder, name, method)
        with zipfile.ZipFile(zipped) as archive:
            keys = {
                data["@id"]: data.get("otherProperties", {})
                .get("tanji", {})
                .get("key", data["@id"])
                for entry in archive.namelist()
                if entry.startswith("processes/")
                for data in [json.loads(archive.read(entry))]
            }
        theirs = {keys[k]: v for k, v in theirs.items()}
        ours = footprints(bundle)
        assert set(theirs) == set(ours)
        mine = np.array(list(ours.values()))
        relative = np.abs(np.array([theirs[k] for k in ours]) - mine) / np.abs(mine)
        worst = list(ours)[int(relative.argmax())]
        assert relative.max() < 1e-5, (name, worst, ours[worst], theirs[worst])
