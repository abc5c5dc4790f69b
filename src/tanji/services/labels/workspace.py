"""A workspace product's labels: its identifiers, its certificates and the labels
issued from them, for the product page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import CertificateRow, CertificationCaseRow, ProductRow
from tanji.domain.accounts import Actor
from tanji.domain.labels import LabelStatus, label_status
from tanji.services.errors import NotFoundError
from tanji.services.labels.identifiers import ProductIdentifiers, identifiers_of
from tanji.services.labels.issuance import claim_of, labels_of_product
from tanji.services.permissions import require, visible_org_ids

__all__ = ["CertificateLine", "LabelLine", "ProductLabels", "product_labels"]


@dataclass(frozen=True)
class CertificateLine:
    number: str
    status: str
    expires_on: date
    in_force: bool


@dataclass(frozen=True)
class LabelLine:
    public_id: str
    kind: str
    status: LabelStatus
    certificate: str
    batch: str | None
    issued_at: datetime
    verify_url: str
    qr_url: str


@dataclass(frozen=True)
class ProductLabels:
    product_id: int
    org_id: int
    identifiers: ProductIdentifiers
    certificates: tuple[CertificateLine, ...]
    labels: tuple[LabelLine, ...]


def product_labels(session: Session, actor: Actor, product_id: int) -> ProductLabels:
    """What the product page's label section shows (the product's own organisation or
    the operator; anyone else gets "not found")."""
    require(actor, "product.read")
    product = session.get(ProductRow, product_id)
    visible = visible_org_ids(actor)
    if product is None or (visible is not None and product.org_id not in visible):
        raise NotFoundError(f"No product {product_id}.")
    today = utcnow().date()
    certificates = session.scalars(
        select(CertificateRow)
        .join(CertificationCaseRow, CertificationCaseRow.id == CertificateRow.case_id)
        .where(CertificationCaseRow.product_id == product_id)
        .order_by(CertificateRow.id.desc())
    ).all()
    by_id = {c.id: c for c in certificates}
    lines = []
    for row in labels_of_product(session, product_id):
        certificate = by_id.get(row.certificate_id) or session.get(
            CertificateRow, row.certificate_id
        )
        claim = claim_of(row)
        lines.append(
            LabelLine(
                public_id=row.public_id,
                kind=row.kind,
                status=label_status(
                    certificate.status if certificate else None,
                    certificate.expires_on if certificate else None,
                    label_revoked=row.revoked_at is not None,
                    today=today,
                ),
                certificate=certificate.number if certificate else "",
                batch=row.batch,
                issued_at=row.issued_at,
                verify_url=claim["label"]["verify_url"],
                qr_url=claim["label"]["qr_url"],
            )
        )
    return ProductLabels(
        product_id=product_id,
        org_id=product.org_id,
        identifiers=identifiers_of(session, product_id),
        certificates=tuple(
            CertificateLine(
                c.number,
                c.status,
                c.expires_on,
                c.status == "valid" and c.issued_on <= today <= c.expires_on,
            )
            for c in certificates
        ),
        labels=tuple(lines),
    )
