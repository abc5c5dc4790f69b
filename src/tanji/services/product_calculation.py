"""Findings and calculation of a workspace product's working model.

:func:`findings` lists, live, what the working document still needs (placeholders,
quantities, a link that does not resolve, the rule's findings); :func:`calculate_product`
computes it under its rule and saves the footprint as a new version of the product.
Split from :mod:`tanji.services.products` (which owns the documents and their changes):
the same permission and tenant checks, the caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import FootprintResultRow, ProductModelRow, ProductRow
from tanji.domain.accounts import Actor
from tanji.domain.factors import DomainError
from tanji.domain.footprint_uncertainty import Progress
from tanji.domain.problems import Problem
from tanji.domain.products import LinkKind, ProductModel
from tanji.domain.rules import Finding, Rule, Severity, apply
from tanji.engine import EngineError
from tanji.io.errors import DataFormatError
from tanji.io.product_model import model_from_document
from tanji.services.audit import audit
from tanji.services.background import BackgroundStore
from tanji.services.catalog import readers_of_org
from tanji.services.errors import InvalidInputError, NotFoundError, ServiceError
from tanji.services.footprints import Calculation, StoreResolver, run_model, save_result
from tanji.services.line_checks import WORKSPACE, line_warnings
from tanji.services.permissions import require
from tanji.services.product_lines import is_placeholder
from tanji.services.products import _document, _visible
from tanji.services.rules import rule_by_ref, validate_model

__all__ = [
    "MAX_ITERATIONS",
    "MAX_SEED",
    "FindingsReport",
    "SavedResult",
    "calculate_product",
    "check_calculation",
    "findings",
]

#: The most Monte Carlo iterations one request may ask for (a web request, not a batch).
MAX_ITERATIONS = 5000
#: The largest random seed (numpy takes any non-negative integer; kept to 64 bits).
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class FindingsReport:
    """The working document's findings: the workspace's own (placeholders to replace,
    quantities to fill), a calculation that fails, and the rule's."""

    rule: Rule | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


@dataclass(frozen=True)
class SavedResult:
    result_id: int
    total: float
    unit: str
    per: str
    illustrative: bool


def _submodels(session: Session, row: ProductRow, model: ProductModel) -> dict[str, ProductModel]:
    """The organisation's products the model links as sub-models (recursively)."""
    found: dict[str, ProductModel] = {}
    pending = [model]
    while pending:
        current = pending.pop()
        for link in current.links():
            if link.kind is not LinkKind.MODEL or link.ref in found or link.ref == row.code:
                continue
            sub = session.scalar(
                select(ProductRow).where(
                    ProductRow.org_id == row.org_id, ProductRow.code == link.ref
                )
            )
            if sub is None:
                raise InvalidInputError(
                    f"{current.id}: sub-model {link.ref!r} is not a product of your workspace"
                )
            found[link.ref] = model_from_document(_document(sub))
            pending.append(found[link.ref])
    return found


def _rule_of(session: Session, model: ProductModel) -> Rule | None:
    return rule_by_ref(session, model.rule) if model.rule else None


def _compute(
    session: Session,
    backgrounds: BackgroundStore,
    row: ProductRow,
    model: ProductModel,
    rule: Rule | None,
    iterations: int,
    seed: int | None,
    progress: Progress | None = None,
) -> tuple[Calculation, dict[str, ProductModel]]:
    submodels = _submodels(session, row, model)
    ruled = apply(model, rule) if rule is not None else model
    # The owner's eyes: public and shared databases and its own private ones — never
    # another organisation's private data, whoever asks for the calculation.
    readers = readers_of_org(session, row.org_id)
    resolver = StoreResolver(session, backgrounds, ruled.method, models=submodels, readers=readers)
    calculation = run_model(
        ruled, resolver, iterations, seed, backgrounds.engine, progress=progress
    )
    return calculation, submodels


def _own_findings(model: ProductModel, data: Mapping[str, Any]) -> list[Finding]:
    out = []
    by_id = {line.id: line for line in model.lines}
    for spec in data.get("lines", []):
        line = by_id[spec["id"]]
        where = f"{model.source}: {line.where}"
        if is_placeholder(spec.get("factor")):
            out.append(
                Finding(
                    Severity.ERROR,
                    "factor-to-choose",
                    Problem("finding-factor-to-choose", line=line.id, name=line.name or line.id),
                    where,
                    WORKSPACE,
                    line.id,
                )
            )
        if line.amount == 0:
            out.append(
                Finding(
                    Severity.WARNING,
                    "quantity-to-fill",
                    Problem("finding-quantity-to-fill", line=line.id, name=line.name or line.id),
                    where,
                    WORKSPACE,
                    line.id,
                )
            )
    return out + line_warnings(model)


