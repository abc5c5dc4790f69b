"""ecoSpold2 in: the olca-modules sample (alone, and linked to an authored provider),
conventions on small authored datasets (treatment, by-products, links, units), broken input.
"""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tanji.domain.inventory import build_inventory_system
from tanji.domain.lci import Activity, Exchange, ExchangeKind, LciBundle
from tanji.engine import Engine
from tanji.io.ecospold2 import read_ecospold2
from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.policy import ImportPolicy

# The sample's own ids (sample_ecospold2.xml from GreenDelta/olca-modules).
SAMPLE_ACTIVITY = "08a78e38-fdbe-4ea8-869f-7735b41ecf85"
PENTANOL = "d3a29af5-314a-4659-a574-6bfd53a6bde0"  # its reference product, 33 kg
DIMETHYLCYCLOPENTANE = "41bae23f-237d-4ba6-9b1d-73d5f4baee55"  # its input, 25 kg, no link
SAMPLE_KEY = f"{SAMPLE_ACTIVITY}_{PENTANOL}"
RESERVOIR, CHLORIDE, PEAT = (
    "9a9d71c7-79f7-42d0-af47-282d22a7cf07",
    "b1991748-2151-4b51-8cdb-a8b4203677dc",
    "c5035ce2-5ee5-431f-a287-4b25da42be74",
)
PROVIDER = "5f3c1e3e-0000-4000-8000-000000000001"
GWP = {"CO2": 1.0, "CH4-fossil": 29.8, "N2O": 273.0}


# --------------------------------------------------------------------------------------
# Authored datasets: the smallest ecoSpold2 the reader accepts
# --------------------------------------------------------------------------------------


def _spold(activity: str, name: str, exchanges: str, location: str = "GLO") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02">
  <activityDataset>
    <activityDescription>
      <activity id="{activity}"><activityName xml:lang="en">{name}</activityName></activity>
      <geography><shortname xml:lang="en">{location}</shortname></geography>
    </activityDescription>
    <flowData>
{exchanges}
    </flowData>
  </activityDataset>
</ecoSpold>
"""


def _intermediate(
    product: str,
    name: str,
    amount: float,
    group: str,
    *,
    unit: str = "kg",
    link: str | None = None,
    uncertainty: str = "",
) -> str:
    linked = f' activityLinkId="{link}"' if link else ""
    tag, value = group.split()
    return (
        f'<intermediateExchange id="x-{product}-{tag}" amount="{amount}" '
        f'intermediateExchangeId="{product}"{linked}><name xml:lang="en">{name}</name>'
        f'<unitName xml:lang="en">{unit}</unitName>{uncertainty}'
        f"<{tag}>{value}</{tag}></intermediateExchange>"
    )


def _elementary(
    flow: str,
    name: str,
    amount: float,
    *,
    compartment: str = "air",
    sub: str = "unspecified",
    group: str = "outputGroup 4",
    cas: str = "",
) -> str:
    tag, value = group.split()
    cas_attribute = f' casNumber="{cas}"' if cas else ""
    return (
        f'<elementaryExchange id="e-{flow}" amount="{amount}" '
        f'elementaryExchangeId="{flow}"{cas_attribute}><name xml:lang="en">{name}</name>'
        '<unitName xml:lang="en">kg</unitName><compartment>'
        f'<compartment xml:lang="en">{compartment}</compartment>'
        f'<subcompartment xml:lang="en">{sub}</subcompartment></compartment>'
        f"<{tag}>{value}</{tag}></elementaryExchange>"
    )


def _provider_exchanges(unit: str = "kg") -> str:
    """1 kg of 1,1-dimethylcyclopentane: 2 kg CO2, 0.01 kg CH4, 0.001 kg N2O, 0.5 kg CO2 taken."""
    return "\n".join(
        [
            _intermediate(
                DIMETHYLCYCLOPENTANE, "1,1-dimethylcyclopentane", 1, "outputGroup 0", unit=unit
            ),
            _elementary("f-co2", "Carbon dioxide, fossil", 2.0, cas="124-38-9"),
            _elementary("f-ch4", "Methane, fossil", 0.01, sub="urban air close to ground"),
            _elementary("f-n2o", "Dinitrogen monoxide", 0.001, cas="010024-97-2"),
            _elementary(
                "f-co2-in-air",
                "Carbon dioxide, in air",
                0.5,
                compartment="natural resource",
                sub="in air",
                group="inputGroup 4",
                cas="124-38-9",
            ),
            _elementary(
                "f-co2-water", "Carbon dioxide", 0.1, compartment="water", sub="surface water"
            ),
        ]
    )


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_key(bundle: LciBundle) -> dict[str, Activity]:
    return {a.key: a for a in bundle.activities}


def _kinds(activity: Activity) -> Counter[ExchangeKind]:
    return Counter(e.kind for e in activity.exchanges)


def _engine_takes_negative_production() -> bool:
    """Whether the engine solves a waste treatment's −1 reference (built on wt-engine)."""
    treat = Activity("t", "t", "kg", (Exchange(ExchangeKind.PRODUCTION, "t", -1.0),))
    try:
        system, index = build_inventory_system((treat,), (), {"gwp": {}})
        Engine().lca(system, {index.activity_id("t"): 1.0}, "gwp")
    except Exception:  # the engine's refusal, whatever its class
        return False
    return True


