"""The public JSON contract of API v1 — separate from tables and domain objects."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tanji.domain.regions import region_name
from tanji.domain.rules import Citation, Rule
from tanji.services.factors import FactorDetail, FactorHit
from tanji.services.progress import Progress
from tanji.services.rules import RuleEntry

__all__ = [
    "CitationRead",
    "FactorDetailRead",
    "FactorHitRead",
    "FactorList",
    "GasRead",
    "Health",
    "ProgressRead",
    "RuleDetailRead",
    "RuleList",
    "RuleRead",
    "TextRead",
]


class Health(BaseModel):
    status: str
    version: str


class GasRead(BaseModel):
    gas: str
    kg: float


class FactorHitRead(BaseModel):
    ref: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    geography: str
    co2e: float | None
    gwp_basis: str | None
    gases: list[GasRead]
    source: str

    @classmethod
    def of(cls, hit: FactorHit) -> FactorHitRead:
        return cls(
            ref=hit.ref,
            name_zh=hit.name_zh,
            name_en=hit.name_en,
            kind=hit.kind,
            unit=hit.unit,
            geography=hit.geography,
            co2e=hit.co2e,
            gwp_basis=hit.gwp_basis,
            gases=[GasRead(gas=g.gas, kg=g.kg) for g in hit.gases],
            source=hit.source,
        )


class FactorList(BaseModel):
    count: int
    data: list[FactorHitRead]


class SourceRead(BaseModel):
    publisher: str
    title: str
    year: int | None
    document: str | None
    table: str | None
    url: str | None
    licence: str | None
    citation: str


class FactorDetailRead(BaseModel):
    ref: str
    database: str
    version: int
    versions: list[int]
    code: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    geography: str
    co2e: float | None
    gwp_basis: str | None
    gases: list[GasRead]
    boundary: str
    illustrative: bool
    notes: str | None
    source: SourceRead
    in_database_versions: list[str]

    @classmethod
    def of(cls, detail: FactorDetail) -> FactorDetailRead:
        f = detail.factor
        s = f.source
        return cls(
            ref=detail.ref,
            database=detail.database,
            version=detail.version,
            versions=list(detail.versions),
            code=f.code,
            name_zh=f.name_zh,
            name_en=f.name_en,
            kind=f.kind.value,
            unit=f.unit,
            geography=f.geography,
            co2e=f.co2e,
            gwp_basis=f.gwp_basis,
            gases=[GasRead(gas=g.gas, kg=g.kg) for g in f.gases],
            boundary=f.boundary.value,
            illustrative=f.illustrative,
            notes=f.notes,
            source=SourceRead(
                publisher=s.publisher,
                title=s.title,
                year=s.year,
                document=s.document,
                table=s.table,
                url=s.url,
                licence=s.licence,
                citation=s.citation(),
            ),
            in_database_versions=list(detail.in_database_versions),
        )


class TextRead(BaseModel):
    zh: str
    en: str


class CitationRead(BaseModel):
    document: str
    clause: str
    note: str

    @classmethod
    def of(cls, citation: Citation) -> CitationRead:
        return cls(document=citation.document, clause=citation.clause, note=citation.note)


class RuleRead(BaseModel):
    id: str
    version: str
    ref: str
    status: str
    title: TextRead
    category: str
    boundary: str
    declared_unit: str
    skeleton: bool
    origin: str

    @classmethod
    def of(cls, entry: RuleEntry) -> RuleRead:
        r = entry.rule
        return cls(
            id=r.id,
            version=r.version,
            ref=r.ref,
            status=r.status,
            title=TextRead(zh=r.title.zh, en=r.title.en),
            category=r.category,
            boundary=r.boundary,
            declared_unit=r.declared_unit,
            skeleton=r.skeleton,
            origin=entry.origin,
        )


class RuleList(BaseModel):
    count: int
    data: list[RuleRead]


class ProcessRead(BaseModel):
    id: str
    name: TextRead
    primary: bool
    citation: CitationRead | None


class StageRead(BaseModel):
    id: str
    name: TextRead
    required: bool
    processes: list[ProcessRead]
    citation: CitationRead | None


def _citation(citation: Citation | None) -> CitationRead | None:
    return None if citation is None else CitationRead.of(citation)


def _stages(rule: Rule) -> list[StageRead]:
    return [
        StageRead(
            id=s.id,
            name=TextRead(zh=s.name.zh, en=s.name.en),
            required=s.required,
            processes=[
                ProcessRead(
                    id=p.id,
                    name=TextRead(zh=p.name.zh, en=p.name.en),
                    primary=p.primary,
                    citation=_citation(p.citation),
                )
                for p in s.processes
            ],
            citation=_citation(s.citation),
        )
        for s in rule.stages
    ]


class RuleDetailRead(RuleRead):
    applies_to: list[str]
    general_method: list[CitationRead]
    end_of_life: str
    methods: list[str]
    allocation: list[str]
    electricity_allowed: list[str]
    cut_off_single: float | None
    cut_off_total: float | None
    max_dqr: float | None
    stages: list[StageRead]
    citations: list[CitationRead]

    @classmethod
    def of(cls, entry: RuleEntry) -> RuleDetailRead:
        r = entry.rule
        return cls(
            **RuleRead.of(entry).model_dump(),
            applies_to=list(r.categories),
            general_method=[CitationRead.of(c) for c in r.general_method],
            end_of_life=r.end_of_life,
            methods=list(r.methods),
            allocation=list(r.allocation),
            electricity_allowed=list(r.electricity_allowed),
            cut_off_single=r.cut_off_single,
            cut_off_total=r.cut_off_total,
            max_dqr=r.max_dqr,
            stages=_stages(r),
            citations=[CitationRead.of(c) for c in r.citations],
        )


class TargetRead(BaseModel):
    year: int
    products: int
    share: float


class CategoryRead(BaseModel):
    category: str
    products: int
    certified: int = Field(description="Of which with a certificate in force")


class CityRead(BaseModel):
    region: str = Field(description="Region code (CN-JS-…); empty: no organisation")
    name_zh: str
    name_en: str
    products: int
    certified: int = Field(description="Of which with a certificate in force")


class ProgressRead(BaseModel):
    results: int = Field(description="Counted results (no illustrative or demo data)")
    products: int = Field(description="Distinct products: certified + self-declared")
    certified: int = Field(description="Products with a certificate in force")
    self_declared: int = Field(description="Products with a footprint and no certificate")
    targets: list[TargetRead]
    by_category: list[CategoryRead]
    by_city: list[CityRead]

    @classmethod
    def of(cls, progress: Progress) -> ProgressRead:
        return cls(
            results=progress.results,
            products=progress.products,
            certified=progress.certified,
            self_declared=progress.self_declared,
            targets=[
                TargetRead(year=year, products=n, share=progress.products / n)
                for year, n in progress.targets
            ],
            by_category=[
                CategoryRead(category=c.category, products=c.products, certified=c.certified)
                for c in progress.by_category
            ],
            by_city=[
                CityRead(
                    region=c.region,
                    name_zh=region_name(c.region, "zh") if c.region else "未归属城市",
                    name_en=region_name(c.region, "en") if c.region else "not assigned",
                    products=c.products,
                    certified=c.certified,
                )
                for c in progress.by_city
            ],
        )
