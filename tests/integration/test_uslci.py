"""The US LCI database as published imports, and its footprints agree with bw2calc.

The data: the US LCI database's openLCA JSON-LD export (``FLCAC-admin/uslci-content``,
``downloads/uslci_olca1_5_0_json_ld``: 766 processes), as ``tests/data/extract_uslci.py``
packs it (documentation text left out, every number kept; see ``tests/data/SOURCES.md``).

It does not import as it stands: 132 multi-output processes without allocation, 2,800
inputs no process of the export provides ("CUTOFF …" flows), 135 inputs several processes
provide, 4,811 lognormal records with ``geomSd`` 0 and 23 triangular ones whose amount lies
outside their bounds. With the import policies ``--unlinked cut-off --multi-output
reference-only --providers default-provider`` it does, and every one of those is reported.

Then every activity's IPCC AR6 GWP100 footprint is compared with bw2calc's on a system
built here independently of Tanji's reader: the JSON read with :mod:`json`, the same
policies applied by this file's own code, the exchanges written into bw_processing arrays,
and greenhouse gases characterized by CAS number — the export's own, else the one the US
EPA's mappings of USLCI flows to the Federal LCA Commons elementary flow list give
(``tests/data/uslci-1.5-flow-cas.csv``, written by ``extract_uslci_cas.py``) — with the
AR6 GWP100 of that CAS in ``tanji/data/gwp.csv``. Methane's origin (AR6 Table 7.15:
fossil 29.8, non-fossil 27.0) is the one thing a CAS number cannot say; it is read from
the flow's name. Measured: the largest relative difference of the 766 is 1.1e-7 (one flow,
"n butane, kg C", that the EPA maps to butane and Tanji leaves unmapped), the median 1e-15.
"""

from __future__ import annotations

import csv
import json
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tanji.domain.inventory import build_inventory_system
from tanji.domain.lci import LciBundle
from tanji.engine import Engine
from tanji.io.olca_jsonld import read_jsonld
from tanji.io.policy import PROVIDER_RULE, ImportPolicy

bw2calc = pytest.importorskip("bw2calc")
bwp = pytest.importorskip("bw_processing")

DATA = Path(__file__).parents[1] / "data"
GWP_CSV = Path(__file__).parents[2] / "src" / "tanji" / "data" / "gwp.csv"
POLICY = ImportPolicy(
    unlinked="cut-off", multi_output="reference-only", providers="default-provider"
)
#: bw2calc keeps its matrices in float64 but solves some steps in float32: the agreement
#: asked for is that precision.
RTOL = 1e-5


