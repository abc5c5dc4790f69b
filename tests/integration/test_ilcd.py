"""ILCD in: the olca-modules samples (flat folder, and in an ILCD zip with authored
processes), EPD samples refused, conventions on authored data sets, broken input."""

from __future__ import annotations

import math
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tanji.domain.inventory import build_inventory_system
from tanji.domain.lci import Activity, ExchangeKind, LciBundle
from tanji.engine import Engine
from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.ilcd import read_ilcd
from tanji.io.policy import ImportPolicy

ABS = "76d6aaa4-37e2-40b2-994c-03292b600074"  # process.xml: ABS granulate, reference exchange 0
GLYCIDOL = "0d7a3ad1-6556-11dd-ad8b-0800200c9a66"  # flow.xml, the ABS process's reference flow
MASS = "93a60a56-a3c8-11da-a746-0800200b9a66"  # flowproperty.xml
UNITS_OF_MASS = "93a60a57-a4c8-11da-a746-0800200c9a66"  # unit.xml, reference unit kg
GWP = {"CO2": 1.0, "CH4-fossil": 29.8, "N2O": 273.0}

SHEET, COIL = "11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"
P_SHEET, P_COIL = "22222222-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"
CO2, CH4, N2O, CO2_AIR = (f"33333333-0000-4000-8000-00000000000{i}" for i in range(1, 5))

PROCESS_NS = 'xmlns="http://lca.jrc.it/ILCD/Process" xmlns:common="http://lca.jrc.it/ILCD/Common"'


# --------------------------------------------------------------------------------------
# Authored data sets: the smallest ILCD the reader accepts
# --------------------------------------------------------------------------------------


def _exchange(
    internal_id: int,
    flow: str,
    direction: str,
    amount: float | None,
    extra: str = "",
) -> str:
    value = "" if amount is None else f"<meanAmount>{amount}</meanAmount>"
    return (
        f'<exchange dataSetInternalID="{internal_id}">'
        f'<referenceToFlowDataSet type="flow data set" refObjectId="{flow}"/>'
        f"<exchangeDirection>{direction}</exchangeDirection>{value}{extra}</exchange>"
    )


def _process(uuid: str, name: str, exchanges: list[str], reference: int = 0) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<processDataSet {PROCESS_NS} version="1.1">
  <processInformation>
    <dataSetInformation>
      <common:UUID>{uuid}</common:UUID>
      <name><baseName xml:lang="en">{name}</baseName></name>
    </dataSetInformation>
    <quantitativeReference type="Reference flow(s)">
      <referenceToReferenceFlow>{reference}</referenceToReferenceFlow>
    </quantitativeReference>
    <geography><locationOfOperationSupplyOrProduction location="CN"/></geography>
  </processInformation>
  <modellingAndValidation><LCIMethodAndAllocation>
    <typeOfDataSet>Unit process, single operation</typeOfDataSet>
  </LCIMethodAndAllocation></modellingAndValidation>
  <exchanges>{"".join(exchanges)}</exchanges>
</processDataSet>
"""


def _flow(
    uuid: str,
    name: str,
    kind: str,
    categories: tuple[str, ...] = (),
    cas: str = "",
    property_mean: float = 1.0,
    flow_property: str = MASS,
) -> str:
    tags = "".join(
        f'<common:category level="{i}">{c}</common:category>' for i, c in enumerate(categories)
    )
    classification = (
        f"<classificationInformation><common:elementaryFlowCategorization>{tags}"
        "</common:elementaryFlowCategorization></classificationInformation>"
        if categories
        else ""
    )
    cas_element = f"<CASNumber>{cas}</CASNumber>" if cas else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<flowDataSet xmlns="http://lca.jrc.it/ILCD/Flow" xmlns:common="http://lca.jrc.it/ILCD/Common"
    version="1.1">
  <flowInformation>
    <dataSetInformation>
      <common:UUID>{uuid}</common:UUID>
      <name><baseName xml:lang="en">{name}</baseName></name>
      {classification}{cas_element}
    </dataSetInformation>
    <quantitativeReference><referenceToReferenceFlowProperty>0</referenceToReferenceFlowProperty>
    </quantitativeReference>
  </flowInformation>
  <modellingAndValidation><LCIMethod><typeOfDataSet>{kind}</typeOfDataSet></LCIMethod>
  </modellingAndValidation>
  <flowProperties>
    <flowProperty dataSetInternalID="0">
      <referenceToFlowPropertyDataSet type="flow property data set" refObjectId="{flow_property}">
        <common:shortDescription xml:lang="en">Mass</common:shortDescription>
      </referenceToFlowPropertyDataSet>
      <meanValue>{property_mean}</meanValue>
    </flowProperty>
  </flowProperties>
</flowDataSet>
"""


