"""``tanji calc`` and ``tanji footprint …``, ``tanji supplier …``: product footprints.

``tanji calc MODEL.yaml [--mc N --seed S] [--json] [--report OUT.html|.pdf|.xlsx]``
computes a product model against the store (set up on first use), prints the result and
saves it with its pins (``--no-save`` to skip); ``--rule ID[@VERSION]`` (repeatable)
computes it under accounting rules, side by side. ``tanji footprint recompute ID`` proves a
saved result reproducible; ``compare`` puts two results side by side, line by line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tanji.bootstrap import App, build_app
from tanji.db.migrate import current_revision, head_revision, upgrade
from tanji.domain.footprints import dqr_rating
from tanji.services.errors import ServiceError
from tanji.services.footprints import (
    Calculation,
    calculate,
    import_pact,
    publish_result,
    recompute,
    save_result,
    stored_result,
    supplier_footprints,
)
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import RuleRun, ensure_shipped_rules, run_under_rules

footprint_app = typer.Typer(help="Saved product footprints.", no_args_is_help=True)
supplier_app = typer.Typer(help="Suppliers' product footprints.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def store_app() -> App:
    """The app with its store migrated to the code's schema and the reference data
    loaded: on first use, and again whenever the store is older than the code (a store
    made by an earlier version gets the new tables)."""
    app = build_app()
    if current_revision(app.db) != head_revision():
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
    return app


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _print_result(result: dict[str, Any], result_id: int | None) -> None:
    product = result["product"]
    name = product["name"]["zh"] or product["name"]["en"]
    typer.echo(f"{name} ({product['id']} {product['version']})".strip())
    if result["illustrative"]:
        typer.echo("  ILLUSTRATIVE DATA — not for claims")
    typer.echo(f"  footprint: {_g(result['total'])} {result['unit']} per {result['per']}")
    fu = result["per_functional_unit"]
    if fu:
        typer.echo(f"  per functional unit ({fu['functional_unit']}): {_g(fu['total'])}")
    typer.echo("  by stage:")
    for stage, value in result["stages"].items():
        typer.echo(f"    {stage:<16} {_g(value):>12}")
    typer.echo("  by gas:")
    for gas, value in result["gases"].items():
        typer.echo(f"    {gas:<16} {_g(value):>12}")
    typer.echo("  reported apart:")
    for category, value in result["categories"].items():
        typer.echo(f"    {category:<16} {_g(value):>12}")
    if result.get("recycling_credit"):
        typer.echo(f"  recycling credit (included): {_g(result['recycling_credit'])}")
    for offset in result["offsets"]:
        typer.echo(
            f"  offset (not subtracted): {offset['name']} {_g(offset['kg_co2e'])} kg CO2e "
            f"per {result['per']}"
        )
    dq = result["data_quality"]
    typer.echo(
        f"  data quality: DQR {_g(dq['dqr'])} ({dq['rating']}), "
        f"primary data {dq['primary_share']:.1%}"
    )
    u = result["uncertainty"]
    if u:
        typer.echo(
            f"  Monte Carlo ({u['iterations']} iterations, seed {u['seed']}): "
            f"mean {_g(u['mean'])}, 95% interval {_g(u['p2_5'])} – {_g(u['p97_5'])}"
        )
        for driver in u["drivers"][:5]:
            typer.echo(f"    driver {driver['line']:<20} {driver['share']:.1%}")
    for note in result.get("notes", []):
        if note.startswith("LCI database "):  # its GHG-like flows without a GWP, and the like
            typer.echo(f"  warning: {note}")
    if result_id is not None:
        typer.echo(f"  saved as result #{result_id} (fingerprint {result['fingerprint'][:12]})")


def _report(calculation: Calculation, path: Path, language: str) -> None:
    from tanji.io.reports import write_report

    write_report(calculation.footprint, calculation.uncertainty, path, language=language)


def calc(
    model: Annotated[Path, typer.Argument(help="The product model (YAML or JSON).")],
    mc: Annotated[int, typer.Option("--mc", help="Monte Carlo iterations (0: none).")] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the Monte Carlo.")] = None,
    as_json: JsonFlag = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a report: OUT.html, OUT.pdf or OUT.xlsx.")
    ] = None,
    language: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the result.")] = True,
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help="Compute under an accounting rule, ID or ID@VERSION; repeat it to compare "
            "rules side by side.",
        ),
    ] = None,
) -> None:
    """Compute a product's carbon footprint from its model file."""
    if mc < 0 or mc == 1:
        raise ServiceError("--mc: give 0 (no Monte Carlo) or at least 2 iterations")
    if language not in ("zh", "en"):
        raise ServiceError("--lang: zh or en")
    if rule:
        _calc_under_rules(model, rule, mc, seed, as_json, report, language, save)
        return
    with store_app() as app, app.unit_of_work() as uow:
        calculation = calculate(uow.session, app.backgrounds, model, iterations=mc, seed=seed)
        result_id = save_result(uow.session, calculation) if save else None
        result = dict(calculation.result)
        if result_id is not None:
            result["result_id"] = result_id
        if report is not None:
            _report(calculation, report, language)
    if as_json:
        _print_json(result)
    else:
        _print_result(result, result_id)
        if report is not None:
            typer.echo(f"  report: {report}")