@pytest.fixture(scope="module")
def uslci(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked export: a folder, as the repository publishes it."""
    target = tmp_path_factory.mktemp("uslci")
    with tarfile.open(DATA / "uslci-1.5-jsonld.tar.xz") as archive:
        archive.extractall(target, filter="data")
    return target / "uslci-1.5-jsonld"


@pytest.fixture(scope="module")
def bundle(uslci: Path) -> LciBundle:
    return read_jsonld(uslci, policy=POLICY)


# --------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------


def test_as_published_it_lists_every_problem_at_once(uslci: Path) -> None:
    from tanji.io.errors import ImportProblemsError

    with pytest.raises(ImportProblemsError) as caught:
        read_jsonld(uslci)
    problems = caught.value.problems
    details = [p.detail for p in problems]
    assert any("7 products ('Hardboard, at hardboard plant'" in d for d in details)
    assert sum("no default allocation method" in d for d in details) == 132
    assert sum("no process in the zip provides" in d for d in details) > 2000
    assert any("processes provide" in d for d in details)


def test_with_the_policies_it_imports_and_reports_what_was_done(bundle: LciBundle) -> None:
    assert len(bundle.activities) == 766
    kinds = defaultdict(int)
    for note in bundle.notes:
        kinds[note.kind] += 1
    assert kinds["co-product dropped"] == 256
    assert kinds["cut-off"] == 2829
    assert kinds["provider chosen"] == 135
    assert kinds["uncertainty dropped"] == 4811 + 23
    hardboard = [n for n in bundle.notes if n.process.startswith("Hardboard, at hardboard plant")]
    assert len(hardboard) >= 6
    assert all(PROVIDER_RULE in n.detail for n in bundle.notes if n.kind == "provider chosen")
    geom = next(n for n in bundle.notes if "geomSd 0" in n.detail)
    assert geom.detail == "lognormal with geomSd 0.0 (expected more than 1); amount kept"


# --------------------------------------------------------------------------------------
# bw2calc on the same data, read independently
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Flow:
    kind: str
    name: str
    category: str
    cas: str
    ref_property: str
    properties: dict[str, float]  # flow property id → factor (per reference property unit)


def _load(folder: Path, kind: str) -> dict[str, dict[str, Any]]:
    return {
        d["@id"]: d
        for d in (json.loads(p.read_text()) for p in sorted((folder / kind).glob("*.json")))
    }


def _category_paths(folder: Path) -> dict[str, str]:
    categories = _load(folder, "categories")

    def path(key: str | None) -> str:
        if key is None or key not in categories:
            return ""
        parent = (categories[key].get("category") or {}).get("@id")
        above = path(parent)
        return f"{above}/{categories[key]['name']}" if above else categories[key]["name"]

    return {key: path(key) for key in categories}


def _gwp_by_cas() -> dict[str, list[tuple[str, float]]]:
    """CAS → [(gas id, AR6 GWP100)] from Tanji's gwp.csv (IPCC AR6 Table 7.SM.7)."""
    by_cas: dict[str, list[tuple[str, float]]] = defaultdict(list)
    with GWP_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cas"] and row["ar6_gwp100"]:
                by_cas[row["cas"]].append((row["gas_id"], float(row["ar6_gwp100"])))
    return by_cas


def _epa_cas() -> dict[str, str]:
    """Flow id → CAS by the EPA's flow mappings (``uslci-1.5-flow-cas.csv``)."""
    with (DATA / "uslci-1.5-flow-cas.csv").open(encoding="utf-8") as handle:
        return {row["flow_id"]: row["cas"] for row in csv.DictReader(handle)}


def _characterization(flows: dict[str, _Flow]) -> dict[str, float]:
    """Flow id → AR6 GWP100 by CAS number (see the module docstring): emissions to air
    (or to no stated compartment) at their gas's GWP; CO2 taken from nature −1, as
    ISO 14067 counts removals; emissions to water and soil and other resources 0."""
    by_cas = _gwp_by_cas()
    epa = _epa_cas()
    factors = {}
    for key, flow in flows.items():
        if flow.kind != "ELEMENTARY_FLOW":
            continue
        cas = flow.cas.strip().lstrip("0") if flow.cas else epa.get(key, "")
        if cas not in by_cas:
            continue
        category = flow.category.lower()
        if "resource" in category:
            if cas == "124-38-9":
                factors[key] = -1.0
            continue
        if any(medium in category for medium in ("water", "soil", "ground")):
            continue
        gases = dict(by_cas[cas])
        if cas == "74-82-8":  # methane: its origin from the name
            name = flow.name.lower()
            fossil, biogenic = "fossil" in name, "biogenic" in name or "non-fossil" in name
            factors[key] = gases["CH4-fossil" if fossil else "CH4-nonfossil" if biogenic else "CH4"]
        else:
            (factors[key],) = gases.values()
    return factors


def _bw2calc_scores(folder: Path) -> dict[str, float]:
    """Process id → bw2calc's AR6 GWP100 per unit of its reference product."""
    paths = _category_paths(folder)
    groups = _load(folder, "unit_groups")
    unit_factor = {  # (unit group id, unit id or name) → factor to the reference unit
        (g, key): u["conversionFactor"]
        for g, group in groups.items()
        for u in group["units"]
        for key in (u["@id"], u["name"])
    }
    group_of = {k: p["unitGroup"]["@id"] for k, p in _load(folder, "flow_properties").items()}
    flows: dict[str, _Flow] = {}
    for key, f in _load(folder, "flows").items():
        props = {fp["flowProperty"]["@id"]: fp["conversionFactor"] for fp in f["flowProperties"]}
        (ref,) = [
            fp["flowProperty"]["@id"]
            for fp in f["flowProperties"]
            if fp.get("referenceFlowProperty")
        ]
        flows[key] = _Flow(
            f["flowType"],
            f["name"],
            paths.get((f.get("category") or {}).get("@id"), ""),
            f.get("cas") or "",
            ref,
            props,
        )

    def amount(e: dict[str, Any]) -> float:
        flow = flows[e["flow"]["@id"]]
        prop = e["flowProperty"]["@id"]
        factor = unit_factor[(group_of[prop], e["unit"]["@id"])]
        return (
            float(e["amount"]) * factor / flow.properties[prop] * flow.properties[flow.ref_property]
        )

    processes = _load(folder, "processes")
    locations = {k: v.get("code") or v["name"] for k, v in _load(folder, "locations").items()}
    # Each process provides its reference product only (multi_output="reference-only").
    reference = {}
    providers: dict[str, list[str]] = defaultdict(list)
    for key, p in processes.items():
        (ref,) = [e for e in p["exchanges"] if e.get("quantitativeReference")]
        reference[key] = ref
        providers[ref["flow"]["@id"]].append(key)

    def location(key: str) -> str:
        loc = processes[key].get("location")
        return locations.get(loc["@id"], "") if loc else ""

    def provider(consumer: str, flow: str) -> str | None:
        candidates = providers.get(flow, [])
        if len(candidates) < 2:
            return candidates[0] if candidates else None  # none: cut off
        local = [c for c in candidates if location(c) and location(c) == location(consumer)]
        if len(local) == 1:
            return local[0]
        return min(candidates, key=lambda c: (processes[c]["name"], c))

    index = {key: i for i, key in enumerate(processes)}
    flow_index = {key: i for i, key in enumerate(flows)}
    tech: list[tuple[int, int, float, bool]] = []
    bio: list[tuple[int, int, float]] = []
    for key, p in processes.items():
        col = index[key]
        ref = reference[key]
        tech.append((col, col, amount(ref), False))
        for e in p["exchanges"]:
            if e is ref:
                continue
            flow = flows[e["flow"]["@id"]]
            if flow.kind == "ELEMENTARY_FLOW":
                natural_input = "resource" in flow.category.lower()
                sign = 1.0 if bool(e.get("input")) == natural_input else -1.0
                bio.append((flow_index[e["flow"]["@id"]], col, sign * amount(e)))
                continue
            is_demand = bool(e.get("input")) != (flow.kind == "WASTE_FLOW")
            if not is_demand:
                continue  # a co-product: dropped
            target = provider(key, e["flow"]["@id"])
            if target is not None:
                sign = -1.0 if e.get("avoidedProduct") else 1.0
                tech.append((index[target], col, sign * amount(e), True))

    cf = _characterization(flows)
    dp = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    t = np.array([(r, c) for r, c, _, _ in tech], dtype=bwp.INDICES_DTYPE)
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        name="uslci_technosphere",
        indices_array=t,
        data_array=np.array([a for _, _, a, _ in tech]),
        flip_array=np.array([f for _, _, _, f in tech]),
    )
    b = np.array([(r, c) for r, c, _ in bio], dtype=bwp.INDICES_DTYPE)
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        name="uslci_biosphere",
        indices_array=b,
        data_array=np.array([a for _, _, a in bio]),
    )
    c = np.array([(flow_index[k], flow_index[k]) for k in cf], dtype=bwp.INDICES_DTYPE)
    dp.add_persistent_vector(
        matrix="characterization_matrix",
        name="ar6_gwp100_by_cas",
        indices_array=c,
        data_array=np.array(list(cf.values())),
    )
    lca = bw2calc.LCA({0: 1.0}, data_objs=[dp])
    lca.lci()
    lca.lcia()
    scores = {}
    for key, i in index.items():
        lca.lcia({i: 1.0})
        scores[key] = float(lca.score)
    return scores