NEGATIVE_PRODUCTION = _engine_takes_negative_production()


def _gwp_score(bundle: LciBundle, key: str, amount: float) -> float:
    method = {f.key: GWP[f.gas] for f in bundle.flows if f.gas in GWP}
    system, index = build_inventory_system(bundle.activities, bundle.flows, {"gwp": method})
    return Engine().lca(system, {index.activity_id(key): amount}, "gwp").score


# --------------------------------------------------------------------------------------
# The sample
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(shared_standards: Path) -> Path:
    return shared_standards / "ecospold" / "sample_ecospold2.xml"


@pytest.fixture
def linked(sample: Path, tmp_path: Path) -> LciBundle:
    """The sample with an authored provider of its 1,1-dimethylcyclopentane input."""
    shutil.copy(sample, tmp_path / "sample.spold")
    _write(
        tmp_path,
        "provider.spold",
        _spold(PROVIDER, "dimethylcyclopentane production", _provider_exchanges()),
    )
    return read_ecospold2(tmp_path)


def test_the_sample_alone_names_its_missing_provider(sample: Path) -> None:
    with pytest.raises(DataFormatError) as caught:
        read_ecospold2(sample)
    message = str(caught.value)
    assert caught.value.source == str(sample)
    assert "line 79: intermediateExchange 2d9db7ac-e8f7-4e40-b317-afeba8848c9b" in message
    assert DIMETHYLCYCLOPENTANE in message
    assert "unlinked='cut-off'" in message


def test_the_sample_with_cut_off(sample: Path) -> None:
    bundle = read_ecospold2(sample, unlinked="cut-off")
    assert bundle.format == "ecospold2"
    assert bundle.source is not None
    assert bundle.source.title == "sample_ecospold2.xml"
    (activity,) = bundle.activities
    assert (activity.key, activity.name, activity.location, activity.unit) == (
        SAMPLE_KEY,
        "Sample",
        "AX",
        "kg",
    )
    assert (activity.reference_product, activity.category) == ("1-pentanol", "0112:Growing of rice")
    assert activity.production_amount == 33.0
    assert _kinds(activity) == {ExchangeKind.PRODUCTION: 1, ExchangeKind.BIOSPHERE: 3}
    assert activity.comment is not None
    assert activity.comment.startswith("sample comment 1\nsample commen 2\n")
    assert (
        "Cut off on import (no provider in the imported set): 1,1-dimethylcyclopentane "
        f"(intermediateExchangeId {DIMETHYLCYCLOPENTANE}): 25 kg"
    ) in activity.comment
    amounts = {e.target: (e.amount, e.unit) for e in activity.exchanges}
    # Resources from nature (inputGroup 4) stay positive, like the emission (outputGroup 4).
    assert amounts == {
        SAMPLE_KEY: (33.0, "kg"),
        RESERVOIR: (22.0, "m3*year"),
        CHLORIDE: (3.0, "kg"),
        PEAT: (2.0, "kg"),
    }


def test_the_sample_flows(sample: Path) -> None:
    flows = {f.key: f for f in read_ecospold2(sample, unlinked="cut-off").flows}
    assert {k: (f.name, f.unit, f.compartment, f.cas) for k, f in flows.items()} == {
        RESERVOIR: ("Volume occupied, reservoir", "m3*year", "natural resource/in water", None),
        CHLORIDE: ("Chloride", "kg", "soil/industrial", "016887-00-6"),
        PEAT: ("Peat, in ground", "kg", "natural resource/biotic", None),
    }
    assert {f.gas for f in flows.values()} == {None}  # the sample has no greenhouse gas


