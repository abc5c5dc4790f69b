"""A supplier's answer to a footprint request, and the link into the lead firm's model.

Three answers: a footprint of the supplier's own on the platform (certified when a
certificate of that result is in force — it is then published as verified, naming the
body and the number — else published as self-declared), a PACT file (read by
:func:`tanji.io.pact.read_pact`, bounded in size, every problem named), or a refusal
with its reason. The footprint becomes a supplier footprint
(:class:`~tanji.db.models.SupplierFootprintRow`), the record a model's supplier line
(``supplier: {product: ID}``) computes with — the same mechanism as a footprint linked
by hand in the workspace.

Linking: when the request names a line of the lead firm's model, the answer turns it
into a supplier line at once, on behalf of the person who asked (their standing
instruction; audited as theirs). When that cannot be done — the line was deleted, its
unit does not convert to the footprint's, the asker left — the answer is kept and the
problem shown to the lead firm, which links it by hand (:func:`link_answer`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    CertificateRow,
    FootprintResultRow,
    OrganisationRow,
    OrgMemberRow,
    ProductRow,
    SupplierFootprintRow,
    SupplyRequestRow,
)
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.factors import DomainError
from tanji.domain.suppliers import supplier_ref
from tanji.domain.supply import RequestStatus
from tanji.domain.units import UnitError, convert
from tanji.io.errors import DataFormatError
from tanji.io.pact import read_pact
from tanji.services import products
from tanji.services.audit import audit
from tanji.services.certification.notifications import notify
from tanji.services.errors import (
    ConflictError,
    ServiceError,
    invalid_field,
)
from tanji.services.footprints import publish_result, store_supplier
from tanji.services.permissions import require
from tanji.services.product_lines import line_input
from tanji.services.supply._common import SupplyRequest, lead_row, supplier_row, view

__all__ = [
    "MAX_PACT_BYTES",
    "OwnFootprint",
    "answer_with_pact",
    "answer_with_result",
    "decline",
    "link_answer",
    "own_footprints",
]

#: A PACT file answering a request: one ProductFootprint is a few kilobytes.
MAX_PACT_BYTES = 1_000_000
MAX_REASON = 2000


@dataclass(frozen=True)
class OwnFootprint:
    """A footprint of the supplier's own products, as the answer form offers it."""

    result_id: int
    product_code: str
    product_name: str
    total: float
    unit: str
    per: str
    computed_at: date
    certificate: str  # the number of a certificate in force, else ""
    certificate_status: str  # "valid", "suspended", …, or "" (never certified)


def own_footprints(session: Session, actor: Actor) -> list[OwnFootprint]:
    """The footprints computed in the actor's workspace, newest first, each with the
    status of its certificate (if any)."""
    require(actor, "product.read")
    rows = session.execute(
        select(FootprintResultRow, ProductRow)
        .join(ProductRow, ProductRow.id == FootprintResultRow.product_id)
        .where(FootprintResultRow.org_id == actor.org_id)
        .order_by(FootprintResultRow.id.desc())
        .limit(200)
    ).all()
    out = []
    for result, product in rows:
        cert = session.scalars(
            select(CertificateRow)
            .where(CertificateRow.result_id == result.id)
            .order_by(CertificateRow.id.desc())
            .limit(1)
        ).first()
        out.append(
            OwnFootprint(
                result.id,
                product.code,
                product.name_zh or product.name_en or product.code,
                result.total,
                result.unit,
                result.per,
                result.created_at.date(),
                cert.number if cert is not None and cert.status == "valid" else "",
                cert.status if cert is not None else "",
            )
        )
    return out


def _owner(session: Session, actor: Actor) -> str:
    """The prefix of the answering supplier's product ids: its credit code."""
    org = session.get(OrganisationRow, actor.org_id)
    return org.uscc if org is not None and org.uscc else f"org-{actor.org_id}"


def _open(session: Session, actor: Actor, request_id: int) -> SupplyRequestRow:
    require(actor, "supply.answer")
    row = supplier_row(session, actor, request_id)
    if row.supplier_org_id is None:
        if row.lead_org_id == actor.org_id:
            raise ConflictError("A request of your own organisation cannot be answered by it.")
        row.supplier_org_id = actor.org_id  # answering an e-mail request claims it
    if row.status != RequestStatus.REQUESTED.value:
        raise ConflictError("This request was already answered or declined.")
    return row