def _tanji_scores(bundle: LciBundle) -> dict[str, float]:
    by_cas = _gwp_by_cas()
    gwp = {gas: value for rows in by_cas.values() for gas, value in rows}
    gwp |= {"CO2-biogenic": 1.0, "CO2-biogenic-uptake": -1.0}  # services.reference.BIOGENIC
    method = {f.key: gwp[f.gas] for f in bundle.flows if f.gas in gwp}
    system, index = build_inventory_system(bundle.activities, bundle.flows, {"ar6": method})
    table = Engine().footprints(system, "ar6")
    return {a.key: table.score_of(index.activity_id(a.key)) for a in bundle.activities}


def test_every_footprint_agrees_with_bw2calc(uslci: Path, bundle: LciBundle) -> None:
    ours = _tanji_scores(bundle)
    theirs = _bw2calc_scores(uslci)
    assert set(ours) == set(theirs)
    scale = max(abs(v) for v in theirs.values())
    off = {
        key: (ours[key], theirs[key])
        for key in ours
        if not np.isclose(ours[key], theirs[key], rtol=RTOL, atol=1e-12 * scale)
    }
    names = {a.key: a.name for a in bundle.activities}
    assert not off, f"{len(off)} of {len(ours)} differ: " + "; ".join(
        f"{names[k]}: {a:.6g} vs {b:.6g}" for k, (a, b) in list(off.items())[:10]
    )
    # Primary aluminium, whose PFC emissions (CF4, C2F6) were once counted as methane.
    (aluminium,) = [k for k in ours if names[k] == "Aluminum, primary, ingot, at plant, 1998"]
    assert ours[aluminium] == pytest.approx(13.549444432739, rel=1e-9)


