"""The public directory's rules: when two certified footprints may be compared, and
what an evidence pack's manifest must say about its files.

A footprint is a number per declared unit under a category's accounting rule; two
numbers are comparable only when both the category and the declared unit are the same
(ISO 14067:2018 §6.3.3, ISO/TS 14027: comparisons need the same functional or declared
unit and the same product category rules). Anything else is refused with the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from tanji.domain.reasons import Reason

__all__ = [
    "MANIFEST",
    "PACK_TYPE",
    "DirectoryReason",
    "ManifestFile",
    "compare_problems",
    "manifest_of",
    "manifest_problems",
]

#: The manifest's name inside an evidence pack, and its ``type``.
MANIFEST = "manifest.json"
PACK_TYPE = "tanji.evidence-pack.v1"


@dataclass(frozen=True)
class DirectoryReason(Reason):
    CATALOGUE: ClassVar[Mapping[str, str]] = {
        "directory.compare.category": (
            "These products are in different categories ({a} and {b}); a carbon footprint "
            "can only be compared within one product category."
        ),
        "directory.compare.unit": (
            "These footprints are per different declared units ({a} and {b}); compare only "
            "footprints per the same declared unit."
        ),
        "directory.compare.same": "Choose two different products to compare.",
    }


def compare_problems(
    a_category: str, a_unit: str, b_category: str, b_unit: str, *, same: bool = False
) -> list[DirectoryReason]:
    """Why two footprints may not be compared (empty when they may)."""
    problems = []
    if same:
        problems.append(DirectoryReason("directory.compare.same"))
    if a_category != b_category:
        problems.append(
            DirectoryReason("directory.compare.category", {"a": a_category, "b": b_category})
        )
    if a_unit != b_unit:
        problems.append(DirectoryReason("directory.compare.unit", {"a": a_unit, "b": b_unit}))
    return problems


@dataclass(frozen=True)
class ManifestFile:
    name: str
    media_type: str
    description: str
    content: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "description": self.description,
            "size": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
        }


def manifest_of(subject: Mapping[str, Any], files: list[ManifestFile]) -> dict[str, Any]:
    """The manifest: what the pack is about and every file with its SHA-256 and size."""
    return {"type": PACK_TYPE, "subject": dict(subject), "files": [f.as_json() for f in files]}


def manifest_problems(manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> list[str]:
    """What is wrong between ``manifest`` and the pack's ``files`` (name → bytes, the
    manifest itself excluded): a missing, changed or unlisted file, a wrong size."""
    if manifest.get("type") != PACK_TYPE:
        return [f'The manifest is not an evidence pack manifest ("type" is not "{PACK_TYPE}").']
    listed = manifest.get("files")
    if not isinstance(listed, list) or not listed:
        return ["The manifest lists no files."]
    problems = []
    names = set()
    for item in listed:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            problems.append("The manifest has an entry without a file name.")
            continue
        name = item["name"]
        names.add(name)
        content = files.get(name)
        if content is None:
            problems.append(f"{name}: listed in the manifest but missing from the pack.")
            continue
        if item.get("size") != len(content):
            problems.append(f"{name}: {len(content)} bytes, the manifest says {item.get('size')}.")
        if item.get("sha256") != hashlib.sha256(content).hexdigest():
            problems.append(f"{name}: its SHA-256 is not the manifest's; the file was changed.")
    problems.extend(
        f"{name}: in the pack but not listed in the manifest."
        for name in sorted(set(files) - names)
    )
    return problems
