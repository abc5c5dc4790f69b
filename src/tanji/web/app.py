"""The web application: ``create_app()`` composes it; ``tanji serve`` runs it.

Design note: the :class:`~tanji.bootstrap.App` (settings, store, engine) is passed in or
built in the lifespan — never at import time — so tests hand in their own store and a
server process builds one from the environment.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from tanji import __version__
from tanji.bootstrap import App, build_app
from tanji.services.auth.throttle_store import StoreCounters
from tanji.settings import Settings
from tanji.web import api, pact_host, ui
from tanji.web.api import health
from tanji.web.errors import install_error_handlers
from tanji.web.guards import Guards
from tanji.web.headers import SecurityHeaders
from tanji.web.jobs import JobRunner
from tanji.web.limits import BodyLimit
from tanji.web.observability import Metrics, RequestContext, metrics_router
from tanji.web.security import SESSION_COOKIE, SESSION_SECONDS, secret_key
from tanji.web.ui import accounts as account_pages
from tanji.web.ui import admission as admission_pages
from tanji.web.ui import auth as auth_pages
from tanji.web.ui import benchmarks as benchmark_pages
from tanji.web.ui import data as data_pages
from tanji.web.ui import desk as desk_pages
from tanji.web.ui import hub as hub_pages
from tanji.web.ui import invitations as invitation_pages
from tanji.web.ui import jobs as jobs_pages
from tanji.web.ui import pact as pact_pages
from tanji.web.ui import results as results_pages
from tanji.web.ui import supply as supply_pages
from tanji.web.ui import workspace as workspace_pages
from tanji.web.ui.certification import cases as certification_case_pages
from tanji.web.ui.certification import pages as certification_pages
from tanji.web.ui.certification import registry as certification_registry_pages
from tanji.web.ui.directory import public as directory_pages
from tanji.web.ui.directory import workspace as directory_workspace_pages
from tanji.web.ui.labels import operator as label_operator_pages
from tanji.web.ui.labels import public as label_pages
from tanji.web.ui.labels import workspace as label_workspace_pages

__all__ = ["STATIC", "create_app", "serve_app"]

STATIC = Path(__file__).parent / "static"


def _share_counts(web: FastAPI, app: App) -> None:
    """On PostgreSQL (several worker processes) the throttles count in the store."""
    if app.db.dialect.name == "postgresql":
        web.state.guards.share(StoreCounters(app.db))


def serve_app() -> FastAPI:
    """The app of a served worker process (``tanji serve --workers N``, or any ASGI server
    with ``tanji.web.app:serve_app`` as factory): :func:`create_app` that freezes its
    start-up objects (:func:`_freeze_start_up`)."""
    return create_app(freeze_gc=True)


def _freeze_start_up() -> None:
    """Leave the objects of start-up (the platform's modules, the app, the store's
    metadata: some 300,000) out of the garbage collector's full collections. Each of
    those walked them all and held up the process's every request for a third of a
    second on a busy 2-core machine (the load's p99). Not in tests: their many apps
    would stay in memory."""
    gc.collect()
    gc.freeze()


def _limit_threads(app: App) -> None:
    """The threads of this process's event loop that run requests' synchronous work
    (anyio's default limiter, which FastAPI and :mod:`tanji.web.routing` use):
    :meth:`~tanji.settings.Settings.web_threads_for` the store."""
    limiter = to_thread.current_default_thread_limiter()
    limiter.total_tokens = app.settings.web_threads_for(app.db.dialect.name)


def create_app(
    app: App | None = None,
    *,
    secure_by_default: bool = False,
    admin_mfa_by_default: bool = False,
    freeze_gc: bool = False,
) -> FastAPI:
    """The FastAPI app over ``app`` (or over an App built from the environment at startup).

    ``secure_by_default`` / ``admin_mfa_by_default``: what ``Secure`` cookies and the
    administrators' second factor are where the settings leave them unset
    (``tanji serve`` turns both on outside the demo). ``freeze_gc``: a served process
    (:func:`serve_app`).
    """
    settings = app.settings if app is not None else Settings.from_env()
    secure = settings.secure_cookies
    secure = secure_by_default if secure is None else secure

    @asynccontextmanager
    async def lifespan(web: FastAPI) -> AsyncIterator[None]:
        # Long work (Monte Carlo, imports) runs beside the requests, from the store's
        # durable queue; see tanji.web.jobs.
        if app is not None:
            _share_counts(web, app)
            _limit_threads(app)
            with JobRunner(app, workers=2) as jobs:
                web.state.jobs = jobs
                if freeze_gc:
                    _freeze_start_up()
                yield
            return
        with build_app() as built, JobRunner(built, workers=2) as jobs:
            web.state.tanji = built
            _share_counts(web, built)
            _limit_threads(built)
            web.state.jobs = jobs
            if freeze_gc:
                _freeze_start_up()
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
        # FastAPI's own OpenTelemetry bridge looked up the global providers on every
        # request to find them unconfigured (a few % of a loaded worker's CPU); the
        # platform's metrics and request logs are its own (tanji.web.observability).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    if app is not None:
        web.state.tanji = app
    install_error_handlers(web)
    web.state.guards = Guards(enabled=settings.rate_limits)
    admin_mfa = settings.admin_mfa
    web.state.admin_mfa = admin_mfa_by_default if admin_mfa is None else admin_mfa
    web.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=secure,
    )
    # An oversized body is refused before anything reads it.
    web.add_middleware(BodyLimit)
    # Outermost, so every answer carries them (a 413 too); it reads no body.
    web.add_middleware(SecurityHeaders, https=secure, session_cookie=SESSION_COOKIE)
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
    web.include_router(api.ledger.well_known)  # /.well-known/tanji-keys.json
    web.include_router(ui.router)
    web.include_router(account_pages.router)
    web.include_router(auth_pages.router)
    web.include_router(invitation_pages.router)
    web.include_router(results_pages.router)
    web.include_router(workspace_pages.router)
    web.include_router(jobs_pages.router)
    web.include_router(data_pages.router)
    # carbon labels: the public page and resolvers, the workspace section, the operator's list
    web.include_router(label_pages.router)
    web.include_router(label_workspace_pages.router)
    web.include_router(label_operator_pages.router)
    # PACT v3 host endpoints (/auth/token, /3/…) and the PACT pages.
    pact_host.install(web)
    web.include_router(pact_pages.router)
    web.include_router(benchmark_pages.router)  # issue 16
    web.include_router(desk_pages.router)  # issue 17: the government's desk
    web.include_router(certification_pages.router)
    web.include_router(certification_case_pages.router)
    web.include_router(certification_registry_pages.router)
    web.include_router(hub_pages.router)  # issue 17: service providers, policy and training
    web.include_router(admission_pages.router)  # issue 15
    web.include_router(supply_pages.router)  # issue 17: green supply chains
    web.include_router(directory_pages.router)  # issue 17
    web.include_router(directory_workspace_pages.router)
    return web
