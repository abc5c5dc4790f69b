"""A product's identifiers (GTIN, industrial-internet identifier) and resolving them.

Each identifier names one product on the platform (unique across organisations): the
GS1 Digital Link resolver and the identifier resolver send a scan to that product's
current label.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanji.db.label_tables import LabelIdentifierRow
from tanji.db.models import ProductRow
from tanji.domain.accounts import Actor
from tanji.domain.labels import IdentifierError, normalise_gtin, parse_handle
from tanji.services.errors import ConflictError, NotFoundError, invalid_field
from tanji.services.permissions import require_own_org, visible_org_ids

__all__ = [
    "ProductIdentifiers",
    "identifiers_of",
    "product_for_gtin",
    "product_for_handle",
    "set_identifiers",
]


@dataclass(frozen=True)
class ProductIdentifiers:
    gtin: str | None
    handle: str | None


def identifiers_of(session: Session, product_id: int) -> ProductIdentifiers:
    row = session.scalar(
        select(LabelIdentifierRow).where(LabelIdentifierRow.product_id == product_id)
    )
    return ProductIdentifiers(row.gtin, row.handle) if row else ProductIdentifiers(None, None)


def _clean(gtin: str | None, handle: str | None) -> ProductIdentifiers:
    try:
        clean_gtin = normalise_gtin(gtin) if gtin and gtin.strip() else None
        if handle and handle.strip():
            prefix, suffix = parse_handle(handle)
            clean_handle: str | None = f"{prefix}/{suffix}"
        else:
            clean_handle = None
    except IdentifierError as error:
        raise invalid_field(error.field, str(error)) from error
    return ProductIdentifiers(clean_gtin, clean_handle)


def set_identifiers(
    session: Session, actor: Actor, product_id: int, *, gtin: str | None, handle: str | None
) -> ProductIdentifiers:
    """Give a workspace product its GTIN and/or industrial-internet identifier (blank
    removes one); refuses a malformed one, or one another product already has."""
    product = session.get(ProductRow, product_id)
    visible = visible_org_ids(actor)
    if product is None or (visible is not None and product.org_id not in visible):
        raise NotFoundError(f"No product {product_id}.")  # another tenant's: not found
    require_own_org(actor, product.org_id, "product.write")
    clean = _clean(gtin, handle)
    row = session.scalar(
        select(LabelIdentifierRow).where(LabelIdentifierRow.product_id == product_id)
    )
    if row is None:
        row = LabelIdentifierRow(product_id=product_id, org_id=product.org_id)
        session.add(row)
    row.gtin, row.handle, row.updated_by = clean.gtin, clean.handle, actor.user_id
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError(
            "Another product already has this GTIN or industrial-internet identifier."
        ) from None
    return clean


def product_for_gtin(session: Session, gtin: str) -> int | None:
    """The product a GTIN names, or ``None`` (also for a malformed GTIN)."""
    try:
        key = normalise_gtin(gtin)
    except IdentifierError:
        return None
    return session.scalar(
        select(LabelIdentifierRow.product_id).where(LabelIdentifierRow.gtin == key)
    )


def product_for_handle(session: Session, handle: str) -> int | None:
    try:
        prefix, suffix = parse_handle(handle)
    except IdentifierError:
        return None
    return session.scalar(
        select(LabelIdentifierRow.product_id).where(
            LabelIdentifierRow.handle == f"{prefix}/{suffix}"
        )
    )
