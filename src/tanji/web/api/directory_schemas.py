"""Wire schemas of the public directory's API: the public contract, apart from the tables."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from tanji.services.directory.contacts import ContactRequest
from tanji.services.directory.disclosure import Disclosure
from tanji.services.directory.listing import Comparison, DirectoryEntry, DirectoryPage
from tanji.services.directory.procurement import Procurement

__all__ = [
    "ComparisonRead",
    "ContactCreate",
    "ContactCreated",
    "ContactRead",
    "ContactReply",
    "DirectoryEntryRead",
    "DirectoryPageRead",
    "DisclosureRead",
    "DisclosureUpdate",
    "DisclosureVersion",
    "ProcurementRead",
]


class DirectoryEntryRead(BaseModel):
    certificate: str = Field(description="The certificate number (the entry's id)")
    product_name: str
    product_name_en: str
    category: str
    declared_unit: str
    value: float = Field(description="The certified footprint per declared unit")
    unit: str
    holder_org_id: int
    holder: str
    holder_en: str
    city: str = Field(description="The holder's region code, e.g. CN-JS-SZ")
    body: str
    body_en: str
    issued_on: date
    expires_on: date
    rule_ref: str
    standard: str
    label: str | None = Field(description="The public id of the label in force, if any")
    grade: str | None = Field(description="leading, better-than-baseline, within-limit, "
                                          "over-limit; null when no value is in force")  # fmt: skip
    grade_values: dict[str, float]
    grade_illustrative: bool
    demo: bool = Field(description="Demo data (published demo accounts)")

    @classmethod
    def of(cls, e: DirectoryEntry) -> DirectoryEntryRead:
        data = {k: v for k, v in e.__dict__.items() if k not in ("product_id", "result_id")}
        return cls(**data)


class DirectoryPageRead(BaseModel):
    items: list[DirectoryEntryRead]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, page: DirectoryPage) -> DirectoryPageRead:
        return cls(items=[DirectoryEntryRead.of(e) for e in page.items], total=page.total,
                   page=page.page, per_page=page.per_page, pages=page.pages)  # fmt: skip


class ComparisonRead(BaseModel):
    a: DirectoryEntryRead
    b: DirectoryEntryRead
    difference: float = Field(description="b − a, per declared unit")
    ratio: float | None = Field(description="b / a (null when a is 0)")

    @classmethod
    def of(cls, c: Comparison) -> ComparisonRead:
        return cls(a=DirectoryEntryRead.of(c.a), b=DirectoryEntryRead.of(c.b),
                   difference=c.difference, ratio=c.ratio)  # fmt: skip


class ProcurementRead(BaseModel):
    category: str
    declared_unit: str
    threshold: float | None
    grade: str
    items: list[DirectoryEntryRead]

    @classmethod
    def of(cls, p: Procurement) -> ProcurementRead:
        return cls(category=p.category, declared_unit=p.declared_unit, threshold=p.threshold,
                   grade=p.grade, items=[DirectoryEntryRead.of(e) for e in p.items])  # fmt: skip


class ContactCreate(BaseModel):
    certificate: str = Field(max_length=40, description="The product's certificate number")
    message: str = Field(min_length=1, max_length=2000)


class ContactCreated(BaseModel):
    id: int


class ContactReply(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class ContactRead(BaseModel):
    id: int
    incoming: bool
    from_org: str
    to_org: str
    certificate: str
    product_name: str
    message: str
    reply: str
    status: str
    created_at: datetime
    replied_at: datetime | None

    @classmethod
    def of(cls, c: ContactRequest) -> ContactRead:
        return cls(**c.__dict__)


class DisclosureRead(BaseModel):
    org_id: int
    name: str
    name_en: str
    city: str
    demo: bool
    text: str
    version: int
    updated_at: datetime | None
    products: list[DirectoryEntryRead]

    @classmethod
    def of(cls, d: Disclosure) -> DisclosureRead:
        data = {k: v for k, v in d.__dict__.items() if k != "products"}
        return cls(**data, products=[DirectoryEntryRead.of(e) for e in d.products])


class DisclosureUpdate(BaseModel):
    text: str = Field(max_length=20_000)
    version: int = Field(ge=0, le=2**31, description="The version read (0 before the first)")


class DisclosureVersion(BaseModel):
    version: int
