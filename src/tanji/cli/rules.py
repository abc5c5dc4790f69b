"""``tanji rules …``: the accounting rules library (产品碳足迹核算规则).

``list``, ``show`` and ``validate`` read the library; ``import`` adds a rule document;
``status`` moves a version through its lifecycle. The shipped rules are loaded where the
store is set up (``tanji db upgrade``, or first use). A rule is named ``ID`` (its latest
version) or ``ID@VERSION``. ``validate`` exits with status 1 when a model has errors under
a rule (0 otherwise; 2 for bad files or options, as every command).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from tanji.bootstrap import App
from tanji.cli.footprints import JsonFlag, _g, _print_json, store_app
from tanji.domain.footprints import dqr_rating
from tanji.domain.products import LocalText
from tanji.domain.rules import Citation, Finding, next_statuses
from tanji.services.errors import ServiceError
from tanji.services.rules import (
    RuleEntry,
    RuleRun,
    get_entry,
    import_rule,
    list_rules,
    parse_ref,
    set_status,
    validate_file,
)

rules_app = typer.Typer(
    help="Accounting rules: list, show, validate a model, import, lifecycle.",
    no_args_is_help=True,
)

__all__ = ["finding_dict", "library_app", "rules_app"]


def library_app() -> App:
    """The app with its store set up (on first use, with the shipped rules loaded).

    Like the reference data, the shipped rules are loaded where the store is set up:
    ``tanji db upgrade`` (which refreshes them after an update of Tanji) or first use.
    """
    from sqlalchemy import inspect

    app = store_app()
    if not inspect(app.db).has_table("rules"):
        app.close()
        raise ServiceError(
            f"the store at {app.settings.database_url} has no rules library yet: run "
            "'tanji db upgrade'"
        )
    return app


def finding_dict(finding: Finding) -> dict[str, str]:
    return {
        "severity": finding.severity.value,
        "code": finding.code,
        "message": finding.message,
        "line": finding.line,
        "clause": finding.clause,
    }


def _both(text: LocalText | None) -> str:
    if text is None:
        return ""
    if text.zh and text.en and text.zh != text.en:
        return f"{text.zh} / {text.en}"
    return text.zh or text.en


def _cite(citation: Citation | Mapping[str, Any] | None) -> str:
    if not citation:
        return ""
    if isinstance(citation, Mapping):
        citation = Citation(
            str(citation.get("document", "")),
            str(citation.get("clause", "")),
            str(citation.get("note", "")),
        )
    return f"  ({citation.text()})"


def _section_citations(document: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for section in (
        "cut_off",
        "allocation",
        "electricity",
        "end_of_life",
        "primary_data",
        "data_quality",
    ):
        value = document.get(section)
        if isinstance(value, Mapping) and value.get("citation"):
            out[section] = value["citation"]
    return out


# --- list ----------------------------------------------------------------------------------


@rules_app.command("list")
def rules_list(
    category: Annotated[
        str | None,
        typer.Option(help="Only rules for this category (or applying to it)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every rule version in the library, with its status and origin."""
    with library_app() as app, app.unit_of_work() as uow:
        entries = list_rules(uow.session, category)
    if as_json:
        _print_json(
            [
                {
                    "id": e.rule.id,
                    "version": e.rule.version,
                    "ref": e.ref,
                    "status": e.rule.status,
                    "title": asdict(e.rule.title),
                    "category": e.rule.category,
                    "applies_to": list(e.rule.categories),
                    "skeleton": e.rule.skeleton,
                    "origin": e.origin,
                    "digest": e.digest,
                }
                for e in entries
            ]
        )
        return
    if not entries:
        where = f" for category {category!r}" if category else ""
        typer.echo(f"no rules{where}")
        return
    id_width = max(len(e.rule.id) for e in entries)
    version_width = max(len(e.rule.version) for e in entries)
    category_width = max(len(e.rule.category) for e in entries)
    for e in entries:
        rule = e.rule
        flag = "skeleton " if rule.skeleton else ""
        typer.echo(
            f"{rule.id:<{id_width}}  {rule.version:<{version_width}}  {rule.status:<10}  "
            f"{rule.category:<{category_width}}  {e.origin:<8}  {flag}{_both(rule.title)}"
        )


# --- show ----------------------------------------------------------------------------------


def _rule_json(entry: RuleEntry) -> dict[str, Any]:
    rule = entry.rule
    out = asdict(rule)
    out["codes"] = dict(rule.codes)
    out["authors"] = [{"kind": kind, "name": name} for kind, name in rule.authors]
    out["cff_defaults"] = {k: dict(v) for k, v in rule.cff_defaults.items()}
    out.pop("section_citations", None)
    out["ref"] = rule.ref
    out["origin"] = entry.origin
    out["digest"] = entry.digest
    out["created_at"] = entry.created_at.isoformat(timespec="seconds")
    out["status_changed_at"] = entry.status_changed_at.isoformat(timespec="seconds")
    out["next_statuses"] = list(next_statuses(rule.status))
    out["section_citations"] = _section_citations(entry.document)
    return out


