"""The directory's words: field errors, grade names, the export's column headings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from tanji.domain.regions import JIANGSU_CITIES, region_name
from tanji.services.errors import InvalidInputError
from tanji.web.i18n import language_of, translations
from tanji.web.ui.benchmarks import GRADE_LABELS

__all__ = ["CITIES", "EXPORT_HEADER", "field_error", "grade_words", "region", "words"]


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    return message


#: What each input expects, in the reader's language.
FIELDS = {
    "q": N_("Search: at most 200 characters."),
    "grade": N_("Grade: choose one from the list."),
    "city": N_("City: choose one from the list."),
    "min_value": N_("Footprint from: a number of kg CO2e, 0 or more."),
    "max_value": N_("Footprint up to: a number of kg CO2e, 0 or more, not below the lower bound."),
    "page": N_("Page: a page number from 1."),
    "per_page": N_("Per page: 1 to 100."),
    "category": N_("Category: choose a product category."),
    "declared_unit": N_("Declared unit: choose the unit the threshold is per."),
    "threshold": N_("Threshold: a number of kg CO2e per declared unit, 0 or more."),
    "format": N_("Format: CSV or XLSX."),
    "message": N_("Message: write 1 to 2,000 characters."),
    "reply": N_("Reply: write 1 to 2,000 characters."),
    "text": N_("Disclosure text: at most 20,000 characters."),
    "lang": N_("Language: Chinese or English."),
}

EXPORT_HEADER = (
    N_("Certificate"), N_("Product"), N_("Company"), N_("City"), N_("Category"),
    N_("Footprint"), N_("Unit"), N_("Declared unit"), N_("Grade"), N_("Certification body"),
    N_("Issued on"), N_("Valid until"), N_("Label"),
)  # fmt: skip

CITIES = JIANGSU_CITIES


def field_error(error: InvalidInputError, gettext: Callable[[str], str]) -> str:
    """The error's fields in the reader's language (its own text for an unknown field)."""
    said = [gettext(FIELDS[name]) for name in error.fields if name in FIELDS]
    return " ".join(said) or str(error)


def grade_words(gettext: Callable[[str], str]) -> dict[str, str]:
    return {key: gettext(text) for key, text in GRADE_LABELS.items()}


def region(code: str, language: str) -> str:
    return region_name(code, language)


def words(request: Request) -> dict[str, Any]:
    """What every directory page's template uses: grade names, cities, region names."""
    language = language_of(request)
    gettext = translations(language).gettext
    return {"grades": grade_words(gettext), "cities": CITIES,
            "region": lambda code: region(code, language)}  # fmt: skip