def _unit_of(declared: str) -> str:
    """``1 kWh`` → ``kWh``; ``kg`` → ``kg``."""
    head, _, rest = declared.strip().partition(" ")
    try:
        float(head)
    except ValueError:
        return declared.strip()
    return rest.strip() or declared.strip()


def _check_unit(row: SupplyRequestRow, footprint_unit: str, field: str) -> None:
    wanted = _unit_of(row.declared_unit)
    try:
        convert(1.0, footprint_unit, wanted)
    except UnitError:
        raise invalid_field(
            field, "The footprint's declared unit does not convert to the one the request asks."
        ) from None


def _answered(
    session: Session,
    actor: Actor,
    row: SupplyRequestRow,
    footprint: SupplierFootprintRow,
    kind: str,
) -> SupplyRequest:
    row.status = RequestStatus.ANSWERED.value
    row.answer_kind = kind
    row.supplier_footprint_id = footprint.id
    row.answered_by = actor.user_id
    row.answered_at = utcnow()
    session.flush()
    supplier = session.get(OrganisationRow, actor.org_id)
    notify(
        session, row.lead_org_id, "supply-answered", supply_request=row.id,
        supplier=supplier.name if supplier else "", product=row.product_name,
    )  # fmt: skip
    after = {"kind": kind, "supplier_footprint_id": footprint.id, "verified": footprint.verified}
    audit(session, actor, "supply.answer", "supply_request", row.id, None, after)
    _auto_link(session, row)
    return view(session, row, for_lead=False)


def answer_with_result(
    session: Session, actor: Actor, request_id: int, result_id: int
) -> SupplyRequest:
    """Answer with a footprint of the supplier's own (certified if its certificate is
    in force)."""
    row = _open(session, actor, request_id)
    result = session.get(FootprintResultRow, result_id)
    if result is None or result.org_id != actor.org_id or result.product_id is None:
        raise invalid_field("result_id", "Choose one of your own footprints.")
    _check_unit(row, result.per.partition(" ")[2] or result.per, "result_id")
    cert = session.scalar(
        select(CertificateRow).where(
            CertificateRow.result_id == result_id, CertificateRow.status == "valid"
        )
    )
    product_id = f"{_owner(session, actor)}:{result.product_code}"
    supplier = publish_result(
        session, result_id, certificate=cert.number if cert else None, product_id=product_id
    )
    found = session.scalar(
        select(SupplierFootprintRow).where(
            SupplierFootprintRow.publisher == supplier.publisher,
            SupplierFootprintRow.ref == supplier.ref,
            SupplierFootprintRow.version == supplier.version,
        )
    )
    assert found is not None
    if cert is not None and not found.verified:
        # Published before, self-declared; the certificate in force now verifies it.
        found.verified, found.verifier = True, supplier.verifier
    return _answered(session, actor, row, found, "platform")


def answer_with_pact(
    session: Session, actor: Actor, request_id: int, data: bytes, filename: str = "pact.json"
) -> SupplyRequest:
    """Answer with a PACT ProductFootprint file (JSON, one footprint)."""
    row = _open(session, actor, request_id)
    if not data:
        raise invalid_field("file", "Choose a PACT file (JSON).")
    if len(data) > MAX_PACT_BYTES:
        raise invalid_field("file", "The file is larger than 1 MB; a PACT footprint is a few kB.")
    name = Path(filename or "pact.json").name[:100] or "pact.json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            supplier = read_pact(path)
        except (DataFormatError, DomainError) as error:
            message = str(error).replace(str(path), name)
            raise invalid_field("file", f"Not a usable PACT footprint: {message}") from None
    _check_unit(row, supplier.declared_unit, "file")
    # The product id is the answering supplier's (prefixed with its credit code), so a
    # file cannot pass itself off as another company's product that models link to.
    supplier = replace(
        supplier,
        product_id=f"{_owner(session, actor)}:{supplier.product_id}"[:200],
        source=f"PACT file {name}, answering footprint request {row.id}",
    )
    try:
        supplier = store_supplier(session, supplier, origin="pact", publisher=f"org:{actor.org_id}")
    except ConflictError as error:
        raise invalid_field("file", str(error)) from None
    found = session.scalar(
        select(SupplierFootprintRow).where(
            SupplierFootprintRow.publisher == supplier.publisher,
            SupplierFootprintRow.ref == supplier.ref,
            SupplierFootprintRow.version == supplier.version,
        )
    )
    assert found is not None
    return _answered(session, actor, row, found, "pact")


