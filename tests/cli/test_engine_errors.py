"""Bad input to ``tanji engine …``: exit status 2 and one line on stderr, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanji.cli.main import main


@pytest.fixture
def paths(
    tmp_path: Path,
    database: Path,
    method: Path,
    two_methods: Path,
    singular: Path,
    not_a_package: Path,
    zip_not_a_package: Path,
) -> dict[str, Path]:
    empty = tmp_path / "empty"
    empty.mkdir()
    return {
        "database": database,
        "method": method,
        "two_methods": two_methods,
        "singular": singular,
        "text": not_a_package,
        "bad_zip": zip_not_a_package,
        "empty": empty,
        "missing": tmp_path / "missing",
        "out": tmp_path / "out.csv",
        "no_dir": tmp_path / "no" / "such" / "out.csv",
    }


CASES = {
    "missing file": (
        "lca {missing} {method} -d 3=1",
        ["missing", "no such file"],
    ),
    "a text file": (
        "lca {database} {text} -d 3=1",
        ["notes.txt", "not a datapackage"],
    ),
    "a zip that is not a datapackage": (
        "lca {database} {bad_zip} -d 3=1",
        ["archive.zip", "datapackage"],
    ),
    "a directory that is not a datapackage": (
        "footprints {empty} -o {out}",
        ["empty", "no datapackage.json"],
    ),
    "unknown demand id": (
        "lca {database} {method} -d 9=1",
        ["unknown activity id", "9"],
    ),
    "unknown demand id in montecarlo": (
        "montecarlo {database} {method} -d 9=1 -n 10 -s 1",
        ["unknown activity id", "9"],
    ),
    "malformed demand": (
        "lca {database} {method} -d abc",
        ["'abc'", "ACTIVITY_ID=AMOUNT"],
    ),
    "malformed demand amount": (
        "lca {database} {method} -d 3=lots",
        ["'3=lots'", "ACTIVITY_ID=AMOUNT"],
    ),
    "no demand": (
        "lca {database} {method}",
        ["--demand"],
    ),
    "singular footprints": (
        "footprints {singular} -o {out}",
        ["singular"],
    ),
    "singular lca": (
        "lca {singular} -d 1=1",
        ["singular"],
    ),
    "singular montecarlo": (
        "montecarlo {singular} -d 1=1 -n 10 -s 1",
        ["singular"],
    ),
    "two methods without --method": (
        "lca {database} {two_methods} -d 3=1",
        ["2 methods", "gwp, methane", "--method"],
    ),
    "unknown --method": (
        "footprints {database} {two_methods} -m nope -o {out}",
        ["'nope'", "gwp, methane"],
    ),
    "both --demand and --all": (
        "montecarlo {database} {method} -d 3=1 --all -n 10 -s 1 -o {out}",
        ["--demand", "--all"],
    ),
    "--all without --output": (
        "montecarlo {database} {method} --all -n 10 -s 1",
        ["--output"],
    ),
    "unknown solver": (
        "lca {database} {method} -d 3=1 --solver magic",
        ["--solver", "'magic'"],
    ),
    "output in a missing directory": (
        "footprints {database} {method} -o {no_dir}",
        ["no such file", "out.csv"],
    ),
}


@pytest.mark.parametrize(("command", "fragments"), CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_error_line_with_status_2(
    capsys: pytest.CaptureFixture[str],
    paths: dict[str, Path],
    command: str,
    fragments: list[str],
) -> None:
    argv = ["engine", *command.format(**paths).split()]

    code = main(argv)

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in captured.err
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["engine", "footprints", "db"], "output"),
        (["engine", "montecarlo", "db", "-d", "3=1", "-n", "many", "-s", "1"], "--iterations"),
        (["engine", "no-such-command"], "no-such-command"),
    ],
    ids=["missing option", "bad integer", "unknown command"],
)
def test_usage_errors_are_one_error_line_with_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    code = main(argv)

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ")
    assert len(err.splitlines()) == 1, err
    assert fragment in err.lower()


def test_no_arguments_print_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    main([])

    captured = capsys.readouterr()
    assert "Usage" in captured.out
    assert "engine" in captured.out
