"""The enterprise workspace: products, their working model documents, their footprints.

An organisation's product holds one *working* ``product-model/1`` document (stored as
JSON in :class:`~tanji.db.models.ProductRow`), changed by forms (a line at a time), by
uploading the YAML/JSON file, or by the Excel activity-data template; every footprint
computed from it is saved with the organisation, the product and the person
(:class:`~tanji.db.models.FootprintResultRow`): the product's *versions*.

One function per intention; each checks the permission
(:func:`tanji.services.permissions.require`) and the tenant, changes rows and writes an
:func:`~tanji.services.audit.audit` entry; the caller owns the transaction, so a change
is all or nothing. Another organisation's product is reported as not found (never
"forbidden"), so its existence does not leak.

Every change is checked as a model file is (schema, then the model's own rules) with
the document as the YAML download shows it, so an error's line number is a line of
``model.yaml``. Two workspace rules come on top: a sub-model (``model:``) must be another
product of the same organisation, and a supplier's PACT *file* cannot be named (a server
path) — import the footprint, then link the supplier product.

A product starts from a template (:mod:`tanji.services.product_templates`).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tanji.db.models import FootprintResultRow, OrganisationRow, ProductRow
from tanji.domain.accounts import Actor, Role
from tanji.domain.bounds import name_problem
from tanji.domain.problems import Problem
from tanji.domain.products import LocalText, ProductModel
from tanji.io.activity_template import (
    TemplateError,
    read_activity_data,
    write_activity_template,
)
from tanji.io.errors import DataFormatError
from tanji.io.product_model import (
    ModelDocument,
    document_text,
    model_from_document,
    parse_document,
)
from tanji.services.audit import audit
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.line_checks import check_lines, factor_choices
from tanji.services.permissions import require, visible_org_ids
from tanji.services.product_facts import ProductFacts, apply_facts, facts_of, field_of
from tanji.services.product_lines import LineInput, line_mapping
from tanji.services.product_lock import StaleVersionError, lock, require_version
from tanji.services.product_templates import (
    TEMPLATES,
    Template,
    template_document,
    template_named,
)
from tanji.services.rules import get_rule

__all__ = [
    "TEMPLATES",
    "ActivityDataReport",
    "ProductSummary",
    "Template",
    "Version",
    "WorkspaceProduct",
    "activity_template",
    "add_line",
    "create_product",
    "delete_line",
    "delete_product",
    "edit_line",
    "fill_activity_data",
    "get_product",
    "list_products",
    "model_yaml",
    "template_document",
    "unreadable",
    "update_document",
    "update_facts",
    "versions",
]

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")


# --- what the workspace returns ------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """A footprint computed from a product (one of its versions)."""

    result_id: int
    total: float
    unit: str
    per: str
    created_at: datetime
    created_by: int | None
    fingerprint: str
    iterations: int
    illustrative: bool


@dataclass(frozen=True)
class ProductSummary:
    id: int
    code: str
    name_zh: str
    name_en: str
    category: str
    rule_ref: str | None
    updated_at: datetime
    lines: int
    latest: Version | None
    version: int = 1  # the product's version (see tanji.services.product_lock)
    organisation: str = ""  # the owning organisation's name (the admin's list shows it)
    organisation_en: str = ""

    def name(self, language: str) -> str:
        return LocalText(self.name_zh, self.name_en or self.code).get(language)


@dataclass(frozen=True)
class WorkspaceProduct:
    """A product with its working document (as data and as the YAML download)."""

    summary: ProductSummary
    org_id: int
    document: Mapping[str, Any]
    yaml: str
    model: ProductModel
    created_at: datetime

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def version(self) -> int:
        """The version a change must name (the API's ETag, the forms' hidden field)."""
        return self.summary.version


@dataclass(frozen=True)
class ActivityDataReport:
    """What an uploaded activity-data workbook did: applied with its changes, or refused
    with every problem by cell (and then nothing was changed)."""

    applied: bool
    changes: tuple[str, ...]
    problems: tuple[str, ...]
    #: lines changed, removed or added since the workbook was downloaded
    notes: tuple[str, ...] = ()


# --- reading --------------------------------------------------------------------------------


def _document(row: ProductRow) -> ModelDocument:
    """The stored document as its YAML download reads (line numbers of ``CODE.yaml``)."""
    data = json.loads(row.document)
    return parse_document(document_text(data), f"{row.code}.yaml")


def _visible(session: Session, actor: Actor, product_id: int) -> ProductRow:
    require(actor, "product.read")
    row = session.get(ProductRow, product_id)
    visible = visible_org_ids(actor)
    if row is None or (visible is not None and row.org_id not in visible):
        raise NotFoundError(f"no product #{product_id} in your workspace")
    return row


def _own(session: Session, actor: Actor, product_id: int) -> ProductRow:
    """A product of the actor's organisation that the actor may change (not locked)."""
    require(actor, "product.write")
    row = _visible(session, actor, product_id)
    if row.org_id != actor.org_id:
        raise NotFoundError(f"no product #{product_id} in your workspace")
    return row


