"""One number formatter for pages, PDF and Excel: significant digits, never raises."""

from __future__ import annotations

import pytest

from tanji.domain.numbers import format_number
from tanji.io.reports._text import fmt_quantity
from tanji.web.i18n import format_number as page_number


@pytest.mark.parametrize("value", [1e308, -1e308, 1e300, float("inf"), float("nan"), 5e-324])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_page_formatter_never_raises(value: float, language: str) -> None:
    # Babel's format_decimal raised decimal.InvalidOperation for 1e308: a 500 for good.
    assert page_number(value, language)


def test_large_values_are_written_with_a_power_of_ten() -> None:
    assert format_number(1e308) == "1 × 10³⁰⁸"
    assert format_number(1.2345e-12) == "1.235 × 10⁻¹²"


def test_small_values_keep_their_significant_digits() -> None:
    # The demo's functional unit showed "(0 × 1 kWh)" for 0.000206.
    assert page_number(0.000206, "zh") == "0.000206"
    assert page_number(0.000206, "en") == "0.000206"
    assert format_number(0.5123456) == "0.5123"


def test_quantities_in_reports_are_not_in_scientific_notation() -> None:
    # The PDF printed "1e+06 kg".
    assert fmt_quantity(1e6) == "1,000,000"
    assert fmt_quantity(1234567.0) == "1,234,567"
    assert fmt_quantity(0.25) == "0.25"


def test_integers_and_whole_values_are_grouped() -> None:
    assert format_number(12345.678) == "12,346"
    assert format_number(56160.0, "en") == "56,160"
    assert format_number(-1234567) == "-1,234,567"
    assert format_number(None) == "—"