def findings(
    session: Session, backgrounds: BackgroundStore, actor: Actor, product_id: int
) -> FindingsReport:
    """The working document's findings, live: placeholders and quantities to fill, a
    link that does not resolve (the model is computed), and the rule's findings with
    its data-quality minimums. Errors first."""
    row = _visible(session, actor, product_id)
    document = _document(row)
    model = model_from_document(document)
    found = _own_findings(model, document.data)
    rule: Rule | None = None
    try:
        rule = _rule_of(session, model)
    except NotFoundError as error:
        found.append(Finding(Severity.WARNING, "rule-unknown",
                             Problem("finding-rule-unknown", rule=model.rule, detail=error),
                             model.where("rule")))  # fmt: skip
    footprint = None
    try:
        footprint = _compute(session, backgrounds, row, model, rule, 0, None)[0].footprint
    except (DomainError, ServiceError, EngineError, DataFormatError) as error:
        said = error.args[0] if error.args else ""
        message = (
            said if isinstance(said, Problem) else Problem("finding-calculation", detail=error)
        )
        found.append(Finding(Severity.ERROR, "calculation", message, model.where("lines")))
    if rule is not None:
        found.extend(validate_model(session, rule, model, footprint))
    found.sort(key=lambda f: f.severity is not Severity.ERROR)
    return FindingsReport(rule, tuple(found))


def _ensure_model_row(session: Session, model: ProductModel, data: Mapping[str, Any]) -> None:
    """Store the document as :func:`save_result` expects to find it (by id and digest)."""
    exists = session.scalar(
        select(ProductModelRow.id).where(
            ProductModelRow.code == model.id, ProductModelRow.digest == model.digest
        )
    )
    if exists is None:
        session.add(
            ProductModelRow(
                code=model.id,
                version_label=model.version,
                digest=model.digest,
                document=json.dumps(data, sort_keys=True, ensure_ascii=False),
                source=f"workspace: {model.source}",
            )
        )
        session.flush()


def check_calculation(iterations: int, seed: int | None) -> None:
    """Refuse a Monte Carlo request out of range (before any work or job starts)."""
    if iterations != 0 and not 2 <= iterations <= MAX_ITERATIONS:
        # One draw has no spread: a Monte Carlo needs two at least.
        raise InvalidInputError(
            f"iterations: 0 (no Monte Carlo) or from 2 to {MAX_ITERATIONS}, got {iterations}",
            fields={"iterations": f"0, or from 2 to {MAX_ITERATIONS}"},
        )
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInputError(
            f"seed: a whole number from 0 to {MAX_SEED}, got {seed}",
            fields={"seed": f"from 0 to {MAX_SEED}"},
        )


def calculate_product(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    product_id: int,
    *,
    iterations: int = 0,
    seed: int | None = None,
    progress: Progress | None = None,
) -> SavedResult:
    """Compute the working document (under its rule, when it names one) and save the
    footprint as a new version of the product, with its pins. ``progress(done, total,
    message)`` is told as the work advances (see :func:`tanji.services.footprints.
    run_model`)."""
    require(actor, "result.calculate")
    row = _visible(session, actor, product_id)
    check_calculation(iterations, seed)
    document = _document(row)
    model = model_from_document(document)
    calculation, submodels = _compute(
        session, backgrounds, row, model, _rule_of(session, model), iterations, seed, progress
    )
    _ensure_model_row(session, model, document.data)
    for code, sub in submodels.items():
        sub_row = session.scalar(
            select(ProductRow).where(ProductRow.org_id == row.org_id, ProductRow.code == code)
        )
        assert sub_row is not None
        _ensure_model_row(session, sub, json.loads(sub_row.document))
    result_id = save_result(session, calculation)
    result = session.get(FootprintResultRow, result_id)
    assert result is not None
    result.org_id = row.org_id
    result.product_id = row.id
    result.created_by = actor.user_id
    session.flush()
    footprint = calculation.footprint
    audit(
        session,
        actor,
        "result.calculate",
        "footprint_result",
        result_id,
        None,
        {
            "product_id": row.id,
            "code": row.code,
            "total": footprint.total,
            "per": footprint.per,
            "fingerprint": result.fingerprint,
            "iterations": iterations,
            "seed": seed,
        },
    )
    return SavedResult(
        result_id,
        footprint.total,
        footprint.unit,
        footprint.per,
        bool(calculation.result.get("illustrative")),
    )