AIR = ("Emissions", "Emissions to air", "Emissions to air, unspecified")


def _flows() -> dict[str, str]:
    return {
        P_SHEET: _flow(P_SHEET, "steel sheet", "Product flow"),
        P_COIL: _flow(P_COIL, "hot rolled coil", "Product flow"),
        CO2: _flow(CO2, "carbon dioxide (fossil)", "Elementary flow", AIR, "000124-38-9"),
        CH4: _flow(CH4, "methane (fossil)", "Elementary flow", AIR, "74-82-8"),
        N2O: _flow(N2O, "nitrous oxide", "Elementary flow", AIR, "10024-97-2"),
        CO2_AIR: _flow(
            CO2_AIR,
            "carbon dioxide (biogenic)",
            "Elementary flow",
            ("Resources", "Resources from air"),
            "124-38-9",
        ),
    }


def _processes() -> dict[str, str]:
    lognormal = (
        "<uncertaintyDistributionType>log-normal</uncertaintyDistributionType>"
        "<relativeStandardDeviation95In>1.21</relativeStandardDeviation95In>"
    )
    return {
        SHEET: _process(
            SHEET,
            "steel sheet rolling",
            [
                _exchange(0, P_SHEET, "Output", 1),
                _exchange(1, P_COIL, "Input", 2),
                _exchange(2, CO2, "Output", 0.5, lognormal),
                _exchange(3, CO2_AIR, "Input", 0.2),
            ],
        ),
        COIL: _process(
            COIL,
            "hot rolling",
            [
                _exchange(0, P_COIL, "Output", 1),
                _exchange(1, CO2, "Output", 1.8),
                _exchange(2, CH4, "Output", 0.004),
                _exchange(3, N2O, "Output", 0.0001),
            ],
        ),
    }


def _zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def _kinds(activity: Activity) -> Counter[ExchangeKind]:
    return Counter(e.kind for e in activity.exchanges)


def _by_key(bundle: LciBundle) -> dict[str, Activity]:
    return {a.key: a for a in bundle.activities}


# --------------------------------------------------------------------------------------
# The samples
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modules(shared_standards: Path) -> Path:
    return shared_standards / "ilcd" / "olca-modules"


@pytest.fixture
def archive(modules: Path, tmp_path: Path) -> Path:
    """An ILCD zip: the samples' files in their folders, with authored flows and processes."""
    files: dict[str, str | bytes] = {
        "ILCD/processes/abs.xml": (modules / "process.xml").read_bytes(),
        "ILCD/flows/glycidol.xml": (modules / "flow.xml").read_bytes(),
        "ILCD/flowproperties/mass.xml": (modules / "flowproperty.xml").read_bytes(),
        "ILCD/unitgroups/mass.xml": (modules / "unit.xml").read_bytes(),
        "ILCD/contacts/contact.xml": (modules / "contact.xml").read_bytes(),
        "ILCD/sources/source.xml": (modules / "source.xml").read_bytes(),
        "ILCD/ILCDLocations.xml": '<ILCDLocations xmlns="http://lca.jrc.it/ILCD/Locations"/>',
    }
    files |= {f"ILCD/flows/{k}.xml": v for k, v in _flows().items()}
    files |= {f"ILCD/processes/{k}.xml": v for k, v in _processes().items()}
    return _zip(tmp_path / "steel.zip", files)


def test_the_flat_sample_folder(modules: Path) -> None:
    bundle = read_ilcd(modules)
    assert bundle.format == "ilcd"
    (activity,) = bundle.activities
    assert (activity.key, activity.name, activity.location, activity.unit) == (
        ABS,
        "Acrylonitrile-Butadiene-Styrene granulate (ABS)",
        "RER",
        "kg",  # glycidol → Mass → Units of mass, reference unit 0 = kg (not the first, lb av)
    )
    # The test sample's reference flow is the glycidol flow: it is the quantitative
    # reference whatever its type, so it is the production of the activity.
    assert (activity.reference_product, activity.category) == (
        "glycidol",
        "Materials production/Plastics",
    )
    assert _kinds(activity) == {ExchangeKind.PRODUCTION: 1}
    assert activity.production_amount == 1.0
    assert activity.comment is not None
    assert activity.comment.startswith("Raw data for polymerization")
    assert bundle.flows == ()