def _writable(
    session: Session,
    actor: Actor,
    product_id: int,
    expected_version: int | None = None,
    version_required: bool = False,
) -> ProductRow:
    """The product to change, locked for this transaction and re-read; refused when
    ``expected_version`` (the version the person read) is not the current one, or is
    missing where ``version_required``."""
    row = _own(session, actor, product_id)
    lock(session, row)
    require_version(session, row, expected_version, required=version_required)
    return row


def _version(row: FootprintResultRow) -> Version:
    return _version_of(*(getattr(row, column.key) for column in _LATEST))


def _version_of(
    result_id: int,
    total: float,
    unit: str,
    per: str,
    created_at: datetime,
    created_by: int | None,
    fingerprint: str,
    result_json: str,
) -> Version:
    result = json.loads(result_json)
    uncertainty = result.get("uncertainty") or {}
    return Version(
        result_id=result_id,
        total=total,
        unit=unit,
        per=per,
        created_at=created_at,
        created_by=created_by,
        fingerprint=fingerprint,
        iterations=int(uncertainty.get("iterations") or 0),
        illustrative=bool(result.get("illustrative")),
    )


def _summary(
    row: ProductRow | Row[Any],
    latest: Version | None,
    organisation: str = "",
    organisation_en: str = "",
) -> ProductSummary:
    lines = json.loads(row.document).get("lines", [])
    return ProductSummary(
        organisation=organisation,
        organisation_en=organisation_en,
        id=row.id,
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        category=row.category,
        rule_ref=row.rule_ref,
        updated_at=row.updated_at,
        lines=len(lines),
        latest=latest,
        version=row.version,
    )


def _results(session: Session, product_ids: Sequence[int]) -> Iterator[FootprintResultRow]:
    if not product_ids:
        return iter(())
    query = (
        select(FootprintResultRow)
        .where(FootprintResultRow.product_id.in_(product_ids))
        .order_by(FootprintResultRow.id.desc())
    )
    return iter(session.scalars(query))


def list_products(session: Session, actor: Actor) -> list[ProductSummary]:
    """The products the actor may see (its organisation's), newest change first, each
    with its latest footprint — in one query: each product's owner and newest result
    joined (the result found by the index on its product).

    Design note: the query names the columns it needs and runs on the session's
    connection (SQLAlchemy Core): no ORM objects are made, tracked and dropped for a list
    that only reads them (the ORM's part was about a fifth of a token's product list)."""
    require(actor, "product.read")
    visible = visible_org_ids(actor)
    connection = session.connection()
    if visible is None:
        rows = connection.execute(_EVERY_PRODUCT)
    else:
        rows = connection.execute(_PRODUCTS_OF, {"org_ids": sorted(visible)})
    return [
        _summary(
            row,
            _version_of(*row[_RESULT_AT:]) if row.result_id is not None else None,
            organisation=row.org_name or "",
            organisation_en=row.org_name_en or "",
        )
        for row in rows
    ]


