"""Markdown for content the departments write (the policy section): rendered safely.

CommonMark with tables, **raw HTML off** (a ``<script>`` or ``<img onerror>`` in the text
is shown as text, never as markup) and markdown-it's link check (no ``javascript:``,
``vbscript:``, ``file:`` or ``data:`` links); links get ``rel="nofollow noopener"``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["render_markdown"]


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "nofollow noopener")
        return str(renderer.renderToken(tokens, idx, options, env))

    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(text: str) -> Markup:
    """HTML for ``text`` (Markdown); safe to put in a page as it is."""
    return Markup(_parser().render(text or ""))
