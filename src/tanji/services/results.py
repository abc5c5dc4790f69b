"""Footprint results as people read them: one result, a product's versions, two results
side by side, and the report file of a result.

One function per intention, each checking who asks:

- :func:`visible_result` — a stored result the actor may read (else "not found");
- :func:`result_detail` — a result with what its page shows: stage names, the rule it
  was computed under and the model's findings under that rule, the product's versions;
- :func:`compare_results` — two results side by side (:mod:`tanji.domain.footprint_compare`);
- :func:`render_report` — the result's report (PDF, XLSX or HTML; Chinese or English) as
  bytes, recomputed from the result's pins.

Who may read a result (tenant isolation):

- a result made in an organisation's workspace (``org_id`` set) is that organisation's:
  readable by its members and by the platform operator (:func:`visible_org_ids`);
- a result made from the command line has no organisation (``org_id`` NULL): it is the
  platform operator's data — the worked examples and reference footprints — and every
  signed-in person may read it, like the public factor and rule libraries. That lets an
  enterprise compare its product with the province's reference example.

Design note: the alternative — operator results for the operator only — was rejected
because the operator's command-line results are published examples, not a tenant's
confidential data; a tenant's data always carries its ``org_id``, so it never falls into
this rule. Someone who may not read a result gets :class:`NotFoundError`, the same answer
as for an id that does not exist, so ids do not reveal other tenants' results.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import FootprintResultRow, ProductModelRow
from tanji.domain.accounts import Actor
from tanji.domain.factors import DomainError
from tanji.domain.footprint_compare import compare_results as compare_documents
from tanji.domain.footprints import RULE_APPLIED
from tanji.domain.products import DEFAULT_STAGES, ProductModel
from tanji.domain.rules import Finding, Rule, check, line_quality
from tanji.engine import Engine
from tanji.io.product_model import ModelDocument, model_from_document
from tanji.io.reports import write_report
from tanji.services.background import BackgroundStore
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError
from tanji.services.footprints import recompute
from tanji.services.permissions import require, visible_org_ids
from tanji.services.rules import rule_by_ref

__all__ = [
    "REPORT_FORMATS",
    "REPORT_LANGUAGES",
    "Comparison",
    "Report",
    "ResultDetail",
    "ResultSummary",
    "RuleUsed",
    "compare_results",
    "detail_of",
    "render_report",
    "result_detail",
    "visible_result",
]

READ = "product.read"
#: Report format → media type.
REPORT_FORMATS: Mapping[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
REPORT_LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class ResultSummary:
    """One saved result in a list (a product's versions, a comparison's heading)."""

    id: int
    product_code: str
    product_id: int | None
    org_id: int | None
    version: str
    name_zh: str
    name_en: str
    total: float
    unit: str
    per: str
    method: str
    created_at: datetime
    illustrative: bool
    iterations: int  # Monte Carlo iterations; 0 when none was run

    def name(self, language: str) -> str:
        first, second = (
            (self.name_en, self.name_zh) if language == "en" else (self.name_zh, self.name_en)
        )
        return first or second


@dataclass(frozen=True)
class RuleUsed:
    """The accounting rule named by a result's model, and whether it was applied."""

    ref: str
    title_zh: str
    title_en: str
    applied: bool  # computed as the rule wants (GWP set, end of life, defaults)

    def title(self, language: str) -> str:
        first, second = (
            (self.title_en, self.title_zh) if language == "en" else (self.title_zh, self.title_en)
        )
        return first or second


@dataclass(frozen=True)
class ResultDetail:
    summary: ResultSummary
    result: Mapping[str, Any]  # the result document (``tanji calc --json``)
    stage_names: Mapping[str, tuple[str, str]]  # stage id → (zh, en)
    rule: RuleUsed | None
    findings: tuple[Finding, ...]  # the model's findings under the rule (errors first)
    versions: tuple[ResultSummary, ...]  # every result of the same product, newest first


@dataclass(frozen=True)
class Comparison:
    a: ResultSummary
    b: ResultSummary
    table: Mapping[str, Any]  # :func:`tanji.domain.footprint_compare.compare_results`
    stage_names: Mapping[str, tuple[str, str]]  # stage id → (zh, en), of both models


@dataclass(frozen=True)
class Report:
    filename: str
    media_type: str
    content: bytes


# --- reading ---------------------------------------------------------------------------


def _may_read(actor: Actor, org_id: int | None) -> bool:
    visible = visible_org_ids(actor)
    return org_id is None or visible is None or org_id in visible


def visible_result(session: Session, actor: Actor, result_id: int) -> FootprintResultRow:
    """The stored result ``result_id`` if ``actor`` may read it; else :class:`NotFoundError`
    (whether it exists or belongs to someone else)."""
    require(actor, READ)
    row = session.get(FootprintResultRow, result_id)
    if row is None or not _may_read(actor, row.org_id):
        raise NotFoundError(f"no footprint result #{result_id}")
    return row


def _summary(row: FootprintResultRow, result: Mapping[str, Any] | None = None) -> ResultSummary:
    document = result if result is not None else json.loads(row.result)
    product = document.get("product") or {}
    name = product.get("name") or {}
    uncertainty = document.get("uncertainty") or {}
    return ResultSummary(
        id=row.id,
        product_code=row.product_code,
        product_id=row.product_id,
        org_id=row.org_id,
        version=str(product.get("version") or ""),
        name_zh=str(name.get("zh") or ""),
        name_en=str(name.get("en") or ""),
        total=row.total,
        unit=row.unit,
        per=row.per,
        method=row.method,
        created_at=row.created_at,
        illustrative=bool(document.get("illustrative")),
        iterations=int(uncertainty.get("iterations") or 0),
    )


