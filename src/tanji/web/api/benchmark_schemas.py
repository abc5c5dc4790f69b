"""The benchmarks' JSON contract (``/api/v1/benchmarks``, ``/api/v1/efficiency``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from tanji.domain.benchmarks import Difference, Kind, Resolved
from tanji.services.benchmarks.diagnosis import Diagnosis, LeverResult
from tanji.services.benchmarks.efficiency import EfficiencyView
from tanji.services.benchmarks.grades import DistributionRow, ProductGrade
from tanji.services.benchmarks.references import CategoryValues, YearValues

__all__ = [
    "CategoryList",
    "CategoryValuesRead",
    "DiagnosisRead",
    "DiagnosisRequest",
    "DistributionList",
    "EfficiencyList",
    "EfficiencyRead",
    "EnergyReportWrite",
    "GradeRead",
    "IndustryAverageWrite",
    "KeepLeverRequest",
    "KeptRead",
    "LeverWrite",
    "MethodWrite",
    "OfficialValueWrite",
    "PolicyWrite",
    "SavedRead",
]


class CategoryList(BaseModel):
    count: int
    data: list[dict[str, str]]  # {category, declared_unit}


class ValueRead(BaseModel):
    kind: str
    value: float
    basis: Literal["official", "computed"]
    document: str | None = None  # the official value's document
    illustrative: bool = False
    computed: dict[str, float] | None = None  # {percentile, value, low, high}

    @classmethod
    def of(cls, r: Resolved) -> ValueRead:
        c = r.computed
        return cls(
            kind=r.kind.value,
            value=r.value,
            basis="official" if r.basis == "official" else "computed",
            document=r.official.document if r.official else None,
            illustrative=bool(r.official and r.official.illustrative),
            computed=(
                {"percentile": c.percentile, "value": c.value, "low": c.low, "high": c.high}
                if c
                else None
            ),
        )


class YearRead(BaseModel):
    year: int
    certified_used: int
    certified_excluded: int
    more_needed: int
    values: list[ValueRead]

    @classmethod
    def of(cls, y: YearValues) -> YearRead:
        return cls(
            year=y.year,
            certified_used=y.computed.used,
            certified_excluded=y.computed.excluded,
            more_needed=y.computed.needed,
            values=[ValueRead.of(y.values[k]) for k in Kind if k in y.values],
        )


class CategoryValuesRead(BaseModel):
    category: str
    declared_unit: str
    year: int
    policy: dict[str, float]
    current: YearRead
    history: list[YearRead]
    external: list[dict[str, Any]]
    external_note: str

    @classmethod
    def of(cls, v: CategoryValues) -> CategoryValuesRead:
        p = v.policy
        return cls(
            category=v.category,
            declared_unit=v.declared_unit,
            year=v.year,
            policy={
                "leading_percentile": p.percentiles[Kind.LEADING],
                "baseline_percentile": p.percentiles[Kind.BASELINE],
                "limit_percentile": p.percentiles[Kind.LIMIT],
                "min_sample": p.min_sample,
                "max_dqr": p.max_dqr,
                "bootstrap": p.bootstrap,
                "confidence": p.confidence,
            },
            current=YearRead.of(v.current),
            history=[YearRead.of(y) for y in v.history],
            external=[e.__dict__ for e in v.external],
            external_note=v.external_note,
        )


class OfficialValueWrite(BaseModel):
    category: str = Field(max_length=80)
    declared_unit: str = Field(max_length=80)
    year: int
    kind: Literal["leading", "baseline", "limit"]
    value: float
    document: str = Field(max_length=2000)
    illustrative: bool = False


class PolicyWrite(BaseModel):
    category: str = Field(max_length=80)
    declared_unit: str = Field(max_length=80)
    leading_percentile: float = 20.0
    baseline_percentile: float = 50.0
    limit_percentile: float = 80.0
    min_sample: int = 10
    max_dqr: float = 3.0


class SavedRead(BaseModel):
    id: int


class GradeRead(BaseModel):
    product_id: int
    code: str
    category: str
    per: str
    year: int
    total: float
    grade: str | None
    probabilities: dict[str, float]  # P(true footprint ≤ value)
    iterations: int
    values: list[ValueRead]
    illustrative: bool

    @classmethod
    def of(cls, g: ProductGrade) -> GradeRead:
        return cls(
            product_id=g.product_id,
            code=g.code,
            category=g.category,
            per=g.per,
            year=g.year,
            total=g.result.total,
            grade=g.result.grade.value if g.result.grade else None,
            probabilities={k.value: p for k, p in g.result.probabilities.items()},
            iterations=g.result.iterations,
            values=[ValueRead.of(g.values[k]) for k in Kind if k in g.values],
            illustrative=g.illustrative,
        )


class DistributionList(BaseModel):
    count: int
    data: list[dict[str, Any]]

    @classmethod
    def of(cls, rows: list[DistributionRow]) -> DistributionList:
        return cls(count=len(rows), data=[r.__dict__ for r in rows])


class LeverWrite(BaseModel):
    kind: Literal[
        "renewable-electricity",
        "onsite-pv",
        "recycled-content",
        "supplier-switch",
        "transport-mode",
        "process-efficiency",
    ]
    line: str = Field("", max_length=200)
    share: float = 0.0
    kwh: float = 0.0
    factor: str | dict[str, Any] | None = None
    mode: str = Field("", max_length=40)
    label: str = Field("", max_length=200)
    cost_cny: float | None = None


class DiagnosisRequest(BaseModel):
    levers: list[LeverWrite] | None = Field(None, max_length=20)
    iterations: int = Field(1000, ge=2, le=5000)
    seed: int = Field(0, ge=0, le=2**32 - 1)


def _difference(d: Difference | None) -> dict[str, float] | None:
    if d is None:
        return None
    return {"mean": d.mean, "low": d.low, "high": d.high, "probability": d.probability}


def _lever(r: LeverResult) -> dict[str, Any]:
    lever = r.lever
    return {
        "lever": {
            "kind": lever.kind.value, "line": lever.line, "share": lever.share, "kwh": lever.kwh,
            "factor": lever.factor, "mode": lever.mode, "label": lever.label,
            "cost_cny": lever.cost_cny,
        },
        "total": r.total,
        "reduction": _difference(r.reduction),
        "tonnes": r.tonnes,
        "cost_per_tonne": r.cost_per_tonne,
        "problem": r.problem,
    }  # fmt: skip


class DiagnosisRead(BaseModel):
    product_id: int
    code: str
    per: str
    total: float
    output: float
    hotspots: dict[str, list[list[Any]]]
    levers: list[dict[str, Any]]
    mac: list[dict[str, Any]]
    iterations: int
    seed: int
    illustrative: bool

    @classmethod
    def of(cls, d: Diagnosis) -> DiagnosisRead:
        h = d.hotspots
        return cls(
            product_id=d.product_id,
            code=d.code,
            per=d.per,
            total=d.total,
            output=d.output,
            hotspots={
                "lines": [list(x) for x in h.lines],
                "stages": [list(x) for x in h.stages],
                "suppliers": [list(x) for x in h.suppliers],
                "gases": [list(x) for x in h.gases],
            },
            levers=[_lever(r) for r in d.levers],
            mac=[_lever(r) for r in d.mac],
            iterations=d.iterations,
            seed=d.seed,
            illustrative=d.illustrative,
        )


class KeepLeverRequest(BaseModel):
    lever: LeverWrite
    version: int = Field(ge=1)


class KeptRead(BaseModel):
    product_id: int
    version: int


class EnergyLineWrite(BaseModel):
    carrier: str = Field(max_length=200)
    amount: float
    unit: str = Field(max_length=40)
    factor: str = Field(max_length=200)


class EnergyReportWrite(BaseModel):
    year: int
    industry: str = Field(max_length=20)
    value_added: float
    energy: list[EnergyLineWrite] = Field(max_length=50)
    zero_carbon_kwh: float = 0.0
    grid_factor: str = Field("", max_length=200)
    sinks_t: float = 0.0
    illustrative: bool = False


class MethodWrite(BaseModel):
    level_bounds: tuple[float, float]
    grade_bounds: tuple[float, float, float, float]
    source: str = Field(max_length=2000)


class IndustryAverageWrite(BaseModel):
    industry: str = Field(max_length=20)
    name: str = Field("", max_length=200)
    year: int
    value: float
    source: str = Field(max_length=2000)
    illustrative: bool = False


class EfficiencyRead(BaseModel):
    org_id: int
    org_name: str
    region: str
    year: int
    industry: str
    energy: list[dict[str, Any]]
    gross_t: float
    zero_carbon_t: float
    sinks_t: float
    emissions_t: float
    value_added: float
    intensity: float  # L, t CO2 per 10,000 CNY
    level: str
    industry_average: dict[str, Any] | None
    k: float | None
    grade: int | None
    method: dict[str, Any]
    illustrative: bool

    @classmethod
    def of(cls, v: EfficiencyView) -> EfficiencyRead:
        r = v.result
        return cls(
            org_id=v.org_id, org_name=v.org_name, region=v.region, year=v.year,
            industry=v.industry, energy=[u.__dict__ | {"t_co2": u.tonnes} for u in v.uses],
            gross_t=r.gross, zero_carbon_t=r.zero_carbon, sinks_t=r.sinks,
            emissions_t=r.emissions, value_added=r.value_added, intensity=r.intensity,
            level=r.level.value,
            industry_average=v.average.__dict__ if v.average else None,
            k=r.k, grade=r.grade,
            method={"level_bounds": list(v.method.level_bounds),
                    "grade_bounds": list(v.method.grade_bounds), "source": v.method.source},
            illustrative=v.illustrative,
        )  # fmt: skip


class EfficiencyList(BaseModel):
    count: int
    data: list[EfficiencyRead]
