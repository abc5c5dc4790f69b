"""The engine demo: a small lithium-iron-phosphate (LFP) cell supply chain.

ILLUSTRATIVE NUMBERS ONLY. The amounts and emissions below are round figures chosen to
show how the engine works (a loop between electricity and coal, stages, uncertainty);
they are not data and must not be used as emission factors.
"""

from __future__ import annotations

from typing import TextIO

import numpy as np

from tanji.engine import (
    Engine,
    Exchanges,
    LcaSystem,
    MonteCarlo,
    build_system,
    by_activity,
    by_tag,
    supply_chain,
    uncertainty_records,
)

CO2, CH4, N2O = 1, 2, 3
# IPCC AR6 WG1 (2021), chapter 7, table 7.15: GWP100 of CO2, fossil CH4 and N2O.
GWP100 = {CO2: 1.0, CH4: 29.8, N2O: 273.0}

#: id, name, unit, life-cycle stage
ACTIVITIES = [
    (10, "electricity, grid mix (illustrative)", "kWh", "raw materials"),
    (11, "hard coal, mined (illustrative)", "kg", "raw materials"),
    (12, "lithium carbonate (illustrative)", "kg", "raw materials"),
    (13, "LFP cathode material (illustrative)", "kg", "raw materials"),
    (14, "graphite anode material (illustrative)", "kg", "raw materials"),
    (15, "road freight, lorry (illustrative)", "t·km", "distribution"),
    (20, "LFP cell, 1 kWh (illustrative)", "kWh", "production"),
]

#: (product id, activity id, amount): inputs of each activity's reference product
INPUTS = [
    (11, 10, 0.45),  # coal per kWh
    (10, 11, 0.05),  # electricity per kg coal: the loop
    (10, 12, 12.0),
    (10, 13, 18.0),
    (12, 13, 0.6),
    (10, 14, 10.0),
    (10, 20, 45.0),
    (13, 20, 2.2),
    (14, 20, 1.1),
    (15, 20, 1.5),
]

#: (gas, activity id, kg per unit of product)
EMISSIONS = [
    (CO2, 10, 0.60),
    (CH4, 11, 0.004),
    (CO2, 12, 2.4),
    (CO2, 13, 1.2),
    (N2O, 13, 0.0004),
    (CO2, 14, 1.8),
    (CO2, 15, 0.09),
    (CO2, 20, 0.5),
]


def demo_system() -> LcaSystem:
    """The illustrative LFP system, with lognormal uncertainty (σ = 0.1) on every input."""
    ids = [a[0] for a in ACTIVITIES]
    production = Exchanges(ids, ids, np.ones(len(ids)))
    rows, cols, amounts = (np.array(v) for v in zip(*INPUTS, strict=True))
    inputs = Exchanges(
        rows,
        cols,
        amounts,
        flip=np.ones(len(amounts), bool),
        uncertainty=uncertainty_records(len(amounts), kind=2, loc=np.log(amounts), scale=0.1),
    )
    technosphere = Exchanges(
        np.concatenate([production.rows, inputs.rows]),
        np.concatenate([production.cols, inputs.cols]),
        np.concatenate([production.amounts, inputs.amounts]),
        np.concatenate([production.flip, inputs.flip]),
        np.concatenate([production.uncertainty, inputs.uncertainty]),
    )
    gas, activity, kg = (np.array(v) for v in zip(*EMISSIONS, strict=True))
    biosphere = Exchanges(
        gas,
        activity,
        kg,
        uncertainty=uncertainty_records(len(kg), kind=2, loc=np.log(kg), scale=0.15),
    )
    return build_system(
        technosphere,
        biosphere,
        {"ipcc-ar6-gwp100": (list(GWP100), list(GWP100.values()))},
        tags={"stage": {a[0]: a[3] for a in ACTIVITIES}},
    )


def run_demo(out: TextIO) -> None:
    """Print the demo: score, contributions, supply chain, every footprint, Monte Carlo."""
    names = {a[0]: a[1] for a in ACTIVITIES}
    system = demo_system()
    engine = Engine()
    method = "ipcc-ar6-gwp100"
    cell = 20
    result = engine.lca(system, {cell: 1.0}, method)
    w = out.write
    w("Tanji engine demo — an ILLUSTRATIVE LFP cell supply chain (round numbers, not data)\n\n")
    w(f"Footprint of 1 kWh of LFP cell: {result.score:.3f} kg CO2e (IPCC AR6 GWP100)\n\n")
    w("By life-cycle stage:\n")
    for c in by_tag(result, "stage"):
        w(f"  {c.key:<16} {c.score:9.3f} kg CO2e  {c.share:6.1%}\n")
    w("\nBy activity (direct emissions):\n")
    for c in by_activity(result, top=5):
        w(f"  {names[int(c.key)]:<42} {c.score:9.3f}  {c.share:6.1%}\n")
    table = engine.footprints(system, method)
    w("\nSupply chain (cut-off 5 %):\n")
    for node in supply_chain(table, {cell: 1.0}, cutoff=0.05, max_nodes=12):
        w(f"  {'  ' * node.depth}{names[node.activity_id]:<42} {node.share:6.1%}\n")
    w("\nFootprint of one unit of every product (one transposed solve):\n")
    units = {a[0]: a[2] for a in ACTIVITIES}
    for activity_id, score in zip(system.activity_ids.tolist(), table.scores, strict=True):
        w(f"  {names[activity_id]:<42} {score:9.4f} kg CO2e / {units[activity_id]}\n")
    mc = MonteCarlo(engine, system, method).run({cell: 1.0}, iterations=2000, seed=42)
    s = mc.summary
    w(
        f"\nMonte Carlo, 2,000 iterations, seed 42: mean {s.mean:.2f}, median {s.median:.2f}, "
        f"95 % interval [{s.p2_5:.2f}, {s.p97_5:.2f}] kg CO2e, GSD {s.gsd:.3f}\n"
    )
