"""Problems with what was typed, in the reader's language.

The services say a :class:`~tanji.domain.problems.Problem` in English and carry its
``code`` and ``values``; :func:`say` gives the catalogue's text for the code, filled
with the values (units, line ids and factor codes stay as typed; kinds of unit are
translated). Any other message is shown as it is. The msgids are the English texts of
:data:`tanji.domain.problems.TEXTS` (tests/web/test_i18n.py checks both catalogues hold
them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tanji.domain.problems import TEXTS


def N_(text: str) -> str:  # noqa: N802 (gettext's marker name, read by pybabel)
    return text


__all__ = ["KINDS", "say", "say_all"]

#: Kinds of unit (:data:`tanji.domain.units.UNIT_KINDS`) as the catalogue has them.
KINDS: Mapping[str, str] = {
    "energy": N_("energy"),
    "mass": N_("mass"),
    "length": N_("length"),
    "volume": N_("volume"),
    "area": N_("area"),
    "pieces": N_("pieces"),
    "normal volume (gas)": N_("normal volume (gas)"),
    "mass × distance": N_("mass × distance"),
    "time": N_("time"),
    "power": N_("power"),
}


def say(message: str, gettext: Callable[[str], str]) -> str:
    """``message`` in the reader's language when it is a known problem, else as it is."""
    code = getattr(message, "code", None)
    values = getattr(message, "values", None)
    if not isinstance(code, str) or code not in TEXTS or not isinstance(values, dict):
        return message
    shown = {k: gettext(KINDS[v]) if k.endswith("kind") and v in KINDS else v
             for k, v in values.items()}  # fmt: skip
    return gettext(TEXTS[code]).format(**shown)


def say_all(messages: Mapping[str, str], gettext: Callable[[str], str]) -> dict[str, str]:
    """Each message of a form's ``field → message`` in the reader's language."""
    return {name: say(text, gettext) for name, text in messages.items()}
