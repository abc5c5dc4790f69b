"""The directory's rules: comparability and the evidence pack's manifest check."""

from __future__ import annotations

import hashlib

from tanji.domain.directory import (
    PACK_TYPE,
    ManifestFile,
    compare_problems,
    manifest_of,
    manifest_problems,
)


def test_only_the_same_category_and_declared_unit_compare() -> None:
    assert compare_problems("battery", "1 kWh", "battery", "1 kWh") == []
    keys = [r.key for r in compare_problems("battery", "1 kWh", "cement", "1 t")]
    assert keys == ["directory.compare.category", "directory.compare.unit"]
    (unit,) = compare_problems("battery", "1 kWh", "battery", "1 piece")
    assert unit.english() == (
        "These footprints are per different declared units (1 kWh and 1 piece); compare "
        "only footprints per the same declared unit."
    )
    assert [r.key for r in compare_problems("a", "u", "a", "u", same=True)] == [
        "directory.compare.same"
    ]


def test_the_manifest_names_every_file_with_its_hash_and_size() -> None:
    files = [ManifestFile("a.json", "application/json", "A", b'{"a": 1}'),
             ManifestFile("b.pdf", "application/pdf", "B", b"%PDF-1.7 ...")]  # fmt: skip
    manifest = manifest_of({"certificate": "CFP-1"}, files)
    assert manifest["type"] == PACK_TYPE
    assert manifest["files"][0] == {
        "name": "a.json", "media_type": "application/json", "description": "A", "size": 8,
        "sha256": hashlib.sha256(b'{"a": 1}').hexdigest(),
    }  # fmt: skip
    contents = {f.name: f.content for f in files}
    assert manifest_problems(manifest, contents) == []


def test_a_changed_missing_or_extra_file_is_found() -> None:
    files = [ManifestFile("a.json", "application/json", "A", b'{"a": 1}'),
             ManifestFile("b.pdf", "application/pdf", "B", b"%PDF-1.7 ...")]  # fmt: skip
    manifest = manifest_of({}, files)
    changed = {"a.json": b'{"a": 2}', "b.pdf": b"%PDF-1.7 ..."}
    assert manifest_problems(manifest, changed) == [
        "a.json: its SHA-256 is not the manifest's; the file was changed."
    ]
    longer = {"a.json": b'{"a": 10}', "b.pdf": b"%PDF-1.7 ..."}
    assert len(manifest_problems(manifest, longer)) == 2  # size and hash
    missing = {"a.json": b'{"a": 1}'}
    assert manifest_problems(manifest, missing) == [
        "b.pdf: listed in the manifest but missing from the pack."
    ]
    extra = {"a.json": b'{"a": 1}', "b.pdf": b"%PDF-1.7 ...", "c.txt": b"x"}
    assert manifest_problems(manifest, extra) == [
        "c.txt: in the pack but not listed in the manifest."
    ]
    assert manifest_problems({"type": "other"}, {})[0].startswith("The manifest is not")
