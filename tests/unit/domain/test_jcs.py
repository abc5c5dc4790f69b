"""RFC 8785 canonical JSON against the RFC's own examples and the reference
implementation's published test data, and against the ``rfc8785`` package on random
doubles.

Vectors: RFC 8785 §3.2.2 and Appendix B (IETF, 2020); the ``weird`` and ``values``
files of cyberphone/json-canonicalization ``testdata/`` (Apache-2.0), the RFC authors'
reference implementation.
"""

from __future__ import annotations

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tanji.domain.claims.jcs import CanonicalizationError, canonical_json, number_text

# RFC 8785 Appendix B: IEEE 754 bit patterns and their serialization.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_appendix_b_numbers(bits: str, expected: str) -> None:
    assert canonical_json(_double(bits)) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinities_are_refused(bits: str) -> None:
    with pytest.raises(CanonicalizationError):
        canonical_json({"n": _double(bits)})


def test_rfc_section_3_2_2_example_bytes() -> None:
    """§3.2.2's sample, with the UTF-8 bytes the RFC prints in §3.2.4."""
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(json.loads(source)).decode() == expected
    assert canonical_json(json.loads(source)).hex().startswith("7b226c69746572616c73223a5b6e756c6c")


def test_rfc_section_3_2_3_sorting_by_utf16_code_units() -> None:
    """§3.2.3: names sort by UTF-16 code units — U+1F600 (a surrogate pair, D83D…) before
    U+FB33 — not by code points or UTF-8."""
    source = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet'
        ' With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080":'
        ' "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    values = list(json.loads(canonical_json(source)).values())
    assert values == [
        "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis",
        "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
    ]  # fmt: skip


def test_reference_implementation_testdata() -> None:
    """cyberphone/json-canonicalization testdata/input → output (weird.json, values.json)."""
    weird = (
        '{"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f", "\\ud83d\\ude02":'
        ' "Smiley", "\\u00f6": "Latin Small Letter O With Diaeresis", "\\ufb33": "Hebrew'
        ' Letter Dalet With Dagesh", "</script>": "Browser Challenge"}'
    )
    assert canonical_json(json.loads(weird)).decode() == (
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\U0001f602":"Smiley",'
        '"\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    values = (
        '{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],'
        ' "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    assert canonical_json(json.loads(values)).decode() == (
        '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],'
        '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}'
    )


def test_out_of_model_values_are_refused() -> None:
    for bad in ({"n": 2**53 + 1}, {1: "x"}, {"s": "\ud800"}, {"b": b"x"}, {"o": object()}):
        with pytest.raises(CanonicalizationError):
            canonical_json(bad)
    assert canonical_json({"n": -(2**53)}) == b'{"n":-9007199254740992}'
    assert canonical_json([-0.0, 1.0, 100.0]) == b"[0,1,100]"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_agree_with_the_rfc8785_package(number: float) -> None:
    assert number_text(number) == rfc8785.dumps(number).decode()
    assert math.isclose(float(number_text(number)), number) or number == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


@given(JSON)
def test_documents_agree_with_the_rfc8785_package_and_round_trip(value: object) -> None:
    canonical = canonical_json(value)
    assert canonical == rfc8785.dumps(value)
    # Read back as ECMAScript does (every number a double), the bytes are the same.
    assert canonical_json(json.loads(canonical, parse_int=float)) == canonical
