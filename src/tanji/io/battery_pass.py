"""The carbon-footprint section of the EU battery passport (Regulation (EU) 2023/1542,
Art. 7 and 77; Annex XIII), in the Battery Pass consortium's data model
``urn:samm:io.BatteryPass.CarbonFootprint:1.2.0#CarbonFootprintForBatteries``.

:func:`battery_pass_document` writes, from a Tanji result declared per kWh of the total
energy the battery provides over its service life (the functional unit of the
``eu-battery-regulation`` rule):

================================= ====================================================
Battery Pass 1.2.0                 from
================================= ====================================================
batteryCarbonFootprint             the sum of the four stages, per kWh of the total
                                   energy over the service life: the result per its
                                   functional unit when it has one (stages scaled by
                                   declared units per functional unit), else per its
                                   declared unit, which must then be 1 kWh
carbonFootprintPerLifecycleStage   the result's stages: raw_materials →
                                   RawMaterialExtraction, production → MainProduction,
                                   distribution → Distribution, end_of_life → Recycling
                                   (Annex II point 4's four stages; the use stage is not
                                   one of them, and a result with emissions in it, or in
                                   any other stage, is refused)
carbonFootprintPerformanceClass    the class given, once Art. 7(2)'s delegated act
                                   defines the classes; until then the schema's required
                                   string says so (:data:`CLASS_NOT_DEFINED`)
carbonFootprintStudy               the web link to the public study (required, given)
absoluteCarbonFootprint            per kWh × the total energy over the service life,
                                   when that energy is given
================================= ====================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from tanji.io.errors import DataFormatError

__all__ = ["CLASS_NOT_DEFINED", "STAGES", "battery_pass_document"]

#: Tanji model stage → Battery Pass ``LifecycleStage``.
STAGES: Final = {
    "raw_materials": "RawMaterialExtraction",
    "production": "MainProduction",
    "distribution": "Distribution",
    "end_of_life": "Recycling",
}
#: What ``carbonFootprintPerformanceClass`` says while no class is defined.
CLASS_NOT_DEFINED: Final = (
    "not defined: the performance classes of Regulation (EU) 2023/1542 Art. 7(2) await "
    "their delegated act"
)
_SOURCE: Final = "battery passport export"


def battery_pass_document(
    result: Mapping[str, Any],
    *,
    study_url: str,
    performance_class: str | None = None,
    lifetime_energy_kwh: float | None = None,
) -> dict[str, Any]:
    """The CarbonFootprintForBatteries 1.2.0 section of a Tanji result (its JSON)."""
    functional = result.get("per_functional_unit") or {}
    scale = float(functional.get("declared_units") or 1.0) if functional else 1.0
    per = str(result.get("per", "")).split()
    if not functional and per != ["1", "kWh"]:
        raise DataFormatError(
            _SOURCE,
            f"per: the battery passport states kg CO2e per kWh of total energy over the "
            f"service life; this result is per {' '.join(per) or '(nothing)'}. Compute it "
            "under the eu-battery-regulation rule (declared unit 1 kWh)",
        )
    parts = urlsplit(study_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DataFormatError(
            _SOURCE, f"study URL: expected the web link of the public study, got {study_url!r}"
        )
    stages: Mapping[str, float] = result.get("stages") or {}
    others = {k: v for k, v in stages.items() if k not in STAGES and v}
    if others:
        listed = ", ".join(f"{k} {v:g}" for k, v in others.items())
        raise DataFormatError(
            _SOURCE,
            f"stages: the Regulation's four life-cycle stages exclude the use stage; the "
            f"result has emissions in {listed} kg CO2e per kWh",
        )
    if performance_class is not None and not re.fullmatch(r"[A-Z]", performance_class):
        raise DataFormatError(
            _SOURCE, f"performance class: expected a letter A–Z, got {performance_class!r}"
        )
    values = {name: float(stages.get(stage, 0.0)) * scale for stage, name in STAGES.items()}
    per_stage = [{"lifecycleStage": k, "carbonFootprint": v} for k, v in values.items()]
    total = math.fsum(values.values())
    document: dict[str, Any] = {
        "batteryCarbonFootprint": total,
        "carbonFootprintPerLifecycleStage": per_stage,
        "carbonFootprintPerformanceClass": performance_class or CLASS_NOT_DEFINED,
        "carbonFootprintStudy": study_url.strip(),
    }
    if lifetime_energy_kwh is not None:
        if not lifetime_energy_kwh > 0:
            raise DataFormatError(_SOURCE, "total energy over the service life: must be > 0 kWh")
        document["absoluteCarbonFootprint"] = total * lifetime_energy_kwh
    return document