def decline(session: Session, actor: Actor, request_id: int, reason: str) -> SupplyRequest:
    """Decline the request, saying why (the lead firm reads the reason)."""
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise invalid_field("reason", "Required: why you decline (up to 2,000 characters).")
    row = _open(session, actor, request_id)
    row.status = RequestStatus.REFUSED.value
    row.refusal_reason = text
    row.answered_by = actor.user_id
    row.answered_at = utcnow()
    session.flush()
    supplier = session.get(OrganisationRow, actor.org_id)
    notify(
        session, row.lead_org_id, "supply-refused", supply_request=row.id,
        supplier=supplier.name if supplier else "", product=row.product_name,
    )  # fmt: skip
    audit(session, actor, "supply.decline", "supply_request", row.id, None, {"reason": text})
    return view(session, row, for_lead=False)


# --- linking into the lead firm's model ---------------------------------------------------


def _link(session: Session, actor: Actor, row: SupplyRequestRow) -> None:
    """Turn the request's model line into a supplier line of the answer's footprint."""
    if row.customer_product_id is None or not row.customer_line_id:
        raise invalid_field("customer_line_id", "The request names no line of your models.")
    footprint = session.get(SupplierFootprintRow, row.supplier_footprint_id)
    if footprint is None or row.status != RequestStatus.ANSWERED.value:
        raise ConflictError("The request has no footprint to link (not answered).")
    product = products.get_product(session, actor, row.customer_product_id)
    spec = next(
        (
            line
            for line in product.document.get("lines", [])
            if line.get("id") == row.customer_line_id
        ),
        None,
    )
    if spec is None:
        raise invalid_field("customer_line_id", "The model no longer has this line.")
    current = line_input(spec)
    try:
        convert(1.0, current.unit, footprint.declared_unit)
    except UnitError:
        raise invalid_field(
            "customer_line_id",
            "The line's unit does not convert to the footprint's declared unit; "
            "change the line's unit.",
        ) from None
    # The line names the publisher too: another file with the same product id cannot
    # shadow the answer.
    ref = supplier_ref(footprint.publisher, footprint.product_id)
    line = replace(current, kind="supplier", supplier=ref, data="primary")
    if "supplier" in spec and current.supplier == ref:
        pass  # already linked to it
    else:
        products.edit_line(session, actor, product.id, row.customer_line_id, line)
    row.linked_at = utcnow()
    row.link_problem = ""
    session.flush()


def _asker(session: Session, row: SupplyRequestRow) -> Actor | None:
    if row.created_by is None:
        return None
    member = session.scalar(
        select(OrgMemberRow).where(
            OrgMemberRow.org_id == row.lead_org_id, OrgMemberRow.user_id == row.created_by
        )
    )
    if member is None:
        return None
    return Actor(row.created_by, row.lead_org_id, OrgKind.ENTERPRISE, Role(member.role))


def _auto_link(session: Session, row: SupplyRequestRow) -> None:
    if row.customer_product_id is None or not row.customer_line_id:
        return
    asker = _asker(session, row)
    if asker is None or not asker.can("product.write"):
        row.link_problem = "The person who asked can no longer change the model; link it by hand."
        session.flush()
        return
    try:
        with session.begin_nested():
            _link(session, asker, row)
    except (ServiceError, DomainError) as error:
        row.link_problem = str(error)[:500]
        session.flush()


def link_answer(session: Session, actor: Actor, request_id: int) -> SupplyRequest:
    """The lead firm links an answered request into its model by hand."""
    require(actor, "product.write")
    row = lead_row(session, actor, request_id)
    _link(session, actor, row)
    audit(session, actor, "supply.link", "supply_request", row.id)
    return view(session, row, for_lead=True)
