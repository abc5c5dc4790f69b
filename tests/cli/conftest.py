"""Fixtures: the datapackages of :mod:`datapackages`, written into each test's tmp_path."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import bw_processing as bwp
import numpy as np
import pytest

from tanji.cli.main import main

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


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(params=["sqlite", "postgresql"])
def tanji(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    new_postgres_database: Callable[[], AbstractContextManager[str]],
) -> Iterator[Run]:
    """Run ``tanji`` in-process against a fresh, upgraded store; returns (status, out, err)."""
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path / "data"))
    with _store(request.param, new_postgres_database) as url:
        if url:
            monkeypatch.setenv("TANJI_DATABASE_URL", url)
        else:
            monkeypatch.delenv("TANJI_DATABASE_URL", raising=False)

        def run(*argv: str) -> tuple[int, str, str]:
            status = main(list(argv))
            captured = capsys.readouterr()
            return status, captured.out, captured.err

        status, _, err = run("db", "upgrade")
        assert status == 0, err
        yield run


def _store(
    kind: str, new_postgres_database: Callable[[], AbstractContextManager[str]]
) -> AbstractContextManager[str | None]:
    if kind == "postgresql":
        return new_postgres_database()
    from contextlib import nullcontext

    return nullcontext(None)
