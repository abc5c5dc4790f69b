"""Whole-process times of the command line: ``tanji --help`` and ``tanji engine footprints``.

Usage::

    python benchmarks/cli_startup.py [--n 25000] [--seed 1] [--runs 10] [--data-dir DIR]

Every measurement is a fresh process, timed from start to exit like hyperfine does: one
warm-up run each, then ``--runs`` runs, the commands interleaved so that a change in the
machine's load hits all of them alike. Printed: the fastest and the median run of

* ``python -c pass`` — the interpreter's own start, for reference;
* ``tanji --help`` (target: under 0.3 s);
* ``tanji engine footprints DB METHOD -o OUT.csv`` — every activity's footprint of the
  synthetic database (``benchmarks/engine.py``'s data, waste treatments included);
* the same with bw2calc, as a user would script it: a fresh Python that imports bw2calc,
  computes every activity's footprint with ``FastScoresOnlyMultiLCA(direction="adjoint")``
  and writes the same CSV (this file, ``--peer``);

and the ratio Tanji / bw2calc for the whole process (target: at most 0.7). The two CSVs
are compared (1e-8 relative) and the script exits with status 1 if they differ.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine import ensure_data  # noqa: E402  (benchmarks/ is not a package)

TANJI = Path(sys.executable).parent / "tanji"
HELP_TARGET_S = 0.3
RATIO_TARGET = 0.7
RTOL = 1e-8


def peer_footprints(database: str, method: str, output: str) -> None:
    """bw2calc's counterpart of ``tanji engine footprints``: all activities, one CSV."""
    import bw2calc
    import bw_processing as bwp

    packages = [
        bwp.load_datapackage(bwp.generic_directory_filesystem(dirpath=Path(p)))
        for p in (database, method)
    ]
    # MultiLCA picks the characterization by its identifier, which bw2data would write.
    category = ("synthetic", "gwp100")
    for package in packages:
        for entry in package.resources:
            if entry.get("matrix") == "characterization_matrix":
                entry["identifier"] = list(category)
    probe = bw2calc.LCA({1: 1.0}, data_objs=packages)
    probe.load_lci_data()
    ids = sorted(int(i) for i in probe.dicts.product)
    fast = bw2calc.FastScoresOnlyMultiLCA(
        {str(i): {i: 1.0} for i in ids},
        {"impact_categories": [category]},
        data_objs=packages,
        direction="adjoint",
    )
    next(fast)
    scores = fast.product_scores.sel(products=ids).to_numpy()[0]
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["activity_id", "score"])
        writer.writerows(zip(ids, scores.tolist(), strict=True))


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def read_scores(path: Path) -> dict[int, float]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {int(row[0]): float(row[1]) for row in list(csv.reader(handle))[1:]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.peer:
        peer_footprints(*args.peer)
        return 0
    database, method = (str(p) for p in ensure_data(args.n, args.seed, args.data_dir))
    out = args.data_dir / f"n{args.n}_seed{args.seed}"
    ours_csv, theirs_csv = out / "footprints_tanji.csv", out / "footprints_bw2calc.csv"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "tanji --help": [str(TANJI), "--help"],
        "tanji engine footprints": [
            *(str(TANJI), "engine", "footprints", database, method, "-o", str(ours_csv)),
        ],
        "bw2calc, same footprints": [
            *(sys.executable, __file__, "--peer", database, method, str(theirs_csv)),
        ],
    }
    env_threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(
        f"N = {args.n:,}, seed {args.seed}; {args.runs} runs after one warm-up, interleaved; "
        f"OMP_NUM_THREADS {env_threads}; 1-minute load {os.getloadavg()[0]:.1f}"
    )
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(args.runs + 1):
        for name, command in commands.items():
            elapsed, used = timed(command)
            if run:
                times[name].append(elapsed)
                cpu[name].append(used)
    load = os.getloadavg()[0]

    ours, theirs = read_scores(ours_csv), read_scores(theirs_csv)
    worst = max(abs(ours[i] - theirs[i]) / max(abs(theirs[i]), 1e-300) for i in theirs)
    same = ours.keys() == theirs.keys() and worst <= RTOL

    # CPU time (user + system, all threads) hardly depends on other processes' load.
    print("\n| command | fastest | median | CPU, least | target |\n|---|--:|--:|--:|---|")
    for name, values in times.items():
        target = f"< {HELP_TARGET_S} s" if name == "tanji --help" else ""
        print(
            f"| {name} | {min(values):.3f} s | {statistics.median(values):.3f} s | "
            f"{min(cpu[name]):.3f} s | {target} |"
        )
    ours_t, theirs_t = times["tanji engine footprints"], times["bw2calc, same footprints"]
    best = min(ours_t) / min(theirs_t)
    typical = statistics.median(ours_t) / statistics.median(theirs_t)
    verdict = "✓" if typical <= RATIO_TARGET else "✗"
    print(
        f"\nwhole process, Tanji / bw2calc: {best:.2f}× (fastest runs), {typical:.2f}× "
        f"(medians) {verdict} (target ≤ {RATIO_TARGET}×); load at the end {load:.1f}"
    )
    print(f"footprints agree to {RTOL:g} (worst {worst:.1e})" if same else "MISMATCH in the CSVs")
    return 0 if same else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=25_000, help="number of activities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--peer", nargs=3, metavar=("DB", "METHOD", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
