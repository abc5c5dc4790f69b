"""Public pages (no login): Jinja2 templates, htmx for live search."""

from __future__ import annotations

from tanji.web.ui.pages import router

__all__ = ["router"]