def _report_paths(report: Path, runs: list[RuleRun]) -> list[Path]:
    """One report per rule: ``OUT.<rule id>.html`` (the version too if an id repeats)."""
    if len(runs) == 1:
        return [report]
    ids = [run.rule.id for run in runs]
    names = [
        run.rule.id if ids.count(run.rule.id) == 1 else f"{run.rule.id}@{run.rule.version}"
        for run in runs
    ]
    return [report.with_name(f"{report.stem}.{name}{report.suffix}") for name in names]


def _print_side_by_side(results: dict[str, dict[str, Any]], runs: list[RuleRun]) -> None:
    first = next(iter(results.values()))
    product = first["product"]
    name = product["name"]["zh"] or product["name"]["en"]
    typer.echo(f"{name} ({product['id']} {product['version']}) under {len(results)} rule(s)")
    width = max(14, *(len(ref) for ref in results))
    rows: list[tuple[str, list[str]]] = [
        (f"total ({first['unit']} per {first['per']})", [_g(r["total"]) for r in results.values()]),
        ("GWP set", [r["method"] for r in results.values()]),
        ("end of life", [r["end_of_life"] for r in results.values()]),
    ]
    stages: list[str] = []
    for result in results.values():
        stages += [s for s in result["stages"] if s not in stages]
    rows += [
        (f"  {stage}", [_g(r["stages"].get(stage)) for r in results.values()]) for stage in stages
    ]
    rows += [
        ("errors", [str(run.errors) for run in runs]),
        ("warnings", [str(run.warnings) for run in runs]),
    ]
    if any("result_id" in r for r in results.values()):
        rows.append(("saved as result", [f"#{r.get('result_id', '')}" for r in results.values()]))
    label = max(len(row[0]) for row in rows)
    typer.echo(f"{'':<{label}}  " + "  ".join(f"{ref:>{width}}" for ref in results))
    for title, values in rows:
        typer.echo(f"{title:<{label}}  " + "  ".join(f"{v:>{width}}" for v in values))
    for run in runs:
        if run.findings:
            typer.echo(f"findings under {run.rule.ref}:")
            for finding in run.findings:
                typer.echo(f"  {finding.text()}")


def _calc_under_rules(
    model: Path,
    refs: list[str],
    mc: int,
    seed: int | None,
    as_json: bool,
    report: Path | None,
    language: str,
    save: bool,
) -> None:
    """``tanji calc --rule …``: the model computed under each rule, side by side."""
    from tanji.cli.rules import finding_dict, library_app

    with library_app() as app, app.unit_of_work() as uow:
        runs = run_under_rules(uow.session, app.backgrounds, model, refs, iterations=mc, seed=seed)
        results: dict[str, dict[str, Any]] = {}
        for run in runs:
            assert run.calculation is not None
            result = dict(run.calculation.result)
            if save:
                result["result_id"] = save_result(uow.session, run.calculation)
            result["findings"] = [finding_dict(f) for f in run.findings]
            results[run.rule.ref] = result
        paths = _report_paths(report, runs) if report is not None else []
        for run, path in zip(runs, paths, strict=False):
            assert run.calculation is not None
            _report(run.calculation, path, language)
    if as_json:
        _print_json({"rules": results})
        return
    _print_side_by_side(results, runs)
    for path in paths:
        typer.echo(f"report: {path}")


@footprint_app.command("list")
def footprint_list(as_json: JsonFlag = False) -> None:
    """Saved results, newest first."""
    from sqlalchemy import select

    from tanji.db.models import FootprintResultRow

    with store_app() as app, app.unit_of_work() as uow:
        rows = list(
            uow.session.scalars(select(FootprintResultRow).order_by(FootprintResultRow.id.desc()))
        )
        items: list[dict[str, Any]] = [
            {
                "id": r.id,
                "product": r.product_code,
                "total": r.total,
                "unit": r.unit,
                "per": r.per,
                "method": r.method,
                "created_at": r.created_at.isoformat(timespec="seconds"),
            }
            for r in rows
        ]
    if as_json:
        _print_json(items)
        return
    for item in items:
        typer.echo(
            f"#{item['id']:<5} {item['product']:<28} {_g(item['total']):>12} {item['unit']} "
            f"per {item['per']}  {item['created_at']}"
        )


