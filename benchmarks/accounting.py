"""Product-model accounting over a large background, against the same model solved by bw2calc.

Usage::

    python benchmarks/accounting.py --n 25000 [--lines 300] [--iterations 1000]
        [--peer-iterations 100] [--seed 1] [--data DIR] [--store URL] [--solver superlu]
        [--threads N] [--profile] [--json OUT]

What runs (targets from the issue: a 300-line model over a 25,000-activity background
computes in under 50 ms once the background is prepared, its one-time preparation under
1.5 s, and with 1,000 Monte Carlo iterations in under 2 s):

1. The synthetic database (``benchmarks/synthetic.py``) is generated once per (n, seed)
   under ``benchmarks/data`` (or taken from ``--data``) and imported into a fresh store (a
   temporary SQLite file unless ``--store`` gives a URL) with the Brightway import. A
   datapackage has neither units nor flow names, so the benchmark then gives every
   activity a unit (kg, MJ, kWh, t*km, m3, item) and maps the flows the synthetic method
   characterizes to the gases of Tanji's GWP set (the named ones by name, the others
   round-robin, as ecoinvent repeats each gas over several compartments): without that, a
   product model could not link a quantity to an activity and ``ipcc-ar6-gwp100`` would
   characterize nothing. Both steps are timed apart and are not part of any target.
2. A product model is written: ``--lines`` lines linking distinct random background
   activities (seeded) in their unit or a convertible one, over the five default stages,
   one in ten with a lognormal quantity (GSD 1.1), plus two inline-factor lines and two
   direct gas emissions.
3. Tanji (a fresh process): the columnar snapshot of the database version (what
   ``tanji data import`` writes after an import), background preparation
   (``BackgroundStore.get`` with a new engine and the snapshot on disk; again reading the
   exchanges through SQL without it; then the prepared result read back), the
   whole ``calculate`` with the background prepared (median of ``--repeats-fast``, and
   its parts), the background's Monte Carlo samples (one-time per database version) and
   ``calculate(..., iterations=--iterations)`` with the samples prepared.
4. bw2calc (another fresh process): the same model as ONE Brightway system — the
   synthetic database plus a foreground activity (the product) whose inputs are the
   model's lines with the same amounts (lognormal where the model has it), the inline
   factors and gases as elementary flows, and the characterization Tanji uses. ``LCA``
   (build + lci + lcia), then ``LCA`` and ``IterativeLCA`` Monte Carlo (``next(lca)``, as
   ``benchmarks/engine.py`` runs them): ``--peer-iterations`` timed, extrapolated
   linearly to ``--iterations`` (labelled "extrapolated").

The deterministic totals must agree to 1e-9 relative (the exit status is 1 otherwise).
Wall times use ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
METHOD = "ipcc-ar6-gwp100"
DATABASE = "synth"
RTOL = 1e-9
#: Activity units given to the imported activities, and the other units a line may use.
UNITS = ("kg", "kg", "kg", "MJ", "kWh", "t*km", "m3", "item")
ALTERNATIVES = {"kg": ("g", "t"), "MJ": ("GJ", "kWh"), "kWh": ("MWh", "MJ"), "m3": ("L",)}
STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
STAGE_WEIGHTS = (0.6, 0.2, 0.1, 0.05, 0.05)
#: The product's id in the Brightway system, and its extra elementary flows' first id
#: (activities are 1..N, the synthetic flows 10,000,000 and up).
PRODUCT_ID = 9_999_999
EXTRA_FLOW_START = 20_000_000
INLINE_FACTORS = (("packaging film", 0.85, 2.5), ("solvent", 0.12, 3.1))  # name, kg, kg CO2e/kg
DIRECT_GASES = (("CH4-fossil", 0.05), ("N2O", 0.002))  # gas, kg


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed[T](fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def median_of[T](repeats: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The median wall time of ``repeats`` calls, and the last call's result."""
    times, out = [], None
    for _ in range(repeats):
        elapsed, out = timed(fn)
        times.append(elapsed)
    return statistics.median(times), out  # type: ignore[return-value]


def profiled(label: str, fn: Callable[[], Any], top: int = 25) -> None:
    """Run ``fn`` under cProfile and print its top functions (cumulative) to stderr."""
    profile = cProfile.Profile()
    profile.enable()
    fn()
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    print(f"\n===== profile: {label} =====\n{text.getvalue()}", file=sys.stderr, flush=True)


