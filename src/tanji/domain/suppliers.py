"""Suppliers' product carbon footprints: the link that chains footprints along the supply.

A :class:`SupplierFootprint` is a footprint another company declared for one of its
products — verified on the platform, or exchanged as a PACT (WBCSD Partnership for Carbon
Transparency) ProductFootprint. A product model's line that links to it uses its value
per declared unit, split as the supplier reported it (fossil, biogenic, dLUC, aircraft).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from tanji.domain.burdens import Burden, Pin
from tanji.domain.factors import DomainError, PefQuality, Uncertainty

__all__ = ["SupplierFootprint"]


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
        status = "verified" if self.verified else "not verified"
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
