"""Accounting rule documents (YAML or JSON, ``tanji: rule/1``).

Described by ``tanji/io/schemas/rule.schema.json`` (copied to ``docs/schemas/``). Errors
name the file, the line and the field, as for product models. The rules Tanji ships
live in ``tanji/data/rules/``; adding a category is adding a document there (or
importing one into the store), never a code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from tanji.domain.factors import DomainError
from tanji.domain.products import LocalText
from tanji.domain.rules import (
    Citation,
    ProcessRequirement,
    ReferenceValue,
    Rule,
    RuleStage,
)
from tanji.io.cff_defaults import CFF_KEYS, cff_table
from tanji.io.errors import DataFormatError
from tanji.io.product_model import ModelDocument, load_document, parse_document, validate

__all__ = ["read_rule", "rule_from_document", "rule_from_text", "shipped_rule_files"]


def shipped_rule_files() -> list[Path]:
    """The rule documents shipped with Tanji, by file name."""
    folder = Path(str(resources.files("tanji.data").joinpath("rules")))
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file())


def read_rule(path: Path) -> Rule:
    return rule_from_document(load_document(path))


def rule_from_text(text: str, source: str) -> Rule:
    return rule_from_document(parse_document(text, source))


def _text(value: Any) -> LocalText:
    if isinstance(value, str):
        return LocalText(zh=value)
    return LocalText(zh=value.get("zh", ""), en=value.get("en", ""))


def _citation(value: Mapping[str, Any] | None) -> Citation | None:
    if not value:
        return None
    return Citation(value["document"], value.get("clause", ""), value.get("note", ""))


def rule_from_document(document: ModelDocument) -> Rule:
    validate(document, "rule", "the accounting rule format")
    d = document.data
    try:
        return _build(d, document.source)
    except DomainError as exc:
        raise DataFormatError(document.source, str(exc)) from None


def _build(d: Mapping[str, Any], source: str) -> Rule:
    stages = tuple(
        RuleStage(
            id=s["id"],
            name=_text(s["name"]),
            required=bool(s.get("required", True)),
            processes=tuple(
                ProcessRequirement(
                    p["id"],
                    _text(p["name"]),
                    bool(p.get("primary", False)),
                    _citation(p.get("citation")),
                )
                for p in s.get("processes", [])
            ),
            model_stages=tuple(s.get("model_stages", [])),
            citation=_citation(s.get("citation")),
        )
        for s in d["stages"]
    )
    fu = d.get("functional_unit") or {}
    cut_off = d.get("cut_off") or {}
    allocation = d.get("allocation") or {}
    electricity = d.get("electricity") or {}
    eol = d.get("end_of_life") or {"method": "cut-off"}
    quality = d.get("data_quality") or {}
    primary = d.get("primary_data") or {}
    known = {s.id for s in stages}
    unknown = [s for s in primary.get("stages", []) if s not in known]
    if unknown:
        raise DomainError(f"primary_data.stages: unknown stage(s) {', '.join(unknown)}")
    return Rule(
        id=d["id"],
        version=d["version"],
        status=d["status"],
        title=_text(d["title"]),
        category=d["category"],
        categories=tuple(d.get("applies_to") or [d["category"]]),
        codes=tuple(sorted((d.get("codes") or {}).items())),
        authors=tuple((a["kind"], a["name"]) for a in d.get("authors", [])),
        issued=date.fromisoformat(d["issued"]) if "issued" in d else None,
        general_method=tuple(
            c for c in (_citation(x) for x in d.get("general_method", [])) if c is not None
        ),
        declared_unit=d["declared_unit"].get("quantity", ""),
        declared_unit_text=(
            _text(d["declared_unit"]["description"])
            if "description" in d["declared_unit"]
            else None
        ),
        functional_unit=_text(fu["description"]) if fu else None,
        functional_unit_formula=fu.get("formula", ""),
        functional_unit_parameters=tuple(fu.get("parameters", [])),
        boundary=d["boundary"],
        stages=stages,
        cut_off_single=cut_off.get("single"),
        cut_off_total=cut_off.get("total"),
        allocation=tuple(allocation.get("hierarchy", [])),
        allocation_forbidden=tuple(allocation.get("forbidden", [])),
        electricity_allowed=tuple(electricity.get("allowed", ["location", "market"])),
        electricity_geography=electricity.get("geography", "national"),
        electricity_note=_text(electricity["note"]) if "note" in electricity else None,
        electricity_basis=electricity.get("basis", "lifecycle"),
        electricity_basis_reason=(
            _text(electricity["basis_reason"]) if "basis_reason" in electricity else None
        ),
        end_of_life=eol["method"],
        cff_defaults=_cff_defaults(eol),
        methods=tuple(d["methods"]),
        primary_stages=tuple(primary.get("stages", [])),
        max_dqr=quality.get("max_dqr"),
        max_line_dqr=quality.get("max_line_dqr"),
        dqr_share=float(quality.get("line_share", 0.1)),
        report_items=tuple(_text(x) for x in d.get("report_items", [])),
        references=tuple(
            ReferenceValue(
                kind=r["kind"],
                value=r.get("value"),
                unit=r["unit"],
                per=r["per"],
                low=r.get("low"),
                high=r.get("high"),
                label=r.get("label", ""),
                citation=_citation(r.get("citation")),
            )
            for r in d.get("references", [])
        ),
        citations=tuple(c for c in (_citation(x) for x in d["citations"]) if c is not None),
        notes=d.get("notes", ""),
        source=source,
        skeleton=bool(d.get("skeleton", False)),
        section_citations={
            section: citation
            for section in (
                "cut_off",
                "allocation",
                "electricity",
                "end_of_life",
                "primary_data",
                "data_quality",
            )
            if (citation := _citation((d.get(section) or {}).get("citation"))) is not None
        },
    )


def _cff_defaults(eol: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """The shipped table the rule names (if any), overridden by the rule's own values."""
    out: dict[str, dict[str, float]] = {}
    if "defaults_table" in eol:
        out = {m: dict(v) for m, v in cff_table(eol["defaults_table"]).items()}
    for material, values in (eol.get("defaults") or {}).items():
        out.setdefault(material, {}).update({CFF_KEYS[k]: float(v) for k, v in values.items()})
    return out
