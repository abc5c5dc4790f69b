"""``tanji db …`` and ``tanji data …``: the store and the background databases.

This command-line contract is stable: import, list, search, show, diff, export, footprint,
footprints.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from tanji.bootstrap import App, build_app
from tanji.db.migrate import head_revision, upgrade
from tanji.services.catalog import Destination, database_kind, list_databases
from tanji.services.errors import ServiceError
from tanji.services.factors import diff_factor, factor_detail, search_factors, stored_factors
from tanji.services.imports import FORMATS, ImportRequest, import_file, write_snapshot
from tanji.services.lci import (
    DEFAULT_METHOD,
    ActivityDetail,
    activity_detail,
    footprint,
    search_activities,
)
from tanji.services.lci_import import LciImportSummary, load_bundle
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.settings import Settings

db_app = typer.Typer(
    help="The store: migrate, reference data, backup, restore.", no_args_is_help=True
)
data_app = typer.Typer(
    help="Background databases: emission factors and LCI data.", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _ready_app() -> App:
    """The app, with a store that has been migrated (a clear message if not)."""
    from tanji.db.migrate import current_revision

    app = build_app()
    if current_revision(app.db) is None:
        app.close()
        raise ServiceError(
            f"the store at {app.settings.database_url} is not set up yet: run 'tanji db upgrade'"
        )
    return app


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema, then load the shipped reference data."""
    with build_app() as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            changes = ensure_reference_data(uow.session)
            changes += ensure_shipped_rules(uow.session)
        typer.echo(f"store ready: {app.settings.database_url}")
        for change in changes:
            typer.echo(f"  loaded {change}")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
) -> None:
    """Write a consistent backup of the whole store to FILE (mode 0600), while it runs.

    SQLite: the online backup API; PostgreSQL: pg_dump's custom format.
    """
    from tanji.services.backup import backup_store

    settings = Settings.from_env()
    info = backup_store(settings.database_url, file)
    revision = f", schema {info.revision}" if info.revision else ""
    typer.echo(f"backup written: {info.path} ({info.kind}, {info.size:,} bytes{revision})")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup made by 'tanji db backup'.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before replacing the store's content.")
    ] = False,
) -> None:
    """Replace the whole store by the backup FILE (checked first; all or nothing).

    Then run 'tanji db upgrade' if the backup is from an older Tanji, and restart the
    server so it reopens the store.
    """
    from tanji.services.backup import restore_store

    settings = Settings.from_env()
    if not yes and not typer.confirm(
        f"Replace everything in {settings.database_url} by {file}?", default=False
    ):
        raise typer.Abort
    info = restore_store(settings.database_url, file)
    typer.echo(f"store restored from {info.path} (schema {info.revision})")
    if info.revision != head_revision():
        typer.echo("the backup is from an older Tanji: run 'tanji db upgrade' now")