@footprint_app.command("show")
def footprint_show(
    result_id: Annotated[int, typer.Argument(help="Result number.")],
    as_json: JsonFlag = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write a report file.")] = None,
    language: Annotated[str, typer.Option("--lang")] = "zh",
) -> None:
    """A saved result (as it was computed)."""
    with store_app() as app, app.unit_of_work() as uow:
        row = stored_result(uow.session, result_id)
        result = json.loads(row.result)
        if report is not None:
            calculation, _ = recompute(uow.session, app.backgrounds, result_id)
            _report(calculation, report, language)
    if as_json:
        _print_json(result)
    else:
        _print_result(result, result_id)


@footprint_app.command("recompute")
def footprint_recompute(
    result_id: Annotated[int, typer.Argument(help="Result number.")],
) -> None:
    """Recompute a saved result from its pinned versions; it must match to the last digit."""
    with store_app() as app, app.unit_of_work() as uow:
        row = stored_result(uow.session, result_id)
        calculation, same = recompute(uow.session, app.backgrounds, result_id)
        stored_total = row.total
    typer.echo(f"stored:     {stored_total!r}")
    typer.echo(f"recomputed: {calculation.footprint.total!r}")
    if not same:
        raise ServiceError(f"result #{result_id} did not reproduce (fingerprints differ)")
    typer.echo("identical (every line, every digit)")


@footprint_app.command("publish")
def footprint_publish(
    result_id: Annotated[int, typer.Argument(help="Result number.")],
    certificate: Annotated[
        str | None,
        typer.Option(
            help="The number of a valid certificate of this result: published as verified. "
            "Without it the footprint is published as self-declared (not verified)."
        ),
    ] = None,
    product_id: Annotated[
        str | None, typer.Option(help="Product id customers link to (default: the model id).")
    ] = None,
) -> None:
    """Publish a result as a supplier footprint that customers' models can use: verified
    when a certificate in force covers it, else self-declared."""
    with store_app() as app, app.unit_of_work() as uow:
        supplier = publish_result(
            uow.session, result_id, certificate=certificate, product_id=product_id
        )
    status = f"verified: {supplier.verifier}" if supplier.verified else "self-declared"
    typer.echo(
        f"published {supplier.product_id} version {supplier.version}: {_g(supplier.total)} "
        f"kg CO2e per {supplier.declared_amount:g} {supplier.declared_unit} ({status})"
    )


@footprint_app.command("compare")
def footprint_compare(
    a: Annotated[int, typer.Argument(help="First result number.")],
    b: Annotated[int, typer.Argument(help="Second result number.")],
    as_json: JsonFlag = False,
) -> None:
    """Two results side by side: total, stages, gases and every line."""
    from tanji.domain.footprint_compare import compare_results

    with store_app() as app, app.unit_of_work() as uow:
        left = json.loads(stored_result(uow.session, a).result)
        right = json.loads(stored_result(uow.session, b).result)
    comparison = compare_results(left, right)
    if as_json:
        _print_json(comparison)
        return
    typer.echo(f"{'':<34} {'#' + str(a):>12} {'#' + str(b):>12} {'difference':>12}")
    for section in ("total", "stages", "gases", "lines"):
        for row in comparison[section]:
            change = "" if row["relative"] is None else f" ({row['relative']:+.1%})"
            typer.echo(
                f"{row['key'][:34]:<34} {_g(row['a']):>12} {_g(row['b']):>12} "
                f"{_g(row['difference']):>12}{change}"
            )


@supplier_app.command("import")
def supplier_import(
    path: Annotated[Path, typer.Argument(help="A PACT ProductFootprint JSON file.")],
    org: Annotated[
        int | None,
        typer.Option(help="The organisation (id) that supplied the file; default: the operator."),
    ] = None,
) -> None:
    """Store a supplier's footprint from a PACT file (an assurance it states is a claim)."""
    publisher = f"org:{org}" if org is not None else "local"
    with store_app() as app, app.unit_of_work() as uow:
        s = import_pact(uow.session, path, publisher=publisher)
    status = s.status + (f" ({s.claimed_verifier})" if s.claimed_verifier else "")
    typer.echo(
        f"imported {s.product_id} ({s.company}) from {s.publisher}: {_g(s.total)} kg CO2e "
        f"per {s.declared_amount:g} {s.declared_unit}, version {s.version}, {status}; "
        f"link it as supplier: {{product: {s.product_id}, publisher: {s.publisher}}}"
    )


@supplier_app.command("list")
def supplier_list(
    product: Annotated[str | None, typer.Option(help="Only this product id.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Suppliers' footprints on the platform."""
    with store_app() as app, app.unit_of_work() as uow:
        items = supplier_footprints(uow.session, product)
    if as_json:
        _print_json([s.__dict__ for s in items])
        return
    for s in items:
        flag = "verified" if s.verified else "claimed" if s.claimed_verifier else "self-declared"
        typer.echo(
            f"{s.product_id:<28} v{s.version:<8} {_g(s.total):>10} kg CO2e per "
            f"{s.declared_amount:g} {s.declared_unit}  {flag}  {s.company}  [{s.publisher}]"
        )


__all__ = ["calc", "dqr_rating", "footprint_app", "supplier_app"]
