"""The rules library: accounting rules (核算规则) stored as versioned documents.

A rule is data — a ``tanji: rule/1`` document — so adding a product category is adding a
document (shipped in ``tanji/data/rules`` or imported), never a code change. The library
keeps each ``id@version`` once, as canonical JSON with its digest, and moves it through
its lifecycle (draft → trial → published → superseded, :func:`tanji.domain.rules.
next_statuses`); publishing a version supersedes the version published before it.

One function per intention:

- :func:`ensure_shipped_rules` — load (or refresh) the shipped documents;
- :func:`import_rule` — add a rule document from a file;
- :func:`list_rules`, :func:`get_rule` (and :func:`get_entry`, :func:`rule_by_ref`) —
  the rules and the version to use ("latest": published > trial > draft, newest version);
- :func:`set_status` — a lifecycle step;
- :func:`validate_model` — a model's findings under a rule (data quality too, given a
  footprint); :func:`calculate_under` computes a model file as the rule wants it computed;
  :func:`run_under_rules` and :func:`validate_file` do both for ``tanji calc --rule`` and
  ``tanji rules validate``.

Rule references on the command line are ``ID`` (the latest version) or ``ID@VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import RuleRow
from tanji.domain.factors import DomainError
from tanji.domain.footprints import Footprint
from tanji.domain.products import ProductModel
from tanji.domain.rules import (
    RULE_STATUSES,
    Finding,
    Rule,
    Severity,
    apply,
    check,
    line_quality,
    next_statuses,
)
from tanji.engine import Engine
from tanji.io.product_model import ModelDocument, load_document, model_from_document
from tanji.io.rule_file import rule_from_document, shipped_rule_files
from tanji.services.background import BackgroundStore
from tanji.services.errors import ConflictError, NotFoundError, ServiceError
from tanji.services.footprints import Calculation, StoreResolver, run_model

__all__ = [
    "RuleEntry",
    "RuleRun",
    "StatusChange",
    "calculate_under",
    "ensure_shipped_rules",
    "get_entry",
    "get_rule",
    "import_rule",
    "list_rules",
    "parse_ref",
    "rule_by_ref",
    "rules_for_model",
    "run_under_rules",
    "set_status",
    "validate_file",
    "validate_model",
]

_RANK = {"published": 3, "trial": 2, "draft": 1, "superseded": 0}


@dataclass(frozen=True)
class RuleEntry:
    """A rule as the library holds it: the rule (with the library's status) and its record."""

    rule: Rule
    origin: str  # shipped | imported
    digest: str
    document: Mapping[str, Any]  # the rule document as stored
    created_at: datetime
    status_changed_at: datetime

    @property
    def ref(self) -> str:
        return self.rule.ref


@dataclass(frozen=True)
class StatusChange:
    ref: str
    before: str
    after: str


@dataclass(frozen=True)
class RuleRun:
    """A model under one rule: the findings and (unless it failed) the calculation."""

    rule: Rule
    findings: tuple[Finding, ...]
    calculation: Calculation | None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


# --- references and versions --------------------------------------------------------------


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``ID`` or ``ID@VERSION`` → (id, version or None)."""
    rule_id, at, version = ref.strip().partition("@")
    if not rule_id or (at and not version):
        raise ServiceError(f"rule {ref!r}: expected ID or ID@VERSION (e.g. general-gbt24067)")
    return rule_id, version if at else None


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Versions compare by their numbers ("2024.10" after "2024.9"), then their words."""
    parts = re.findall(r"\d+|[^\d._\-\s]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


# --- storing documents ---------------------------------------------------------------------


def _canonical(data: Any) -> tuple[str, str]:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return text, hashlib.sha256(text.encode()).hexdigest()


def _row(session: Session, rule_id: str, version: str) -> RuleRow | None:
    return session.scalar(
        select(RuleRow).where(RuleRow.rule_id == rule_id, RuleRow.version == version)
    )


def _rows(session: Session, rule_id: str | None = None) -> list[RuleRow]:
    query = select(RuleRow).order_by(RuleRow.rule_id, RuleRow.id)
    if rule_id is not None:
        query = query.where(RuleRow.rule_id == rule_id)
    return list(session.scalars(query))


def _require(session: Session, rule_id: str, version: str) -> RuleRow:
    row = _row(session, rule_id, version)
    if row is not None:
        return row
    rows = _rows(session, rule_id)
    if not rows:
        raise NotFoundError(f"no rule {rule_id!r} in the library (see 'tanji rules list')")
    versions = ", ".join(f"{r.version} ({r.status})" for r in rows)
    raise NotFoundError(f"no version {version!r} of rule {rule_id} (versions: {versions})")


def _entry(row: RuleRow) -> RuleEntry:
    data = json.loads(row.document)
    rule = rule_from_document(
        ModelDocument(data, {}, f"rules library: {row.rule_id}@{row.version}")
    )
    return RuleEntry(
        rule=replace(rule, status=row.status),
        origin=row.origin,
        digest=row.digest,
        document=data,
        created_at=row.created_at,
        status_changed_at=row.status_changed_at,
    )


def _fill(row: RuleRow, rule: Rule, text: str, digest: str) -> None:
    row.title_zh = rule.title.zh
    row.title_en = rule.title.en
    row.category = rule.category
    row.document = text
    row.digest = digest
    row.authors = json.dumps(
        [{"kind": kind, "name": name} for kind, name in rule.authors], ensure_ascii=False
    )


def _set(row: RuleRow, status: str, changes: list[StatusChange]) -> None:
    if row.status != status:
        changes.append(StatusChange(f"{row.rule_id}@{row.version}", row.status, status))
        row.status = status
        row.status_changed_at = utcnow()


def _published(session: Session, row: RuleRow, changes: list[StatusChange]) -> None:
    """``row`` is published now: the version published before it is superseded."""
    for other in _rows(session, row.rule_id):
        if other.id != row.id and other.status == "published":
            _set(other, "superseded", changes)


def _insert(
    session: Session, rule: Rule, text: str, digest: str, origin: str
) -> tuple[RuleRow, list[StatusChange]]:
    """A new id@version. A published document supersedes the older published version;
    one older than the version already published is stored as superseded."""
    changes: list[StatusChange] = []
    row = RuleRow(rule_id=rule.id, version=rule.version, status=rule.status, origin=origin)
    _fill(row, rule, text, digest)
    row.status_changed_at = row.created_at = utcnow()
    if rule.status == "published":
        current = [r for r in _rows(session, rule.id) if r.status == "published"]
        if any(_version_key(r.version) > _version_key(rule.version) for r in current):
            row.status = "superseded"
        else:
            for other in current:
                _set(other, "superseded", changes)
    session.add(row)
    session.flush()
    return row, changes


def _read(path: Path) -> tuple[Rule, str, str]:
    document = load_document(path)
    rule = rule_from_document(document)
    text, digest = _canonical(document.data)
    return rule, text, digest


def ensure_shipped_rules(session: Session) -> list[str]:
    """Load the rule documents shipped in ``tanji/data/rules`` into the library; returns
    what changed (nothing when the library is up to date, so it is safe to call often).

    A shipped ``id@version`` not in the library is added (with the document's status).
    One already there with the same content is left alone. Content that changed under
    the same ``id@version`` is refused (:class:`ConflictError`: a changed rule needs a new
    version) — unless the stored one is itself shipped and still a draft: drafts are
    work in progress and are refreshed in place (taking the document's status too).
    """
    changes: list[str] = []
    for path in shipped_rule_files():
        rule, text, digest = _read(path)
        row = _row(session, rule.id, rule.version)
        status_changes: list[StatusChange] = []
        if row is None:
            row, status_changes = _insert(session, rule, text, digest, "shipped")
            changes.append(f"rule {rule.ref} ({row.status}) from {path.name}")
        elif row.digest == digest:
            continue
        elif row.origin == "shipped" and row.status == "draft":
            _fill(row, rule, text, digest)
            changes.append(f"rule {rule.ref} (draft) refreshed from {path.name}")
            _set(row, rule.status, status_changes)
            if row.status == "published":
                _published(session, row, status_changes)
            session.flush()
        else:
            raise ConflictError(
                f"shipped rule {path.name}: {rule.ref} is already in the library "
                f"({row.origin}, {row.status}) with other content; a changed rule needs a "
                "new version"
            )
        changes.extend(f"rule {c.ref}: {c.before} → {c.after}" for c in status_changes)
    return changes


def import_rule(session: Session, path: Path) -> Rule:
    """Add a rule document to the library as a new ``id@version``.

    Importing the same document again is a no-op; other content under an existing
    ``id@version`` is refused (:class:`ConflictError`).
    """
    rule, text, digest = _read(path)
    row = _row(session, rule.id, rule.version)
    if row is not None:
        if row.digest == digest:
            return _entry(row).rule
        raise ConflictError(
            f"{rule.ref} is already in the library ({row.origin}, {row.status}) with other "
            "content; give the changed rule a new version"
        )
    row, _ = _insert(session, rule, text, digest, "imported")
    return _entry(row).rule


# --- reading the library -------------------------------------------------------------------


def list_rules(session: Session, category: str | None = None) -> list[RuleEntry]:
    """Every rule version, by id then version; ``category`` matches the rule's category or
    a model category it applies to."""
    entries = []
    for row in _rows(session):
        if category is not None and row.category != category:
            applies_to = json.loads(row.document).get("applies_to") or []
            if category not in applies_to:
                continue
        entries.append(_entry(row))
    return sorted(entries, key=lambda e: (e.rule.id, _version_key(e.rule.version)))


def get_entry(session: Session, rule_id: str, version: str | None = None) -> RuleEntry:
    """A version of a rule; without ``version`` the latest: published over trial over
    draft, then the newest version. A superseded version only when asked by version."""
    if version is not None:
        return _entry(_require(session, rule_id, version))
    rows = _rows(session, rule_id)
    if not rows:
        raise NotFoundError(f"no rule {rule_id!r} in the library (see 'tanji rules list')")
    versions = ", ".join(f"{r.version} ({r.status})" for r in rows)
    live = [r for r in rows if r.status != "superseded"]
    if not live:
        raise NotFoundError(
            f"every version of rule {rule_id} is superseded ({versions}); name one as "
            f"{rule_id}@VERSION"
        )
    best = max(live, key=lambda r: (_RANK[r.status], _version_key(r.version), r.id))
    return _entry(best)


def get_rule(session: Session, rule_id: str, version: str | None = None) -> Rule:
    """The rule to use (see :func:`get_entry`), with the library's status."""
    return get_entry(session, rule_id, version).rule


def rule_by_ref(session: Session, ref: str) -> Rule:
    """The rule named ``ID`` or ``ID@VERSION``."""
    return get_rule(session, *parse_ref(ref))


def rules_for_model(session: Session, model: ProductModel) -> list[Rule]:
    """The rules a model is checked against when none is named on the command line.

    The rule the model names (``rule: ID[@VERSION]``), else the latest version of every
    rule that applies to the model's category (skeletons — data outlines — excepted).
    """
    if model.rule:
        return [rule_by_ref(session, model.rule)]
    category = model.product.category
    ids = sorted({e.rule.id for e in list_rules(session, category)})
    found: list[Rule] = []
    skeletons: list[str] = []
    for rule_id in ids:
        try:
            rule = get_rule(session, rule_id)
        except NotFoundError:
            continue  # every version superseded
        if category not in rule.categories:
            continue
        if rule.skeleton:
            skeletons.append(rule.ref)
        else:
            found.append(rule)
    if not found:
        hint = f" (only skeleton rules: {', '.join(skeletons)})" if skeletons else ""
        raise NotFoundError(
            f"no rule in the library applies to category {category!r}{hint}; name one with "
            "--rule ID[@VERSION] or 'rule:' in the model, or import one ('tanji rules import')"
        )
    return found


# --- the lifecycle ------------------------------------------------------------------------


def set_status(session: Session, rule_id: str, version: str, status: str) -> list[StatusChange]:
    """Move ``rule_id@version`` to ``status``; returns every change (the version published
    before is superseded by publishing). Steps outside the lifecycle are refused."""
    if status not in RULE_STATUSES:
        raise ServiceError(f"status {status!r}: expected one of {', '.join(RULE_STATUSES)}")
    row = _require(session, rule_id, version)
    ref = f"{rule_id}@{version}"
    if row.status == status:
        raise ServiceError(f"{ref} is already {status}")
    allowed = next_statuses(row.status)
    if status not in allowed:
        then = f"it can only become {' or '.join(allowed)}" if allowed else "that is final"
        raise ServiceError(f"{ref} is {row.status}: it cannot become {status} ({then})")
    changes: list[StatusChange] = []
    if status == "published":
        newer = [
            r
            for r in _rows(session, rule_id)
            if r.status == "published" and _version_key(r.version) > _version_key(version)
        ]
        if newer:
            raise ConflictError(
                f"{ref}: a newer version ({', '.join(r.version for r in newer)}) is published; "
                "publishing this one would supersede it"
            )
    _set(row, status, changes)
    if status == "published":
        _published(session, row, changes)
    session.flush()
    return changes


# --- checking and computing under a rule ---------------------------------------------------


def _root_line_quality(footprint: Footprint) -> dict[str, tuple[float | None, float]]:
    root = footprint.model.id
    return line_quality((r.line, r.co2e, r.dqr) for r in footprint.lines if r.model == root)


def validate_model(
    session: Session,
    rule_ref: str | Rule,
    model: ProductModel,
    footprint: Footprint | None = None,
) -> list[Finding]:
    """The findings of ``model`` under the rule (errors first). With the footprint computed
    under the rule, the rule's data-quality minimums are checked as well."""
    rule = rule_by_ref(session, rule_ref) if isinstance(rule_ref, str) else rule_ref
    if footprint is None:
        return check(model, rule)
    return check(model, rule, dqr=footprint.dqr, line_dqr=_root_line_quality(footprint))


def _compute_under(
    session: Session,
    backgrounds: BackgroundStore,
    model: ProductModel,
    rule: Rule,
    iterations: int,
    seed: int | None,
    engine: Engine | None,
) -> Calculation:
    ruled = apply(model, rule)
    resolver = StoreResolver(session, backgrounds, ruled.method)
    return run_model(ruled, resolver, iterations, seed, engine or backgrounds.engine)


def calculate_under(
    session: Session,
    backgrounds: BackgroundStore,
    path: Path,
    rule: Rule,
    iterations: int = 0,
    seed: int | None = None,
    *,
    engine: Engine | None = None,
) -> Calculation:
    """Read a model file and compute it as ``rule`` wants it computed (its GWP set,
    end-of-life method and defaults); the result pins the rule's ``id@version``."""
    model = model_from_document(load_document(path))
    return _compute_under(session, backgrounds, model, rule, iterations, seed, engine)


def _unique(rules: Iterable[Rule]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.ref, rule)
    return list(seen.values())


def run_under_rules(
    session: Session,
    backgrounds: BackgroundStore,
    path: Path,
    refs: Sequence[str],
    *,
    iterations: int = 0,
    seed: int | None = None,
    engine: Engine | None = None,
) -> list[RuleRun]:
    """A model file computed under each rule named (side by side), with its findings."""
    model = model_from_document(load_document(path))
    runs = []
    for rule in _unique(rule_by_ref(session, ref) for ref in refs):
        calculation = _compute_under(session, backgrounds, model, rule, iterations, seed, engine)
        findings = validate_model(session, rule, model, calculation.footprint)
        runs.append(RuleRun(rule, tuple(findings), calculation))
    return runs


def validate_file(
    session: Session,
    backgrounds: BackgroundStore,
    path: Path,
    refs: Sequence[str] = (),
) -> list[RuleRun]:
    """A model file checked against the rules named (else :func:`rules_for_model`).

    The model is computed under each rule so the data-quality minimums are checked too;
    a model that cannot be computed (a link that does not resolve, a unit that does not
    convert) gets a ``calculation`` error instead of its footprint, beside the other
    findings.
    """
    model = model_from_document(load_document(path))
    rules = (
        _unique(rule_by_ref(session, ref) for ref in refs)
        if refs
        else rules_for_model(session, model)
    )
    runs = []
    for rule in rules:
        calculation: Calculation | None = None
        failed: list[Finding] = []
        try:
            calculation = _compute_under(session, backgrounds, model, rule, 0, None, None)
        except DomainError as exc:
            failed.append(Finding(Severity.ERROR, "calculation", str(exc)))
        footprint = calculation.footprint if calculation is not None else None
        findings = failed + validate_model(session, rule, model, footprint)
        findings.sort(key=lambda f: f.severity is not Severity.ERROR)
        runs.append(RuleRun(rule, tuple(findings), calculation))
    return runs
