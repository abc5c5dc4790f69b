"""An LCI activity's unit process on a submitted record: kept through storage, and
refused where it does not belong."""

from __future__ import annotations

import pytest

from tanji.domain.admission import (
    AdmissionError,
    BackgroundRecord,
    Quantity,
    RecordKind,
    UnitExchange,
)
from tanji.domain.factors import PefQuality


def activity(
    kind: RecordKind = RecordKind.LCI_ACTIVITY, quantity: str = "power"
) -> BackgroundRecord:
    return BackgroundRecord(
        kind=kind, code="pack", name_zh="电池包", name_en="pack", unit="kWh",
        geography="CN-JS", product="pack", year=2024, co2e=40.0, dqr=PefQuality(2, 2, 2, 2),
        quantities=(Quantity("power", 5.0, "kWh", ("meter.csv",)),),
        exchanges=(UnitExchange("technosphere", "elec", 0.5, "kWh", quantity),
                   UnitExchange("biosphere", "co2", 0.2, "kg")),
    )  # fmt: skip


def test_the_exchanges_survive_storage() -> None:
    record = activity()
    assert BackgroundRecord.from_dict(record.as_dict()) == record
    assert record.as_dict()["exchanges"][0] == {
        "kind": "technosphere", "target": "elec", "amount": 0.5, "unit": "kWh",
        "quantity": "power",
    }  # fmt: skip


def test_exchanges_are_refused_where_they_do_not_belong() -> None:
    with pytest.raises(AdmissionError) as wrong_kind:
        UnitExchange("production", "x", 1.0)
    assert wrong_kind.value.reasons[0].params["field"] == "exchange kind"
    with pytest.raises(AdmissionError):
        UnitExchange("biosphere", " ", 1.0)
    with pytest.raises(AdmissionError):
        UnitExchange("biosphere", "co2", float("nan"))
    with pytest.raises(AdmissionError) as on_a_factor:
        activity(RecordKind.EMISSION_FACTOR)
    assert on_a_factor.value.reasons[0].params["field"] == "exchanges"
    with pytest.raises(AdmissionError) as unknown_quantity:
        activity(quantity="gas")
    assert unknown_quantity.value.reasons[0].params["value"] == "gas"
