"""Reading model documents: values as the YAML safe loader reads them, lines on demand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from tanji.io.errors import DataFormatError
from tanji.io.product_model import ModelDocument, model_from_document, parse_document

SCALARS = """\
ints: [010, 0x1F, 1_000, 0b101, -12, +7, 190:20:30, 0, 00]
floats: [1.5, -0.0, .inf, -.Inf, 1_0.5, 190:20:30.15, 1., .5, 6.8523015e+5, 1.0e5]
other: [2024-01-02, 2001-12-14t21:59:43.10-05:00, yes, No, ~, null, '1.5', "7"]
tagged: [!!str 12, !!int '12', !!float '3']
1: number key
"""

NESTED = """\
id: m
product:
  name: {zh: 名, en: n}
  declared_unit: 1 kg
lines:
  - id: a
    quantity:
      amount: 2
      unit: kg
  - {id: b, quantity: 3 t}
"""


def _plain(value: Any) -> Any:
    """What a document holds for a value of the safe loader (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def test_values_are_read_as_the_safe_loader_reads_them() -> None:
    document = parse_document(SCALARS, "s.yaml")
    expected = _plain(yaml.load(SCALARS, Loader=yaml.SafeLoader))  # the pure-Python loader
    assert repr(document.data) == repr(expected)  # repr: nan, -0.0 and int/float kept apart
    assert document.data["ints"][:3] == [8, 31, 1000]


def test_lines_found_on_demand_are_those_of_the_full_map() -> None:
    every = parse_document(NESTED, "n.yaml").lines  # the map of every value's line
    assert every[("lines", 0, "quantity", "unit")] == 9
    for path, line in every.items():
        fresh = parse_document(NESTED, "n.yaml")
        assert fresh.line_at(path) == line
        assert fresh.line_of(path) == line
        # A path below a value that does not exist names its nearest parent's line.
        assert fresh.line_of((*path, "missing", 3)) == line
        assert fresh.line_at((*path, "missing")) is None
    assert parse_document(NESTED, "n.yaml").where(("lines", 7)) == "n.yaml:6"


def test_a_document_given_its_lines_looks_them_up_in_them() -> None:
    document = ModelDocument({"a": [1]}, {(): 1, ("a",): 2}, "rows.xlsx")
    assert document.line_of(("a", 0)) == 2
    assert document.line_at(("a", 0)) is None
    assert document.where(("b",)) == "rows.xlsx:1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "r.yaml:4: b: key 'c' repeated"),
        ("a: [1, {b: 3, b: 4}]\n", "r.yaml:1: a[1]: key 'b' repeated"),
        ("a: 1\na: 2\n", "r.yaml:2: (document): key 'a' repeated"),
    ],
)
def test_a_repeated_key_names_its_line_and_path(text: str, message: str) -> None:
    with pytest.raises(DataFormatError) as error:
        parse_document(text, "r.yaml")
    assert str(error.value).startswith(message)


def test_repeated_line_ids_are_named_once_each() -> None:
    text = """\
tanji: product-model/1
id: p
product: {name: {zh: 测试}, category: test, declared_unit: 1 kg}
lines:
  - {id: b, stage: production, quantity: 1 kg, gas: CO2}
  - {id: a, stage: production, quantity: 1 kg, gas: CO2}
  - {id: b, stage: production, quantity: 1 kg, gas: CO2}
  - {id: a, stage: production, quantity: 1 kg, gas: CO2}
  - {id: b, stage: production, quantity: 1 kg, gas: CO2}
"""
    with pytest.raises(DataFormatError, match=r"ids must be unique, repeated: a, b$"):
        model_from_document(parse_document(text, "d.yaml"))