#: The product columns a list shows; the owner's names and the newest result's columns
#: follow them (:func:`_product_list`).
_LISTED = (
    ProductRow.id, ProductRow.code, ProductRow.name_zh, ProductRow.name_en, ProductRow.category,
    ProductRow.rule_ref, ProductRow.updated_at, ProductRow.version, ProductRow.document,
)  # fmt: skip
#: The newest result's columns, in :func:`_version_of`'s order.
_LATEST = (
    FootprintResultRow.id, FootprintResultRow.total, FootprintResultRow.unit,
    FootprintResultRow.per, FootprintResultRow.created_at, FootprintResultRow.created_by,
    FootprintResultRow.fingerprint, FootprintResultRow.result,
)  # fmt: skip
_RESULT_AT = len(_LISTED) + 2


def _product_list() -> Select[*tuple[Any, ...]]:
    newest = (
        select(func.max(FootprintResultRow.id))
        .where(FootprintResultRow.product_id == ProductRow.id)
        .correlate(ProductRow)
        .scalar_subquery()
    )
    return (
        select(
            *_LISTED,
            OrganisationRow.name.label("org_name"),
            OrganisationRow.name_en.label("org_name_en"),
            *(column.label(f"result_{column.key}") for column in _LATEST),
        )
        .select_from(ProductRow)
        .outerjoin(OrganisationRow, OrganisationRow.id == ProductRow.org_id)
        .outerjoin(FootprintResultRow, FootprintResultRow.id == newest)
        .order_by(ProductRow.updated_at.desc(), ProductRow.id.desc())
    )


#: The product list, built once (SQLAlchemy then reuses its compiled form and cache key):
#: every organisation's, or those of ``org_ids``.
_EVERY_PRODUCT = _product_list()
_PRODUCTS_OF = _product_list().where(ProductRow.org_id.in_(bindparam("org_ids", expanding=True)))


def get_product(session: Session, actor: Actor, product_id: int) -> WorkspaceProduct:
    """A product with its working document; another organisation's is not found."""
    row = _visible(session, actor, product_id)
    return _product(session, row)


def _product(session: Session, row: ProductRow) -> WorkspaceProduct:
    document = _document(row)
    first = next(_results(session, [row.id]), None)
    return WorkspaceProduct(
        summary=_summary(row, _version(first) if first is not None else None),
        org_id=row.org_id,
        document=document.data,
        yaml=document_text(document.data),
        model=model_from_document(document),
        created_at=row.created_at,
    )


def unreadable(session: Session, actor: Actor, product_id: int) -> tuple[ProductSummary, str, int]:
    """A product whose stored document no longer passes the model checks (held from
    before a bound, or written by hand): its summary and the problem, so its page can
    still offer the model file, a replacement and deletion instead of an error. The third
    value is the owning organisation's id."""
    row = _visible(session, actor, product_id)
    try:
        _product(session, row)
    except DataFormatError as error:
        return _summary(row, None), error.problem, row.org_id
    return _summary(row, None), "", row.org_id


def versions(session: Session, actor: Actor, product_id: int) -> list[Version]:
    """The footprints computed from a product, newest first."""
    row = _visible(session, actor, product_id)
    return [_version(r) for r in _results(session, [row.id])]


def model_yaml(session: Session, actor: Actor, product_id: int) -> tuple[str, str]:
    """(file name, YAML text) of the working document."""
    row = _visible(session, actor, product_id)
    return f"{row.code}.yaml", document_text(json.loads(row.document))


# --- changing ---------------------------------------------------------------------------------


def _snapshot(row: ProductRow, with_facts: bool = False) -> dict[str, Any]:
    data = json.loads(row.document)
    snapshot: dict[str, Any] = {
        "code": row.code,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "rule_ref": row.rule_ref,
        # Each line as it was saved, by id: the audit log shows what changed field by
        # field ("cathode: quantity 5 → 6 kg"), not a fingerprint of the document.
        "lines": {
            str(line.get("id", number)): {k: v for k, v in line.items() if k != "id"}
            for number, line in enumerate(data.get("lines", []), start=1)
            if isinstance(line, Mapping)
        },
        "version": row.version,
    }
    if with_facts:
        snapshot["facts"] = asdict(facts_of(data))
    return snapshot