def test_the_zip_with_authored_processes(archive: Path) -> None:
    bundle = read_ilcd(archive)
    activities = _by_key(bundle)
    assert set(activities) == {ABS, SHEET, COIL}
    sheet, coil = activities[SHEET], activities[COIL]
    assert _kinds(sheet) == {
        ExchangeKind.PRODUCTION: 1,
        ExchangeKind.TECHNOSPHERE: 1,
        ExchangeKind.BIOSPHERE: 2,
    }
    assert _kinds(coil) == {ExchangeKind.PRODUCTION: 1, ExchangeKind.BIOSPHERE: 3}
    assert [(e.kind, e.target, e.amount, e.unit) for e in sheet.exchanges] == [
        (ExchangeKind.PRODUCTION, SHEET, 1.0, "kg"),
        (ExchangeKind.TECHNOSPHERE, COIL, 2.0, "kg"),
        (ExchangeKind.BIOSPHERE, CO2, 0.5, "kg"),
        (ExchangeKind.BIOSPHERE, CO2_AIR, 0.2, "kg"),  # a resource: positive, like ILCD
    ]
    # log-normal: relativeStandardDeviation95In = SDg² = 1.21, so gsd = 1.1
    co2 = sheet.exchanges[2].uncertainty
    assert co2.distribution == "lognormal"
    assert co2.gsd == pytest.approx(1.1, rel=1e-12)


def test_gas_mapping(archive: Path) -> None:
    flows = {f.key: f for f in read_ilcd(archive).flows}
    assert {k: f.gas for k, f in flows.items()} == {
        CO2: "CO2",
        CH4: "CH4-fossil",
        N2O: "N2O",
        CO2_AIR: "CO2-biogenic-uptake",  # a resource: taken from air, not emitted
    }
    assert flows[CO2].compartment == "Emissions/Emissions to air/Emissions to air, unspecified"
    assert flows[CO2].cas == "000124-38-9"


def test_the_zip_scores_by_hand(archive: Path) -> None:
    # 1 kg sheet: 0.5 kg CO2 + 2 kg coil; 1 kg coil: 1.8 kg CO2 + 0.004 kg CH4 (x 29.8)
    # + 0.0001 kg N2O (x 273) = 1.8 + 0.1192 + 0.0273 = 1.9465 kg CO2e. The CO2 taken from
    # air has no factor in this method. Score = 0.5 + 2 · 1.9465 = 4.393 kg CO2e.
    bundle = read_ilcd(archive)
    method = {f.key: GWP[f.gas] for f in bundle.flows if f.gas in GWP}
    system, index = build_inventory_system(bundle.activities, bundle.flows, {"gwp": method})
    result = Engine().lca(system, {index.activity_id(SHEET): 1.0}, "gwp")
    assert result.score == pytest.approx(4.393, rel=1e-12)


@pytest.mark.parametrize("name", ["sdk_sample_epd.xml", "epd-v1.3-example.xml"])
def test_epds_are_refused(shared_standards: Path, tmp_path: Path, name: str) -> None:
    shutil.copy(shared_standards / "ilcd" / "olca-ilcd" / name, tmp_path / name)
    with pytest.raises(DataFormatError, match=r"line \d+: process 57a4ae65-.* is an EPD") as caught:
        read_ilcd(tmp_path)
    assert caught.value.source == str(tmp_path / name)


# --------------------------------------------------------------------------------------
# Broken input
# --------------------------------------------------------------------------------------


def _sample_folder(modules: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "ilcd"
    shutil.copytree(modules, folder)
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)  # the shared samples are read-only
    return folder


def test_truncated_xml_names_the_line(modules: Path, tmp_path: Path) -> None:
    folder = _sample_folder(modules, tmp_path)
    process = folder / "process.xml"
    process.write_bytes(process.read_bytes()[:4000])
    with pytest.raises(DataFormatError, match=r"malformed XML at line \d+") as caught:
        read_ilcd(folder)
    assert caught.value.source == str(process)


def test_a_missing_amount_names_process_exchange_and_line(modules: Path, tmp_path: Path) -> None:
    folder = _sample_folder(modules, tmp_path)
    process = folder / "process.xml"
    text = process.read_text(encoding="utf-8")
    for tag in ("meanAmount", "resultingAmount"):
        text = text.replace(f"<{tag}>1.0</{tag}>", "")
    process.write_text(text, encoding="utf-8")
    with pytest.raises(
        DataFormatError,
        match=rf"line \d+: process {ABS}, exchange 0: no resultingAmount or meanAmount",
    ):
        read_ilcd(folder)