def test_the_sample_uncertainty(sample: Path) -> None:
    (activity,) = read_ecospold2(sample, unlinked="cut-off").activities
    u = {e.target: e.uncertainty for e in activity.exchanges}
    # lognormal: σ² of ln(x) with pedigree = 2.21, so gsd = exp(√2.21) = 4.4221
    assert u[SAMPLE_KEY].distribution == "lognormal"
    assert u[SAMPLE_KEY].gsd == pytest.approx(math.exp(math.sqrt(2.21)), rel=1e-12)
    assert u[RESERVOIR].distribution == "normal"
    assert u[RESERVOIR].sd == pytest.approx(math.sqrt(2), rel=1e-12)  # variance 2
    assert (u[CHLORIDE].distribution, u[CHLORIDE].minimum, u[CHLORIDE].maximum) == ("uniform", 1, 5)
    assert u[PEAT].distribution == "none"  # <undefined>


def test_the_sample_linked_to_a_provider(linked: LciBundle) -> None:
    activities = _by_key(linked)
    sample = activities[SAMPLE_KEY]
    provider = activities[f"{PROVIDER}_{DIMETHYLCYCLOPENTANE}"]
    assert _kinds(sample) == {
        ExchangeKind.PRODUCTION: 1,
        ExchangeKind.TECHNOSPHERE: 1,
        ExchangeKind.BIOSPHERE: 3,
    }
    assert _kinds(provider) == {ExchangeKind.PRODUCTION: 1, ExchangeKind.BIOSPHERE: 5}
    (technosphere,) = [e for e in sample.exchanges if e.kind is ExchangeKind.TECHNOSPHERE]
    assert (technosphere.target, technosphere.amount, technosphere.unit) == (
        provider.key,
        25.0,
        "kg",
    )
    # The sample's triangular (2, 25, 5) cannot hold its amount 25: dropped, and said so.
    assert technosphere.uncertainty.distribution == "none"
    assert technosphere.comment == (
        "Import note: triangular dropped: the amount 25 is not within [2, 5]"
    )
    assert sample.comment == "sample comment 1\nsample commen 2"


def test_gas_mapping_of_the_provider(linked: LciBundle) -> None:
    gases = {f.name: f.gas for f in linked.flows if f.key.startswith("f-")}
    assert gases == {
        "Carbon dioxide, fossil": "CO2",
        "Methane, fossil": "CH4-fossil",
        "Dinitrogen monoxide": "N2O",
        "Carbon dioxide, in air": "CO2-biogenic-uptake",
        "Carbon dioxide": None,  # to water: not a greenhouse-gas emission
    }


def test_the_linked_sample_scores_by_hand(linked: LciBundle) -> None:
    # 33 kg of 1-pentanol (one run of "Sample") takes 25 kg of 1,1-dimethylcyclopentane;
    # 1 kg of that emits 2 kg CO2 + 0.01 kg CH4 (x 29.8) + 0.001 kg N2O (x 273) = 2.571 kg CO2e.
    # The sample's own flows carry no GWP. Score = 25 · 2.571 = 64.275 kg CO2e.
    assert _gwp_score(linked, SAMPLE_KEY, 33.0) == pytest.approx(64.275, rel=1e-12)
    assert _gwp_score(linked, SAMPLE_KEY, 1.0) == pytest.approx(64.275 / 33, rel=1e-12)


def test_a_provider_in_another_unit_converts_or_is_refused(sample: Path, tmp_path: Path) -> None:
    shutil.copy(sample, tmp_path / "sample.spold")
    _write(tmp_path, "provider.spold", _spold(PROVIDER, "p", _provider_exchanges(unit="t")))
    bundle = read_ecospold2(tmp_path, unlinked="cut-off")
    (note,) = [n for n in bundle.notes if n.kind == "unit converted"]
    assert note.exchange.startswith("line 79: ")
    assert note.detail == "kg → t: × 0.001 (pint)"
    _write(tmp_path, "provider.spold", _spold(PROVIDER, "p", _provider_exchanges(unit="MJ")))
    with pytest.raises(
        ImportProblemsError, match=r"line 79: .* in 'kg', but its provider .* in 'MJ'"
    ):
        read_ecospold2(tmp_path)


# --------------------------------------------------------------------------------------
# Broken input
# --------------------------------------------------------------------------------------


