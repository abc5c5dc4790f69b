"""Brightway ``bw_processing`` datapackages in, unchanged.

A Brightway datapackage (a directory or a ``.zip`` with ``datapackage.json``) holds
*resource groups*; each vector group has ``indices`` (row id, col id), ``data``, and
optionally ``flip``, ``distributions`` (stats_arrays records) and ``rescale`` arrays, and
names the matrix it builds:

* ``technosphere_matrix`` → A (flipped entries enter negated, as in bw2calc);
* ``biosphere_matrix`` → B;
* ``characterization_matrix`` → one method per resource group; the matrix is diagonal,
  so only the row (flow) ids matter — bw2data stores a geography id in the column.

Several datapackages are read together (a database and a method usually come apart), and
triples of the same matrix are concatenated; duplicates are summed by the engine, as
bw2calc sums them. Reading goes through the ``bw-processing`` library itself.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tanji.domain.problems import Problem
from tanji.engine import Exchanges, LcaSystem, build_system
from tanji.engine.uncertainty import UNCERTAINTY_DTYPE, no_uncertainty
from tanji.io.errors import DataFormatError
from tanji.io.limits import open_zip

__all__ = [
    "BrightwayData",
    "datapackage_paths",
    "load_datapackages",
    "system_from_datapackages",
]

_MATRICES = ("technosphere_matrix", "biosphere_matrix", "characterization_matrix")


@dataclass
class _Parts:
    rows: list[NDArray[np.int64]] = field(default_factory=list)
    cols: list[NDArray[np.int64]] = field(default_factory=list)
    data: list[NDArray[np.float64]] = field(default_factory=list)
    flip: list[NDArray[np.bool_]] = field(default_factory=list)
    uncertainty: list[NDArray[np.void]] = field(default_factory=list)

    def exchanges(self, name: str) -> Exchanges:
        if not self.data:
            return Exchanges([], [], [], name=name)
        return Exchanges(
            np.concatenate(self.rows),
            np.concatenate(self.cols),
            np.concatenate(self.data),
            np.concatenate(self.flip),
            np.concatenate(self.uncertainty),
            name=name,
        )


@dataclass(frozen=True)
class BrightwayData:
    """Triples read from one or more datapackages, ready for :func:`build_system`."""

    technosphere: Exchanges
    biosphere: Exchanges
    methods: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]]

    def system(self) -> LcaSystem:
        return build_system(self.technosphere, self.biosphere, self.methods)


def system_from_datapackages(paths: Sequence[Path | str]) -> LcaSystem:
    """Read datapackages and build the engine's system (see :func:`load_datapackages`)."""
    data = load_datapackages(paths)
    if len(data.technosphere) == 0:
        raise DataFormatError(
            ", ".join(str(p) for p in paths),
            "no technosphere_matrix resources found; give the database's datapackage",
        )
    return data.system()


def datapackage_paths(path: Path) -> list[Path]:
    """The datapackages at ``path``: itself, or the datapackages inside a plain folder.

    A folder holding a database's datapackage beside its method's (as Brightway projects
    and ``benchmarks/synthetic.py`` write them) is read as one.
    """
    if path.is_dir() and not (path / "datapackage.json").is_file():
        inside = sorted(
            p for p in path.iterdir()
            if (p / "datapackage.json").is_file() or (p.suffix == ".zip" and zipfile.is_zipfile(p))
        )  # fmt: skip
        if inside:
            return inside
    return [path]


def load_datapackages(paths: Sequence[Path | str]) -> BrightwayData:
    """Read the technosphere, biosphere and characterization groups of datapackages.

    Raises :class:`DataFormatError` naming the file and the resource that is wrong.
    """
    tech, bio = _Parts(), _Parts()
    methods: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
    for raw in paths:
        path = Path(raw)
        package = _open(path)
        for label, group in package.groups.items():
            matrix = _matrix_of(group)
            if matrix not in _MATRICES:
                continue
            rows, cols, data, flip, uncertainty = _read_group(path, label, group)
            if matrix == "characterization_matrix":
                name = _method_name(package, label, methods)
                methods[name] = (rows, np.where(flip, -data, data))
                continue
            target = tech if matrix == "technosphere_matrix" else bio
            target.rows.append(rows)
            target.cols.append(cols)
            target.data.append(data)
            target.flip.append(flip)
            target.uncertainty.append(uncertainty)
    return BrightwayData(tech.exchanges("technosphere"), bio.exchanges("biosphere"), methods)


