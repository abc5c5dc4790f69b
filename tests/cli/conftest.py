"""Fixtures: the datapackages of :mod:`datapackages`, written into each test's tmp_path."""

from __future__ import annotations

import zipfile
from pathlib import Path

import bw_processing as bwp
import numpy as np
import pytest

from .datapackages import CH4, CO2, GWP, add_database, add_method, indices, write_package


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """The database as a datapackage directory."""
    return write_package(tmp_path / "database", add_database)


@pytest.fixture
def method(tmp_path: Path) -> Path:
    """GWP as a zipped datapackage with one characterization group."""
    return write_package(tmp_path / "gwp.zip", lambda p: add_method(p, "gwp", GWP))


@pytest.fixture
def two_methods(tmp_path: Path) -> Path:
    """A datapackage holding two methods: GWP and a CH4-only one."""

    def fill(package: bwp.Datapackage) -> None:
        add_method(package, "gwp", GWP)
        add_method(package, "methane", {CH4: 1.0})

    return write_package(tmp_path / "methods", fill)


@pytest.fixture
def singular(tmp_path: Path) -> Path:
    """Two activities that each consume all of the other's output: A is singular."""

    def fill(package: bwp.Datapackage) -> None:
        package.add_persistent_vector(
            matrix="technosphere_matrix",
            name="technosphere",
            indices_array=indices([(1, 1), (2, 2), (2, 1), (1, 2)]),
            data_array=np.ones(4),
            flip_array=np.array([False, False, True, True]),
        )
        package.add_persistent_vector(
            matrix="biosphere_matrix",
            name="biosphere",
            indices_array=indices([(CO2, 1)]),
            data_array=np.ones(1),
        )
        add_method(package, "gwp", GWP)

    return write_package(tmp_path / "singular", fill)


@pytest.fixture
def not_a_package(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("activity,amount\n1,2\n", encoding="utf-8")
    return path


@pytest.fixture
def zip_not_a_package(tmp_path: Path) -> Path:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a datapackage")
    return path
