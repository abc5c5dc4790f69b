"""JSON API v1: read-only public endpoints (factors, rules, progress), OpenAPI described."""

from __future__ import annotations

from fastapi import Depends

from tanji.web.api import (
    accounts,
    admission,
    benchmarks,
    certification,
    certification_registry,
    data,
    desk,
    directory,
    factors,
    health,
    hub,
    jobs,
    labels,
    ledger,
    pact,
    products,
    progress,
    results,
    rules,
    supply,
)
from tanji.web.api.common import ERROR_RESPONSES
from tanji.web.routing import Router
from tanji.web.security import current_actor, verify_csrf

__all__ = ["public_router", "router"]

#: Every endpoint knows its actor (token or session) and checks CSRF on cookie changes.
router = Router(
    dependencies=[Depends(current_actor), Depends(verify_csrf)], responses=ERROR_RESPONSES
)
router.include_router(health.router)
router.include_router(factors.router)
router.include_router(rules.router)
router.include_router(progress.router)
router.include_router(results.router)
router.include_router(products.router)
router.include_router(jobs.router)
router.include_router(data.router)
router.include_router(accounts.router)
router.include_router(labels.router)  # carbon labels
router.include_router(admission.router)
router.include_router(ledger.router)
router.include_router(pact.router)
router.include_router(benchmarks.router)  # issue 16
router.include_router(certification.router)
router.include_router(supply.router)  # issue 17: green supply chains
router.include_router(desk.router)  # issue 17: the government's desk
router.include_router(certification_registry.router)
router.include_router(hub.router)  # issue 17: service providers, policy and training
router.include_router(directory.router)  # issue 17: the public directory

#: The few endpoints that need no CSRF token: anonymous, and they do not sign anyone in
#: (see the design note in :mod:`tanji.web.api.accounts`). Mounted by ``create_app``.
public_router = Router(dependencies=[Depends(current_actor)], responses=ERROR_RESPONSES)
public_router.include_router(accounts.public_router)
