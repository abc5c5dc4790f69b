from __future__ import annotations

from tanji.services.rules import get_entry, list_rules, parse_ref
from tanji.web.api.schemas import RuleDetailRead, RuleList, RuleRead
from tanji.web.deps import SessionDep
from tanji.web.routing import Router

router = Router(prefix="/rules", tags=["rules"])


@router.get("")
def rules_index(session: SessionDep, category: str | None = None) -> RuleList:
    """Every rule version in the library, by id then version."""
    entries = list_rules(session, category)
    return RuleList(count=len(entries), data=[RuleRead.of(e) for e in entries])


@router.get("/{ref}")
def rule_detail(ref: str, session: SessionDep) -> RuleDetailRead:
    """A rule, ``ID`` (the version in force) or ``ID@VERSION``."""
    return RuleDetailRead.of(get_entry(session, *parse_ref(ref)))
