"""Fixtures: the datapackages of :mod:`datapackages`, written into each test's tmp_path."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import bw_processing as bwp
import numpy as np
import pytest
from sqlalchemy.engine import make_url

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


@pytest.fixture(scope="session")
def _upgraded(
    tmp_path_factory: pytest.TempPathFactory,
    new_postgres_database: Callable[[], AbstractContextManager[str]],
) -> Iterator[dict[str, tuple[Path, str | None]]]:
    """A store per kind after ``tanji db upgrade``, made once per test process (before
    any test's own settings apply): its data folder and (PostgreSQL) its database's URL,
    the templates that :func:`tanji` copies. Upgrading a new store (migrations, reference
    data, rules) costs 1–3 s; a copy, 0.1 s."""
    made: dict[str, tuple[Path, str | None]] = {}
    with ExitStack() as stack:
        for kind in ("sqlite", "postgresql"):
            data = tmp_path_factory.mktemp(f"upgraded-{kind}") / "data"
            url = stack.enter_context(new_postgres_database()) if kind == "postgresql" else None
            with pytest.MonkeyPatch.context() as patch:
                _point_at(patch, data, url)
                assert main(["db", "upgrade"]) == 0
            made[kind] = (data, url)
        yield made


def _point_at(patch: pytest.MonkeyPatch, data: Path, url: str | None) -> None:
    patch.setenv("TANJI_DATA_DIR", str(data))
    if url:
        patch.setenv("TANJI_DATABASE_URL", url)
    else:
        patch.delenv("TANJI_DATABASE_URL", raising=False)


@pytest.fixture
def fresh_store() -> bool:
    """Whether :func:`tanji` upgrades a new, empty store instead of copying the process's
    upgraded one: a module whose tests change what an upgrade loads (the shipped rules,
    say) overrides this fixture with one returning ``True``."""
    return False


@pytest.fixture(params=["sqlite", "postgresql"])
def tanji(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    _upgraded: dict[str, tuple[Path, str | None]],
    new_postgres_database: Callable[..., AbstractContextManager[str]],
    fresh_store: bool,
) -> Iterator[Run]:
    """Run ``tanji`` in-process against a fresh, upgraded store (a copy of the process's
    upgraded store: its data folder, and on PostgreSQL its database); returns (status,
    out, err)."""
    template, template_url = _upgraded[request.param]
    data = tmp_path / "data"
    if template.is_dir() and not fresh_store:  # PostgreSQL's upgrade writes no file
        shutil.copytree(template, data)
    with ExitStack() as stack:
        url = None
        if template_url is not None:
            copied = None if fresh_store else make_url(template_url).database
            url = stack.enter_context(new_postgres_database(copied))
        _point_at(monkeypatch, data, url)

        def run(*argv: str) -> tuple[int, str, str]:
            status = main(list(argv))
            captured = capsys.readouterr()
            return status, captured.out, captured.err

        status, _, err = run("db", "upgrade")  # a copy is up to date: nothing to do
        assert status == 0, err
        yield run
