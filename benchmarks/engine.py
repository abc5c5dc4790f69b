"""Tanji's engine against Brightway's bw2calc (with PARDISO), on the same synthetic datapackages.

Usage::

    python benchmarks/engine.py --n 25000 [--iterations 50] [--seed 1]
        [--data-dir benchmarks/data] [--solver superlu|superlu-colamd|pardiso|both] [--json OUT]

The synthetic database (``benchmarks/synthetic.py``, shaped like ecoinvent 3.x) is
generated once per (n, seed) under ``--data-dir`` and reused. Each tool is then measured in
its own fresh Python process (Tanji once per solver backend), so that peak memory
(``ru_maxrss``) belongs to one tool and no imported state or thread pool leaks between
them; a child prints its measurements as JSON on stdout. Both children get the same
``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` (``--threads``,
default: all cores).

Wall times use ``time.perf_counter``; cheap measurements are the best of ``--repeats``.
Imports are excluded; reading the datapackages is included wherever a row says "load".
The script checks that both tools give the same scores (1e-8 relative) for every demand it
times and for every activity's footprint, and exits with status 1 if they do not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RTOL = 1e-8
WARM_DEMANDS = 20
LOOKUPS = 2000


# --------------------------------------------------------------------------------------
# Measuring helpers (used by both children)
# --------------------------------------------------------------------------------------


def best_of[T](repeats: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The shortest wall time of ``repeats`` calls, and the last call's result."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(message: str) -> None:
    # stdout carries the child's JSON; progress goes to stderr.
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Tanji child
# --------------------------------------------------------------------------------------


def measure_tanji(cfg: dict[str, Any]) -> dict[str, Any]:
    from tanji.engine import Engine, MonteCarlo, SolverConfig, factorize
    from tanji.io.brightway import system_from_datapackages

    out: dict[str, Any] = {"rss_imports_mib": peak_rss_mib()}
    paths, repeats, demands = cfg["paths"], cfg["repeats"], cfg["demands"]
    first, others = demands[0], demands[1:]
    backend, _, ordering = cfg["solver"].partition("-")  # "superlu-colamd" → SuperLU, COLAMD
    solver = SolverConfig(backend=backend, ordering=ordering or "metis")

    def one_demand() -> tuple[Any, Engine, float]:
        system = system_from_datapackages(paths)
        engine = Engine(solver)
        method = next(iter(system.methods))
        return system, engine, engine.lca(system, {first: 1.0}, method).score

    log(f"tanji/{cfg['solver']}: one demand")
    out["one_demand_s"], (system, engine, score) = best_of(repeats, one_demand)
    method = next(iter(system.methods))
    out["one_demand_score"] = score
    out["load_s"], _ = best_of(repeats, lambda: system_from_datapackages(paths))
    out["factorize_s"], _ = best_of(repeats, lambda: factorize(system.technosphere, solver))
    out["nnz_technosphere"] = int(system.technosphere.nnz)
    out["nnz_biosphere"] = int(system.biosphere.nnz)
    out["rss_one_demand_mib"] = peak_rss_mib()

    def warm() -> list[float]:
        return [engine.lca(system, {d: 1.0}, method).score for d in others]

    out["warm_demand_s"], out["warm_scores"] = best_of(repeats, warm)
    out["warm_demand_s"] /= len(others)

    log(f"tanji/{cfg['solver']}: all activities")
    out["all_fresh_s"], _ = best_of(repeats, lambda: Engine(solver).footprints(system, method))
    out["all_warm_s"], table = best_of(repeats, lambda: engine.footprints(system, method))
    out["all_load_s"], _ = best_of(
        repeats, lambda: Engine(solver).footprints(system_from_datapackages(paths), method)
    )
    out["footprints"] = table.scores.tolist()
    lookups = [others[i % len(others)] for i in range(LOOKUPS)]
    out["lookup_s"], _ = best_of(repeats, lambda: [table.score_of(d) for d in lookups])
    out["lookup_s"] /= LOOKUPS
    out["rss_deterministic_mib"] = peak_rss_mib()

    log(f"tanji/{cfg['solver']}: Monte Carlo, one demand")
    iterations, seed = cfg["iterations"], cfg["seed"]
    start = time.perf_counter()
    mc = MonteCarlo(engine, system, method)
    out["mc_setup_s"] = time.perf_counter() - start
    start = time.perf_counter()
    result = mc.run({first: 1.0}, iterations, seed=seed)
    out["mc_one_s"] = (time.perf_counter() - start) / iterations
    out["mc_one_fallbacks"] = result.fallbacks
    out["mc_one_max_error"] = result.max_error_estimate
    out["mc_one_mean"], out["mc_one_std"] = result.summary.mean, result.summary.std

    log(f"tanji/{cfg['solver']}: Monte Carlo, all activities")
    start = time.perf_counter()
    every = mc.all_activities(iterations, seed=seed)
    out["mc_all_s"] = (time.perf_counter() - start) / iterations
    out["mc_all_fallbacks"] = every.fallbacks
    out["mc_all_max_error"] = every.max_error_estimate
    out["rss_peak_mib"] = peak_rss_mib()
    return out


# --------------------------------------------------------------------------------------
# bw2calc child
# --------------------------------------------------------------------------------------


def measure_bw2calc(cfg: dict[str, Any]) -> dict[str, Any]:
    import bw2calc
    from pypardiso import PyPardisoSolver

    out: dict[str, Any] = {"rss_imports_mib": peak_rss_mib(), "version": bw2calc.__version__}
    paths, repeats, demands = cfg["paths"], cfg["repeats"], cfg["demands"]
    first, others = demands[0], demands[1:]

    def one_demand() -> Any:
        lca = bw2calc.LCA({first: 1.0}, data_objs=paths)
        lca.lci()
        lca.lcia()
        return lca

    log("bw2calc: one demand")
    out["one_demand_s"], lca = best_of(repeats, one_demand)
    out["one_demand_score"] = lca.score

    def load() -> None:
        loaded = bw2calc.LCA({first: 1.0}, data_objs=paths)
        loaded.load_lci_data()
        loaded.load_lcia_data()

    out["load_s"], _ = best_of(repeats, load)

    def factorize() -> Any:
        solver = PyPardisoSolver()
        solver.factorize(lca.technosphere_matrix)  # CSR, as bw2calc hands it to PARDISO
        return solver

    out["factorize_s"], solver = best_of(repeats, factorize)
    solver.free_memory(everything=True)
    out["rss_one_demand_mib"] = peak_rss_mib()

    def warm() -> list[float]:
        scores = []
        for d in others:
            lca.lcia(demand={d: 1.0})
            scores.append(lca.score)
        return scores

    out["warm_demand_s"], out["warm_scores"] = best_of(repeats, warm)
    out["warm_demand_s"] /= len(others)

    log("bw2calc: all activities (FastScoresOnlyMultiLCA, adjoint)")
    ids = sorted(int(i) for i in lca.dicts.product)
    fast = _all_activities(bw2calc, paths, ids, cfg["method"])
    out["all_load_s"], fast = best_of(repeats, fast)
    out["all_fresh_s"], _ = best_of(repeats, fast.calculate)
    scores = fast.product_scores
    out["footprints"] = scores.sel(products=ids).to_numpy()[0].tolist()  # Tanji's order
    lookups = [others[i % len(others)] for i in range(LOOKUPS // 10)]
    out["lookup_s"], _ = best_of(
        repeats, lambda: [float(scores.sel(products=d).to_numpy()[0]) for d in lookups]
    )
    out["lookup_s"] /= len(lookups)
    out["rss_deterministic_mib"] = peak_rss_mib()

    iterations, seed = cfg["bw_iterations"], cfg["seed"]
    log(f"bw2calc: Monte Carlo with LCA, {iterations} iterations")
    out.update(_monte_carlo(bw2calc.LCA, paths, first, iterations, seed, "mc_lca"))
    log(f"bw2calc: Monte Carlo with IterativeLCA, {cfg['iterations']} iterations")
    out.update(_monte_carlo(bw2calc.IterativeLCA, paths, first, cfg["iterations"], seed, "mc_it"))
    out["rss_peak_mib"] = peak_rss_mib()
    return out


def _all_activities(bw2calc: Any, paths: list[str], ids: list[int], method: list[str]) -> Any:
    """A callable that loads the data and scores every activity with the adjoint class."""

    def run() -> Any:
        fast = bw2calc.FastScoresOnlyMultiLCA(
            {str(i): {i: 1.0} for i in ids},
            {"impact_categories": [tuple(method)]},
            data_objs=_with_method_identifier(paths, method),
            direction="adjoint",
        )
        next(fast)
        return fast

    return run


def _with_method_identifier(paths: list[str], method: list[str]) -> list[Any]:
    """The datapackages, with the characterization resources labelled by ``identifier``.

    MultiLCA selects each impact category's resources by that attribute, which bw2data
    writes but the synthetic method package does not have; labelled in memory only.
    """
    import bw_processing as bwp

    packages = [
        bwp.load_datapackage(bwp.generic_directory_filesystem(dirpath=Path(p))) for p in paths
    ]
    for package in packages:
        for resource_ in package.resources:
            if resource_.get("matrix") == "characterization_matrix":
                resource_["identifier"] = list(method)
    return packages


def _monte_carlo(
    cls: Any, paths: list[str], demand: int, iterations: int, seed: int, prefix: str
) -> dict[str, Any]:
    """Seconds per ``next()`` (resample, rebuild, solve, score), after the first draw."""
    lca = cls({demand: 1.0}, data_objs=paths, use_distributions=True, seed_override=seed)
    lca.lci()
    lca.lcia()
    scores = []
    start = time.perf_counter()
    for _ in range(iterations):
        next(lca)
        scores.append(lca.score)
    out = {
        f"{prefix}_s": (time.perf_counter() - start) / iterations,
        f"{prefix}_mean": float(np.mean(scores)),
        f"{prefix}_std": float(np.std(scores, ddof=1)),
    }
    if hasattr(lca, "solver_stats"):
        out[f"{prefix}_solver_stats"] = dict(lca.solver_stats)
    return out


# --------------------------------------------------------------------------------------
# Parent: data, children, checks, table
# --------------------------------------------------------------------------------------


def ensure_data(n: int, seed: int, data_dir: Path) -> list[Path]:
    """The datapackages for (n, seed), generated on first use."""
    sys.path.insert(0, str(HERE))
    import synthetic

    directory = data_dir / f"n{n}_seed{seed}"
    paths = [directory / synthetic.DATABASE_DIRNAME, directory / synthetic.METHOD_DIRNAME]
    spec = synthetic.SyntheticSpec(n_activities=n, seed=seed)
    # Reused only if generated with today's spec (e.g. not from before waste treatments).
    if all((p / "datapackage.json").is_file() for p in paths) and (
        json.loads((paths[0] / "datapackage.json").read_text())["spec"] == asdict(spec)
    ):
        print(f"reusing {directory}")
        return paths
    print(f"generating {directory} ...")
    arrays = synthetic.generate(spec)
    return list(synthetic.write_datapackages(arrays, directory))


def choose_demands(db_path: Path, seed: int) -> list[int]:
    """The most used market hub, then 4 more hubs and 16 random activities."""
    metadata = json.loads((db_path / "datapackage.json").read_text())
    hubs = [int(h) for h in metadata["hubs"]]  # most used first
    n = metadata["spec"]["n_activities"]
    ids = list(range(1, n + 1))  # synthetic.ACTIVITY_ID_START, then consecutive
    rng = np.random.default_rng(seed)
    others = [int(i) for i in rng.choice(np.setdiff1d(ids, hubs), WARM_DEMANDS - 4, replace=False)]
    return [*hubs[:5], *others]


def run_child(tool: str, cfg: dict[str, Any], threads: int) -> dict[str, Any]:
    env = os.environ | {
        name: str(threads)
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    load = os.getloadavg()[0]
    print(f"measuring {tool} {cfg.get('solver', '')} in a fresh process (load {load:.1f}) ...")
    sys.stdout.flush()
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
    # Other processes on the machine slow every figure; the load average says how much.
    return dict(json.loads(done.stdout)) | {"load_before": load, "load_after": os.getloadavg()[0]}


def agreement(tanji: dict[str, Any], bw: dict[str, Any]) -> list[str]:
    """Messages for every measured score on which the tools differ by more than RTOL."""
    problems = []
    pairs = [
        ("one demand", [tanji["one_demand_score"]], [bw["one_demand_score"]]),
        ("warm demands", tanji["warm_scores"], bw["warm_scores"]),
        ("all-activity footprints", tanji["footprints"], bw["footprints"]),
    ]
    for name, ours, theirs in pairs:
        a, b = np.asarray(ours), np.asarray(theirs)
        relative = np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)
        if not np.all(relative <= RTOL):
            problems.append(
                f"{name}: {int((relative > RTOL).sum())} of {a.size} scores differ by more "
                f"than {RTOL:g} relative (worst {relative.max():.2e})"
            )
    return problems


@dataclass(frozen=True)
class Row:
    label: str
    ours: float | None
    theirs: float | None
    unit: str  # "s" or "MiB"
    target: str = ""  # e.g. "<= 0.7x" or "<= 0.06 s"

    def ratio(self) -> float | None:
        if self.ours is None or not self.theirs:
            return None
        return self.ours / self.theirs

    def verdict(self) -> str:
        if self.target.startswith("<= ") and self.target.endswith("x"):
            ratio = self.ratio()
            return "" if ratio is None else ("✓" if ratio <= float(self.target[3:-1]) else "✗")
        if self.target.startswith("<= ") and self.target.endswith(" s") and self.ours is not None:
            return "✓" if self.ours <= float(self.target[3:-2]) else "✗"
        return ""


def rows(tanji: dict[str, Any], bw: dict[str, Any], n: int) -> list[Row]:
    memory_target = "<= 1.0x" if n >= 100_000 else "(<= 1.0x at N=100k)"
    return [
        Row("one demand: load + build + factorize + solve", tanji["one_demand_s"],
            bw["one_demand_s"], "s", "<= 0.7x"),
        Row("  of which: load + build matrices", tanji["load_s"], bw["load_s"], "s"),
        Row("  of which: factorization", tanji["factorize_s"], bw["factorize_s"], "s"),
        Row("one more demand, warm factorization (avg)", tanji["warm_demand_s"],
            bw["warm_demand_s"], "s", "<= 0.25x"),
        Row("footprint lookup from all-activity vector", tanji["lookup_s"], bw["lookup_s"], "s"),
        Row("all activities, fresh factorization (data loaded)", tanji["all_fresh_s"],
            bw["all_fresh_s"], "s", "<= 0.7x"),
        Row("all activities, warm factorization", tanji["all_warm_s"], None, "s"),
        Row("all activities incl. load", tanji["all_load_s"], bw["all_load_s"], "s"),
        Row("MC one demand, per iteration vs LCA", tanji["mc_one_s"], bw["mc_lca_s"], "s"),
        Row("MC one demand, per iteration vs IterativeLCA", tanji["mc_one_s"], bw["mc_it_s"],
            "s", "<= 0.25x"),
        Row("MC all activities, per iteration", tanji["mc_all_s"], None, "s", "<= 0.06 s"),
        Row("peak RSS after one demand", tanji["rss_one_demand_mib"],
            bw["rss_one_demand_mib"], "MiB"),
        Row("peak RSS, deterministic runs", tanji["rss_deterministic_mib"],
            bw["rss_deterministic_mib"], "MiB"),
        Row("peak RSS, whole run", tanji["rss_peak_mib"], bw["rss_peak_mib"], "MiB",
            memory_target),
    ]  # fmt: skip


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {name}"
    return f"{value / 1e-9:.3g} ns"


def table(solver: str, table_rows: Sequence[Row]) -> str:
    header = ("measurement", f"Tanji ({solver})", "bw2calc", "ratio", "target", "")
    lines = [header]
    for row in table_rows:
        ratio = row.ratio()
        lines.append(
            (
                row.label,
                _fmt(row.ours, row.unit),
                _fmt(row.theirs, row.unit),
                "" if ratio is None else f"{ratio:.2f}x",
                row.target,
                row.verdict(),
            )
        )
    return markdown(lines)


def markdown(lines: Sequence[Sequence[str]]) -> str:
    """A Markdown table, columns padded; the first line is the header."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    rendered = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    rendered.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(rendered)


