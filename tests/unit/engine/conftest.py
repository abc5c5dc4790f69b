"""Hand-solvable LCA systems shared by the engine's unit tests.

Ids used by both systems: activities electricity = 2, coal = 3 (and steel = 1 in the
three-activity chain); elementary flows CO2 = 100, CH4 = 101. Method "gwp" counts CO2 as 1
and CH4 as 30. Inputs are stored the Brightway way: positive amounts with ``flip``.

The answers are worked out in ``test_systems.py`` and ``test_lca.py``.
"""

from __future__ import annotations

import pytest

from tanji.engine import Exchanges, LcaSystem, build_system

GWP = {"gwp": ([100, 101], [1.0, 30.0])}


@pytest.fixture
def electricity_coal() -> LcaSystem:
    """Two activities in a loop: electricity (2) burns coal, coal mining (3) uses electricity.

    A = [[ 1.0, -0.2],     electricity: 1 kWh per run, 0.2 kWh into each kg of coal
         [-0.5,  1.0]]     coal: 0.5 kg into each kWh, 1 kg per run
    B = [[1.0, 0.05],      CO2 per run
         [0.0, 0.10]]      CH4 per run
    """
    technosphere = Exchanges(
        rows=[2, 3, 3, 2],
        cols=[2, 2, 3, 3],
        amounts=[1.0, 0.5, 1.0, 0.2],
        flip=[False, True, False, True],
    )
    biosphere = Exchanges(rows=[100, 100, 101], cols=[2, 3, 3], amounts=[1.0, 0.05, 0.1])
    return build_system(technosphere, biosphere, GWP)


@pytest.fixture
def steel_chain() -> LcaSystem:
    """Steel (1) made with electricity (2) and coal (3), which supply each other.

    A = [[ 2.0,  0.0,  0.0],   steel: 2 kg per run
         [-4.0,  1.0, -0.2],   electricity: 4 kWh per steel run, 0.2 kWh per kg coal
         [-1.0, -0.5,  1.0]]   coal: 1 kg per steel run, 0.5 kg per kWh
    B = [[2.0, 0.0, 0.0],      CO2: 2 kg per steel run
         [0.0, 0.0, 0.1]]      CH4: 0.1 kg per kg coal

    Tagged by life-cycle stage: steel "production", electricity and coal "energy".
    """
    technosphere = Exchanges(
        rows=[1, 2, 3, 2, 3, 3, 2],
        cols=[1, 1, 1, 2, 2, 3, 3],
        amounts=[2.0, 4.0, 1.0, 1.0, 0.5, 1.0, 0.2],
        flip=[False, True, True, False, True, False, True],
    )
    biosphere = Exchanges(rows=[100, 101], cols=[1, 3], amounts=[2.0, 0.1])
    return build_system(
        technosphere,
        biosphere,
        GWP,
        tags={"stage": {1: "production", 2: "energy", 3: "energy"}},
    )


@pytest.fixture
def waste_treatment() -> LcaSystem:
    """A product whose waste is incinerated: the ecoinvent / Brightway waste convention.

    Activities: product (1), electricity (2), incineration of the product's waste (4).
    The incineration "produces" −1 kg of the waste it treats (its reference production is
    negative); the product generates 0.2 kg of that waste, stored as Brightway does (a
    technosphere exchange of −0.2, flipped), so it enters A as +0.2.

    A = [[ 1.0, 0.0,  0.0],    product: 1 kg per run
         [-0.5, 1.0, -0.1],    electricity: 0.5 kWh per kg of product, 0.1 per kg treated
         [ 0.2, 0.0, -1.0]]    waste: 0.2 kg out of each kg of product, −1 kg per treatment
    B = [[1.0, 0.4, 2.0]]      CO2 per run

    Supply of 1 kg of product: s = (1, 0.52, 0.2); score 1 + 0.4·0.52 + 2·0.2 = 1.608.
    Footprints (Aᵀ·y = Bᵀ·c): y = (1.608, 0.4, −2.04): the treatment's own footprint is
    the negative of the burden of treating 1 kg (2 + 0.1·0.4 = 2.04 kg CO2), because its
    unit of reference product is −1 kg.
    """
    technosphere = Exchanges(
        rows=[1, 2, 4, 2, 4, 2],
        cols=[1, 1, 1, 2, 4, 4],
        amounts=[1.0, 0.5, -0.2, 1.0, -1.0, 0.1],
        flip=[False, True, True, False, False, True],
    )
    biosphere = Exchanges(rows=[100, 100, 100], cols=[1, 2, 4], amounts=[1.0, 0.4, 2.0])
    return build_system(technosphere, biosphere, GWP)
