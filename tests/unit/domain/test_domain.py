"""The domain's value objects, with plain constructors: validation, GWP, gases, scaling."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tanji.domain.factors import (
    AS_PUBLISHED,
    DomainError,
    EmissionFactor,
    FactorKind,
    GasAmount,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.domain.gases import gas_for, gas_synonyms, unmapped_greenhouse_gases
from tanji.domain.lci import CUT_OFF_NOTE, Activity, Exchange, ExchangeKind, LciBundle

SOURCE = Source(publisher="MEE", title="Electricity CO2 factors", year=2024, table="Annex 1")
AR6 = {"CO2": 1.0, "CH4-fossil": 29.8, "N2O": 273.0}


def factor(**changes: object) -> EmissionFactor:
    base = EmissionFactor(
        code="F",
        name_zh="因子",
        name_en="factor",
        kind=FactorKind.COMBUSTION,
        unit="TJ",
        geography="GLO",
        source=SOURCE,
        gases=(GasAmount("CO2", 74100.0), GasAmount("CH4-fossil", 3.0), GasAmount("N2O", 0.6)),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_co2e_from_gases_under_a_gwp_set() -> None:
    # 74,100 + 3 × 29.8 + 0.6 × 273 = 74,100 + 89.4 + 163.8 = 74,353.2 (IPCC 2006 diesel)
    assert factor().co2e_under(AR6, "IPCC-AR6-GWP100") == pytest.approx(74353.2)


def test_a_published_co2e_is_used_under_its_own_basis_only() -> None:
    published = factor(gases=(), co2e=2.5, gwp_basis="IPCC-AR5-GWP100")
    assert published.co2e_under(AR6, "IPCC-AR5-GWP100") == 2.5
    with pytest.raises(DomainError, match="cannot be restated under IPCC-AR6-GWP100"):
        published.co2e_under(AR6, "IPCC-AR6-GWP100")
    as_published = factor(gases=(), co2e=0.62, gwp_basis=AS_PUBLISHED)
    assert as_published.co2e_under(AR6, "IPCC-AR6-GWP100") == 0.62


def test_a_gas_without_a_gwp_is_refused() -> None:
    with pytest.raises(DomainError, match="no IPCC-AR6-GWP100 GWP for gas"):
        factor(gases=(GasAmount("SF6", 1.0),)).co2e_under(AR6, "IPCC-AR6-GWP100")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": " "}, "code"),
        ({"name_zh": "", "name_en": ""}, "name_zh, name_en"),
        ({"gases": ()}, "values"),
        ({"co2e": 1.0, "gwp_basis": "AR7"}, "gwp_basis"),
        ({"co2e": float("nan"), "gwp_basis": "IPCC-AR6-GWP100"}, "co2e_kg"),
        ({"gases": (GasAmount("CO2", 1.0), GasAmount("CO2", 2.0))}, "gases"),
    ],
)
def test_invalid_factors_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError, match=field):
        factor(**changes)


def test_sources_and_quality_scores_are_checked() -> None:
    with pytest.raises(DomainError, match="publisher"):
        Source(publisher=" ", title="t")
    with pytest.raises(DomainError, match="year"):
        Source(publisher="p", title="t", year=24)
    with pytest.raises(DomainError, match="TER"):
        PefQuality(ter=6)
    assert PefQuality(ter=1, ger=2, tir=3, p=2).dqr() == 2.0
    assert PefQuality(ter=1).dqr() is None
    assert "Annex 1" in SOURCE.citation()


@pytest.mark.parametrize(
    ("u", "k", "expected"),
    [
        (Uncertainty("lognormal", gsd=1.5), 1000.0, Uncertainty("lognormal", gsd=1.5)),
        (Uncertainty("normal", sd=2.0), -0.5, Uncertainty("normal", sd=1.0)),
        (
            Uncertainty("uniform", minimum=1.0, maximum=3.0),
            -2.0,
            Uncertainty("uniform", minimum=-6.0, maximum=-2.0),
        ),
        (Uncertainty("triangular", minimum=1.0, maximum=3.0), 0.0, Uncertainty()),
    ],
)
def test_scaling_a_distribution(u: Uncertainty, k: float, expected: Uncertainty) -> None:
    assert u.scaled(k) == expected


def test_invalid_distributions_are_refused() -> None:
    with pytest.raises(DomainError, match="gsd"):
        Uncertainty("lognormal", gsd=0.9)
    with pytest.raises(DomainError, match="minimum, maximum"):
        Uncertainty("uniform", minimum=2.0, maximum=1.0)
    with pytest.raises(DomainError, match="distribution"):
        Uncertainty("beta")


@pytest.mark.parametrize(
    ("name", "cas", "compartment", "gas"),
    [
        ("Carbon dioxide, fossil", "124-38-9", "air/urban", "CO2"),
        ("Carbon dioxide, non-fossil", None, "air", "CO2-biogenic"),
        ("Carbon dioxide, in air", None, "natural resource/in air", "CO2-biogenic-uptake"),
        ("Methane, fossil", "74-82-8", "air", "CH4-fossil"),
        ("Methane, non-fossil", "74-82-8", "air", "CH4-nonfossil"),
        ("Methane", "000074-82-8", "Emission to air", "CH4"),
        ("Dinitrogen monoxide", None, "air", "N2O"),
        ("Sulfur hexafluoride", None, "air", "SF6"),
        ("Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", None, "air", "HFC-134a"),
        ("Carbon dioxide, fossil", "124-38-9", "water/ground-", None),
        ("Methane", None, "Resources/in ground", None),
        ("Chloride", None, "air", None),
        # issue 11: "Methane, …" compounds are not methane; exact ecoinvent/USLCI names
        ("Methane, trifluoro-, HFC-23", None, "air", "HFC-23"),
        ("Methane, tetrafluoro-, R-14", None, "air/unspecified", "PFC-14"),
        ("Methane, chlorodifluoro-, HCFC-22", None, "air", "HCFC-22"),
        ("Methane, trichlorofluoro-, CFC-11", None, "air", "CFC-11"),
        ("Methane, dichlorodifluoro-, CFC-12", None, "air", "CFC-12"),
        ("Methane, bromotrifluoro-, Halon 1301", None, "air", "Halon-1301"),
        ("Ethane, hexafluoro-, HFC-116", None, "air", "PFC-116"),
        ("Ethane, 2,2-dichloro-1,1,1-trifluoro-, HCFC-123", None, "air", "HCFC-123"),
        ("Nitrogen fluoride", None, "air", "NF3"),
        ("1,1,1,3,3-Pentafluoropropane, HFC-245fa", None, "air", "HFC-245fa"),
        ("HFC-116", None, "Emissions/Emissions to air", "PFC-116"),  # EF 3.1
        ("methane (biogenic)", None, "Emissions to air", "CH4-nonfossil"),  # EF 3.1
        ("Methane, from soil or biomass stock", None, "air", "CH4-fossil"),
        ("Methane, biogenic", "000074-82-8", "air", "CH4-nonfossil"),
        ("六氟化硫", None, "", "SF6"),
        ("Whatever the name", "75-46-7", "air", "HFC-23"),  # CAS first
        ("Methane, chlorodifluoro-, HCFC-22", None, "water/river", None),
        ("Methane, chlorodifluoro-", None, "Resources/in ground", None),
        ("Methane, monochloro-, R-40", None, "air", "CH3Cl"),
        ("Methane, nonsense-", None, "air", None),
    ],
)
def test_gas_recognition(name: str, cas: str | None, compartment: str, gas: str | None) -> None:
    assert gas_for(name, cas=cas, compartment=compartment) == gas


def test_no_methane_compound_is_methane() -> None:
    """Every synonym that starts "Methane, <substituent>-" is some other gas than CH4."""
    compounds = [n for n in gas_synonyms() if re.match(r"methane, (?!non-fossil)[a-z0-9,-]+-", n)]
    assert len(compounds) > 20
    assert [n for n in compounds if gas_for(n, compartment="air").startswith("CH4")] == []


def test_greenhouse_gas_like_flows_that_map_to_no_gas_are_found() -> None:
    flows = [
        ("Methane, tetrafluoro-, R-14", None, "air", "PFC-14"),
        ("Perfluorocarbons, unspecified", None, "air/unspecified", None),
        ("HFCs and HCFCs, unspecified", None, "air", None),
        ("Ethane, 1,2-dichloro-1,1,2-trifluoro-, HCFC-123", None, "air", None),
        ("Some gas", "075-46-7", "air", None),  # a CAS of the table, but not mapped
        ("Hydrogen fluoride", None, "air", None),
        ("Chloride", None, "water", None),
        ("Methane", None, "Resources/in ground", None),
        ("Perfluorocarbons, unspecified", None, "air/urban", None),
    ]
    found = unmapped_greenhouse_gases(flows)
    assert [(f.name, f.cas) for f in found] == [
        ("Ethane, 1,2-dichloro-1,1,2-trifluoro-, HCFC-123", None),
        ("HFCs and HCFCs, unspecified", None),
        ("Perfluorocarbons, unspecified", None),
        ("Some gas", "075-46-7"),
    ]


def test_an_activity_needs_one_non_zero_reference_production() -> None:
    with pytest.raises(DomainError, match="exactly one reference production"):
        Activity("a", "a", "kg", (Exchange(ExchangeKind.TECHNOSPHERE, "b", 1.0),))
    with pytest.raises(DomainError, match="must not be 0"):
        Activity("a", "a", "kg", (Exchange(ExchangeKind.PRODUCTION, "a", 0.0),))
    # A waste treatment in the ecoinvent/Brightway convention: −1 kg of waste treated.
    treatment = Activity("a", "a", "kg", (Exchange(ExchangeKind.PRODUCTION, "a", -1.0),))
    assert treatment.production_amount == -1.0


def test_cut_off_inputs_are_reported_from_activity_comments() -> None:
    production = (Exchange(ExchangeKind.PRODUCTION, "a", 1.0),)
    activity = Activity("a", "pentanol", "kg", production, comment=f"x\n{CUT_OFF_NOTE}steel: 2 kg")
    bundle = LciBundle("test", (activity,), ())
    assert bundle.cut_offs() == ("pentanol: steel: 2 kg",)
