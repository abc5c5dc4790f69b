"""The service hub's vocabulary (issue 17): the kinds of service a provider lists
(R5.3), the kinds of item in the policy and training section (R5.2, S2), and the
states of a request sent to a provider. Data, not logic; the services check against it.
"""

from __future__ import annotations

__all__ = [
    "POLICY_KINDS",
    "REQUEST_STATUSES",
    "SERVICE_CATEGORIES",
]

#: What a service provider offers (the policy's list: consulting, testing,
#: certification, green design, finance, legal).
SERVICE_CATEGORIES: tuple[str, ...] = (
    "consulting",
    "testing",
    "certification",
    "green-design",
    "finance",
    "legal",
)

#: What the policy and training section holds: notices, rules and policies, training
#: courses, events (a course or an event has dates).
POLICY_KINDS: tuple[str, ...] = ("notice", "policy", "training", "event")

#: A request to a provider: sent (open), answered by the provider, closed.
REQUEST_STATUSES: tuple[str, ...] = ("open", "answered", "closed")