def _synthetic() -> ModuleType:
    # benchmarks/ is not a package: load the generator by path, registered before it runs
    # (dataclasses look their module up in sys.modules).
    name = "tanji_benchmarks_synthetic"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "synthetic.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# --------------------------------------------------------------------------------------
# Parent: data, store, model
# --------------------------------------------------------------------------------------


def ensure_data(n: int, seed: int, directory: Path) -> Path:
    """A folder holding the database and method datapackages for (n, seed)."""
    synthetic = _synthetic()
    db = directory / synthetic.DATABASE_DIRNAME
    if (db / "datapackage.json").is_file():
        spec = json.loads((db / "datapackage.json").read_text())["spec"]
        if spec["n_activities"] == n and spec["seed"] == seed:
            print(f"reusing {directory}")
            return directory
        raise SystemExit(
            f"{directory} holds n={spec['n_activities']} seed={spec['seed']}, not n={n} "
            f"seed={seed}; pass matching --n/--seed or another --data"
        )
    print(f"generating {directory} ...")
    arrays = synthetic.generate(synthetic.SyntheticSpec(n_activities=n, seed=seed))
    synthetic.write_datapackages(arrays, directory)
    return directory


def set_up_store(url: str, data: Path, seed: int) -> dict[str, Any]:
    """Migrate the store, import the datapackages, give units and gases; times and ids."""
    from sqlalchemy import select, update

    from tanji.db.migrate import upgrade
    from tanji.db.models import ActivityRow, FlowRow, GasFactorRow, MethodRow
    from tanji.db.session import UnitOfWork, make_engine
    from tanji.domain.gases import gas_for
    from tanji.services.catalog import Destination, get_lci_version
    from tanji.services.imports import ImportRequest, import_file
    from tanji.services.reference import ensure_reference_data

    synthetic = _synthetic()
    out: dict[str, Any] = {}
    db = make_engine(url)
    start = time.perf_counter()
    upgrade(db)
    with UnitOfWork(db) as uow:
        ensure_reference_data(uow.session)
    out["store_setup_s"] = time.perf_counter() - start

    print("importing the datapackages into the store ...", flush=True)
    start = time.perf_counter()
    with UnitOfWork(db) as uow:
        summary = import_file(
            uow.session, ImportRequest(data, "bw-datapackage", Destination(DATABASE))
        )
    out["import_s"] = time.perf_counter() - start
    out["import_summary"] = {k: getattr(summary, k) for k in ("activities", "flows", "exchanges")}

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    with UnitOfWork(db) as uow:
        s = uow.session
        dbv = get_lci_version(s, DATABASE, None)
        out["dbv_id"] = dbv.id
        ids = s.scalars(
            select(ActivityRow.id).where(ActivityRow.database_version_id == dbv.id)
        ).all()
        units = rng.choice(np.array(UNITS), size=len(ids))
        s.execute(
            update(ActivityRow),
            [{"id": i, "unit": str(u)} for i, u in zip(ids, units, strict=True)],
        )
        method = s.scalars(select(MethodRow).where(MethodRow.key == METHOD)).one()
        gwp = dict(
            s.execute(
                select(GasFactorRow.gas_id, GasFactorRow.factor).where(
                    GasFactorRow.method_id == method.id
                )
            ).all()
        )
        gases = sorted(g for g in gwp if g != "CO2-biogenic-uptake")
        air = "Elementary flows/Emission to air/unspecified"
        named = {
            str(synthetic.FLOW_ID_START + i): gas_for(name, compartment=air)
            for i, (name, *_) in enumerate(synthetic.NAMED_FLOWS)
        }
        method_dir = data / synthetic.METHOD_DIRNAME
        characterized = _characterized_flow_ids(method_dir)
        flows = dict(
            s.execute(
                select(FlowRow.key, FlowRow.id).where(FlowRow.database_version_id == dbv.id)
            ).all()
        )
        mapping: dict[str, str] = {}
        k = 0
        for key in [*named, *(str(i) for i in characterized)]:
            if key in mapping or key not in flows:
                continue
            gas = named.get(key)
            if gas is None or gas not in gwp:
                gas, k = gases[k % len(gases)], k + 1
            mapping[key] = gas
        s.execute(
            update(FlowRow), [{"id": flows[key], "gas_id": gas} for key, gas in mapping.items()]
        )
    out["metadata_s"] = time.perf_counter() - start
    out["gwp"] = gwp
    out["characterization"] = [[int(key), gwp[gas]] for key, gas in mapping.items()]
    out["n_mapped_flows"] = len(mapping)
    out["n_gases"] = len(set(mapping.values()))
    db.dispose()
    return out