@data_app.command("import")
def data_import(
    path: Annotated[Path, typer.Argument(help="File or directory to import.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    name: Annotated[str, typer.Option("--name", "-n", help="Database to import into.")],
    version: Annotated[str | None, typer.Option("--version", "-v", help="Version label.")] = None,
    owner: Annotated[str, typer.Option(help="Owning organisation.")] = "Tanji platform",
    owner_kind: Annotated[
        str, typer.Option(help="platform, province, city, association, enterprise, institute.")
    ] = "platform",
    visibility: Annotated[str, typer.Option(help="private, shared or public.")] = "private",
    unlinked: Annotated[
        str,
        typer.Option(
            help="LCI inputs no process of the file provides: 'error' or 'cut-off' "
            "(dropped, reported per activity)."
        ),
    ] = "error",
    multi_output: Annotated[
        str,
        typer.Option(
            help="LCI processes with several products and no allocation: 'error', "
            "'reference-only' (co-products dropped, reported) or 'own' (the process's own "
            "allocation factors where it has them)."
        ),
    ] = "error",
    providers: Annotated[
        str,
        typer.Option(
            help="A product several processes provide, with no link: 'error' or "
            "'default-provider' (the exchange's defaultProvider, else a stated rule; "
            "reported)."
        ),
    ] = "error",
) -> None:
    """Import a factor table or an LCI database as a new version; all or nothing.

    Every problem of an LCI file is listed at once (process, exchange, what); what the
    import policies did is printed after the summary.
    """
    with _ready_app() as app:
        request = ImportRequest(
            path,
            fmt,
            Destination(name, version, owner, owner_kind, visibility),
            unlinked,
            multi_output,
            providers,
        )
        with app.unit_of_work() as uow:
            summary = import_file(uow.session, request)
        if isinstance(summary, LciImportSummary):
            # Keep the new version's exchanges as columns: preparing it for product
            # footprints then never reads a million rows through SQL again.
            with app.unit_of_work() as uow:
                write_snapshot(uow.session, app.backgrounds, summary.database, summary.version)
        typer.echo(f"imported {path} into {summary.database} version {summary.version}:")
        for key, value in asdict(summary).items():
            if key in ("database", "version", "cut_off_inputs", "notes", "ghg_warnings"):
                continue
            typer.echo(f"  {key.replace('_', ' ')}: {value}")
        notes = getattr(summary, "notes", ())
        if notes:
            counts = Counter(n.kind for n in notes)
            typer.echo(
                "  import policies and notes: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
            typer.echo("  process | exchange | what | detail")
            for n in notes:
                typer.echo(f"  {n.process} | {n.exchange or '—'} | {n.kind} | {n.detail}")
        for line in getattr(summary, "ghg_warnings", ()):
            typer.echo(f"warning: greenhouse-gas-like flow without a GWP: {line}", err=True)


@data_app.command("list")
def data_list(as_json: JsonFlag = False) -> None:
    """Every database with its owner, visibility, versions and record count."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            summaries = list_databases(uow.session)
        if as_json:
            _print_json([asdict(s) for s in summaries])
            return
        for s in summaries:
            typer.echo(
                f"{s.name:<24} {s.kind:<8} {s.records:>7} records  "
                f"versions {', '.join(s.versions)}  {s.visibility:<7} "
                f"{s.owner_name} ({s.owner_kind})"
            )


@data_app.command("search")
def data_search(
    text: Annotated[str, typer.Argument(help="Words in Chinese or English, e.g. '江苏 电网'.")],
    geography: Annotated[str | None, typer.Option(help="e.g. CN, CN-JS.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Search emission factors and LCI activities (every word must match)."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            factors = search_factors(uow.session, text, geography=geography, limit=limit)
            activities = search_activities(uow.session, text, geography=geography, limit=limit)
        if as_json:
            _print_json(
                {
                    "factors": [asdict(h) for h in factors],
                    "activities": [asdict(a) for a in activities],
                }
            )
            return
        for hit in factors:
            parts = [f"{g.gas} {g.kg:g} kg" for g in hit.gases]
            if hit.co2e is not None:
                parts.append(f"{hit.co2e:g} kg CO2e ({hit.gwp_basis})")
            value = ", ".join(parts)
            typer.echo(f"{hit.ref}\n    {hit.name_zh} / {hit.name_en}")
            typer.echo(f"    [{hit.geography}, per {hit.unit}] {value}")
            typer.echo(f"    source: {hit.source}")
        for a in activities:
            typer.echo(f"{a.ref}\n    {a.name} [{a.location}, per {a.unit}]")
        if not factors and not activities:
            typer.echo("nothing found")


@data_app.command("show")
def data_show(
    ref: Annotated[str, typer.Argument(help="DATABASE:CODE[@VERSION] or DATABASE:ACTIVITY_KEY")],
    as_json: JsonFlag = False,
) -> None:
    """A factor version (values, source, quality, versions, dependents) or an LCI activity."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            kind = database_kind(uow.session, ref.partition(":")[0])
            if kind == "lci":
                _show_activity(activity_detail(uow.session, ref), as_json)
                return
            detail = factor_detail(uow.session, ref)
        payload = asdict(detail)
        if as_json:
            _print_json(payload)
            return
        f = detail.factor
        typer.echo(f"{detail.ref}  (versions {', '.join(map(str, detail.versions))})")
        typer.echo(f"  {f.name_zh}\n  {f.name_en}")
        typer.echo(
            f"  kind {f.kind.value}, per {f.unit}, geography {f.geography}, "
            f"boundary {f.boundary.value}"
        )
        if f.valid_from or f.valid_to:
            typer.echo(f"  valid {f.valid_from or '…'} to {f.valid_to or '…'}")
        for gas in f.gases:
            typer.echo(f"  {gas.gas}: {gas.kg:g} kg")
        if f.co2e is not None:
            typer.echo(f"  CO2e: {f.co2e:g} kg ({f.gwp_basis})")
        typer.echo(f"  uncertainty: {f.uncertainty.distribution}")
        typer.echo(f"  source: {f.source.citation()}")
        if f.source.url:
            typer.echo(f"          {f.source.url}")
        if f.illustrative:
            typer.echo("  ILLUSTRATIVE — not for real footprints")
        if f.notes:
            typer.echo(f"  notes: {f.notes}")
        typer.echo(f"  in database versions: {', '.join(detail.in_database_versions)}")
        typer.echo(f"  used by: {', '.join(detail.dependents) or 'nothing yet'}")


def _show_activity(detail: ActivityDetail, as_json: bool) -> None:
    if as_json:
        _print_json(asdict(detail))
        return
    typer.echo(f"{detail.ref}  ({detail.database} version {detail.version})")
    typer.echo(f"  {detail.name} [{detail.location}, per {detail.unit}]")
    for target, amount, kind in detail.inputs:
        typer.echo(f"  {kind:<12} {amount:>12g}  {target}")
    typer.echo(f"  used by: {', '.join(detail.used_by) or 'no other activity'}")


@data_app.command("diff")
def data_diff(
    ref: Annotated[str, typer.Argument(help="DATABASE:CODE")],
    before: Annotated[int, typer.Argument(help="Older version number.")],
    after: Annotated[int, typer.Argument(help="Newer version number.")],
    as_json: JsonFlag = False,
) -> None:
    """The fields that differ between two versions of a factor."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            changes = diff_factor(uow.session, ref, before, after)
        if as_json:
            _print_json([asdict(c) for c in changes])
            return
        if not changes:
            typer.echo("no differences")
        for c in changes:
            typer.echo(f"{c.field}: {c.before!r} → {c.after!r}")


@data_app.command("export")
def data_export(
    name: Annotated[str, typer.Argument(help="Database to export.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="olca-jsonld, csv, xlsx; factor exchange: ilcd-factors, tidas, factors-jsonld.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o")],
    version: Annotated[str | None, typer.Option("--version", "-v")] = None,
) -> None:
    """Export a database version: factors as CSV/Excel, LCI data as openLCA JSON-LD."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            if fmt in ("csv", "xlsx"):
                from tanji.io.factor_table import write_factor_csv, write_factor_xlsx

                factors = stored_factors(uow.session, name, version)
                (write_factor_csv if fmt == "csv" else write_factor_xlsx)(factors, output)
                count = len(factors)
            elif fmt in ("ilcd-factors", "tidas", "factors-jsonld"):
                from tanji.services.admission.exchange import export_version

                count = export_version(
                    uow.session, name, version,
                    {"ilcd-factors": "ilcd", "factors-jsonld": "jsonld"}.get(fmt, fmt), output,
                )  # fmt: skip
            elif fmt == "olca-jsonld":
                from tanji.io.olca_jsonld import write_jsonld

                bundle = load_bundle(uow.session, name, version)
                write_jsonld(bundle, output)
                count = len(bundle.activities)
            else:
                raise ServiceError(
                    "--format must be olca-jsonld, csv, xlsx, ilcd-factors, tidas or "
                    f"factors-jsonld, not {fmt!r}"
                )
        typer.echo(f"wrote {count} records of {name} to {output}")


@data_app.command("footprint")
def data_footprint(
    name: Annotated[str, typer.Argument(help="LCI database.")],
    activity: Annotated[
        str, typer.Option("--activity", "-a", help="Activity or product system id.")
    ],
    method: Annotated[str, typer.Option("--method", "-m")] = DEFAULT_METHOD,
    version: Annotated[str | None, typer.Option("--version", "-v")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Cradle-to-gate footprint of one unit of an activity, computed by the engine."""
    with _ready_app() as app:
        with app.unit_of_work() as uow:
            answer = footprint(
                uow.session, app.engine, name, activity, method=method, version=version
            )
        if as_json:
            _print_json(asdict(answer))
            return
        typer.echo(
            f"{answer.activity_name}: {answer.score:.6g} {answer.unit} "
            f"per {answer.amount:g} unit(s) "
            f"({answer.method}; {answer.database} version {answer.version})"
        )
        for name_, score, share in answer.top_activities:
            typer.echo(f"  {share:7.1%}  {score:12.6g}  {name_}")
        for warning in answer.warnings:
            typer.echo(f"warning: {warning}", err=True)


@data_app.command("footprints")
def data_footprints(
    ref: Annotated[str, typer.Argument(help="LCI database, DATABASE or DATABASE:VERSION.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write.")],
    method: Annotated[str, typer.Option("--method", "-m")] = DEFAULT_METHOD,
) -> None:
    """Every activity's footprint per unit of its product, in one solve: key,name,unit,score."""
    import csv

    from tanji.services.catalog import get_lci_version
    from tanji.services.lci import all_footprints

    name, _, label = ref.partition(":")
    version = label or None
    with _ready_app() as app, app.unit_of_work() as uow:
        # The version's exchange columns from the disk snapshot the import wrote.
        dbv_id = get_lci_version(uow.session, name, version).id
        exchanges = app.backgrounds.exchanges(uow.session, dbv_id)
        result = all_footprints(
            uow.session, app.engine, name, method=method, version=version, exchanges=exchanges
        )
    # Written whole to a neighbour first: a failure never leaves half a file behind.
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["key", "name", "unit", "score"])
            writer.writerows((a.key, a.name, a.unit, a.score) for a in result.activities)
        partial.replace(output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ServiceError(f"{output}: cannot write: {error.strerror or error}") from None
    typer.echo(
        f"wrote {len(result.activities)} footprints ({result.unit} per unit of each "
        f"activity's product; {result.method}; {result.database} version {result.version}) "
        f"to {output}"
    )


@data_app.command("template")
def data_template(
    output: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
) -> None:
    """Write an empty emission-factor template workbook with bilingual instructions."""
    from tanji.io.factor_table import write_template_xlsx

    write_template_xlsx(output)
    typer.echo(f"wrote {output}: fill the 'factors' sheet, then 'tanji data import … -f xlsx'")
