"""Every string the pages show is in both catalogues, and the Chinese one translates it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tanji.web.i18n import LANGUAGES, catalogue_path

WEB = Path(__file__).resolve().parents[2] / "src" / "tanji" / "web"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _extracted() -> dict[str, str]:
    """msgid → where it is used (first place), from the sources as pybabel would."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB, METHODS, options_map=OPTIONS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_message_is_in_the_catalogue(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=LANGUAGES[language])
    missing = {
        msgid: where
        for msgid, where in _extracted().items()
        if msgid not in catalogue or not catalogue[msgid].string
    }
    assert not missing, f"{language}: add these to {catalogue_path(language)}: {missing}"


def test_chinese_catalogue_translates_rather_than_copies() -> None:
    with catalogue_path("zh").open("rb") as po:
        catalogue = read_po(po, locale="zh_CN")
    copied = [
        m.id
        for m in catalogue
        if m.id and isinstance(m.id, str) and m.string == m.id and any(c.isalpha() for c in m.id)
    ]
    # Names and codes may stay as they are (API, OpenAPI, English); sentences may not.
    assert [m for m in copied if " " in m and len(m) > 12] == []
