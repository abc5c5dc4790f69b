"""Suppliers' product carbon footprints: the link that chains footprints along the supply.

A :class:`SupplierFootprint` is a footprint another company declared for one of its
products — verified on the platform, or exchanged as a PACT (WBCSD Partnership for Carbon
Transparency) ProductFootprint. A product model's line that links to it uses its value
per declared unit, split as the supplier reported it (fossil, biogenic, dLUC, aircraft).

Who supplied a footprint matters as much as its product id: a record is identified by its
``publisher`` (``org:<id>`` for an organisation on the platform, ``host:<url>`` for a PACT
host, ``local`` for an operator's import) and its product id. ``verified`` means verified
*on the platform* (a certificate in force); an assurance a file or a partner's host states
but the platform did not check is kept as ``claimed_verifier`` ("claimed by the file, not
verified"), never as ``verified``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

from tanji.domain.burdens import Burden, Pin
from tanji.domain.factors import DomainError, PefQuality, Uncertainty

__all__ = ["SUPPLIER_REF_SEPARATOR", "SupplierFootprint", "split_supplier_ref", "supplier_ref"]

#: Between the publisher and the product id in a supplier link's reference ("org:7|urn:x").
#: URNs (RFC 8141) and platform product codes never contain it.
SUPPLIER_REF_SEPARATOR = "|"


def supplier_ref(publisher: str, product_id: str) -> str:
    """A supplier link's reference: the product id, qualified by its publisher if given."""
    return f"{publisher}{SUPPLIER_REF_SEPARATOR}{product_id}" if publisher else product_id


def split_supplier_ref(ref: str) -> tuple[str, str]:
    """(publisher, product id) of a supplier link's reference; publisher "" when the link
    names the product id only (a line written before publishers were recorded)."""
    publisher, sep, product = ref.partition(SUPPLIER_REF_SEPARATOR)
    return (publisher, product) if sep else ("", ref)


@dataclass(frozen=True)
class SupplierFootprint:
    """kg CO2e per ``declared_amount`` ``declared_unit`` of the supplier's product.

    ``total`` is the footprint including biogenic emissions and removals (PACT
    ``pCfIncludingBiogenic``, or ``pCfExcludingBiogenic`` when only that is given);
    ``biogenic``, ``dluc`` and ``aircraft`` are the parts of it reported apart, and the
    rest is fossil. ``ref`` identifies the footprint (a PACT id, a platform result id) and
    ``version`` its version, so a result that used it is pinned to it.
    """

    ref: str
    version: str
    product_id: str
    product_name: str
    company: str
    declared_amount: float
    declared_unit: str
    total: float
    biogenic: float = 0.0
    dluc: float = 0.0
    aircraft: float = 0.0
    primary_data_share: float | None = None
    quality: PefQuality = field(default_factory=PefQuality)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    period_start: date | None = None
    period_end: date | None = None
    geography: str = ""
    verified: bool = False
    verifier: str = ""
    source: str = ""  # the file or platform record it came from
    publisher: str = ""  # who supplied it: "org:<id>", "host:<url>" or "local"
    claimed_verifier: str = ""  # an assurance the file claims, not verified by the platform

    def received(self, publisher: str) -> SupplierFootprint:
        """This footprint as received from ``publisher`` (a file, a partner's host): any
        assurance it states becomes a claim, since the platform did not verify it."""
        claim = self.claimed_verifier
        if self.verified:
            claim = self.verifier.strip() or "(assurance provider not named)"
        return replace(
            self, verified=False, verifier="", claimed_verifier=claim, publisher=publisher
        )

    @property
    def link_ref(self) -> str:
        """What a supplier line names to use this footprint: its publisher and product id."""
        return supplier_ref(self.publisher, self.product_id)

    @property
    def status(self) -> str:
        """verified / assurance claimed by the file, not verified / not verified."""
        if self.verified:
            return "verified"
        if self.claimed_verifier:
            return "assurance claimed by the file, not verified"
        return "not verified"

    def __post_init__(self) -> None:
        for name in ("total", "biogenic", "dluc", "aircraft"):
            if not math.isfinite(getattr(self, name)):
                raise DomainError(f"supplier footprint {name}: must be a finite number")
        if not self.declared_amount > 0:
            raise DomainError("supplier footprint declared amount: must be positive")
        if not self.declared_unit.strip():
            raise DomainError("supplier footprint declared unit: required")

    def burden(self) -> Burden:
        """kg CO2e per one declared unit, by reporting category (gas: as CO2e)."""
        per = 1.0 / self.declared_amount
        fossil = self.total - self.biogenic - self.dluc - self.aircraft
        parts = {
            ("CO2e", "fossil"): fossil * per,
            ("CO2e", "biogenic"): self.biogenic * per,
            ("CO2e", "dluc"): self.dluc * per,
            ("CO2e", "aircraft"): self.aircraft * per,
        }
        status = self.status
        return Burden(
            unit=self.declared_unit,
            parts={k: v for k, v in parts.items() if v or k[1] == "fossil"},
            label=f"{self.company}: {self.product_name} ({status})",
            source=f"{self.company}; product carbon footprint {self.ref} v{self.version}; "
            f"{self.source}".rstrip("; "),
            pins=(Pin("supplier", f"{self.ref}@{self.version}"),),
            uncertainty=self.uncertainty,
            quality=self.quality,
        )