# --------------------------------------------------------------------------------------
# The same database as ecoSpold2 (openLCA 1.5's export of FY18 Q1): the same policies
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uslci_ecospold2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("uslci-ecospold2")
    with tarfile.open(DATA / "uslci-fy18q1-ecospold2.tar.xz") as archive:
        archive.extractall(target, filter="data")
    return target / "uslci-fy18q1-ecospold2"


def test_the_ecospold2_export_gets_the_same_policies_and_one_report(
    uslci_ecospold2: Path,
) -> None:
    """As published it has every kind of problem at once; under the policies only the 21
    data sets the exporter wrote without any product output remain: no policy invents a
    reference product, so the import is refused, naming each of them."""
    from tanji.io.ecospold2 import read_ecospold2
    from tanji.io.errors import ImportProblemsError

    with pytest.raises(ImportProblemsError) as caught:
        read_ecospold2(uslci_ecospold2)
    details = [p.detail for p in caught.value.problems]
    assert sum("among the files read, found none" in d for d in details) == 2096
    assert sum("a second output (outputGroup" in d for d in details) == 336
    assert sum("activities produce it" in d for d in details) == 1
    assert sum("expected exactly one reference product" in d for d in details) == 21

    with pytest.raises(ImportProblemsError) as caught:
        read_ecospold2(uslci_ecospold2, policy=POLICY)
    problems = caught.value.problems
    assert len(problems) == 21
    assert all("found 0" in p.detail for p in problems)
    assert any(
        p.process.startswith("Natural soda ash (Sodium carbonate), at plant") for p in problems
    )


def test_ecospold2_units_of_the_same_dimension_are_converted(uslci_ecospold2: Path) -> None:
    """openLCA wrote 'metric ton*km', 'btu' and 'cu ft' where the provider's unit differs:
    converted with pint, each factor noted (the 21 broken data sets set aside)."""
    from tanji.io.ecospold2 import read_ecospold2

    complete = uslci_ecospold2.parent / "complete"
    complete.mkdir(exist_ok=True)
    for spold in uslci_ecospold2.glob("*.spold"):
        if b"<outputGroup>0</outputGroup>" in spold.read_bytes():
            (complete / spold.name).write_bytes(spold.read_bytes())
    bundle = read_ecospold2(complete, policy=POLICY)
    converted = {n.detail for n in bundle.notes if n.kind == "unit converted"}
    assert "kg*km → metric ton*km: × 0.001 (pint)" in converted
    assert "btu → MJ: × 0.001055056 (pint)" in converted
    assert "cu ft → m3: × 0.02831684659 (pint)" in converted
    assert len(bundle.activities) == 767 - 21
