"""Monte Carlo agreement at scale: Tanji's and bw2calc's distributions for a few demands.

Usage::

    python benchmarks/mc_agreement.py --n 25000 [--iterations 2000] [--seed 1]
        [--data-dir benchmarks/data] [--scores-dir benchmarks/results] [--json OUT]
    python benchmarks/mc_agreement.py --n 25000 --compare-only   # what the runs saved so far

On the synthetic database of ``benchmarks/engine.py`` (waste treatments included), both
tools sample the same uncertainty records ``--iterations`` times each, with their own
random generators, for four demands: the two most used market hubs, one ordinary product
and one waste treatment (whose scores are negative). Tanji: ``MonteCarlo.run`` with the
demands paired (the same draws for all four); bw2calc: ``LCA(use_distributions=True)``,
every demand scored on each draw with ``lcia(demand=...)`` (PARDISO reuses the draw's
factorization). Each tool runs in its own fresh process, one thread each, both at once
(bw2calc's refactorization each iteration makes it the long one: ~0.5–1 s an iteration at
N = 25,000 on a quiet machine, far more under load). Each saves its scores as it goes
(``<scores-dir>/mc_<tool>_n<N>_seed<S>.npy``, one row per demand), so an interrupted run
can still be compared over the iterations done (``--compare-only``).

Printed per demand: the means and standard deviations, the difference of the means in
standard errors of that difference (|z| < 3 expected), the medians, σ(ln|x|), and a
two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``: its statistic and p-value;
a p-value far below 0.01 says the distributions differ). The script exits with status 1
if a mean is off by 3 or more standard errors or a KS p-value is below 0.001.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine import ensure_data, log, markdown  # noqa: E402  (benchmarks/ is not a package)

Z_LIMIT = 3.0
KS_P_LIMIT = 1e-3


def choose_demands(db_path: Path, seed: int) -> list[int]:
    """The two most used hubs, one random ordinary product, one random waste treatment."""
    metadata = json.loads((db_path / "datapackage.json").read_text())
    hubs = [int(h) for h in metadata["hubs"]]
    treatments = [int(t) for t in metadata["waste_treatments"]]
    if not treatments:
        raise SystemExit("this synthetic database has no waste treatments; regenerate it")
    n = metadata["spec"]["n_activities"]
    rng = np.random.default_rng(seed)
    ordinary = np.setdiff1d(np.arange(1, n + 1), [*hubs, *treatments])
    return [*hubs[:2], int(rng.choice(ordinary)), int(rng.choice(treatments))]


def _scores_path(cfg: dict[str, Any], tool: str) -> Path:
    return Path(cfg["scores_dir"]) / f"mc_{tool}_n{cfg['n']}_seed{cfg['seed']}.npy"


def tanji_scores(cfg: dict[str, Any]) -> dict[str, Any]:
    from tanji.engine import Engine, MonteCarlo
    from tanji.io.brightway import system_from_datapackages

    system = system_from_datapackages(cfg["paths"])
    method = next(iter(system.methods))
    mc = MonteCarlo(Engine(), system, method)
    log(f"tanji: {cfg['iterations']} iterations")
    start = time.perf_counter()
    result = mc.run([{d: 1.0} for d in cfg["demands"]], cfg["iterations"], seed=cfg["seed"])
    np.save(_scores_path(cfg, "tanji"), result.scores.T)
    return {
        "scores": result.scores.T.tolist(),
        "seconds_per_iteration": (time.perf_counter() - start) / cfg["iterations"],
        "fallbacks": result.fallbacks,
        "max_error_estimate": result.max_error_estimate,
    }


def bw2calc_scores(cfg: dict[str, Any]) -> dict[str, Any]:
    import bw2calc

    demands = [{d: 1.0} for d in cfg["demands"]]
    lca = bw2calc.LCA(
        demands[0], data_objs=cfg["paths"], use_distributions=True, seed_override=cfg["seed"]
    )
    lca.lci()
    lca.lcia()
    iterations = cfg["iterations"]
    scores = np.empty((len(demands), iterations))
    path = _scores_path(cfg, "bw2calc")
    start = time.perf_counter()
    for k in range(iterations):
        if k:
            next(lca)  # the matrices built by lci() are already the first draw
        for d, demand in enumerate(demands):
            lca.lcia(demand=demand)
            scores[d, k] = lca.score
        if (k + 1) % 50 == 0 or k + 1 == iterations:
            np.save(path, scores[:, : k + 1])
            rate = (time.perf_counter() - start) / (k + 1)
            log(f"bw2calc: {k + 1} of {iterations} iterations, {rate:.2f} s each")
    return {
        "scores": scores.tolist(),
        "seconds_per_iteration": (time.perf_counter() - start) / iterations,
        "version": bw2calc.__version__,
    }


def compare(ours: np.ndarray, theirs: np.ndarray) -> dict[str, float]:
    """Means, spreads, the z of the difference of means, and a two-sample KS test."""
    from scipy import stats

    standard_error = float(np.sqrt(ours.var(ddof=1) / ours.size + theirs.var(ddof=1) / theirs.size))
    ks = stats.ks_2samp(ours, theirs)
    return {
        "mean_tanji": float(ours.mean()),
        "mean_bw2calc": float(theirs.mean()),
        "sd_tanji": float(ours.std(ddof=1)),
        "sd_bw2calc": float(theirs.std(ddof=1)),
        "z": float((ours.mean() - theirs.mean()) / standard_error),
        "median_tanji": float(np.median(ours)),
        "median_bw2calc": float(np.median(theirs)),
        "sigma_ln_tanji": float(np.log(np.abs(ours)).std(ddof=1)),
        "sigma_ln_bw2calc": float(np.log(np.abs(theirs)).std(ddof=1)),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
    }


def run_children(cfg: dict[str, Any], threads: int) -> dict[str, dict[str, Any]]:
    """Both tools at once, each in its own process; their JSON outputs by tool."""
    env = os.environ | {
        name: str(threads)
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    print(f"sampling with Tanji and bw2calc (load {os.getloadavg()[0]:.1f}) ...")
    sys.stdout.flush()
    children = {
        tool: subprocess.Popen(
            [sys.executable, __file__, "--child", tool],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for tool in ("tanji", "bw2calc")
    }
    for child in children.values():  # both start before either is waited for
        assert child.stdin is not None
        child.stdin.write(json.dumps(cfg))
        child.stdin.close()
    results = {}
    for tool, child in children.items():
        assert child.stdout is not None
        out = child.stdout.read()
        child.wait()
        if child.returncode != 0:
            raise SystemExit(f"{tool} failed (exit {child.returncode}); see above")
        results[tool] = dict(json.loads(out))
    return results


def table(demands: list[int], labels: list[str], rows: list[dict[str, float]]) -> str:
    header = (
        "demand",
        "mean Tanji",
        "mean bw2calc",
        "sd Tanji",
        "sd bw2calc",
        "Δmean / SE",
        "σ(ln|x|) T / bw",
        "KS D",
        "KS p",
    )
    lines = [header]
    for demand, label, r in zip(demands, labels, rows, strict=True):
        lines.append(
            (
                f"{demand} ({label})",
                f"{r['mean_tanji']:.5g}",
                f"{r['mean_bw2calc']:.5g}",
                f"{r['sd_tanji']:.4g}",
                f"{r['sd_bw2calc']:.4g}",
                f"{r['z']:+.2f}",
                f"{r['sigma_ln_tanji']:.4f} / {r['sigma_ln_bw2calc']:.4f}",
                f"{r['ks_statistic']:.4f}",
                f"{r['ks_pvalue']:.3f}",
            )
        )
    return markdown(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        measure = tanji_scores if args.child == "tanji" else bw2calc_scores
        print(json.dumps(measure(json.loads(sys.stdin.read()))))
        return 0

    paths = ensure_data(args.n, args.seed, args.data_dir)
    demands = choose_demands(paths[0], args.seed)
    labels = ["hub 1", "hub 2", "product", "waste treatment"]
    cfg = {
        "paths": [str(p) for p in paths],
        "demands": demands,
        "iterations": args.iterations,
        "seed": args.seed,
        "n": args.n,
        "scores_dir": str(args.scores_dir),
    }
    args.scores_dir.mkdir(parents=True, exist_ok=True)
    if args.compare_only:
        tanji = {"scores": np.load(_scores_path(cfg, "tanji"))}
        bw = {"scores": np.load(_scores_path(cfg, "bw2calc"))}
        print(
            f"\nN = {args.n:,} (waste treatments included), seed {args.seed}; saved scores: "
            f"Tanji {tanji['scores'].shape[1]}, bw2calc {bw['scores'].shape[1]} iterations\n"
        )
    else:
        results = run_children(cfg, args.threads)
        tanji, bw = results["tanji"], results["bw2calc"]
        print(
            f"\nN = {args.n:,} (waste treatments included), seed {args.seed}; "
            f"{args.iterations} iterations each; bw2calc {bw['version']} LCA(use_distributions"
            f"=True); Tanji {tanji['seconds_per_iteration'] * 1e3:.1f} ms an iteration "
            f"(4 demands, {tanji['fallbacks']} fallbacks, max error estimate "
            f"{tanji['max_error_estimate']:.1e}), bw2calc {bw['seconds_per_iteration']:.2f} s\n"
        )
    rows = [
        compare(np.asarray(ours), np.asarray(theirs))
        for ours, theirs in zip(tanji["scores"], bw["scores"], strict=True)
    ]
    print(table(demands, labels, rows))
    problems = [
        f"{label}: mean off by {r['z']:+.2f} standard errors"
        for label, r in zip(labels, rows, strict=True)
        if abs(r["z"]) >= Z_LIMIT
    ] + [
        f"{label}: KS p-value {r['ks_pvalue']:.1e}"
        for label, r in zip(labels, rows, strict=True)
        if r["ks_pvalue"] < KS_P_LIMIT
    ]
    print("\nthe distributions agree" if not problems else "\nDISAGREE\n" + "\n".join(problems))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "n": args.n,
            "seed": args.seed,
            "iterations": {
                "tanji": len(tanji["scores"][0]),
                "bw2calc": len(bw["scores"][0]),
            },
            "date": time.strftime("%Y-%m-%d"),
            "demands": dict(zip(labels, demands, strict=True)),
            "comparison": dict(zip(labels, rows, strict=True)),
            "tanji_seconds_per_iteration": tanji.get("seconds_per_iteration"),
            "bw2calc_seconds_per_iteration": bw.get("seconds_per_iteration"),
            "problems": problems,
        }
        args.json.write_text(json.dumps(summary, indent=2))
    return 1 if problems else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25_000, help="number of activities")
    parser.add_argument("--iterations", type=int, default=2000, help="per tool")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--scores-dir", type=Path, default=HERE / "results")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/MKL threads per tool (they run at once)"
    )
    parser.add_argument(
        "--compare-only", action="store_true", help="compare the scores saved so far"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", choices=["tanji", "bw2calc"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
