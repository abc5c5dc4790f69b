"""``tanji engine …``: the engine on Brightway datapackages, from the command line.

This command-line contract is how the engine is checked from outside; keep it stable.
NumPy, SciPy and the datapackage reader are imported by the commands that use them, so
``tanji engine --help`` starts without them.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import numpy as np

    from tanji.engine import Engine, LcaSystem

app = typer.Typer(help="The LCA engine on Brightway datapackages.", no_args_is_help=True)

Packages = Annotated[
    list[Path], typer.Argument(help="Brightway datapackages (directories or .zip files).")
]
MethodOption = Annotated[
    str | None,
    typer.Option("--method", "-m", help="Characterization method (default: the only one)."),
]
SolverOption = Annotated[
    str, typer.Option("--solver", help="Sparse solver: superlu, pardiso, umfpack or auto.")
]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")]
DemandOption = Annotated[
    list[str] | None,
    typer.Option("--demand", "-d", help="ACTIVITY_ID=AMOUNT of its reference product; repeat."),
]


class UsageError(Exception):
    """Bad command-line input; shown as one line, exit status 2."""


def _engine(solver: str) -> Engine:
    from tanji.engine import Engine, SolverConfig
    from tanji.engine.solvers import BackendName

    if solver not in ("auto", "superlu", "pardiso", "umfpack"):
        raise UsageError(f"--solver must be superlu, pardiso, umfpack or auto, not {solver!r}")
    backend: BackendName = solver  # type: ignore[assignment]
    return Engine(SolverConfig(backend=backend))


def _system(datapackages: list[Path]) -> LcaSystem:
    from tanji.io.brightway import system_from_datapackages

    return system_from_datapackages(datapackages)


def _method(system: LcaSystem, method: str | None) -> str:
    if method is not None:
        system.method(method)  # raises UnknownIdError with the known names
        return method
    if len(system.methods) == 1:
        return next(iter(system.methods))
    if not system.methods:
        raise UsageError(
            "the datapackages hold no impact method: give a method datapackage "
            "(a characterization_matrix) as well"
        )
    known = ", ".join(sorted(system.methods))
    raise UsageError(
        f"the datapackages hold {len(system.methods)} methods ({known}); choose one with --method"
    )


def parse_demand(items: list[str] | None) -> dict[int, float]:
    """``["12=1.5", "7=2"]`` → ``{12: 1.5, 7: 2.0}`` with a clear error for bad items."""
    if not items:
        raise UsageError("give at least one --demand ACTIVITY_ID=AMOUNT")
    demand: dict[int, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            demand[int(key)] = demand.get(int(key), 0.0) + float(value)
        except ValueError:
            raise UsageError(
                f"--demand {item!r}: expected ACTIVITY_ID=AMOUNT, e.g. 12345=1.0"
            ) from None
    return demand


def _write_json(payload: dict[str, Any], output: Path | None) -> None:
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@app.command()
def footprints(
    datapackages: Packages,
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write.")],
    method: MethodOption = None,
    solver: SolverOption = "superlu",
) -> None:
    """Footprint of one unit of every activity's product: writes activity_id,score."""
    started = time.perf_counter()
    system = _system(datapackages)
    engine = _engine(solver)
    table = engine.footprints(system, _method(system, method))
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["activity_id", "score"])
        writer.writerows(zip(system.activity_ids.tolist(), table.scores.tolist(), strict=True))
    typer.echo(
        f"wrote {system.n_activities} footprints to {output} "
        f"in {time.perf_counter() - started:.2f} s",
        err=True,
    )


@app.command()
def lca(
    datapackages: Packages,
    demand: DemandOption = None,
    output: Output = None,
    method: MethodOption = None,
    top: Annotated[int, typer.Option(help="How many top contributors to list.")] = 10,
    solver: SolverOption = "superlu",
) -> None:
    """Score of a demand, with its top contributing activities and flows."""
    from tanji.engine import by_activity, by_flow

    wanted = parse_demand(demand)
    system = _system(datapackages)
    result = _engine(solver).lca(system, wanted, _method(system, method))
    _write_json(
        {
            "method": result.method,
            "demand": {str(k): v for k, v in wanted.items()},
            "score": result.score,
            "top_activities": [vars(c) for c in by_activity(result, top)],
            "top_flows": [vars(c) for c in by_flow(result, top)],
        },
        output,
    )


@app.command()
def montecarlo(
    datapackages: Packages,
    iterations: Annotated[int, typer.Option("--iterations", "-n", min=1)],
    seed: Annotated[int, typer.Option("--seed", "-s")],
    demand: DemandOption = None,
    all_activities: Annotated[
        bool, typer.Option("--all", help="Every activity's footprint at once (CSV).")
    ] = False,
    output: Output = None,
    method: MethodOption = None,
    solver: SolverOption = "superlu",
) -> None:
    """Monte Carlo: one demand (JSON with every sampled score) or --all activities (CSV)."""
    import numpy as np

    from tanji.engine import MonteCarlo

    if all_activities == bool(demand):
        raise UsageError("give either --demand ID=AMOUNT or --all")
    if all_activities and output is None:
        raise UsageError("--all writes a CSV: give --output OUT.csv")
    system = _system(datapackages)
    chosen = _method(system, method)
    mc = MonteCarlo(_engine(solver), system, chosen)
    started = time.perf_counter()
    if all_activities:
        assert output is not None
        result = mc.all_activities(iterations, seed)
        _write_summaries(system, result.samples, output)
        typer.echo(
            f"wrote {system.n_activities} activities × {iterations} iterations to {output} in "
            f"{time.perf_counter() - started:.2f} s ({result.fallbacks} direct fallbacks)",
            err=True,
        )
        return
    wanted = parse_demand(demand)
    run = mc.run(wanted, iterations, seed)
    summary = run.summary
    _write_json(
        {
            "method": chosen,
            "demand": {str(k): v for k, v in wanted.items()},
            "iterations": iterations,
            "seed": seed,
            "summary": {
                "mean": summary.mean,
                "median": summary.median,
                "std": summary.std,
                "gsd": None if np.isnan(summary.gsd) else summary.gsd,
                "p2_5": summary.p2_5,
                "p97_5": summary.p97_5,
                "relative_standard_error": summary.relative_standard_error,
                "convergence": list(summary.convergence),
            },
            "fallbacks": run.fallbacks,
            "max_error_estimate": run.max_error_estimate,
            "scores": run.scores[:, 0].tolist(),
        },
        output,
    )


def _write_summaries(system: LcaSystem, samples: np.ndarray[Any, Any], output: Path) -> None:
    import numpy as np

    median = np.median(samples, axis=0)
    p2_5, p97_5 = np.percentile(samples, [2.5, 97.5], axis=0)
    mean = samples.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        same_sign = (samples > 0).all(axis=0) | (samples < 0).all(axis=0)
        gsd = np.where(same_sign, np.exp(np.log(np.abs(samples)).std(axis=0, ddof=1)), np.nan)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["activity_id", "mean", "median", "p2_5", "p97_5", "gsd"])
        for row in zip(
            system.activity_ids.tolist(),
            mean.tolist(),
            median.tolist(),
            p2_5.tolist(),
            p97_5.tolist(),
            gsd.tolist(),
            strict=True,
        ):
            writer.writerow(["" if isinstance(v, float) and np.isnan(v) else v for v in row])


@app.command()
def demo() -> None:
    """Solve a small illustrative battery supply chain and explain the result."""
    from tanji.cli.demo import run_demo

    run_demo(sys.stdout)
