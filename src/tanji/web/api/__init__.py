"""JSON API v1: read-only public endpoints (factors, rules, progress), OpenAPI described."""

from __future__ import annotations

from fastapi import APIRouter

from tanji.web.api import factors, health, progress, rules

__all__ = ["router"]

router = APIRouter()
router.include_router(health.router)
router.include_router(factors.router)
router.include_router(rules.router)
router.include_router(progress.router)