def test_an_unknown_reference_unit_is_refused(modules: Path, tmp_path: Path) -> None:
    folder = _sample_folder(modules, tmp_path)
    unit = folder / "unit.xml"
    text = unit.read_text(encoding="utf-8").replace(
        "<ns2:referenceToReferenceUnit>0<", "<ns2:referenceToReferenceUnit>99<"
    )
    unit.write_text(text, encoding="utf-8")
    with pytest.raises(
        DataFormatError,
        match=rf"unit group {UNITS_OF_MASS}: no named unit with dataSetInternalID '99'",
    ) as caught:
        read_ilcd(folder)
    assert caught.value.source == str(unit)


def test_a_missing_flow_property_is_named(modules: Path, tmp_path: Path) -> None:
    folder = _sample_folder(modules, tmp_path)
    (folder / "flowproperty.xml").unlink()
    with pytest.raises(
        DataFormatError, match=rf"line \d+: refers to flow property {MASS} \('Mass'\)"
    ) as caught:
        read_ilcd(folder)
    assert caught.value.source == str(folder / "flow.xml")


def test_not_ilcd(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file or directory"):
        read_ilcd(tmp_path / "absent.zip")
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(DataFormatError, match="expected an ILCD zip or a directory"):
        read_ilcd(text)
    with pytest.raises(DataFormatError, match=r"no ILCD process data set"):
        read_ilcd(tmp_path)


# --------------------------------------------------------------------------------------
# Conventions, on authored data sets (no shared samples needed)
# --------------------------------------------------------------------------------------

UNIT_GROUP = f"""<?xml version="1.0"?>
<unitGroupDataSet xmlns="http://lca.jrc.it/ILCD/UnitGroup"
    xmlns:common="http://lca.jrc.it/ILCD/Common" version="1.1">
  <unitGroupInformation>
    <dataSetInformation><common:UUID>{UNITS_OF_MASS}</common:UUID></dataSetInformation>
    <quantitativeReference><referenceToReferenceUnit>1</referenceToReferenceUnit>
    </quantitativeReference>
  </unitGroupInformation>
  <units>
    <unit dataSetInternalID="0"><name>g</name><meanValue>0.001</meanValue></unit>
    <unit dataSetInternalID="1"><name>kg</name><meanValue>1</meanValue></unit>
  </units>
</unitGroupDataSet>
"""
FLOW_PROPERTY = f"""<?xml version="1.0"?>
<flowPropertyDataSet xmlns="http://lca.jrc.it/ILCD/FlowProperty"
    xmlns:common="http://lca.jrc.it/ILCD/Common" version="1.1">
  <flowPropertiesInformation>
    <dataSetInformation><common:UUID>{MASS}</common:UUID></dataSetInformation>
    <quantitativeReference>
      <referenceToReferenceUnitGroup type="unit group data set" refObjectId="{UNITS_OF_MASS}"/>
    </quantitativeReference>
  </flowPropertiesInformation>
</flowPropertyDataSet>
"""
WASTE, TREAT = "44444444-0000-4000-8000-000000000001", "44444444-0000-4000-8000-000000000002"


def _authored(tmp_path: Path, processes: dict[str, str], flows: dict[str, str]) -> Path:
    files: dict[str, str | bytes] = {
        "ILCD/unitgroups/mass.xml": UNIT_GROUP,
        "ILCD/flowproperties/mass.xml": FLOW_PROPERTY,
    }
    files |= {f"ILCD/flows/{k}.xml": v for k, v in flows.items()}
    files |= {f"ILCD/processes/{k}.xml": v for k, v in processes.items()}
    return _zip(tmp_path / "authored.zip", files)


def test_waste_treatment_is_a_service_demanded_by_waste_outputs(tmp_path: Path) -> None:
    # The treatment's reference is its waste input (1 kg); the sheet's 0.3 kg waste output
    # is a demand of 0.3 kg of treatment. 1 kg treated emits 0.1 kg CO2.
    flows = _flows() | {WASTE: _flow(WASTE, "steel scrap", "Waste flow")}
    treat = _process(
        TREAT,
        "scrap treatment",
        [_exchange(0, WASTE, "Input", 1), _exchange(1, CO2, "Output", 0.1)],
    )
    sheet = _process(
        SHEET, "sheet", [_exchange(0, P_SHEET, "Output", 1), _exchange(1, WASTE, "Output", 0.3)]
    )
    bundle = read_ilcd(_authored(tmp_path, {TREAT: treat, SHEET: sheet}, flows))
    activities = _by_key(bundle)
    assert activities[TREAT].production_amount == 1.0
    assert [(e.kind, e.target, e.amount) for e in activities[SHEET].exchanges][1:] == [
        (ExchangeKind.TECHNOSPHERE, TREAT, 0.3)
    ]


def test_unlinked_inputs_error_or_cut_off(tmp_path: Path) -> None:
    sheet = _processes()[SHEET]
    path = _authored(tmp_path, {SHEET: sheet}, _flows())
    with pytest.raises(
        DataFormatError,
        match=rf"process {SHEET}\) \| line \d+: exchange 1 \('hot rolled coil', flow {P_COIL}\) "
        r"\| expected a process with this flow as its reference flow",
    ):
        read_ilcd(path)
    (activity,) = read_ilcd(path, unlinked="cut-off").activities
    assert _kinds(activity) == {ExchangeKind.PRODUCTION: 1, ExchangeKind.BIOSPHERE: 2}
    assert activity.comment == (
        "Cut off on import (no provider in the imported set): "
        f"hot rolled coil (flow {P_COIL}): 2 kg"
    )


def test_co_products_are_refused_or_dropped_by_policy(tmp_path: Path) -> None:
    both = _process(
        SHEET, "sheet", [_exchange(0, P_SHEET, "Output", 1), _exchange(1, P_COIL, "Output", 0.2)]
    )
    path = _authored(tmp_path, {SHEET: both}, _flows())
    with pytest.raises(ImportProblemsError, match=r"a second function .* reference-only"):
        read_ilcd(path)
    bundle = read_ilcd(path, policy=ImportPolicy(multi_output="reference-only"))
    assert _kinds(bundle.activities[0]) == {ExchangeKind.PRODUCTION: 1}
    (note,) = bundle.notes
    assert note.kind == "co-product dropped"
    assert note.detail.startswith("0.2 kg dropped")


def test_uncertainty_and_flow_property_factor(tmp_path: Path) -> None:
    normal = (
        "<uncertaintyDistributionType>normal</uncertaintyDistributionType>"
        "<relativeStandardDeviation95In>0.4</relativeStandardDeviation95In>"
    )
    triangular = (
        "<minimumAmount>1.5</minimumAmount><maximumAmount>3</maximumAmount>"
        "<uncertaintyDistributionType>triangular</uncertaintyDistributionType>"
    )
    bad = (
        "<minimumAmount>5</minimumAmount><maximumAmount>6</maximumAmount>"
        "<uncertaintyDistributionType>uniform</uncertaintyDistributionType>"
    )
    # "half-mass": 1 unit of this flow is 0.5 kg (meanValue of its reference flow property)
    half = "55555555-0000-4000-8000-000000000001"
    flows = _flows() | {half: _flow(half, "half", "Elementary flow", AIR, property_mean=0.5)}
    process = _process(
        SHEET,
        "sheet",
        [
            _exchange(0, P_SHEET, "Output", 1),
            _exchange(1, CO2, "Output", 2, normal),
            _exchange(2, CH4, "Output", 2, triangular),
            _exchange(3, N2O, "Output", 2, bad),
            _exchange(4, half, "Output", 4, triangular.replace(">3<", ">5<")),
        ],
    )
    (activity,) = read_ilcd(_authored(tmp_path, {SHEET: process}, flows)).activities
    co2, ch4, n2o, scaled = activity.exchanges[1:]
    assert (co2.uncertainty.distribution, co2.uncertainty.sd) == ("normal", 0.2)  # 2·SD = 0.4
    assert (ch4.uncertainty.minimum, ch4.uncertainty.maximum) == (1.5, 3.0)
    assert n2o.uncertainty.distribution == "none"
    assert n2o.comment == "Import note: uniform dropped: the amount 2 is not within [5, 6]"
    # 4 units x 0.5 kg = 2 kg, with the triangle's bounds scaled alike (1.5..5 → 0.75..2.5)
    assert (scaled.amount, scaled.unit) == (2.0, "kg")
    assert (scaled.uncertainty.minimum, scaled.uncertainty.maximum) == (0.75, 2.5)
    assert math.isclose(activity.production_amount, 1.0)
