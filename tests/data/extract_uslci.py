"""Write ``uslci-1.5-jsonld.tar.xz`` (the US LCI database's openLCA JSON-LD export, minus
its documentation text) and ``uslci-fy18q1-ecospold2.tar.xz`` (its ecoSpold2 export of
FY18 Q1 from openLCA 1.5, unchanged).

Usage (from the repository root)::

    python tests/data/extract_uslci.py USLCI_GIT

``USLCI_GIT`` is a clone (or bare mirror) of github.com/FLCAC-admin/uslci-content (MIT
licence, see ``SOURCES.md``); the export read is its folder
``downloads/uslci_olca1_5_0_json_ld`` (openLCA 1.5 JSON-LD: 766 processes), at the commit
``git rev-parse HEAD`` prints. Every number is kept as published; what is left out changes
no amount, unit, link or category:

- ``actors/`` and ``sources/`` (people and references of the documentation);
- ``processDocumentation`` and the ``description`` of processes, exchanges and flows;
- flows no process uses (none in this export: its 4,601 flows are all used).

The JSON is written without indentation into a tar (sorted, no dates) compressed with xz:
1.2 MB instead of 24 MB (a zip of the same files is 5.6 MB: it compresses file by file).
Unpacked, the folder is what ``tanji data import --format olca-jsonld`` reads.

The ecoSpold2 export is ``downloads/uslci_fy18_q1_01_olca1_5_ecospold2.zip`` (767
``.spold`` files), repacked file for file into a tar.xz: 0.9 MB instead of 4.1 MB.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

FOLDER = "downloads/uslci_olca1_5_0_json_ld"
ECOSPOLD2 = "downloads/uslci_fy18_q1_01_olca1_5_ecospold2.zip"
KEEP = ("categories", "flow_properties", "flows", "locations", "processes", "unit_groups")


def _git(repo: Path, *args: str) -> bytes:
    flag = "--git-dir" if (repo / "HEAD").is_file() else "-C"
    return subprocess.run(["git", flag, str(repo), *args], check=True, capture_output=True).stdout


def _strip(value: object) -> object:
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {
            k: _strip(v)
            for k, v in value.items()
            if k not in ("description", "processDocumentation")
        }
    return value


def main(repo: Path, out: Path) -> None:
    names = _git(repo, "ls-tree", "-r", "--name-only", "HEAD", FOLDER).decode().split("\n")
    entries: dict[str, dict[str, object]] = {}
    for name in filter(None, names):
        relative = name.removeprefix(FOLDER + "/")
        if relative.split("/")[0] in KEEP and relative.endswith(".json"):
            entries[relative] = json.loads(_git(repo, "show", f"HEAD:{name}"))
    used = {
        exchange["flow"]["@id"]
        for name, data in entries.items()
        if name.startswith("processes/")
        for exchange in data.get("exchanges", [])  # type: ignore[attr-defined]
    }
    with tarfile.open(out, "w:xz", preset=9) as archive:
        for name in sorted(entries):
            if name.startswith("flows/") and name[6:-5] not in used:
                continue
            text = json.dumps(_strip(entries[name]), separators=(",", ":"), ensure_ascii=False)
            data = text.encode()
            info = tarfile.TarInfo(f"uslci-1.5-jsonld/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    commit = _git(repo, "rev-parse", "HEAD").decode().strip()
    print(f"wrote {out} from {repo} at {commit}")


def ecospold2(repo: Path, out: Path) -> None:
    published = zipfile.ZipFile(io.BytesIO(_git(repo, "show", f"HEAD:{ECOSPOLD2}")))
    with tarfile.open(out, "w:xz", preset=9) as archive:
        for name in sorted(published.namelist()):
            data = published.read(name)
            info = tarfile.TarInfo(f"uslci-fy18q1-ecospold2/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    print(f"wrote {out} from {repo}: {ECOSPOLD2}")


if __name__ == "__main__":
    here = Path(__file__).parent
    main(Path(sys.argv[1]), here / "uslci-1.5-jsonld.tar.xz")
    ecospold2(Path(sys.argv[1]), here / "uslci-fy18q1-ecospold2.tar.xz")
