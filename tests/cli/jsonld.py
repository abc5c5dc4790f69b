"""Small openLCA JSON-LD zips for the command-line and web tests, written with olca-schema."""

from __future__ import annotations

from pathlib import Path

import olca_schema as o
from olca_schema import zipio

#: AR6 GWP100 of CF4 (PFC-14), IPCC AR6 WG1 Table 7.SM.7
CF4_GWP100 = 7380.0


def smelter_zip(path: Path) -> tuple[Path, str]:
    """An aluminium smelter emitting 1 kg of CF4 under its ecoinvent name
    ("Methane, tetrafluoro-, R-14") and 1 kg of "Perfluorocarbons, unspecified", which no
    GWP table can characterize. Returns the zip and the process id."""
    units = o.new_unit_group("Units of mass", "kg")
    mass = o.new_flow_property("Mass", units)
    cf4 = o.new_elementary_flow("Methane, tetrafluoro-, R-14", mass)
    pfc = o.new_elementary_flow("Perfluorocarbons, unspecified", mass)
    for flow in (cf4, pfc):
        flow.category = "Elementary flows/Emission to air/unspecified"
    product = o.new_product("primary aluminium", mass)
    process = o.new_process("aluminium smelting")
    o.new_output(process, product, 1).is_quantitative_reference = True
    o.new_output(process, cf4, 1)
    o.new_output(process, pfc, 1)
    with zipio.ZipWriter(path) as writer:
        for entity in (units, mass, cf4, pfc, product, process):
            writer.write(entity)
    return path, process.id