def _walk(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _workspace_checks(session: Session, org_id: int, code: str, document: ModelDocument) -> None:
    """The workspace's rules on top of the model checks (see the module docstring)."""
    data = document.data
    problems = []
    if data.get("id") != code:
        problems.append(
            f"{document.where(('id',))}: id: expected {code!r} (the product's code); "
            f"got {data.get('id')!r}"
        )
    own = set(session.scalars(select(ProductRow.code).where(ProductRow.org_id == org_id)))
    for i, line in enumerate(data.get("lines", [])):
        where = document.where(("lines", i))
        for mapping in _walk(line):
            if "pact" in mapping:
                problems.append(
                    f"{where}: lines[{i}]: a PACT file cannot be named in the workspace; "
                    "import the supplier's footprint and link {supplier: {product: ID}}"
                )
            ref = mapping.get("model")
            if isinstance(ref, str) and (ref == code or ref not in own):
                problems.append(
                    f"{where}: lines[{i}].model: {ref!r} is not another product of your "
                    f"workspace (expected one of: {', '.join(sorted(own - {code})) or 'none'})"
                )
    if problems:
        raise InvalidInputError("; ".join(problems))


def _check(session: Session, org_id: int, code: str, data: Mapping[str, Any]) -> ProductModel:
    """The model of ``data`` if it passes every check (else the error, naming the line)."""
    document = parse_document(document_text(data), f"{code}.yaml")
    model = model_from_document(document)
    _workspace_checks(session, org_id, code, document)
    return model


def _versioned(data: Mapping[str, Any], version: str) -> dict[str, Any]:
    """``data`` with its ``version`` set (in place, else right after its ``id``)."""
    if "version" in data:
        return {**data, "version": version}
    out: dict[str, Any] = {}
    for key, value in data.items():
        out[key] = value
        if key == "id":
            out["version"] = version
    out.setdefault("version", version)
    return out


def _owned_by(session: Session, org_id: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with ``product.company`` the owning organisation's name: the company of a
    workspace product is the account's organisation, never free text (issue 20)."""
    organisation = session.get(OrganisationRow, org_id)
    out = dict(data)
    product = dict(out.get("product") or {})
    if organisation is not None and organisation.name.strip():
        product["company"] = organisation.name.strip()
        out["product"] = product
    return out


def _store(
    session: Session,
    actor: Actor,
    row: ProductRow,
    data: Mapping[str, Any],
    action: str,
    *,
    with_facts: bool = False,
) -> WorkspaceProduct:
    before = _snapshot(row, with_facts) if row.id is not None else None
    # The model's version is the product's: every saved change advances both, so two
    # results of different documents never show the same model version.
    data = _versioned(data, str(row.version + 1))
    data = _owned_by(session, row.org_id, data)
    model = _check(session, row.org_id, row.code, data)
    check_lines(session, row.org_id, model)
    row.document = json.dumps(data, ensure_ascii=False)
    row.name_zh = model.product.name.zh
    row.name_en = model.product.name.en
    row.category = model.product.category
    row.rule_ref = model.rule or None
    row.updated_by = actor.user_id
    session.add(row)
    # Read now: after a failed flush the row's attributes cannot be loaded any more.
    product_id, code, expected = row.id, row.code, row.version
    try:
        session.flush()  # UPDATE … WHERE version = :expected
    except StaleDataError:
        # Only a path that skipped the row lock gets here: someone else's change won.
        raise StaleVersionError(product_id, code, expected, None) from None
    audit(session, actor, action, "product", row.id, before, _snapshot(row, with_facts))
    return _product(session, row)


def create_product(
    session: Session,
    actor: Actor,
    *,
    template: str,
    code: str,
    name_zh: str = "",
    name_en: str = "",
    declared_unit: str | None = None,
    output: str | None = None,
    site: str = "",
) -> WorkspaceProduct:
    """A new product in the actor's organisation, from a rule template (quantities to
    fill). ``code`` is unique in the organisation; the document follows the rule's
    current version (``rule: ID@VERSION``)."""
    require(actor, "product.write")
    chosen = template_named(template)
    code = code.strip()
    problems: dict[str, str] = {}
    if not _CODE.match(code) or len(code) > 200:
        problems["code"] = Problem("product-code")
    if not (name_zh.strip() or name_en.strip()):
        problems["name_zh"] = Problem("name-missing")
    for key, value in (("name_zh", name_zh), ("name_en", name_en)):
        if (problem := name_problem(value)) is not None:
            problems[key] = problem
    if problems:
        detail = "; ".join(f"{k}: {v}" for k, v in problems.items())
        raise InvalidInputError(f"new product: {detail}", fields=problems)
    taken = session.scalar(
        select(ProductRow.id).where(ProductRow.org_id == actor.org_id, ProductRow.code == code)
    )
    if taken is not None:
        raise ConflictError(
            f"code {code!r} is already used by product #{taken} of your organisation",
            fields={"code": "already used in your organisation"},
        )
    data = template_document(template)
    rule = get_rule(session, chosen.rule_id)
    data["id"] = code
    data["rule"] = rule.ref
    data.pop("notes", None)
    product = data["product"]
    product["name"] = {k: v.strip() for k, v in (("zh", name_zh), ("en", name_en)) if v.strip()}
    if declared_unit and declared_unit.strip():
        product["declared_unit"] = declared_unit.strip()
    if output and output.strip():
        data["output"] = output.strip()
    if site.strip():
        product["site"] = site.strip()
    row = ProductRow(org_id=actor.org_id, code=code, created_by=actor.user_id, document="{}")
    session.add(row)
    session.flush()
    return _store(session, actor, row, data, "product.create")


def update_document(
    session: Session,
    actor: Actor,
    product_id: int,
    content: bytes | str,
    filename: str,
    *,
    expected_version: int | None = None,
    version_required: bool = False,
) -> WorkspaceProduct:
    """Replace the working document by an uploaded YAML or JSON file (all or nothing;
    every problem names ``filename``, the line and the field). The file is parsed
    before the product is locked."""
    _own(session, actor, product_id)
    name = Path(filename or "model.yaml").name
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataFormatError(name, "not UTF-8 text (save the file as UTF-8)") from None
    document = parse_document(content, name)
    model_from_document(document)  # errors with the uploaded file's own line numbers
    row = _writable(session, actor, product_id, expected_version, version_required)
    _workspace_checks(session, row.org_id, row.code, document)
    return _store(session, actor, row, document.data, "product.update-document")


def update_facts(
    session: Session,
    actor: Actor,
    product_id: int,
    facts: ProductFacts,
    *,
    expected_version: int | None = None,
    version_required: bool = False,
) -> WorkspaceProduct:
    """Change the product's facts (names, declared and functional unit, output, company,
    site, boundary, reference period, identifiers) in the working document, checked as
    every change is (all or nothing; each problem named by its field). The audit entry
    holds the facts before and after; the product's names follow the document."""
    row = _writable(session, actor, product_id, expected_version, version_required)
    data = apply_facts(json.loads(row.document), facts)
    try:
        return _store(session, actor, row, data, "product.update-facts", with_facts=True)
    except DataFormatError as error:
        # Caught by the field checks of apply_facts as far as they go; the model checks
        # (schema, units, the rule's own) still have the last word.
        raise InvalidInputError(
            str(error), fields={field_of(error.problem): error.problem}
        ) from error


def _lines(row: ProductRow) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data: dict[str, Any] = json.loads(row.document)
    return data, data.setdefault("lines", [])


def _index(lines: Sequence[Mapping[str, Any]], line_id: str, product: str) -> int:
    for i, line in enumerate(lines):
        if line.get("id") == line_id:
            return i
    raise NotFoundError(f"product {product} has no line {line_id!r}")


def add_line(
    session: Session,
    actor: Actor,
    product_id: int,
    line: LineInput,
    *,
    expected_version: int | None = None,
) -> WorkspaceProduct:
    """Add a line to the working document (to its current version: adds commute, so
    ``expected_version`` may be left out)."""
    row = _writable(session, actor, product_id, expected_version)
    data, lines = _lines(row)
    mapping = line_mapping(line)
    if any(existing.get("id") == mapping["id"] for existing in lines):
        raise ConflictError(
            f"line id {mapping['id']!r} is already used in product {row.code}",
            fields={"id": "already used in this product"},
        )
    lines.append(mapping)
    return _store(session, actor, row, data, "product.line-add")


def edit_line(
    session: Session,
    actor: Actor,
    product_id: int,
    line_id: str,
    line: LineInput,
    *,
    expected_version: int | None = None,
    version_required: bool = False,
) -> WorkspaceProduct:
    """Change a line (it may be renamed; fields the form does not show are kept)."""
    row = _writable(session, actor, product_id, expected_version, version_required)
    data, lines = _lines(row)
    i = _index(lines, line_id, row.code)
    mapping = line_mapping(line, previous=lines[i])
    if mapping["id"] != line_id and any(x.get("id") == mapping["id"] for x in lines):
        raise ConflictError(
            f"line id {mapping['id']!r} is already used in product {row.code}",
            fields={"id": "already used in this product"},
        )
    lines[i] = mapping
    return _store(session, actor, row, data, "product.line-edit")


def delete_line(
    session: Session,
    actor: Actor,
    product_id: int,
    line_id: str,
    *,
    expected_version: int | None = None,
    version_required: bool = False,
) -> WorkspaceProduct:
    """Remove a line from the working document."""
    row = _writable(session, actor, product_id, expected_version, version_required)
    data, lines = _lines(row)
    del lines[_index(lines, line_id, row.code)]
    return _store(session, actor, row, data, "product.line-delete")


def delete_product(
    session: Session,
    actor: Actor,
    product_id: int,
    *,
    expected_version: int | None = None,
    version_required: bool = False,
) -> None:
    """Delete a product (an admin's act). Its footprints stay with the organisation —
    they are records, possibly verified — but no longer point to the product."""
    row = _writable(session, actor, product_id, expected_version, version_required)
    if actor.role is not Role.ADMIN:
        raise PermissionDeniedError("Only an admin of the organisation may delete a product.")
    before = _snapshot(row)
    for result in _results(session, [row.id]):
        result.product_id = None
    session.flush()
    session.delete(row)
    session.flush()
    audit(session, actor, "product.delete", "product", product_id, before, None)


# --- the Excel activity-data template ----------------------------------------------------------


def activity_template(
    session: Session, actor: Actor, product_id: int, language: str = "zh"
) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of the activity-data template of the working document."""
    row = _visible(session, actor, product_id)
    document = _document(row)
    choices = factor_choices(session, row.org_id, document.data["lines"], language)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{row.code.replace('/', '-')}-activity-data.xlsx"
        write_activity_template(document, path, language=language, factor_choices=choices)
        return path.name, path.read_bytes()


def fill_activity_data(
    session: Session,
    actor: Actor,
    product_id: int,
    content: bytes,
    filename: str,
    *,
    expected_version: int | None = None,
) -> ActivityDataReport:
    """Apply a filled activity-data workbook: every cell checked; applied only when all
    are valid, else the row-by-row problems are returned and nothing is changed. The
    workbook is read before the product is locked, against the version read then; when
    the product changed in between, the change is refused as stale (nothing lost)."""
    row = _own(session, actor, product_id)
    read = row.version
    name = Path(filename or "activity-data.xlsx").name or "activity-data.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            reading = read_activity_data(_document(row), path)
        except TemplateError as error:
            return ActivityDataReport(False, (), tuple(p.text() for p in error.problems))
        except DataFormatError as error:
            return ActivityDataReport(
                False, (), (Problem("template-file", file=name, problem=error.problem),)
            )
    data, changes, notes = reading.data, reading.changes, tuple(reading.notes)
    if not changes:
        return ActivityDataReport(True, (), (), notes)
    row = _writable(
        session, actor, product_id, read if expected_version is None else expected_version
    )
    if row.version != read:  # the workbook was read against an older document
        require_version(session, row, read)
    try:
        _store(session, actor, row, data, "product.activity-data")
    except (InvalidInputError, DataFormatError) as error:
        # The lines checked against the library (or the model checks): nothing changed.
        problems = tuple(getattr(error, "fields", {}).values()) or (str(error),)
        return ActivityDataReport(False, (), problems, notes)
    return ActivityDataReport(True, tuple(changes), (), notes)
