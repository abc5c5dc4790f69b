"""The benchmarks' part of the demo store (idempotent; called by :func:`tanji.services.
demo.load_demo`).

Everything here is ILLUSTRATIVE and marked so where it is shown:

- the provincial department (``province@tanji.example``) enters leading, baseline and
  limit values for lithium batteries per 1 kWh — no published Chinese values exist that
  we could cite, so the "document" says they are demo numbers;
- it enters an industry average L for 锂离子电池制造 (GB/T 4754-2017 C3841), also made
  up; the 碳效码 bounds are Zhejiang's published ones (the default method);
- the battery maker reports its 2024 energy use (the two example models' electricity and
  natural gas, with the shipped MEE/NBS Jiangsu 2022 factor and the NDRC natural gas
  default) and an illustrative value added.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tanji.db.models import BenchmarkEnergyReportRow, BenchmarkOfficialValueRow
from tanji.db.session import UnitOfWork
from tanji.domain.accounts import Actor
from tanji.services import accounts, logins
from tanji.services.benchmarks.efficiency import report_energy, set_industry_average
from tanji.services.benchmarks.references import set_official_value

__all__ = ["DEMO_CATEGORY", "DEMO_DECLARED_UNIT", "DEMO_YEAR", "load_benchmark_demo"]

DEMO_CATEGORY = "lithium-battery"
DEMO_DECLARED_UNIT = "1 kWh"
DEMO_YEAR = 2024
_ILLUSTRATIVE = (
    "示例数值（演示用，非正式文件） / illustrative demo values entered by the demo "
    "department — not an official document"
)
#: kg CO2e per kWh of rated energy: round illustrative numbers placed around the demo
#: pack's footprint so that the grade and its probabilities show something to read.
_VALUES = {"leading": 60.0, "baseline": 75.0, "limit": 95.0}


def _actor(uow: UnitOfWork, index: int) -> Actor:
    email, password, _ = accounts.DEMO_ACCOUNTS[index]
    return logins.authenticate(uow.session, email, password)


def load_benchmark_demo(unit_of_work: Callable[[], UnitOfWork]) -> int:
    """Enter the demo's official values, industry average and energy report (once).
    ``unit_of_work`` is a callable returning a :class:`UnitOfWork`. Returns rows made."""
    made = 0
    with unit_of_work() as uow:
        session = uow.session
        province = _actor(uow, 3)
        exists = session.scalar(
            select(BenchmarkOfficialValueRow.id).where(
                BenchmarkOfficialValueRow.category == DEMO_CATEGORY
            )
        )
        if exists is None:
            for kind, value in _VALUES.items():
                set_official_value(
                    session, province, category=DEMO_CATEGORY, declared_unit=DEMO_DECLARED_UNIT,
                    year=DEMO_YEAR, kind=kind, value=value, document=_ILLUSTRATIVE,
                    illustrative=True,
                )  # fmt: skip
                made += 1
            set_industry_average(
                session, province, industry="C3841", name="锂离子电池制造", year=DEMO_YEAR,
                value=0.25, source=_ILLUSTRATIVE, illustrative=True,
            )  # fmt: skip
            made += 1
    with unit_of_work() as uow:
        session = uow.session
        battery = _actor(uow, 1)
        exists = session.scalar(
            select(BenchmarkEnergyReportRow.id).where(
                BenchmarkEnergyReportRow.org_id == battery.org_id
            )
        )
        if exists is None:
            report_energy(
                session,
                battery,
                year=DEMO_YEAR,
                industry="C3841",
                value_added=12_000.0,  # 10,000 CNY: 1.2 億 CNY, illustrative
                energy=[
                    # cell plant 4,000 MWh + pack line 160 MWh (the example models)
                    {
                        "carrier": "外购电力 electricity",
                        "amount": 4_160_000,
                        "unit": "kWh",
                        "factor": "cn-electricity:CN-ELEC-LOC-2022-CN-JS",
                    },
                    # 3,600 GJ / 0.038931 GJ per Nm3 (the NDRC default NCV)
                    {
                        "carrier": "天然气 natural gas",
                        "amount": 92_471,
                        "unit": "Nm3",
                        "factor": "cn-fuels:CN-NDRC-NATURAL-GAS-NM3",
                    },
                ],
                zero_carbon_kwh=0.0,
                illustrative=True,
            )
            made += 1
    return made
