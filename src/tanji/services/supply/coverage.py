"""The lead firm's supply chain: how much of what it buys has supplier data, and what
is still missing (to chase)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tanji.domain.accounts import Actor
from tanji.domain.supply import Coverage, Purchase, ShownStatus, coverage
from tanji.services.permissions import require
from tanji.services.supply._common import SupplyRequest, as_lead, view

__all__ = ["SupplyChain", "supply_chain"]

_MISSING = (ShownStatus.OVERDUE, ShownStatus.REQUESTED, ShownStatus.REFUSED)  # shown so


@dataclass(frozen=True)
class SupplyChain:
    coverage: Coverage
    missing: tuple[SupplyRequest, ...]  # overdue first, then open, then declined
    overdue: int


def supply_chain(session: Session, actor: Actor) -> SupplyChain:
    """Coverage of the lead firm's purchases (one per request; the newest request per
    supplier and product counts) and the requests without data."""
    require(actor, "product.read")
    latest: dict[tuple[object, str], SupplyRequest] = {}
    for row in as_lead(session, actor):  # newest first
        key = (row.supplier_org_id or row.supplier_email, row.product_name.strip().lower())
        if key not in latest:
            latest[key] = view(session, row, for_lead=True)
    requests = list(latest.values())
    purchases = [Purchase(r.mass_kg, r.spend_cny, r.status) for r in requests]
    order = {s: i for i, s in enumerate(_MISSING)}
    missing = sorted(
        (r for r in requests if r.status in _MISSING), key=lambda r: (order[r.status], r.due_date)
    )
    overdue = sum(1 for r in requests if r.status is ShownStatus.OVERDUE)
    return SupplyChain(coverage(purchases), tuple(missing), overdue)