def notes(tanji: dict[str, Any], bw: dict[str, Any]) -> str:
    lca_mean, our_mean = bw["mc_lca_mean"], tanji["mc_one_mean"]
    return (
        f"Tanji MC: {tanji['mc_one_fallbacks']} fallbacks (one demand), "
        f"{tanji['mc_all_fallbacks']} (all activities); max error estimate "
        f"{max(tanji['mc_one_max_error'], tanji['mc_all_max_error']):.1e}; MonteCarlo setup "
        f"{_fmt(tanji['mc_setup_s'], 's')}.\n"
        f"MC means: Tanji {our_mean:.6g} (sd {tanji['mc_one_std']:.3g}), bw2calc LCA "
        f"{lca_mean:.6g} (sd {bw['mc_lca_std']:.3g}), IterativeLCA {bw['mc_it_mean']:.6g}; "
        f"IterativeLCA stages {bw.get('mc_it_solver_stats', {})}."
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        measure = measure_tanji if args.child == "tanji" else measure_bw2calc
        print(json.dumps(measure(json.loads(sys.stdin.read()))))
        return 0

    paths = ensure_data(args.n, args.seed, args.data_dir)
    demands = choose_demands(paths[0], args.seed)
    common = {
        "paths": [str(p) for p in paths],
        "demands": demands,
        "repeats": args.repeats,
        "iterations": args.iterations,
        "bw_iterations": args.bw_lca_iterations or min(args.iterations, 20),
        "seed": args.seed,
    }
    solvers = ["superlu", "pardiso"] if args.solver == "both" else [args.solver]
    tanji = {s: run_child("tanji", common | {"solver": s}, args.threads) for s in solvers}
    bw = run_child("bw2calc", common | {"method": ["synthetic", "gwp100"]}, args.threads)

    problems: list[str] = []
    shape = tanji[solvers[0]]
    print(
        f"\nN = {args.n:,} activities, seed {args.seed}; A: {shape['nnz_technosphere']:,} "
        f"nonzeros, B: {shape['nnz_biosphere']:,}; {args.iterations} MC iterations; "
        f"{args.threads} threads; bw2calc {bw['version']} with pypardiso; {os.cpu_count()} cores"
    )
    loads = [c[k] for c in [*tanji.values(), bw] for k in ("load_before", "load_after")]
    print(f"1-minute load average during the run: {min(loads):.1f} to {max(loads):.1f}")
    for solver in solvers:
        print(f"\n{table(solver, rows(tanji[solver], bw, args.n))}\n{notes(tanji[solver], bw)}")
        problems += [f"{solver}: {p}" for p in agreement(tanji[solver], bw)]
    print("\nscores agree to 1e-8" if not problems else "\nMISMATCH\n" + "\n".join(problems))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        strip = ("footprints",)
        result = {
            "n": args.n,
            "seed": args.seed,
            "iterations": args.iterations,
            "threads": args.threads,
            "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
            "tanji": {s: {k: v for k, v in t.items() if k not in strip} for s, t in tanji.items()},
            "bw2calc": {k: v for k, v in bw.items() if k not in strip},
            "problems": problems,
        }
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if problems else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25_000, help="number of activities")
    parser.add_argument("--iterations", type=int, default=50, help="Monte Carlo iterations")
    parser.add_argument(
        "--bw-lca-iterations",
        type=int,
        default=0,
        help="iterations for bw2calc's plain LCA Monte Carlo, which refactorizes every "
        "iteration (default: --iterations, at most 20)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument(
        "--solver",
        choices=["superlu", "superlu-colamd", "pardiso", "both"],
        default="both",
        help="Tanji's backend: SuperLU with METIS ordering (default), with COLAMD, or PARDISO",
    )
    parser.add_argument("--repeats", type=int, default=3, help="best of this many, where cheap")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", choices=["tanji", "bw2calc"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
