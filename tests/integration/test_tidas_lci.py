"""TIDAS LCI data in: the ILCD samples' set (tests/integration/test_ilcd.py's zip with
authored processes) mapped to TIDAS JSON reads as the same LCI bundle as the ILCD it maps;
TianGong's example process, whose flows are not in the set, is refused naming them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tests.integration.test_ilcd import archive, modules  # noqa: F401  (fixtures)

from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.exchange import read_tidas_bundle
from tanji.io.exchange._tidas import to_json
from tanji.io.ilcd import read_ilcd


def test_tidas_reads_as_the_ilcd_it_maps(archive: Path, tmp_path: Path) -> None:  # noqa: F811
    tidas = tmp_path / "tidas.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tidas, "w") as dst:
        for name in src.namelist():
            root = etree.fromstring(src.read(name))
            if not etree.QName(root).localname.endswith("DataSet"):
                continue  # ILCDLocations.xml: not a dataset
            dst.writestr(
                name.removeprefix("ILCD/").replace(".xml", ".json"), json.dumps(to_json(root))
            )
    ilcd, mapped = read_ilcd(archive), read_tidas_bundle(tidas)
    assert mapped.format == "tidas-lci"
    by_key = {a.key: a for a in ilcd.activities}
    assert {a.key for a in mapped.activities} == set(by_key)
    for activity in mapped.activities:
        assert activity == by_key[activity.key]
    assert sorted(mapped.flows, key=lambda f: f.key) == sorted(ilcd.flows, key=lambda f: f.key)


def test_the_tiangong_example_process_names_its_missing_flows(
    shared_standards: Path, tmp_path: Path
) -> None:
    examples = shared_standards / "tidas" / "examples"
    folder = tmp_path / "tiangong"
    folder.mkdir()
    for name in ("process", "flow", "contact", "model"):
        (folder / f"{name}.json").write_bytes(
            (examples / f"tidas-example-{name}.json").read_bytes()
        )
    with pytest.raises((ImportProblemsError, DataFormatError)) as refused:
        read_tidas_bundle(folder)
    assert "890a70b7-b677-4e2a-8a1b-7d017e0a10ae" in str(refused.value)  # a flow it uses