def test_truncated_xml_names_the_line(sample: Path, tmp_path: Path) -> None:
    broken = _write(tmp_path, "broken.spold", sample.read_text(encoding="utf-8-sig")[:3000])
    with pytest.raises(DataFormatError, match=r"malformed XML at line \d+") as caught:
        read_ecospold2(broken)
    assert caught.value.source == str(broken)


def test_a_wrong_root_is_named(shared_standards: Path) -> None:
    flow = shared_standards / "ilcd" / "olca-modules" / "flow.xml"
    with pytest.raises(
        DataFormatError,
        match=r"expected an ecoSpold2 activityDataset .* found flowDataSet "
        r"\(namespace http://lca.jrc.it/ILCD/Flow\)",
    ):
        read_ecospold2(flow)


def test_ecospold1_is_refused_with_a_clear_message(shared_standards: Path) -> None:
    with pytest.raises(DataFormatError, match="ecoSpold1 is not supported"):
        read_ecospold2(shared_standards / "ecospold" / "example_ecospold1.xml")


def test_a_missing_amount_names_the_exchange(sample: Path, tmp_path: Path) -> None:
    text = sample.read_text(encoding="utf-8-sig").replace(' amount="25" ', " ", 1)
    broken = _write(tmp_path, "broken.spold", text)
    with pytest.raises(
        DataFormatError,
        match=r"line 79: intermediateExchange 2d9db7ac-e8f7-4e40-b317-afeba8848c9b "
        r"\('1,1-dimethylcyclopentane'\): no amount attribute",
    ):
        read_ecospold2(broken, unlinked="cut-off")


def test_a_non_numeric_amount_is_refused(sample: Path, tmp_path: Path) -> None:
    text = sample.read_text(encoding="utf-8-sig").replace(' amount="22" ', ' amount="lots" ', 1)
    with pytest.raises(
        DataFormatError, match=r"e?lementaryExchange c46dbac6.*expected a number, got 'lots'"
    ):
        read_ecospold2(_write(tmp_path, "broken.spold", text), unlinked="cut-off")


def test_a_missing_unit_names_the_exchange(sample: Path, tmp_path: Path) -> None:
    text = sample.read_text(encoding="utf-8-sig")
    text = text.replace('<unitName xml:lang="en">m3*year</unitName>', "", 1)
    with pytest.raises(
        DataFormatError, match=r"line \d+: elementaryExchange c46dbac6.*no unitName"
    ):
        read_ecospold2(_write(tmp_path, "broken.spold", text), unlinked="cut-off")


