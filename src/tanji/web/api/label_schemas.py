"""Wire schemas of the label API: the public contract, separate from the tables."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from tanji.services.labels.issuance import IssuedLabel
from tanji.services.labels.reports import FakeReport
from tanji.services.labels.workspace import ProductLabels

__all__ = [
    "FakeReportRead",
    "IdentifiersUpdate",
    "LabelCreate",
    "LabelIssued",
    "LabelRevoke",
    "ProductLabelsRead",
]


class LabelCreate(BaseModel):
    certificate: str = Field(
        max_length=40, description="The certificate number, e.g. CFP-2026-0007-000001"
    )
    batch: str | None = Field(default=None, max_length=20, description="GS1 AI (10) batch/lot")


class LabelIssued(BaseModel):
    public_id: str
    verify_url: str
    qr_url: str
    ledger_index: int | None

    @classmethod
    def of(cls, issued: IssuedLabel) -> LabelIssued:
        return cls(**issued.__dict__)


class LabelRevoke(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class IdentifiersUpdate(BaseModel):
    gtin: str | None = Field(default=None, max_length=40, description="GTIN-8/12/13/14")
    handle: str | None = Field(
        default=None, max_length=200, description="Industrial-internet identifier 88.…/…"
    )


class _CertificateRead(BaseModel):
    number: str
    status: str
    expires_on: date
    in_force: bool


class _LabelLineRead(BaseModel):
    public_id: str
    kind: str
    status: str
    certificate: str
    batch: str | None
    issued_at: datetime
    verify_url: str
    qr_url: str


class ProductLabelsRead(BaseModel):
    product_id: int
    gtin: str | None
    handle: str | None
    certificates: list[_CertificateRead]
    labels: list[_LabelLineRead]
    count: int

    @classmethod
    def of(cls, view: ProductLabels) -> ProductLabelsRead:
        return cls(
            product_id=view.product_id,
            gtin=view.identifiers.gtin,
            handle=view.identifiers.handle,
            certificates=[_CertificateRead(**c.__dict__) for c in view.certificates],
            labels=[
                _LabelLineRead(**{**line.__dict__, "status": line.status.value})
                for line in view.labels
            ],
            count=len(view.labels),
        )


class FakeReportRead(BaseModel):
    id: int
    label: str
    known_label: bool
    where_seen: str
    description: str
    contact: str
    status: str
    created_at: datetime

    @classmethod
    def of(cls, report: FakeReport) -> FakeReportRead:
        return cls(**report.__dict__)