def _show_text(entry: RuleEntry) -> list[str]:
    rule = entry.rule
    sections = _section_citations(entry.document)
    flag = ", SKELETON (data outline, not yet for accounting)" if rule.skeleton else ""
    out = [f"{rule.ref} — {rule.status} ({entry.origin}{flag})"]
    out += [f"  {t}" for t in (rule.title.zh, rule.title.en) if t]
    applies = ", ".join(rule.categories)
    out.append(f"  category: {rule.category} (applies to: {applies})")
    if rule.codes:
        out.append("  codes: " + ", ".join(f"{scheme} {code}" for scheme, code in rule.codes))
    for kind, name in rule.authors:
        out.append(f"  author ({kind}): {name}")
    if rule.issued:
        out.append(f"  issued: {rule.issued.isoformat()}")
    if rule.general_method:
        out.append("  general method:")
        out += [f"    {c.text()}" + (f" — {c.note}" if c.note else "") for c in rule.general_method]
    declared = _both(rule.declared_unit_text)
    out.append(f"  declared unit: {rule.declared_unit}" + (f" — {declared}" if declared else ""))
    if rule.functional_unit is not None:
        formula = f" = {rule.functional_unit_formula}" if rule.functional_unit_formula else ""
        params = ", ".join(rule.functional_unit_parameters)
        out.append(
            f"  functional unit: {_both(rule.functional_unit)}{formula}"
            + (f" (parameters: {params})" if params else "")
        )
    out.append(f"  boundary: {rule.boundary}")
    out.append("  stages:")
    for stage in rule.stages:
        need = "required" if stage.required else "optional"
        mapped = f" [model stages: {', '.join(stage.model_stages)}]" if stage.model_stages else ""
        out.append(f"    {stage.id:<16} {_both(stage.name)}  {need}{mapped}{_cite(stage.citation)}")
        for process in stage.processes:
            primary = "  primary data" if process.primary else ""
            out.append(
                f"      process {process.id}: {_both(process.name)}{primary}"
                f"{_cite(process.citation)}"
            )
    if rule.cut_off_single is None and rule.cut_off_total is None:
        out.append("  cut-off: not set by the rule")
    else:
        parts = []
        if rule.cut_off_single is not None:
            parts.append(f"one excluded input ≤ {rule.cut_off_single:.1%}")
        if rule.cut_off_total is not None:
            parts.append(f"all exclusions ≤ {rule.cut_off_total:.1%}")
        out.append(
            f"  cut-off: {', '.join(parts)} of the footprint{_cite(sections.get('cut_off'))}"
        )
    hierarchy = " > ".join(rule.allocation) or "not set"
    forbidden = (
        f"; forbidden: {', '.join(rule.allocation_forbidden)}" if rule.allocation_forbidden else ""
    )
    out.append(f"  allocation: {hierarchy}{forbidden}{_cite(sections.get('allocation'))}")
    note = f"; {_both(rule.electricity_note)}" if rule.electricity_note else ""
    out.append(
        f"  electricity: {' or '.join(rule.electricity_allowed)}-based, "
        f"{rule.electricity_geography} grid, {rule.electricity_basis} factor"
        f"{note}{_cite(sections.get('electricity'))}"
    )
    out.append(f"  end of life: {rule.end_of_life}{_cite(sections.get('end_of_life'))}")
    for material, values in rule.cff_defaults.items():
        numbers = ", ".join(f"{name} {value:g}" for name, value in values.items())
        out.append(f"    defaults for {material}: {numbers}")
    methods = [f"{m} (the rule's)" if i == 0 else m for i, m in enumerate(rule.methods)]
    out.append(f"  GWP sets: {', '.join(methods)}")
    primary_stages = ", ".join(rule.primary_stages) or "none required"
    out.append(f"  primary data: stages {primary_stages}{_cite(sections.get('primary_data'))}")
    quality = []
    if rule.max_dqr is not None:
        quality.append(f"result DQR ≤ {rule.max_dqr:g}")
    if rule.max_line_dqr is not None:
        quality.append(f"DQR ≤ {rule.max_line_dqr:g} for lines above {rule.dqr_share:.0%}")
    out.append(
        f"  data quality: {'; '.join(quality) or 'no minimum'}{_cite(sections.get('data_quality'))}"
    )
    if rule.report_items:
        out.append("  report items:")
        out += [f"    - {_both(item)}" for item in rule.report_items]
    if rule.references:
        out.append("  reference values:")
        for ref in rule.references:
            value = f"{_g(ref.low)} – {_g(ref.high)}" if ref.kind == "range" else _g(ref.value)
            label = f" {ref.label}" if ref.label else ""
            out.append(
                f"    - {ref.kind}: {value} {ref.unit} per {ref.per}{label}{_cite(ref.citation)}"
            )
    out.append("  citations:")
    out += [f"    - {c.text()}" + (f" — {c.note}" if c.note else "") for c in rule.citations]
    if rule.notes:
        out.append(f"  notes: {rule.notes}")
    following = next_statuses(rule.status)
    out.append(
        f"  library: added {entry.created_at:%Y-%m-%d %H:%M}, status since "
        f"{entry.status_changed_at:%Y-%m-%d %H:%M}, digest {entry.digest[:12]}; "
        f"next status: {', '.join(following) or 'none (final)'}"
    )
    return out


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="Rule id (or ID@VERSION).")],
    version: Annotated[
        str | None, typer.Option("--version", help="A version (default: the latest).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Everything a rule asks for, with the clauses it comes from."""
    base, in_ref = parse_ref(rule_id)
    if in_ref and version and in_ref != version:
        raise ServiceError(f"{rule_id}: the version is given twice ({in_ref}, {version})")
    with library_app() as app, app.unit_of_work() as uow:
        entry = get_entry(uow.session, base, version or in_ref)
    if as_json:
        _print_json(_rule_json(entry))
        return
    for line in _show_text(entry):
        typer.echo(line)


# --- validate ------------------------------------------------------------------------------


def _run_json(run: RuleRun) -> dict[str, Any]:
    footprint = run.calculation.footprint if run.calculation is not None else None
    return {
        "rule": run.rule.ref,
        "status": run.rule.status,
        "errors": run.errors,
        "warnings": run.warnings,
        "total": footprint.total if footprint else None,
        "unit": footprint.unit if footprint else None,
        "per": footprint.per if footprint else None,
        "method": footprint.model.method if footprint else None,
        "dqr": footprint.dqr if footprint else None,
        "findings": [finding_dict(f) for f in run.findings],
    }


@rules_app.command("validate")
def rules_validate(
    model: Annotated[Path, typer.Argument(help="The product model (YAML or JSON).")],
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help="ID or ID@VERSION (repeatable). Default: the model's 'rule:', else every "
            "rule for its category.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a model against accounting rules; exit status 1 if there is any error."""
    with library_app() as app, app.unit_of_work() as uow:
        runs = validate_file(uow.session, app.backgrounds, model, rule or ())
    errors = sum(run.errors for run in runs)
    if as_json:
        _print_json(
            {
                "model": str(model),
                "valid": errors == 0,
                "rules": {run.rule.ref: _run_json(run) for run in runs},
            }
        )
    else:
        for run in runs:
            typer.echo(
                f"{model} under {run.rule.ref} ({run.rule.status}): "
                f"{run.errors} error(s), {run.warnings} warning(s)"
            )
            if run.calculation is not None:
                fp = run.calculation.footprint
                typer.echo(
                    f"  footprint: {_g(fp.total)} {fp.unit} per {fp.per} ({fp.model.method}), "
                    f"DQR {_g(fp.dqr)} ({dqr_rating(fp.dqr)})"
                )
            for finding in run.findings:
                typer.echo(f"  {finding.text()}")
    if errors:
        raise typer.Exit(1)


# --- import and status ---------------------------------------------------------------------


@rules_app.command("import")
def rules_import(
    path: Annotated[Path, typer.Argument(help="A rule document (tanji: rule/1, YAML or JSON).")],
) -> None:
    """Add a rule document to the library (a new ID@VERSION)."""
    with library_app() as app, app.unit_of_work() as uow:
        rule = import_rule(uow.session, path)
    typer.echo(
        f"imported {rule.ref} ({rule.status}): {_both(rule.title)}; category {rule.category}"
    )


@rules_app.command("status")
def rules_status(
    ref: Annotated[str, typer.Argument(metavar="ID@VERSION", help="The rule version.")],
    status: Annotated[str, typer.Argument(help="draft, trial, published or superseded.")],
) -> None:
    """Move a rule version through its lifecycle (publishing supersedes the previous one)."""
    rule_id, version = parse_ref(ref)
    if version is None:
        raise ServiceError(f"{ref}: name the version, as {ref}@VERSION")
    with library_app() as app, app.unit_of_work() as uow:
        changes = set_status(uow.session, rule_id, version, status)
    for change in changes:
        typer.echo(f"{change.ref}: {change.before} → {change.after}")
