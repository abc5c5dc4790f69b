"""What the enterprise's product page shows of certification: the product's cases, its
certificate, and what is asked of the enterprise (findings to answer, with deadlines)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from tanji.domain.accounts import Actor
from tanji.services.certification import views
from tanji.web.ui.certification.pages import words

__all__ = ["certification_context"]


def certification_context(
    request: Request, session: Session, actor: Actor, product_id: int
) -> dict[str, Any]:
    """The product's certification cases and the open findings asked of the enterprise."""
    found = views.product_cases(session, actor, product_id)
    asked = [c for c in found if c.waiting_on == "applicant"]
    return words(request) | {"certification_cases": found, "certification_asked": asked}