def _versions(session: Session, row: FootprintResultRow) -> list[ResultSummary]:
    """Results of the same product: the workspace product, else the same model id
    among the same owner's results (operator results have no workspace product)."""
    query = select(FootprintResultRow)
    if row.product_id is not None:
        query = query.where(FootprintResultRow.product_id == row.product_id)
    else:
        query = query.where(FootprintResultRow.product_code == row.product_code)
        query = query.where(
            FootprintResultRow.org_id.is_(None)
            if row.org_id is None
            else FootprintResultRow.org_id == row.org_id
        )
    query = query.order_by(FootprintResultRow.created_at.desc(), FootprintResultRow.id.desc())
    return [_summary(r) for r in session.scalars(query)]


def _model(session: Session, model_id: int) -> ProductModel | None:
    row = session.get(ProductModelRow, model_id)
    if row is None:
        return None
    document = ModelDocument(json.loads(row.document), {}, row.source or f"stored model {row.code}")
    try:
        return model_from_document(document)
    except DomainError:
        return None  # a model stored by an older Tanji that no longer reads: show the result


def _rule(session: Session, result: Mapping[str, Any]) -> tuple[Rule | None, bool]:
    """The rule pinned by the result (the one applied first), and whether it was applied."""
    pins = [p for p in result.get("pins") or [] if p.get("kind") == "rule"]
    pins.sort(key=lambda p: p.get("link") != RULE_APPLIED)
    if not pins:
        return None, False
    try:
        return rule_by_ref(session, pins[0]["ref"]), pins[0].get("link") == RULE_APPLIED
    except NotFoundError:
        return None, False


def _line_quality(result: Mapping[str, Any]) -> dict[str, tuple[float | None, float]]:
    """The rule's per-line quality from a stored result, as ``validate_model`` has it."""
    root = result["product"]["id"]
    return line_quality(
        (t["line"], t["co2e"], t.get("dqr")) for t in result["lines"] if t["model"] == root
    )


def _stage_names(model: ProductModel | None) -> dict[str, tuple[str, str]]:
    stages = model.stages if model is not None else DEFAULT_STAGES
    return {s.id: (s.name.zh or s.name.en, s.name.en or s.name.zh) for s in stages}


def result_detail(session: Session, actor: Actor, result_id: int) -> ResultDetail:
    """A result with everything its page shows (see the module docstring for who may)."""
    return detail_of(session, visible_result(session, actor, result_id))


def detail_of(session: Session, row: FootprintResultRow) -> ResultDetail:
    """What :func:`result_detail` shows, for a row the caller has already cleared (a
    certification team reads the case's result through its case)."""
    result = json.loads(row.result)
    model = _model(session, row.model_id)
    stage_names = _stage_names(model)
    rule, applied = _rule(session, result)
    findings: tuple[Finding, ...] = ()
    if rule is not None and model is not None:
        dqr = (result.get("data_quality") or {}).get("dqr")
        findings = tuple(check(model, rule, dqr=dqr, line_dqr=_line_quality(result)))
    used = RuleUsed(rule.ref, rule.title.zh, rule.title.en, applied) if rule is not None else None
    return ResultDetail(
        summary=_summary(row, result),
        result=result,
        stage_names=stage_names,
        rule=used,
        findings=findings,
        versions=tuple(_versions(session, row)),
    )


def compare_results(session: Session, actor: Actor, a: int, b: int) -> Comparison:
    """Result ``b`` against result ``a`` (differences are b − a), both readable by ``actor``."""
    row_a = visible_result(session, actor, a)
    row_b = visible_result(session, actor, b)
    doc_a, doc_b = json.loads(row_a.result), json.loads(row_b.result)
    table = compare_documents(doc_a, doc_b)
    names = _stage_names(_model(session, row_b.model_id)) | _stage_names(
        _model(session, row_a.model_id)
    )
    return Comparison(_summary(row_a, doc_a), _summary(row_b, doc_b), table, names)


# --- reports ---------------------------------------------------------------------------


def render_report(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    result_id: int,
    fmt: str,
    language: str,
    *,
    engine: Engine | None = None,
) -> Report:
    """The report of a result as bytes: ``fmt`` pdf, xlsx or html; ``language`` zh or en.

    The report needs the footprint itself, not only its JSON, so the result is
    recomputed from its pins (:func:`tanji.services.footprints.recompute`) — the same
    numbers to the last digit, or :class:`ConflictError` if they no longer reproduce.
    """
    if fmt not in REPORT_FORMATS:
        raise InvalidInputError(
            f"format {fmt!r}: choose {', '.join(REPORT_FORMATS)}", fields={"format": "unknown"}
        )
    if language not in REPORT_LANGUAGES:
        raise InvalidInputError(
            f"language {language!r}: choose zh or en", fields={"lang": "unknown"}
        )
    row = visible_result(session, actor, result_id)
    calculation, same = recompute(session, backgrounds, row.id, engine=engine)
    if not same:
        raise ConflictError(
            f"result #{result_id} no longer reproduces from its pins; "
            "its report cannot be written (ask the platform operator)"
        )
    code = re.sub(r"[^A-Za-z0-9._-]+", "_", row.product_code)
    filename = f"tanji-{code}-result-{row.id}-{language}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="tanji-report-") as folder:
        path = write_report(
            calculation.footprint,
            calculation.uncertainty,
            Path(folder) / f"report.{fmt}",
            language,
        )
        content = path.read_bytes()
    return Report(filename, REPORT_FORMATS[fmt], content)