def test_missing_paths_and_empty_directories(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file or directory"):
        read_ecospold2(tmp_path / "absent.spold")
    with pytest.raises(DataFormatError, match=r"no \.spold or \.xml files"):
        read_ecospold2(tmp_path)
    with pytest.raises(ValueError, match="unlinked"):
        read_ecospold2(tmp_path, unlinked="ignore")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Conventions, on authored datasets (no shared samples needed)
# --------------------------------------------------------------------------------------

TREATMENT, CONSUMER, WASTE, WIDGET = "a-treat", "a-make", "p-waste", "p-widget"


def test_a_treatment_keeps_its_published_sign(tmp_path: Path) -> None:
    # ecoinvent and Brightway: the treatment's reference is -1 kg of waste; the consumer's
    # waste is a negative input (-0.2 kg, uniform -0.3..-0.1). Both are kept as given.
    uniform = '<uncertainty><uniform minValue="-0.3" maxValue="-0.1"/></uncertainty>'
    _write(
        tmp_path,
        "treat.spold",
        _spold(
            TREATMENT,
            "treatment of waste",
            _intermediate(WASTE, "waste", -1, "outputGroup 0")
            + _elementary("co2", "Carbon dioxide, fossil", 0.5),
        ),
    )
    _write(
        tmp_path,
        "make.spold",
        _spold(
            CONSUMER,
            "widget production",
            _intermediate(WIDGET, "widget", 1, "outputGroup 0")
            + _intermediate(WASTE, "waste", -0.2, "inputGroup 5", uncertainty=uniform),
        ),
    )
    bundle = read_ecospold2(tmp_path)
    activities = _by_key(bundle)
    treat, make = activities[f"{TREATMENT}_{WASTE}"], activities[f"{CONSUMER}_{WIDGET}"]
    assert treat.production_amount == -1.0
    (demand,) = [e for e in make.exchanges if e.kind is ExchangeKind.TECHNOSPHERE]
    assert (demand.target, demand.amount) == (treat.key, -0.2)
    assert (demand.uncertainty.minimum, demand.uncertainty.maximum) == (-0.3, -0.1)
    if not NEGATIVE_PRODUCTION:
        pytest.skip("the engine does not take negative reference production yet (wt-engine)")
    # 1 widget: 0.2 kg treated x 0.5 kg CO2 = 0.1 kg CO2e, as Brightway computes it.
    assert _gwp_score(bundle, make.key, 1.0) == pytest.approx(0.1, rel=1e-12)
    # The treatment's own reference product (1 kg of waste, "−1 kg treated"): -0.5.
    assert _gwp_score(bundle, treat.key, 1.0) == pytest.approx(-0.5, rel=1e-12)


def test_by_products_are_refused_unless_zero_or_reference_only(tmp_path: Path) -> None:
    exchanges = _intermediate(WIDGET, "widget", 1, "outputGroup 0") + _intermediate(
        "p-chips", "wood chips", 0, "outputGroup 2"
    )
    bundle = read_ecospold2(_write(tmp_path, "zero.spold", _spold(CONSUMER, "w", exchanges)))
    assert _kinds(bundle.activities[0]) == {ExchangeKind.PRODUCTION: 1}
    exchanges = exchanges.replace('amount="0"', 'amount="0.3"')
    path = _write(tmp_path, "zero.spold", _spold(CONSUMER, "w", exchanges))
    with pytest.raises(
        ImportProblemsError, match=r"line \d+: .*'wood chips'.*outputGroup 2.*reference-only"
    ):
        read_ecospold2(path)
    bundle = read_ecospold2(path, policy=ImportPolicy(multi_output="reference-only"))
    assert _kinds(bundle.activities[0]) == {ExchangeKind.PRODUCTION: 1}
    (note,) = bundle.notes
    assert (note.kind, note.detail) == (
        "co-product dropped",
        "outputGroup 2, 0.3 kg dropped: the reference product carries every input and emission",
    )


def test_activity_link_ids_choose_among_providers(tmp_path: Path) -> None:
    for activity in ("a-one", "a-two"):
        exchanges = _intermediate(WIDGET, "widget", 1, "outputGroup 0")
        _write(tmp_path, f"{activity}.spold", _spold(activity, activity, exchanges))
    consumer = _intermediate("p-box", "box", 1, "outputGroup 0") + _intermediate(
        WIDGET, "widget", 4, "inputGroup 5", link="a-two"
    )
    _write(tmp_path, "box.spold", _spold("a-box", "box", consumer))
    box = _by_key(read_ecospold2(tmp_path))["a-box_p-box"]
    assert [e.target for e in box.exchanges if e.kind is ExchangeKind.TECHNOSPHERE] == [
        f"a-two_{WIDGET}"
    ]
    _write(
        tmp_path,
        "box.spold",
        _spold("a-box", "box", consumer.replace(' activityLinkId="a-two"', "")),
    )
    with pytest.raises(
        DataFormatError, match=re.escape("no activityLinkId and 2 activities produce it")
    ):
        read_ecospold2(tmp_path)


def test_the_same_activity_twice_is_refused(tmp_path: Path) -> None:
    text = _spold(CONSUMER, "w", _intermediate(WIDGET, "widget", 1, "outputGroup 0"))
    _write(tmp_path, "a.spold", text)
    _write(tmp_path, "b.xml", text)
    with pytest.raises(DataFormatError, match=f"activity {CONSUMER}_{WIDGET} is also in .*a.spold"):
        read_ecospold2(tmp_path)


def test_lognormal_with_pedigree_and_normal_variances(tmp_path: Path) -> None:
    lognormal = (
        '<uncertainty><lognormal meanValue="2" mu="0.693" variance="0.04" '
        'varianceWithPedigreeUncertainty="0.09"/>'
        '<pedigreeMatrix reliability="2" completeness="2" temporalCorrelation="1" '
        'geographicalCorrelation="1" furtherTechnologyCorrelation="3"/></uncertainty>'
    )
    exchanges = _intermediate(WIDGET, "widget", 2, "outputGroup 0", uncertainty=lognormal)
    (activity,) = read_ecospold2(
        _write(tmp_path, "w.spold", _spold(CONSUMER, "w", exchanges))
    ).activities
    # σ = √0.09 = 0.3 (the variance with pedigree), gsd = e^0.3
    assert activity.exchanges[0].uncertainty.gsd == pytest.approx(math.exp(0.3), rel=1e-12)
