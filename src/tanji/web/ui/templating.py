"""Jinja2 for the pages: gettext catalogues per request, Babel number and date filters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tanji.web.i18n import (
    LANGUAGES,
    format_datetime_for,
    format_number,
    format_share,
    language_of,
    translations,
)
from tanji.web.security import csrf_token
from tanji.web.ui.grid_text import basis_name, grid_name, grid_note
from tanji.web.ui.problems import say_cell, say_code, say_html

__all__ = ["TEMPLATES", "environment", "render"]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ONE_YEAR = 365 * 24 * 3600


@cache
def environment(language: str) -> Environment:
    """One environment per language (catalogues installed once, not per request)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]

    def number(value: float | int | None, digits: int = 4) -> str:
        return format_number(value, language, digits)

    def share(value: float) -> str:
        return format_share(value, language)

    def when(value: date | datetime | None) -> str:
        return format_datetime_for(value, language)

    gettext = translations(language).gettext

    def grid(choice: Mapping[str, Any] | None) -> str:
        return grid_note(choice, language, gettext)

    def basis(name: str) -> str:
        return basis_name(name, gettext)

    def factor_name(choice: Mapping[str, Any]) -> str:
        return grid_name(choice, language)

    def problem(message: str) -> Markup:
        return say_html(message, gettext)

    def code(value: str) -> str:
        return say_code(value, gettext)

    def cell_problem(problem: object) -> Markup:
        return say_cell(problem, gettext)

    env.filters.update(
        number=number, share=share, when=when, grid_note=grid, grid_name=factor_name,
        basis=basis, problem=problem, code=code, cell_problem=cell_problem,
    )  # fmt: skip
    env.globals.update(language=language, languages=tuple(LANGUAGES))
    return env


def _switch_url(request: Request, language: str) -> str:
    query = dict(request.query_params)
    query["lang"] = language
    return f"{request.url.path}?{urlencode(query)}"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page in the request's language; ``?lang=`` is remembered in a cookie."""
    language = language_of(request)
    page = environment(language).get_template(template)
    html = page.render(
        request=request,
        path=request.url.path,
        actor=getattr(request.state, "actor", None),
        account=getattr(request.state, "account", None),
        unread=getattr(request.state, "unread", 0),
        csrf_token=csrf_token(request),
        switch_url={code: _switch_url(request, code) for code in LANGUAGES},
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, max_age=ONE_YEAR, samesite="lax")
    return response
