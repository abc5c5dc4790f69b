"""``tanji model template`` and ``tanji model fill`` as a user runs them.

The commands run in-process through :func:`tanji.cli.main.main` — its error handling
(``error: …`` on stderr, exit status 2) included — on an app that has the ``model``
sub-app, whether or not ``tanji.cli.main`` registers it yet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import typer

from tanji.cli import main as cli_main
from tanji.cli.models import model_app
from tanji.io.activity_template import DATA_SHEET
from tanji.io.product_model import load_document, read_model

Run = Callable[..., tuple[int, str, str]]

MODEL = """\
tanji: product-model/1
id: {id}
product:
  name: {{zh: 测试, en: Test}}
  category: test
  declared_unit: 1 kg
output: 2 t
lines:
  - {{id: steel, stage: raw_materials, quantity: 500 kg, factor: "db:STEEL"}}
  - id: power
    stage: production
    quantity: 1200 kWh
    electricity: {{grid: {{geography: CN-JS, year: 2022}}}}
  - {{id: ch4, stage: production, quantity: 2 kg, gas: CH4-fossil}}
  - id: truck
    stage: distribution
    transport: {{mass: 2 t, distance: 100 km}}
    factor: "db:TRUCK"
"""


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``tanji`` in-process, no store needed; returns (status, stdout, stderr)."""
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    app.add_typer(model_app, name="model")

    @app.callback()
    def _root() -> None:
        """Tanji (test app with the model commands)."""

    monkeypatch.setattr(cli_main, "app", app)

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli_main.main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "battery.yaml"
    path.write_text(MODEL.format(id="battery"), encoding="utf-8")
    return path


def fill(path: Path, values: dict[tuple[str, str], object]) -> None:
    """Type values into a template: ``{("power", "Unit"): "MWh"}`` (line id, English header)."""
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    header = [str(c.value).split(" ", 1)[1] for c in sheet[1]]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2, max_col=1)}
    for (line, column), value in values.items():
        sheet.cell(row=rows[line], column=header.index(column) + 1, value=value)
    book.save(path)


def test_template_then_fill_writes_the_new_model(cli: Run, model: Path, tmp_path: Path) -> None:
    template = tmp_path / "out" / "battery.xlsx"
    status, out, err = cli("model", "template", str(model), "-o", str(template))
    assert status == 0, err
    assert out.startswith(f"wrote {template}: 4 lines of model battery;")
    assert template.is_file()

    values: dict[tuple[str, str], object] = {
        ("power", "Amount"): 1.3,
        ("power", "Unit"): "MWh",
        ("truck", "Transport distance"): 120,
        ("steel", "Data"): "primary",
    }
    fill(template, values)
    new = tmp_path / "battery-2024.yaml"
    status, out, err = cli("model", "fill", str(model), str(template), "-o", str(new))
    assert status == 0, err
    assert err == ""
    assert out.splitlines() == [
        "  lines[0] (id steel).data: (empty) → primary",
        "  lines[1] (id power).quantity: 1200 kWh → 1.3 MWh",
        "  lines[3] (id truck).transport.distance: 100 km → 120 km",
        f"3 lines updated; wrote {new}",
    ]
    built = read_model(new)
    assert [(line.id, line.amount, line.unit) for line in built.lines] == [
        ("steel", 500, "kg"),
        ("power", 1.3, "MWh"),
        ("ch4", 2, "kg"),
        ("truck", 240, "t*km"),
    ]
    assert next(line for line in built.lines if line.id == "steel").primary
    # The original model file is untouched.
    assert model.read_text(encoding="utf-8") == MODEL.format(id="battery")


def test_fill_without_edits_writes_the_same_model(cli: Run, model: Path, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    assert cli("model", "template", str(model), "-o", str(template))[0] == 0
    new = tmp_path / "same.json"
    status, out, err = cli("model", "fill", str(model), str(template), "-o", str(new))
    assert status == 0, err
    assert out == f"0 lines updated; wrote {new}\n"
    assert load_document(new).data == load_document(model).data


def test_fill_with_errors_reports_them_all_and_writes_nothing(
    cli: Run, model: Path, tmp_path: Path
) -> None:
    template = tmp_path / "t.xlsx"
    assert cli("model", "template", str(model), "-o", str(template))[0] == 0
    fill(template, {("power", "Unit"): "kg", ("steel", "Amount"): "n/a", ("ch4", "TeR"): 7})
    new = tmp_path / "new.yaml"
    status, out, err = cli("model", "fill", str(model), str(template), "-o", str(new))
    assert status == 2
    assert out == ""
    assert not new.exists()
    sheet = f"'{DATA_SHEET}'"
    assert err.splitlines() == [
        f"error: {template}: 3 errors; the model was not changed:",
        f"  {sheet}!G2 (row 2, column \"数量 Amount\"): 'n/a' is not a number; expected a "
        "number such as 12.5",
        f"  {sheet}!H3 (row 3, column \"单位 Unit\"): 'kg' is a unit of mass, but this line is "
        "in 'kWh' (energy); expected a unit of energy such as 'kWh'",
        f'  {sheet}!O4 (row 4, column "技术代表性 TeR"): 7 is not a PEF quality score; '
        "expected a whole number from 1 (excellent) to 5 (poor)",
    ]


def test_a_template_of_another_model_is_refused(cli: Run, model: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(MODEL.format(id="other"), encoding="utf-8")
    template = tmp_path / "other.xlsx"
    assert cli("model", "template", str(other), "-o", str(template))[0] == 0
    new = tmp_path / "new.yaml"
    status, _, err = cli("model", "fill", str(model), str(template), "-o", str(new))
    assert status == 2
    assert not new.exists()
    assert "this workbook was made for product 'other', not for 'battery'" in err


def test_english_first_template(cli: Run, model: Path, tmp_path: Path) -> None:
    template = tmp_path / "en.xlsx"
    status, _, err = cli("model", "template", str(model), "-o", str(template), "--lang", "en")
    assert status == 0, err
    assert openpyxl.load_workbook(template)[DATA_SHEET]["G1"].value == "Amount 数量"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--lang", "fr"), "'fr' is not one of 'zh', 'en'"),
        (("--missing-model",), "No such option"),
    ],
)
def test_usage_errors(
    cli: Run, model: Path, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    status, _, err = cli("model", "template", str(model), "-o", str(tmp_path / "t.xlsx"), *argv)
    assert status == 2
    assert err.startswith("error: ")
    assert message in err
    assert not (tmp_path / "t.xlsx").exists()


def test_a_missing_model_file(cli: Run, tmp_path: Path) -> None:
    status, _, err = cli("model", "template", str(tmp_path / "nope.yaml"), "-o", "t.xlsx")
    assert status == 2
    assert err == f"error: {tmp_path / 'nope.yaml'}: no such file\n"
