"""Suppliers' footprints: from a PACT file or published from a result on the platform."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateRow,
    OrganisationRow,
    SupplierFootprintRow,
)
from tanji.domain.suppliers import SupplierFootprint
from tanji.io.pact import read_pact
from tanji.services.errors import ConflictError, ServiceError
from tanji.services.footprints.resolver import stored_result, supplier_of


def store_supplier_row(
    session: Session,
    s: SupplierFootprint,
    *,
    origin: str,
    publisher: str,
    result_id: int | None = None,
) -> SupplierFootprintRow:
    """Store ``s`` as supplied by ``publisher``; anything not published on the platform
    from a result keeps its assurance only as a claim (the platform did not verify it)."""
    if origin != "platform":
        s = s.received(publisher)
    existing = session.scalar(
        select(SupplierFootprintRow).where(
            SupplierFootprintRow.publisher == publisher,
            SupplierFootprintRow.ref == s.ref,
            SupplierFootprintRow.version == s.version,
        )
    )
    if existing is not None:
        if existing.total != s.total:
            raise ConflictError(
                f"supplier footprint {s.ref} version {s.version} is already stored with "
                f"another value ({existing.total} ≠ {s.total}); a new value needs a new version"
            )
        return existing
    q = s.quality
    row = SupplierFootprintRow(
        ref=s.ref,
        version=s.version,
        product_id=s.product_id,
        product_name=s.product_name,
        company=s.company,
        declared_amount=s.declared_amount,
        declared_unit=s.declared_unit,
        total=s.total,
        biogenic=s.biogenic,
        dluc=s.dluc,
        aircraft=s.aircraft,
        primary_data_share=s.primary_data_share,
        pef=",".join("" if v is None else str(v) for v in (q.ter, q.ger, q.tir, q.p)),
        gsd=s.uncertainty.gsd if s.uncertainty.distribution == "lognormal" else None,
        period_start=s.period_start,
        period_end=s.period_end,
        geography=s.geography,
        verified=s.verified,
        verifier=s.verifier,
        origin=origin,
        result_id=result_id,
        source=s.source,
        publisher=publisher,
        claimed_verifier=s.claimed_verifier,
    )
    session.add(row)
    session.flush()
    return row


def store_supplier(
    session: Session, supplier: SupplierFootprint, *, origin: str, publisher: str
) -> SupplierFootprint:
    """Store a supplier's footprint that came another way (a PACT host over the API, a
    file a supplier uploaded), as supplied by ``publisher`` ("org:<id>", "host:<url>");
    returns it as stored (an assurance it states is a claim, not verified)."""
    return supplier_of(store_supplier_row(session, supplier, origin=origin, publisher=publisher))


def import_pact(session: Session, path: Path, *, publisher: str = "local") -> SupplierFootprint:
    """Store a supplier's PACT footprint as supplied by ``publisher`` (``org:<id>`` of the
    uploading organisation; ``local`` for the operator). Its id and version make it
    unique; an assurance the file states is kept as a claim, not as verified."""
    return store_supplier(session, read_pact(path), origin="pact", publisher=publisher)


def publish_result(
    session: Session,
    result_id: int,
    *,
    certificate: str | None = None,
    product_id: str | None = None,
) -> SupplierFootprint:
    """Publish a stored result as a footprint customers' models can link to.

    With ``certificate`` (the number of a *valid* certificate of this very result) it is
    published as verified, naming the certification body; without, as self-declared
    (not verified). "Verified" means a certificate in force: when the certificate is
    suspended, withdrawn or expires, the published footprint stops being verified
    (:func:`tanji.services.certification.certificates.change_certificate_status`).
    """
    verified, verifier = False, ""
    if certificate is not None:
        verifier = _certified_by(session, result_id, certificate.strip())
        verified = True
    row = stored_result(session, result_id)
    result = json.loads(row.result)
    product = result["product"]
    amount, _, unit = row.per.partition(" ")
    cats = result["categories"]
    dq = result["data_quality"]
    supplier = SupplierFootprint(
        ref=f"tanji:{product_id or row.product_code}",
        version=str(result_id),
        product_id=product_id or row.product_code,
        product_name=product["name"]["zh"] or product["name"]["en"],
        company=product["company"] or "(company not named)",
        declared_amount=float(amount),
        declared_unit=unit,
        total=row.total,
        biogenic=cats.get("biogenic", 0.0),
        dluc=cats.get("dluc", 0.0),
        aircraft=cats.get("aircraft", 0.0),
        primary_data_share=dq.get("primary_share"),
        verified=verified,
        verifier=verifier,
        source=f"Tanji result #{result_id} (fingerprint {row.fingerprint[:12]})"
        + ("" if verified else ", self-declared"),
    )
    publisher = f"org:{row.org_id}" if row.org_id is not None else "local"
    store_supplier_row(
        session, supplier, origin="platform", publisher=publisher, result_id=result_id
    )
    return replace(supplier, publisher=publisher)


def _certified_by(session: Session, result_id: int, number: str) -> str:
    """The verifier text of a valid certificate of result ``result_id``: body and number."""
    found = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    if found is None or found.result_id != result_id:
        raise ServiceError(f"certificate: {number!r} is not a certificate of result #{result_id}")
    if found.status != "valid":
        raise ServiceError(f"certificate: {number} is {found.status}, not valid")
    body = session.get(OrganisationRow, found.body_org_id)
    return f"{body.name if body else 'certification body'} ({found.number})"


def supplier_footprints(session: Session, product_id: str | None = None) -> list[SupplierFootprint]:
    query = select(SupplierFootprintRow).order_by(SupplierFootprintRow.id)
    if product_id:
        query = query.where(SupplierFootprintRow.product_id == product_id)
    return [supplier_of(row) for row in session.scalars(query)]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