def _characterized_flow_ids(method_dir: Path) -> list[int]:
    import bw_processing as bwp

    package = bwp.load_datapackage(bwp.generic_directory_filesystem(dirpath=method_dir))
    ids: list[int] = []
    for resource_ in package.resources:
        if resource_.get("matrix") == "characterization_matrix" and resource_["kind"] == "indices":
            ids.extend(int(r) for r in package.get_resource(resource_["name"])[0]["row"])
    return ids


@dataclass(frozen=True)
class ModelLine:
    activity: int  # the Brightway id (= the stored activity key)
    amount: float  # in the line's unit
    unit: str
    activity_unit: str
    converted: float  # in the activity's unit: the Brightway exchange amount
    gsd: float | None


def write_model(
    url: str, dbv_id: int, n_lines: int, seed: int, path: Path, gwp: dict[str, float]
) -> dict[str, Any]:
    """Write the product model; return its lines and extra exchanges for the peer."""
    import yaml
    from sqlalchemy import select

    from tanji.db.models import ActivityRow
    from tanji.db.session import UnitOfWork, make_engine
    from tanji.domain.units import convert

    rng = np.random.default_rng(seed + 1)
    db = make_engine(url)
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(
            select(ActivityRow.key, ActivityRow.unit)
            .where(ActivityRow.database_version_id == dbv_id)
            .order_by(ActivityRow.id)
        ).all()
    db.dispose()
    if n_lines > len(rows):
        raise SystemExit(f"--lines {n_lines}: the database has only {len(rows)} activities")
    chosen = rng.choice(len(rows), size=n_lines, replace=False)
    lines: list[ModelLine] = []
    documents: list[dict[str, Any]] = []
    for i, index in enumerate(chosen.tolist()):
        key, unit = rows[index]
        amount = float(f"{10 ** rng.uniform(-2, 2):.6g}")
        alternatives = ALTERNATIVES.get(unit, ())
        line_unit = unit
        if alternatives and rng.random() < 0.25:
            line_unit = str(rng.choice(alternatives))
        gsd = 1.1 if i % 10 == 0 else None
        line = ModelLine(int(key), amount, line_unit, unit, convert(amount, line_unit, unit), gsd)
        lines.append(line)
        doc: dict[str, Any] = {
            "id": f"l{i + 1:04d}",
            "stage": str(rng.choice(STAGES, p=STAGE_WEIGHTS)),
            "name": f"input {i + 1}",
            "quantity": {"amount": amount, "unit": line_unit},
            "activity": f"{DATABASE}:{key}",
        }
        if gsd is not None:
            doc["uncertainty"] = {"distribution": "lognormal", "gsd": gsd}
        documents.append(doc)
    extras: list[list[float]] = []  # [kg, kg CO2e per kg] per extra elementary exchange
    for j, (name, kg, per_kg) in enumerate(INLINE_FACTORS):
        documents.append(
            {
                "id": f"inline{j + 1}",
                "stage": "production",
                "name": name,
                "quantity": {"amount": kg, "unit": "kg"},
                "factor": {
                    "unit": "kg",
                    "co2e_kg": per_kg,
                    "name": name,
                    "source": {"publisher": "Benchmark", "title": "synthetic inline factor"},
                },
            }
        )
        extras.append([kg, per_kg])
    for j, (gas, kg) in enumerate(DIRECT_GASES):
        documents.append(
            {
                "id": f"gas{j + 1}",
                "stage": "production",
                "name": f"direct {gas}",
                "quantity": {"amount": kg, "unit": "kg"},
                "gas": gas,
            }
        )
        extras.append([kg, gwp[gas]])
    model = {
        "tanji": "product-model/1",
        "id": "bench-product",
        "version": "1",
        "illustrative": True,
        "product": {
            "name": {"zh": "基准产品", "en": "benchmark product"},
            "category": "benchmark",
            "declared_unit": "1 kg",
            "company": "Benchmark Co.",
        },
        "method": METHOD,
        "lines": documents,
    }
    path.write_text(yaml.safe_dump(model, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return {
        "lines": [[ln.activity, ln.converted, ln.gsd] for ln in lines],
        "extras": extras,
        "n_converted": sum(ln.unit != ln.activity_unit for ln in lines),
        "n_uncertain": sum(ln.gsd is not None for ln in lines),
        "n_lines": len(documents),
    }


# --------------------------------------------------------------------------------------
# Tanji child
# --------------------------------------------------------------------------------------


class PreResolved:
    """A resolver whose burdens are looked up once: ``compute`` without the store."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.gwp: Mapping[str, float] = inner.gwp
        self.basis: str = inner.basis
        self.cache: dict[tuple[str, str], Any] = {}

    def prefetch(self, links: Any) -> None:
        self.inner.prefetch(links)

    def burden(self, link: Any, where: str) -> Any:
        key = (link.kind.value, link.ref if link.inline is None else where)
        if key not in self.cache:
            self.cache[key] = self.inner.burden(link, where)
        return self.cache[key]

    def submodel(self, ref: str, parent: Any, where: str) -> Any:
        return self.inner.submodel(ref, parent, where)

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> Any:
        return self.inner.samples(keys, iterations)


def _preparation_parts(session: Any, dbv_id: int, solver: Any) -> dict[str, Any]:
    """The background preparation's steps, timed one by one (after a first preparation)."""
    from tanji.engine import Engine, factorize
    from tanji.services.lci import load_system

    out: dict[str, Any] = {}
    out["load_system_by_gas_s"], system = timed(
        lambda: load_system(session, dbv_id, METHOD, by_gas=True)
    )
    out["factorize_s"], _ = timed(lambda: factorize(system.technosphere, solver))
    engine = Engine(solver)

    def footprints() -> None:
        for name in system.methods:
            engine.footprints(system, name)

    out["footprints_s"], _ = timed(footprints)
    out["nnz_technosphere"] = int(system.technosphere.nnz)
    return out


def measure_tanji(cfg: dict[str, Any]) -> dict[str, Any]:
    from tanji.db.session import UnitOfWork, make_engine
    from tanji.domain.footprint_uncertainty import monte_carlo
    from tanji.domain.footprints import compute
    from tanji.engine import Engine, SolverConfig
    from tanji.io.product_model import load_document, model_from_document
    from tanji.services.background import BACKGROUND_SEED, BackgroundStore
    from tanji.services.footprints import StoreResolver, calculate
    from tanji.services.lci import load_system

    out: dict[str, Any] = {"rss_imports_mib": peak_rss_mib()}
    url, dbv_id, path = cfg["url"], cfg["dbv_id"], Path(cfg["model"])
    cache = Path(cfg["cache_dir"])
    iterations, seed, fast = cfg["iterations"], cfg["seed"], cfg["repeats_fast"]
    solver = SolverConfig(backend=cfg["solver"])
    db = make_engine(url)
    with UnitOfWork(db) as uow:
        s = uow.session

        log("tanji: columnar snapshot of the version (what `tanji data import` writes)")
        out["snapshot_s"], _ = timed(
            lambda: BackgroundStore(Engine(solver), cache, url).exchanges(s, dbv_id)
        )
        log("tanji: background preparation, cold (new engine, snapshot on disk)")
        out["prepare_s"], background = timed(
            lambda: BackgroundStore(Engine(solver), cache, url).get(s, dbv_id, METHOD)
        )
        out["n_gas_methods"] = len(background.by_gas)
        out["n_activities"] = len(background.ids)
        log("tanji: background preparation reading the exchanges through SQL (no snapshot)")
        out["prepare_sql_s"], _ = timed(
            lambda: BackgroundStore(Engine(solver), None, url).get(s, dbv_id, METHOD)
        )
        out |= _preparation_parts(s, dbv_id, solver)
        store = BackgroundStore(Engine(solver), cache, url)
        out["disk_read_s"], background = timed(lambda: store.get(s, dbv_id, METHOD))
        out["rss_prepared_mib"] = peak_rss_mib()

        log(f"tanji: calculate, background prepared ({fast} runs)")
        out["first_calculate_s"], first = timed(lambda: calculate(s, store, path))
        out["calculate_s"], calc = median_of(fast, lambda: calculate(s, store, path))
        out["total"] = calc.footprint.total
        out["n_terms"] = len(calc.footprint.terms)
        out["parse_s"], model = median_of(fast, lambda: model_from_document(load_document(path)))
        out["resolver_init_s"], _ = median_of(fast, lambda: StoreResolver(s, store, METHOD))
        out["compute_s"], _ = median_of(
            fast, lambda: compute(model, StoreResolver(s, store, METHOD), store.engine)
        )
        cached = PreResolved(StoreResolver(s, store, METHOD))
        compute(model, cached, store.engine)
        out["compute_preresolved_s"], footprint = median_of(
            fast, lambda: compute(model, cached, store.engine)
        )
        assert footprint.total == calc.footprint.total

        log(f"tanji: background Monte Carlo samples, {iterations} iterations (one-time)")
        out["samples_s"], samples = timed(lambda: store.samples(s, background, iterations))
        out["samples_shape"] = list(samples.shape)
        del samples
        out["load_system_s"], _ = timed(lambda: load_system(s, dbv_id, METHOD))
        reread = BackgroundStore(Engine(solver), cache, url)
        reread.get(s, dbv_id, METHOD)
        out["samples_disk_read_s"], _ = timed(
            lambda: np.asarray(reread.samples(s, reread.get(s, dbv_id, METHOD), iterations))
        )
        out["rss_samples_mib"] = peak_rss_mib()

        log(f"tanji: calculate with {iterations} Monte Carlo iterations, samples prepared")
        out["first_mc_s"], _ = timed(
            lambda: calculate(s, store, path, iterations=iterations, seed=seed)
        )
        out["mc_s"], mc = median_of(
            cfg["repeats_mc"], lambda: calculate(s, store, path, iterations=iterations, seed=seed)
        )
        assert mc.uncertainty is not None
        out["mc_mean"] = mc.uncertainty.summary.mean
        out["mc_std"] = mc.uncertainty.summary.std
        resolver = StoreResolver(s, store, METHOD)
        footprint = compute(model, resolver, store.engine)
        out["monte_carlo_s"], _ = median_of(
            cfg["repeats_mc"], lambda: monte_carlo(footprint, resolver, iterations, seed)
        )
        out["background_seed"] = BACKGROUND_SEED
        out["rss_peak_mib"] = peak_rss_mib()

        if cfg["profile"]:
            profiled(
                "background preparation, cold",
                lambda: BackgroundStore(Engine(solver), None, url).get(s, dbv_id, METHOD),
            )
            profiled("calculate, background prepared", lambda: calculate(s, store, path))
            profiled(
                f"calculate, {iterations} iterations, samples prepared",
                lambda: calculate(s, store, path, iterations=iterations, seed=seed),
            )
            fresh = BackgroundStore(Engine(solver), None, url)
            prepared = fresh.get(s, dbv_id, METHOD)
            profiled(
                f"background samples, {iterations} iterations",
                lambda: fresh.samples(s, prepared, iterations),
            )
    del first
    db.dispose()
    return out


# --------------------------------------------------------------------------------------
# bw2calc child
# --------------------------------------------------------------------------------------


def _foreground_packages(cfg: dict[str, Any]) -> list[Any]:
    """The product as one more activity, and the characterization Tanji uses, in memory."""
    import bw_processing as bwp

    lines, extras = cfg["lines"], cfg["extras"]
    n = len(lines) + 1
    tech_indices = np.empty(n, dtype=bwp.INDICES_DTYPE)
    tech_indices["row"] = [PRODUCT_ID, *(a for a, _, _ in lines)]
    tech_indices["col"] = PRODUCT_ID
    amounts = np.array([1.0, *(q for _, q, _ in lines)])
    flip = np.array([False] + [True] * len(lines))
    distributions = np.zeros(n, dtype=bwp.UNCERTAINTY_DTYPE)
    for name in ("scale", "shape", "minimum", "maximum"):
        distributions[name] = np.nan
    distributions["loc"] = amounts
    distributions["negative"] = False
    for i, (_, q, gsd) in enumerate(lines, start=1):
        if gsd is not None:
            distributions[i]["uncertainty_type"] = 2
            distributions[i]["loc"] = np.log(q)
            distributions[i]["scale"] = np.log(gsd)

    foreground = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    foreground.add_persistent_vector(
        matrix="technosphere_matrix",
        name="product_technosphere",
        indices_array=tech_indices,
        data_array=amounts,
        flip_array=flip,
        distributions_array=distributions,
    )
    bio_indices = np.empty(len(extras), dtype=bwp.INDICES_DTYPE)
    bio_indices["row"] = EXTRA_FLOW_START + np.arange(len(extras))
    bio_indices["col"] = PRODUCT_ID
    foreground.add_persistent_vector(
        matrix="biosphere_matrix",
        name="product_biosphere",
        indices_array=bio_indices,
        data_array=np.array([kg for kg, _ in extras]),
    )
    factors = [*cfg["characterization"], *([EXTRA_FLOW_START + i, f] for i, (_, f) in
               enumerate(extras))]  # fmt: skip
    cf_indices = np.empty(len(factors), dtype=bwp.INDICES_DTYPE)
    cf_indices["row"] = [int(i) for i, _ in factors]
    cf_indices["col"] = cf_indices["row"]
    method = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    method.add_persistent_vector(
        matrix="characterization_matrix",
        name="tanji_gwp100",
        indices_array=cf_indices,
        data_array=np.array([float(f) for _, f in factors]),
    )
    return [cfg["db_path"], foreground, method]


def measure_bw2calc(cfg: dict[str, Any]) -> dict[str, Any]:
    import bw2calc

    out: dict[str, Any] = {"rss_imports_mib": peak_rss_mib(), "version": bw2calc.__version__}
    demand = {PRODUCT_ID: 1.0}

    def one() -> Any:
        lca = bw2calc.LCA(demand, data_objs=_foreground_packages(cfg))
        lca.lci()
        lca.lcia()
        return lca

    log(f"bw2calc: LCA build + lci + lcia ({cfg['repeats_slow']} runs)")
    out["lca_s"], lca = median_of(cfg["repeats_slow"], one)
    out["score"] = float(lca.score)
    del lca
    out["rss_lca_mib"] = peak_rss_mib()

    k, seed = cfg["peer_iterations"], cfg["seed"]
    for cls, prefix in ((bw2calc.LCA, "mc_lca"), (bw2calc.IterativeLCA, "mc_it")):
        log(f"bw2calc: {cls.__name__} Monte Carlo, {k} iterations")
        start = time.perf_counter()
        mc = cls(demand, data_objs=_foreground_packages(cfg), use_distributions=True,
                 seed_override=seed)  # fmt: skip
        mc.lci()
        mc.lcia()
        out[f"{prefix}_setup_s"] = time.perf_counter() - start
        scores = []
        start = time.perf_counter()
        for _ in range(k):
            next(mc)
            scores.append(float(mc.score))
        out[f"{prefix}_iter_s"] = (time.perf_counter() - start) / k
        out[f"{prefix}_mean"] = float(np.mean(scores))
        out[f"{prefix}_std"] = float(np.std(scores, ddof=1))
        del mc
    out["rss_peak_mib"] = peak_rss_mib()
    return out


# --------------------------------------------------------------------------------------
# Parent: children, table
# --------------------------------------------------------------------------------------


def run_child(tool: str, cfg: dict[str, Any], threads: int) -> dict[str, Any]:
    env = os.environ | {
        name: str(threads)
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    load = os.getloadavg()[0]
    print(f"measuring {tool} in a fresh process (load {load:.1f}) ...", flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", tool],
        input=json.dumps(cfg),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {tool} measurements failed (exit {done.returncode}); see above")
    return dict(json.loads(done.stdout)) | {"load_before": load, "load_after": os.getloadavg()[0]}


@dataclass(frozen=True)
class Row:
    label: str
    ours: float | None
    theirs: float | None = None
    limit: float | None = None  # target: Tanji's time at most this (s)
    unit: str = "s"

    def cells(self) -> tuple[str, ...]:
        ratio = "" if self.ours is None or not self.theirs else f"{self.ours / self.theirs:.3g}x"
        target, verdict = "", ""
        if self.limit is not None:
            target = f"< {_fmt(self.limit, 's')}"
            verdict = "" if self.ours is None else ("✓" if self.ours < self.limit else "✗")
        return (
            self.label,
            _fmt(self.ours, self.unit),
            _fmt(self.theirs, self.unit),
            ratio,
            target,
            verdict,
        )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {name}"
    return f"{value / 1e-9:.3g} ns"


def rows(
    t: dict[str, Any], bw: dict[str, Any], setup: dict[str, Any], k: int, iters: int
) -> list[Row]:
    lca_mc = bw["mc_lca_setup_s"] + iters * bw["mc_lca_iter_s"]
    it_mc = bw["mc_it_setup_s"] + iters * bw["mc_it_iter_s"]
    x = f"{iters} it. extrapolated from {k}"
    return [
        Row("import into the store (one-time, not part of the target)", setup["import_s"]),
        Row("  + units and flow→gas mapping the datapackage lacks", setup["metadata_s"]),
        Row("  + columnar snapshot of the version (written at import)", t["snapshot_s"]),
        Row("background preparation, cold (one-time per version)", t["prepare_s"], limit=1.5),
        Row("  the same without the snapshot (exchanges through SQL)", t["prepare_sql_s"]),
        Row("  of which: load_system(by_gas) from the store", t["load_system_by_gas_s"]),
        Row("  of which: factorization", t["factorize_s"]),
        Row(f"  of which: {t['n_gas_methods'] + 1} adjoint solves (total + by gas)",
            t["footprints_s"] - t["factorize_s"]),
        Row("background read back from the disk cache", t["disk_read_s"]),
        Row("model: calculate(), background prepared (median)", t["calculate_s"],
            bw["lca_s"], limit=0.05),
        Row("  first calculate() in a fresh process", t["first_calculate_s"]),
        Row("  parse + validate the model file", t["parse_s"]),
        Row("  StoreResolver()", t["resolver_init_s"]),
        Row("  compute() (resolves the links)", t["compute_s"]),
        Row("  compute() with links pre-resolved", t["compute_preresolved_s"]),
        Row("cold: background preparation + calculate() vs LCA",
            t["prepare_s"] + t["first_calculate_s"], bw["lca_s"]),
        Row(f"background MC samples, {iters} it. (one-time per version)", t["samples_s"]),
        Row("  of which: load_system from the store", t["load_system_s"]),
        Row("  samples read back from the disk cache", t["samples_disk_read_s"]),
        Row(f"model: calculate({iters} it.), samples prepared (median)", t["mc_s"],
            lca_mc, limit=2.0),
        Row("  the same vs IterativeLCA", t["mc_s"], it_mc),
        Row("  of which: monte_carlo()", t["monte_carlo_s"]),
        Row("  first calculate(MC) in the process", t["first_mc_s"]),
        Row(f"cold: samples + calculate({iters} it.) vs LCA MC", t["samples_s"] + t["mc_s"],
            lca_mc),
        Row("  the same vs IterativeLCA MC", t["samples_s"] + t["mc_s"], it_mc),
        Row(f"bw2calc LCA MC: setup + {x}", None, lca_mc),
        Row("  per iteration (LCA)", None, bw["mc_lca_iter_s"]),
        Row("  per iteration (IterativeLCA)", None, bw["mc_it_iter_s"]),
        Row(f"bw2calc IterativeLCA MC: setup + {x}", None, it_mc),
        Row("peak RSS, whole run", t["rss_peak_mib"], bw["rss_peak_mib"], unit="MiB"),
    ]  # fmt: skip


def table(table_rows: Sequence[Row]) -> str:
    header = ("measurement", "Tanji", "bw2calc", "ratio", "target", "")
    lines = [header, *(r.cells() for r in table_rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    rendered.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(rendered)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        measure = measure_tanji if args.child == "tanji" else measure_bw2calc
        print(json.dumps(measure(json.loads(sys.stdin.read()))))
        return 0

    synthetic = _synthetic()
    data = ensure_data(args.n, args.seed, args.data or HERE / "data" / f"n{args.n}_seed{args.seed}")
    with tempfile.TemporaryDirectory(prefix="tanji-accounting-") as scratch_name:
        scratch = Path(scratch_name)
        url = args.store or f"sqlite:///{scratch / 'store' / 'tanji.db'}"
        setup = set_up_store(url, data, args.seed)
        model_path = scratch / "model.yaml"
        model = write_model(url, setup["dbv_id"], args.lines, args.seed, model_path, setup["gwp"])
        common = {"seed": args.seed, "iterations": args.iterations}
        tanji = run_child(
            "tanji",
            common
            | {
                "url": url,
                "dbv_id": setup["dbv_id"],
                "model": str(model_path),
                "cache_dir": str(scratch / "cache"),
                "solver": args.solver,
                "repeats_fast": args.repeats,
                "repeats_mc": 3,
                "profile": args.profile,
            },
            args.threads,
        )
        bw = run_child(
            "bw2calc",
            common
            | {
                "db_path": str(data / synthetic.DATABASE_DIRNAME),
                "lines": model["lines"],
                "extras": model["extras"],
                "characterization": setup["characterization"],
                "peer_iterations": args.peer_iterations,
                "repeats_slow": 3,
            },
            args.threads,
        )

    relative = abs(tanji["total"] - bw["score"]) / max(abs(bw["score"]), np.finfo(float).tiny)
    agree = relative < RTOL
    print(
        f"\nN = {tanji['n_activities']:,} activities (A: {tanji['nnz_technosphere']:,} nonzeros), "
        f"seed {args.seed}; model: {model['n_lines']} lines ({args.lines} activity links, "
        f"{model['n_converted']} in a converted unit, {model['n_uncertain']} lognormal GSD 1.1; "
        f"{len(INLINE_FACTORS)} inline factors, {len(DIRECT_GASES)} direct gases); {METHOD} "
        f"over {setup['n_mapped_flows']} flows mapped to {setup['n_gases']} gases; Tanji solver "
        f"{args.solver}; bw2calc {bw['version']} with pypardiso; {args.threads} threads; "
        f"{os.cpu_count()} cores"
    )
    loads = [c[k] for c in (tanji, bw) for k in ("load_before", "load_after")]
    print(f"1-minute load average during the run: {min(loads):.1f} to {max(loads):.1f}")
    print(
        f"medians: calculate() of {args.repeats} runs, calculate(MC) and bw2calc LCA of 3; "
        f"bw2calc Monte Carlo: {args.peer_iterations} iterations timed, extrapolated to "
        f"{args.iterations}\n"
    )
    print(table(rows(tanji, bw, setup, args.peer_iterations, args.iterations)))
    print(
        f"\ntotal: Tanji {tanji['total']!r}, bw2calc {bw['score']!r}; relative difference "
        f"{relative:.2e} ({'✓' if agree else '✗'} < {RTOL:g})\n"
        f"MC ({args.iterations} it.): Tanji mean {tanji['mc_mean']:.6g} sd {tanji['mc_std']:.3g}; "
        f"bw2calc ({args.peer_iterations} it.) LCA mean {bw['mc_lca_mean']:.6g} sd "
        f"{bw['mc_lca_std']:.3g}, IterativeLCA mean {bw['mc_it_mean']:.6g} sd "
        f"{bw['mc_it_std']:.3g} (different draws: indicative only)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        setup_out = {k: v for k, v in setup.items() if k not in ("characterization", "gwp")}
        result = {
            "args": {k: str(v) for k, v in vars(args).items()},
            "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
            "setup": setup_out,
            "model": {k: v for k, v in model.items() if k not in ("lines", "extras")},
            "tanji": tanji,
            "bw2calc": bw,
            "relative_difference": relative,
        }
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if agree else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25_000, help="background activities")
    parser.add_argument("--lines", type=int, default=300, help="activity lines of the model")
    parser.add_argument("--iterations", type=int, default=1000, help="Monte Carlo iterations")
    parser.add_argument(
        "--peer-iterations",
        type=int,
        default=100,
        help="bw2calc Monte Carlo iterations actually run (then extrapolated to --iterations)",
    )
    parser.add_argument("--seed", type=int, default=1, help="data, model and Monte Carlo seed")
    parser.add_argument(
        "--data", type=Path, help="a folder of datapackages (default benchmarks/data/nN_seedS)"
    )
    parser.add_argument(
        "--store", help="a store URL (default: SQLite in a temporary folder); must be fresh"
    )
    parser.add_argument("--solver", choices=["superlu", "pardiso"], default="superlu")
    parser.add_argument("--repeats", type=int, default=20, help="runs of calculate() (median)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile tops of Tanji's steps to stderr"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", choices=["tanji", "bw2calc"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
