"""Tables of benchmarks: category policies, official values, 碳效码 methods, industry
averages and enterprises' energy reports.

Imported by :mod:`tanji.db.models` so the metadata Alembic compares holds them. Values
set by the department keep who set them and the document; a newer row for the same key
replaces the older one in use (the older stays: history by year).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = [
    "BenchmarkEfficiencyMethodRow",
    "BenchmarkEnergyReportRow",
    "BenchmarkIndustryAverageRow",
    "BenchmarkOfficialValueRow",
    "BenchmarkPolicyRow",
]


class BenchmarkPolicyRow(Base):
    """How a category's values are computed (percentiles, sample size, data quality)."""

    __tablename__ = "benchmark_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    declared_unit: Mapped[str] = mapped_column(String(80))
    leading_percentile: Mapped[float] = mapped_column(Float, default=20.0)
    baseline_percentile: Mapped[float] = mapped_column(Float, default=50.0)
    limit_percentile: Mapped[float] = mapped_column(Float, default=80.0)
    min_sample: Mapped[int] = mapped_column(Integer, default=10)
    max_dqr: Mapped[float] = mapped_column(Float, default=3.0)
    set_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BenchmarkOfficialValueRow(Base):
    """A leading, baseline or limit value set by the competent department."""

    __tablename__ = "benchmark_official_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    declared_unit: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # leading | baseline | limit
    value: Mapped[float] = mapped_column(Float)
    document: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BenchmarkEfficiencyMethodRow(Base):
    """The bounds of the 碳效码 method in force (the newest row), with their source."""

    __tablename__ = "benchmark_efficiency_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    level_low: Mapped[float] = mapped_column(Float)
    level_high: Mapped[float] = mapped_column(Float)
    k1: Mapped[float] = mapped_column(Float)
    k2: Mapped[float] = mapped_column(Float)
    k3: Mapped[float] = mapped_column(Float)
    k4: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    set_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BenchmarkIndustryAverageRow(Base):
    """An industry's average L (t CO2 per 10,000 CNY of value added) for a year."""

    __tablename__ = "benchmark_industry_averages"

    id: Mapped[int] = mapped_column(primary_key=True)
    industry: Mapped[str] = mapped_column(String(20), index=True)  # GB/T 4754 code
    name: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    set_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BenchmarkEnergyReportRow(Base):
    """An enterprise's energy use and value added for a year (the 碳效码's inputs).

    ``energy`` is a JSON list of ``{carrier, amount, unit, factor}`` (``factor`` a
    factor reference ``DB:CODE`` of the library, resolved when the code is computed).
    """

    __tablename__ = "benchmark_energy_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    industry: Mapped[str] = mapped_column(String(20))
    value_added: Mapped[float] = mapped_column(Float)  # 10,000 CNY, income method
    energy: Mapped[str] = mapped_column(Text, default="[]")
    zero_carbon_kwh: Mapped[float] = mapped_column(Float, default=0.0)
    grid_factor: Mapped[str] = mapped_column(String(200), default="")
    sinks_t: Mapped[float] = mapped_column(Float, default=0.0)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
