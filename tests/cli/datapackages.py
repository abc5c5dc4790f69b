"""Small Brightway datapackages for the command-line tests, written with bw_processing.

The database: electricity (1) and coal (2) supply each other (a loop) and a product (3)
uses 5 kWh and 2 kg of coal. Inputs are stored positive and flipped, as Brightway stores
them, with lognormal uncertainty (σ = 0.1) on every input and emission. Flows: 100 CO2,
101 CH4, 102 an uncharacterized flow.

    A = [[1, -0.1, -5], [-0.4, 1, -2], [0, 0, 1]]      B = [[0.5, 0.1, 1], [0, 0.01, 0], [0, 0, 3]]

With GWP factors c = (1, 30, 0), q = cᵀ·B = (0.5, 0.4, 1) and the footprints Aᵀ·y = q are,
by hand: y₂ = 0.4 + 0.1·y₁, 0.96·y₁ = 0.5 + 0.16, so y = (0.6875, 0.46875, 5.375).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bw_processing as bwp
import numpy as np

ACTIVITIES = (1, 2, 3)
CO2, CH4, OTHER = 100, 101, 102
#: Footprint per unit of each activity's product, worked out by hand above.
HAND_FOOTPRINTS = {1: 0.6875, 2: 0.46875, 3: 5.375}

#: (product, activity, amount, flip)
TECHNOSPHERE = [
    (1, 1, 1.0, False),
    (2, 2, 1.0, False),
    (3, 3, 1.0, False),
    (2, 1, 0.4, True),
    (1, 2, 0.1, True),
    (1, 3, 5.0, True),
    (2, 3, 2.0, True),
]
#: (flow, activity, amount)
BIOSPHERE = [(CO2, 1, 0.5), (CO2, 2, 0.1), (CH4, 2, 0.01), (CO2, 3, 1.0), (OTHER, 3, 3.0)]
GWP = {CO2: 1.0, CH4: 30.0}


@dataclass(frozen=True)
class Matrices:
    """The fixture system as dense matrices, for checks with numpy.linalg.solve."""

    A: np.ndarray
    B: np.ndarray
    c: np.ndarray

    def footprints(self) -> np.ndarray:
        return np.linalg.solve(self.A.T, self.B.T @ self.c)


def dense() -> Matrices:
    index = {a: i for i, a in enumerate(ACTIVITIES)}
    flows = {f: i for i, f in enumerate((CO2, CH4, OTHER))}
    A = np.zeros((3, 3))
    for row, col, amount, flip in TECHNOSPHERE:
        A[index[row], index[col]] += -amount if flip else amount
    B = np.zeros((3, 3))
    for flow, col, amount in BIOSPHERE:
        B[flows[flow], index[col]] += amount
    c = np.array([GWP.get(f, 0.0) for f in flows])
    return Matrices(A, B, c)


def lognormal(amounts: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """stats_arrays records: lognormal (type 2) where σ > 0, none (type 0) elsewhere."""
    records = np.zeros(len(amounts), dtype=bwp.UNCERTAINTY_DTYPE)
    records["uncertainty_type"] = np.where(sigma > 0, 2, 0)
    records["loc"] = np.where(sigma > 0, np.log(np.abs(amounts)), amounts)
    records["scale"] = np.where(sigma > 0, sigma, np.nan)
    for field in ("shape", "minimum", "maximum"):
        records[field] = np.nan
    return records


def indices(pairs: list[tuple[int, int]]) -> np.ndarray:
    return np.array(pairs, dtype=bwp.INDICES_DTYPE)


Writer = Callable[["bwp.Datapackage"], None]


def write_package(path: Path, fill: Writer) -> Path:
    """Write a datapackage at ``path`` (a directory, or a .zip when the name says so)."""
    if path.suffix == ".zip":
        fs = bwp.generic_zipfile_filesystem(dirpath=path.parent, filename=path.name)
    else:
        path.mkdir()
        fs = bwp.generic_directory_filesystem(dirpath=path)
    # bw_processing 1.x writes datapackage.json through a file object it never closes
    # (io_helpers.file_writer: json.dump(data, fs.open(...))), a ResourceWarning that
    # pytest would turn into an error; the leak is theirs and harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        package = bwp.create_datapackage(fs=fs, name=path.stem)
        fill(package)
        package.finalize_serialization()
    return path


def add_database(package: bwp.Datapackage) -> None:
    rows, cols, amounts, flips = zip(*TECHNOSPHERE, strict=True)
    tech = np.array(amounts)
    flip = np.array(flips)
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        name="technosphere",
        indices_array=indices(list(zip(rows, cols, strict=True))),
        data_array=tech,
        flip_array=flip,
        distributions_array=lognormal(tech, np.where(flip, 0.1, 0.0)),
    )
    flows, activities, kg = zip(*BIOSPHERE, strict=True)
    bio = np.array(kg)
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        name="biosphere",
        indices_array=indices(list(zip(flows, activities, strict=True))),
        data_array=bio,
        distributions_array=lognormal(bio, np.full(len(bio), 0.1)),
    )


def add_method(package: bwp.Datapackage, name: str, factors: dict[int, float]) -> None:
    # bw2data stores a geography id in the column of a characterization matrix.
    package.add_persistent_vector(
        matrix="characterization_matrix",
        name=name,
        indices_array=indices([(flow, 0) for flow in factors]),
        data_array=np.array(list(factors.values())),
    )
