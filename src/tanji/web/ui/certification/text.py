"""The words of the certification pages: states, actions, roles, document kinds, the
notices, and refusal reasons in the reader's language (the msgids are the English
texts; the catalogues translate them, zh-CN first)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tanji.domain.certification import Reason
from tanji.domain.certification.errors import ENGLISH

__all__ = ["ACTIONS", "DOCUMENTS", "NOTICES", "ROLES", "STATES", "notice_text", "say_reasons"]


def N_(text: str) -> str:  # noqa: N802 (gettext's marker name, read by pybabel)
    return text


STATES: Mapping[str, str] = {
    "applied": N_("Applied (awaiting acceptance)"),
    "not-accepted": N_("Not accepted"),
    "accepted": N_("Accepted (awaiting the plan)"),
    "document-review": N_("Document review"),
    "on-site-inspection": N_("On-site inspection"),
    "verification": N_("Footprint verification"),
    "evaluation": N_("Evaluation and decision"),
    "refused": N_("Certification refused"),
    "certified": N_("Certified"),
    "surveillance": N_("Surveillance"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "cancelled": N_("Cancelled"),
}
ACTIONS: Mapping[str, str] = {
    "apply": N_("Application"),
    "accept": N_("Accept the application"),
    "not-accept": N_("Do not accept (with reasons)"),
    "plan": N_("Plan: team and decision-maker"),
    "raise-finding": N_("Raise a finding"),
    "answer-finding": N_("Answer a finding"),
    "close-finding": N_("Close a finding"),
    "complete-document-review": N_("Complete the document review"),
    "complete-inspection": N_("Complete the on-site inspection"),
    "record-recomputation": N_("Recompute under the pins"),
    "complete-verification": N_("Complete the verification"),
    "grant": N_("Grant certification"),
    "refuse": N_("Refuse certification"),
    "start-surveillance": N_("Start surveillance"),
    "complete-surveillance": N_("Complete surveillance"),
    "suspend": N_("Suspend the certificate"),
    "reinstate": N_("Reinstate the certificate"),
    "withdraw": N_("Withdraw the certificate"),
    "expire": N_("Expiry"),
    "cancel": N_("Cancel (withdraw the application or give up the certificate)"),
}
ROLES: Mapping[str, str] = {
    "applicant": N_("Applicant"),
    "body": N_("Certification body"),
    "team": N_("Team"),
    "decision-maker": N_("Decision-maker"),
    "": N_("Nobody (closed)"),
}
DOCUMENTS: Mapping[str, str] = {
    "power-of-attorney": N_("Power of attorney (认证委托书)"),
    "business-licence": N_("Business licence (营业执照)"),
    "process-flow": N_("Process flow chart (产品工艺流程图)"),
    "materials-list": N_("Raw and auxiliary materials list (原辅材料清单)"),
    "management-system": N_("Management system and evidence it has run three months"),
    "other": N_("Other document"),
}
FINDING_KINDS: Mapping[str, str] = {
    "nonconformity": N_("Nonconformity (corrective action by a deadline)"),
    "observation": N_("Observation"),
}
FINDING_STATUS: Mapping[str, str] = {
    "open": N_("Open"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
}
CERTIFICATE_STATUS: Mapping[str, str] = {
    "valid": N_("Valid"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "cancelled": N_("Cancelled"),
}
BODY_STATUS: Mapping[str, str] = {
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
}
NOTICES: Mapping[str, str] = {
    "application": N_("Case {case}: a new application waits for acceptance or refusal."),
    "accepted": N_("Case {case}: the body accepted your application."),
    "plan": N_("Case {case}: accepted; name the team and the decision-maker."),
    "not-accepted": N_("Case {case}: the body did not accept your application."),
    "review": N_("Case {case}: you are on the team; the document review waits on you."),
    "finding": N_("Case {case}: finding {finding} asks for corrective action by {deadline}."),
    "observation": N_("Case {case}: the team recorded observation {finding}."),
    "answered": N_("Case {case}: the enterprise answered a finding; review and close it."),
    "closed": N_("Case {case}: a finding was closed."),
    "inspection": N_("Case {case}: the on-site inspection waits on the team."),
    "verification": N_("Case {case}: the footprint verification waits on the team."),
    "decision": N_("Case {case}: the verification is done; your decision waits."),
    "granted": N_("Case {case}: certification granted; the certificate is issued."),
    "refused": N_("Case {case}: certification refused."),
    "surveillance": N_("Case {case}: surveillance has started."),
    "surveillance-done": N_("Case {case}: surveillance completed; the certificate stays valid."),
    "suspended": N_("Case {case}: the certificate is suspended."),
    "reinstated": N_("Case {case}: the certificate is reinstated."),
    "withdrawn": N_("Case {case}: the certificate is withdrawn."),
    "expired": N_("Case {case}: the certificate expired."),
    "cancelled": N_("Case {case}: the applicant cancelled."),
    "frozen": N_("Case {case}: the body's standing changed ({status}); the case is frozen."),
    "body-status": N_("Your body's standing changed: {status}."),
    # green supply chains
    "supply-request": N_("{lead} asks for the carbon footprint of {product} by {due}."),
    "supply-answered": N_("{supplier} answered your footprint request for {product}."),
    "supply-refused": N_("{supplier} declined your footprint request for {product}."),
    "supply-reminder": N_("Reminder: {lead} still waits for the footprint of {product} ({due})."),
    "surveillance-due": N_(
        "Certificate {certificate}: surveillance is due by {due}; plan it with the body."
    ),
    "surveillance-overdue": N_(
        "Certificate {certificate}: surveillance was due by {due} and has not started."
    ),
    "service-request": N_("A new request for your service “{service}” from {requester}."),
    # the public directory (issue 17)
    "contact-request": N_("{buyer} asks about your product {product}; see Contact requests."),
    "contact-reply": N_("{supplier} answered your request about {product}; see Contact requests."),
}


def notice_text(kind: str, params: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """A notice in the reader's language (missing values shown as —)."""
    values = {k: ("—" if v is None else v) for k, v in params.items()}
    status = values.get("status")
    if isinstance(status, str):  # a body's standing, in words
        label = BODY_STATUS.get(status) or ("Blacklisted" if status == "blacklisted" else None)
        values["status"] = gettext(label) if label else status
    template = gettext(NOTICES.get(kind, kind))
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def say_reasons(reasons: Iterable[Reason], gettext: Callable[[str], str]) -> list[str]:
    """Refusal reasons in the reader's language (the domain's English templates are
    the msgids)."""
    out = []
    for reason in reasons:
        template = gettext(ENGLISH.get(reason.key, reason.key))
        try:
            out.append(template.format(**_words_of(reason.params, gettext)))
        except (KeyError, IndexError, ValueError):
            out.append(reason.english())
    return out


#: Reason parameters that name a term of the process, and the term's label.
_TERMS: Mapping[str, Mapping[str, str]] = {
    "action": ACTIONS, "state": STATES, "role": ROLES, "status": BODY_STATUS,
}  # fmt: skip


def _words_of(params: Mapping[str, Any], gettext: Callable[[str], str]) -> dict[str, Any]:
    """The reason's values with the process's terms (states, actions, roles, document
    kinds) in the reader's language; other values as they are."""
    out = dict(params)
    for name, labels in _TERMS.items():
        value = out.get(name)
        if isinstance(value, str) and value in labels:
            out[name] = gettext(labels[value])
    missing = out.get("missing")
    if isinstance(missing, str):
        out["missing"] = ", ".join(
            gettext(DOCUMENTS.get(kind.strip(), kind.strip())) for kind in missing.split(",")
        )
    return out
