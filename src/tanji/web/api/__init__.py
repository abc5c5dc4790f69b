"""JSON API v1: read-only public endpoints (factors, rules, progress), OpenAPI described."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tanji.web.api import factors, health, progress, rules
from tanji.web.security import current_actor, verify_csrf

__all__ = ["router"]

#: Every endpoint knows its actor (token or session) and checks CSRF on cookie changes.
router = APIRouter(dependencies=[Depends(current_actor), Depends(verify_csrf)])
router.include_router(health.router)
router.include_router(factors.router)
router.include_router(rules.router)
router.include_router(progress.router)