def _open(path: Path) -> Any:
    # Imported here: bw_processing pulls in pandas, which the engine's callers need not pay
    # for unless they read Brightway data.
    import bw_processing as bwp

    if not path.exists():
        raise DataFormatError(str(path), "no such file or directory")
    try:
        if path.is_dir():
            if not (path / "datapackage.json").is_file():
                raise DataFormatError(str(path), Problem("lci-bw-no-json"))
            fs = bwp.generic_directory_filesystem(dirpath=path)
        else:
            if not zipfile.is_zipfile(path):
                raise DataFormatError(str(path), Problem("lci-bw-not-zip"))
            open_zip(path).close()  # entry count, unpacked size and ratio capped
            fs = bwp.generic_zipfile_filesystem(
                dirpath=path.parent, filename=path.name, write=False
            )
        if not fs.exists("datapackage.json"):
            raise DataFormatError(str(path), Problem("lci-bw-no-json"))
        return bwp.load_datapackage(fs)
    except DataFormatError:
        raise
    except (OSError, ValueError, KeyError, json.JSONDecodeError, zipfile.BadZipFile) as error:
        raise DataFormatError(str(path), Problem("lci-bw-unreadable", detail=error)) from error


def _matrix_of(group: Any) -> str:
    matrices = {resource.get("matrix") for resource in group.resources}
    return next(iter(matrices)) if len(matrices) == 1 else ""


def _resource(group: Any, label: str, suffix: str) -> Any | None:
    name = f"{label}.{suffix}"
    if name not in {r["name"] for r in group.resources}:
        return None
    array, _ = group.get_resource(name)
    return array


def _read_group(
    path: Path, label: str, group: Any
) -> tuple[
    NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.void]
]:
    categories = {resource.get("category") for resource in group.resources}
    if "array" in categories:
        raise DataFormatError(
            str(path),
            f"resource group {label!r} is an array group (presamples or scenarios), which Tanji "
            "does not read; give vector resources",
        )
    indices = _resource(group, label, "indices")
    data = _resource(group, label, "data")
    if indices is None or data is None:
        raise DataFormatError(str(path), f"resource group {label!r} needs indices and data arrays")
    if len(indices) != len(data):
        raise DataFormatError(
            str(path),
            f"resource group {label!r}: {len(indices)} indices but {len(data)} data values",
        )
    values = np.asarray(data, dtype=np.float64)
    flip = _resource(group, label, "flip")
    flips = np.zeros(len(values), bool) if flip is None else np.asarray(flip, dtype=bool)
    distributions = _resource(group, label, "distributions")
    uncertainty = (
        no_uncertainty(values)
        if distributions is None
        else np.asarray(distributions).astype(UNCERTAINTY_DTYPE, casting="unsafe")
    )
    rescale = _resource(group, label, "rescale")
    if rescale is not None:
        values, uncertainty = _rescaled(values, uncertainty, np.asarray(rescale, np.float64))
    rows = np.asarray(indices["row"], dtype=np.int64)
    cols = np.asarray(indices["col"], dtype=np.int64)
    return rows, cols, values, flips, uncertainty


def _rescaled(
    values: NDArray[np.float64], uncertainty: NDArray[np.void], factor: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.void]]:
    """Apply a bw_processing rescale array to amounts and their distributions.

    A positive factor k scales a lognormal's median (loc + ln k), a normal's mean and
    standard deviation, and the bounds of every kind.
    """
    if (factor <= 0).any():
        raise DataFormatError("datapackage", "rescale factors must be positive")
    u = uncertainty.copy()
    kind = u["uncertainty_type"]
    lognormal = kind == 2
    u["loc"] = np.where(lognormal, u["loc"] + np.log(factor), u["loc"] * factor)
    u["scale"] = np.where(kind == 3, u["scale"] * factor, u["scale"])
    u["minimum"] = u["minimum"] * factor
    u["maximum"] = u["maximum"] * factor
    return values * factor, u


def _method_name(package: Any, label: str, taken: dict[str, Any]) -> str:
    name = str(label)
    if name in taken:
        name = f"{package.metadata.get('name', 'method')}/{label}"
    return name
