"""The web application: ``create_app()`` composes it; ``tanji serve`` runs it.

Design note: the :class:`~tanji.bootstrap.App` (settings, store, engine) is passed in or
built in the lifespan — never at import time — so tests hand in their own store and a
server process builds one from the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from tanji import __version__
from tanji.bootstrap import App, build_app
from tanji.settings import Settings
from tanji.web import api, ui
from tanji.web.api import health
from tanji.web.errors import install_error_handlers
from tanji.web.headers import SecurityHeaders
from tanji.web.jobs import JobRunner
from tanji.web.limits import BodyLimit
from tanji.web.observability import Metrics, RequestContext, metrics_router
from tanji.web.security import SESSION_COOKIE, SESSION_SECONDS, secret_key
from tanji.web.ui import accounts as account_pages
from tanji.web.ui import data as data_pages
from tanji.web.ui import jobs as jobs_pages
from tanji.web.ui import results as results_pages
from tanji.web.ui import workspace as workspace_pages

__all__ = ["STATIC", "create_app"]

STATIC = Path(__file__).parent / "static"


def create_app(app: App | None = None) -> FastAPI:
    """The FastAPI app over ``app`` (or over an App built from the environment at startup)."""
    settings = app.settings if app is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(web: FastAPI) -> AsyncIterator[None]:
        # Long work (Monte Carlo, imports) runs beside the requests; see tanji.web.jobs.
        with JobRunner(workers=2) as jobs:
            web.state.jobs = jobs
            if app is not None:
                yield
                return
            with build_app() as built:
                web.state.tanji = built
                yield

    web = FastAPI(
        title="Tanji 碳迹",
        version=__version__,
        summary="Product carbon footprints for Jiangsu: factors, rules, progress.",
        openapi_url="/api/v1/openapi.json",
        # The bundled Swagger UI and ReDoc load their scripts from a CDN; the platform
        # runs offline, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    if app is not None:
        web.state.tanji = app
    install_error_handlers(web)
    web.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # An oversized body is refused before anything reads it.
    web.add_middleware(BodyLimit)
    # Outermost, so every answer carries them (a 413 too); it reads no body.
    web.add_middleware(
        SecurityHeaders, https=settings.secure_cookies, session_cookie=SESSION_COOKIE
    )
    # Observability (tanji.web.observability): outermost of all, so the request id and
    # the timing cover every answer.
    web.state.metrics = Metrics(web.state)
    web.state.metrics_public = settings.metrics_public
    web.add_middleware(RequestContext, on_response=web.state.metrics.observe)
    web.include_router(metrics_router)
    web.include_router(health.probe_router, prefix="/api/v1")
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.include_router(api.router, prefix="/api/v1")
    web.include_router(api.public_router, prefix="/api/v1")
    web.include_router(ui.router)
    web.include_router(account_pages.router)
    web.include_router(results_pages.router)
    web.include_router(workspace_pages.router)
    web.include_router(jobs_pages.router)
    web.include_router(data_pages.router)
    return web
