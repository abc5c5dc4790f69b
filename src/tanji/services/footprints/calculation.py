"""Calculate a model against the store, save the result with its pins, recompute it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateClaimRow,
    FootprintResultRow,
    ProductModelRow,
)
from tanji.domain.burdens import Pin
from tanji.domain.footprint_uncertainty import (
    FootprintUncertainty,
    Progress,
    monte_carlo,
    progress_steps,
)
from tanji.domain.footprints import RULE_APPLIED, Footprint, certificate_ids, compute
from tanji.domain.products import ProductModel
from tanji.domain.rules import apply
from tanji.domain.suppliers import SupplierFootprint
from tanji.engine import Engine
from tanji.io.footprint_json import footprint_dict
from tanji.io.product_model import load_document, model_from_document
from tanji.services.background import BackgroundStore
from tanji.services.errors import ConflictError, ServiceError
from tanji.services.footprints.resolver import (
    StoreResolver,
    stored_model,
    stored_result,
    stored_rule,
)
from tanji.services.footprints.suppliers import store_supplier_row


@dataclass(frozen=True)
class Calculation:
    footprint: Footprint
    uncertainty: FootprintUncertainty | None
    result: dict[str, Any]
    pact_suppliers: tuple[SupplierFootprint, ...] = ()


def calculate(
    session: Session,
    backgrounds: BackgroundStore,
    path: Path,
    *,
    iterations: int = 0,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Calculation:
    """Read a model file and compute its footprint (and Monte Carlo if asked).

    ``progress(done, total, message)``, if given, is told as the work advances (the
    footprint, each step of the Monte Carlo); see :func:`run_model`.
    """
    model = model_from_document(load_document(path))
    resolver = StoreResolver(session, backgrounds, model.method)
    return run_model(
        model, resolver, iterations, seed, engine or backgrounds.engine, progress=progress
    )


def run_model(
    model: ProductModel,
    resolver: StoreResolver,
    iterations: int,
    seed: int | None,
    engine: Engine,
    *,
    progress: Progress | None = None,
) -> Calculation:
    """The footprint of ``model`` (and its Monte Carlo with ``iterations`` ≥ 2).

    ``progress`` is told ``(done, total, message)``: step 0 before the footprint, then
    the Monte Carlo's steps shifted by one, then the last step when the result is
    written. It never changes the numbers (same seed, same samples).
    """
    tell = progress or _silent
    steps = 2 + (progress_steps(iterations) if iterations else 0)

    def shifted(done: int, total: int, message: str) -> None:
        tell(1 + done, steps, message)

    tell(0, steps, "Computing the footprint")
    footprint = compute(model, resolver, engine)
    tell(1, steps, "Computing the footprint")
    uncertainty = (
        monte_carlo(footprint, resolver, iterations, seed, progress=shifted) if iterations else None
    )
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    result = footprint_dict(footprint, uncertainty, computed_at=stamp)
    tell(steps, steps, "Footprint computed")
    return Calculation(footprint, uncertainty, result, tuple(resolver.used_pact))


def _silent(done: int, total: int, message: str) -> None:
    """A progress callback that tells no one."""


def _store_model(session: Session, model: ProductModel) -> int:
    existing = session.scalar(
        select(ProductModelRow.id).where(
            ProductModelRow.code == model.id, ProductModelRow.digest == model.digest
        )
    )
    if existing is not None:
        return existing
    document = (
        load_document(Path(model.source)) if model.source and Path(model.source).exists() else None
    )
    data = document.data if document is not None and document.digest() == model.digest else None
    if data is None:
        raise ServiceError(f"model {model.id}: its document is not available to store")
    row = ProductModelRow(
        code=model.id,
        version_label=model.version,
        digest=model.digest,
        document=json.dumps(data, sort_keys=True, ensure_ascii=False),
        source=model.source,
    )
    session.add(row)
    session.flush()
    return row.id


def save_result(session: Session, calculation: Calculation) -> int:
    """Store the models, the result and its pins; claim electricity certificates."""
    footprint = calculation.footprint
    model_ids = {m: _store_model(session, model) for m, model in footprint.models.items()}
    for supplier in calculation.pact_suppliers:
        store_supplier_row(session, supplier, origin="pact", publisher="local")
    root = footprint.model
    row = FootprintResultRow(
        model_id=model_ids[root.id],
        product_code=root.id,
        total=footprint.total,
        unit=footprint.unit,
        per=footprint.per,
        method=root.method,
        fingerprint=footprint.fingerprint(),
        pins=json.dumps([p.__dict__ for p in footprint.pins], ensure_ascii=False),
        submodels=json.dumps([model_ids[m] for m in footprint.models if m != root.id]),
        result=json.dumps(calculation.result, ensure_ascii=False),
    )
    session.add(row)
    session.flush()
    for model_id, line, certificate in certificate_ids(list(footprint.models.values())):
        claim = session.scalar(
            select(CertificateClaimRow).where(CertificateClaimRow.certificate == certificate)
        )
        if claim is not None and claim.product_code != model_id:
            raise ConflictError(
                f"certificate {certificate} (model {model_id}, line {line}) is already claimed "
                f"by product {claim.product_code} (result #{claim.result_id}); a certificate "
                "counts once"
            )
        if claim is None:
            session.add(
                CertificateClaimRow(
                    certificate=certificate, product_code=model_id, line=line, result_id=row.id
                )
            )
    session.flush()
    return row.id


def recompute(
    session: Session, backgrounds: BackgroundStore, result_id: int, *, engine: Engine | None = None
) -> tuple[Calculation, bool]:
    """Recompute a stored result from its pins; True when the fingerprint matches."""
    row = stored_result(session, result_id)
    root_row = session.get(ProductModelRow, row.model_id)
    assert root_row is not None
    subs = [session.get(ProductModelRow, i) for i in json.loads(row.submodels)]
    models = {r.code: stored_model(r) for r in subs if r is not None}
    root = stored_model(root_row)
    pins_all = [Pin(**data) for data in json.loads(row.pins)]
    pins = {pin.link: pin for pin in pins_all if pin.link}
    rule_pin = pins.get(RULE_APPLIED)
    if rule_pin is not None:
        # The result was computed under a rule: apply the pinned version again.
        root = apply(root, stored_rule(session, rule_pin.ref))
    resolver = StoreResolver(session, backgrounds, root.method, pins=pins, models=models)
    stored = json.loads(row.result)
    uncertainty = stored.get("uncertainty") or {}
    calculation = run_model(
        root,
        resolver,
        int(uncertainty.get("iterations") or 0),
        uncertainty.get("seed"),
        engine or backgrounds.engine,
    )
    return calculation, calculation.footprint.fingerprint() == row.fingerprint
