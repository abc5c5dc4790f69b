"""What the benchmark services share: a workspace product's model, computed as the
calculation computes it (its sub-models, under its rule, with its owner's eyes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tanji.db.models import ProductRow
from tanji.domain.accounts import Actor
from tanji.domain.footprints import Footprint, compute
from tanji.domain.products import ProductModel
from tanji.domain.rules import apply
from tanji.io.product_model import ModelDocument, model_from_document
from tanji.services.background import BackgroundStore
from tanji.services.catalog import readers_of_org
from tanji.services.footprints import StoreResolver
from tanji.services.product_calculation import _rule_of, _submodels
from tanji.services.products import _document, _visible

__all__ = ["Computed", "compute_product", "compute_variant"]


@dataclass(frozen=True)
class Computed:
    row: ProductRow
    model: ProductModel  # as written (before the rule is applied)
    data: Mapping[str, Any]  # the working document
    footprint: Footprint
    resolver: StoreResolver
    submodels: Mapping[str, ProductModel]


def _run(
    session: Session,
    backgrounds: BackgroundStore,
    row: ProductRow,
    model: ProductModel,
    submodels: Mapping[str, ProductModel],
) -> tuple[Footprint, StoreResolver]:
    rule = _rule_of(session, model)
    ruled = apply(model, rule) if rule is not None else model
    readers = readers_of_org(session, row.org_id)
    resolver = StoreResolver(session, backgrounds, ruled.method, models=submodels, readers=readers)
    return compute(ruled, resolver, backgrounds.engine), resolver


def compute_product(
    session: Session, backgrounds: BackgroundStore, actor: Actor, product_id: int
) -> Computed:
    """The product's working model and its footprint (tenant-checked, not saved)."""
    row = _visible(session, actor, product_id)
    document = _document(row)
    model = model_from_document(document)
    submodels = _submodels(session, row, model)
    footprint, resolver = _run(session, backgrounds, row, model, submodels)
    return Computed(row, model, document.data, footprint, resolver, submodels)


def compute_variant(
    session: Session, backgrounds: BackgroundStore, base: Computed, data: Mapping[str, Any]
) -> Footprint:
    """The footprint of a variant document of ``base``'s product."""
    model = model_from_document(ModelDocument(dict(data), {}, base.model.source))
    footprint, _ = _run(session, backgrounds, base.row, model, base.submodels)
    return footprint
