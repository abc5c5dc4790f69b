"""The audit log in words: what was done, to what, and each field before → after.

The services keep snapshots (:func:`tanji.services.audit.field_changes` takes them apart
field by field); this module names the action, the kind of record and each field in the
reader's language, and shows values as people read them: a line by its name, yes/no for
flags, a known code (a boundary, a role, a status) by its label, a long fingerprint cut
short. A key or action not in the tables is shown as it is, so nothing is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from tanji.domain.regions import REGIONS, region_name
from tanji.services.audit import AuditEntry, FieldChange, field_changes


def N_(text: str) -> str:  # noqa: N802 (gettext's marker name, read by pybabel)
    return text


__all__ = ["ACTIONS", "ENTITIES", "FIELDS", "VALUES", "AuditText", "describe"]

#: Action → what was done (a verb phrase).
ACTIONS: Mapping[str, str] = {
    "product.create": N_("created the product"),
    "product.line-add": N_("added a line"),
    "product.line-edit": N_("changed a line"),
    "product.line-delete": N_("deleted a line"),
    "product.update-facts": N_("changed the product's facts"),
    "product.update-document": N_("uploaded a new model file"),
    "product.activity-data": N_("filled in activity data from Excel"),
    "product.delete": N_("deleted the product"),
    "result.calculate": N_("calculated a footprint"),
    "org.register": N_("registered the organisation"),
    "org.status": N_("changed the organisation's status"),
    "user.create": N_("created an account"),
    "member.add": N_("added a member"),
    "member.role": N_("changed a member's role"),
    "member.invite": N_("invited a person"),
    "member.invite-accept": N_("accepted an invitation"),
    "member.invite-revoke": N_("withdrew an invitation"),
    "token.create": N_("created an API token"),
    "token.revoke": N_("revoked an API token"),
    "login.success": N_("signed in"),
    "login.failed": N_("failed to sign in"),
    "logout": N_("signed out"),
    "session.end": N_("ended a session"),
    "password.change": N_("changed the password"),
    "password.reset": N_("reset the password"),
    "password.reset-issue": N_("issued a password reset link"),
    "password.reset-request": N_("asked for a password reset"),
    "mfa.enrol": N_("set up a second sign-in factor"),
    "mfa.remove": N_("removed a second sign-in factor"),
    "mfa.recovery-use": N_("used a recovery code"),
    "certification.apply": N_("applied for certification"),
    "certification.certificate-issue": N_("issued a certificate"),
    "certification.certificate-status": N_("changed a certificate's status"),
    "certification.evidence-add": N_("added certification evidence"),
    "certification.evidence-read": N_("read certification evidence"),
    "certification.footprint-read": N_("read a footprint under certification"),
    "certification.recompute": N_("recomputed a certified footprint"),
    "label.issue": N_("issued a carbon label"),
    "label.revoke": N_("withdrew a carbon label"),
    "efficiency.report": N_("reported energy data for the carbon efficiency code"),
}

#: Kind of record → its name.
ENTITIES: Mapping[str, str] = {
    "product": N_("product"),
    "footprint_result": N_("footprint result"),
    "organisation": N_("organisation"),
    "user": N_("account"),
    "member": N_("membership"),
    "invitation": N_("invitation"),
    "session": N_("session"),
    "token": N_("API token"),
    "api_token": N_("API token"),
    "certification_case": N_("certification case"),
    "certification_evidence": N_("certification evidence"),
    "certification_body": N_("certification body"),
    "certificate": N_("certificate"),
    "label": N_("carbon label"),
    "benchmark_energy_report": N_("energy report"),
    "pact_footprint": N_("PACT footprint"),
    "pact_partner": N_("PACT partner"),
}

#: Snapshot key → the field's name.
FIELDS: Mapping[str, str] = {
    # products and their facts
    "code": N_("Product code"),
    "name_zh": N_("Name (Chinese)"),
    "name_en": N_("Name (English)"),
    "rule_ref": N_("Rule"),
    "version": N_("Version"),
    "lines": N_("Lines"),
    "facts": N_("Facts"),
    "declared_unit": N_("Declared unit"),
    "output": N_("Output covered by the data"),
    "functional_unit_zh": N_("Functional unit (Chinese)"),
    "functional_unit_en": N_("Functional unit (English)"),
    "functional_unit_declared_units": N_("Declared units per functional unit"),
    "company": N_("Company"),
    "site": N_("Site"),
    "boundary": N_("Boundary"),
    "period_start": N_("Reference period from"),
    "period_end": N_("Reference period to"),
    "gtin": N_("GTIN (barcode)"),
    "company_code": N_("Company product code"),
    "industrial_internet": N_("Industrial internet identifier"),
    # lines
    "name": N_("Line name"),
    "stage": N_("Life-cycle stage"),
    "quantity": N_("Quantity"),
    "amount": N_("Quantity"),
    "unit": N_("Unit"),
    "factor": N_("Factor"),
    "co2e_kg": N_("kg CO₂e per unit"),
    "source": N_("Source"),
    "publisher": N_("Publisher"),
    "title": N_("Title"),
    "year": N_("Year"),
    "activity": N_("LCI activity"),
    "supplier": N_("Supplier footprint"),
    "electricity": N_("Electricity"),
    "grid": N_("Grid"),
    "geography": N_("Grid"),
    "basis": N_("Grid factor"),
    "market": N_("Market-based instruments"),
    "transport": N_("Transport leg"),
    "mass": N_("Mass carried"),
    "distance": N_("Distance"),
    "mode": N_("Mode"),
    "gas": N_("Gas"),
    "data": N_("Data"),
    "process": N_("Rule process"),
    "evidence": N_("Evidence"),
    "note": N_("Note"),
    "notes": N_("Note"),
    # organisations and people
    "kind": N_("Kind"),
    "uscc": N_("Unified social credit code"),
    "region": N_("City"),
    "status": N_("Status"),
    "email": N_("Email"),
    "display_name": N_("Person's name"),
    "active": N_("Active"),
    "role": N_("Role"),
    "org_id": N_("Organisation"),
    "user_id": N_("Account"),
    "reason": N_("Reason"),
    "mfa": N_("With a second factor"),
    "by": N_("By"),
    "sessions_ended": N_("Sessions ended"),
    "scopes": N_("Scopes"),
    "prefix": N_("Prefix"),
    # results, certification, labels
    "result_id": N_("Result"),
    "product_id": N_("Product"),
    "total": N_("Total"),
    "iterations": N_("Monte Carlo iterations"),
    "case_id": N_("Certification case"),
    "documents": N_("Documents"),
    "filename": N_("File"),
    "sha256": N_("Fingerprint (SHA-256)"),
    "fingerprint": N_("Fingerprint"),
    "size": N_("Size (bytes)"),
    "pins": N_("Data pinned"),
    "illustrative": N_("illustrative"),
    "per": N_("Per"),
    "seed": N_("Random seed"),
    "link": N_("Linked to"),
    "ref": N_("Version used"),
    "public_id": N_("Public id"),
    "grade": N_("Grade"),
    "industry": N_("Industry"),
    "intensity": N_("Intensity"),
    "value_added": N_("Value added"),
}

#: A stored code → how it is said.
VALUES: Mapping[str, str] = {
    "cradle-to-gate": N_("cradle to gate"),
    "cradle-to-grave": N_("cradle to grave"),
    "gate-to-gate": N_("gate to gate"),
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "active": N_("active"),
    "suspended": N_("suspended"),
    "blacklisted": N_("blacklisted"),
    "admin": N_("admin"),
    "editor": N_("editor"),
    "viewer": N_("viewer"),
    "enterprise": N_("enterprise"),
    "operator": N_("the platform operator"),
    "business-licence": N_("business licence"),
    "management-system": N_("management system documents"),
    "materials-list": N_("list of materials"),
    "power-of-attorney": N_("power of attorney"),
    "process-flow": N_("process flow"),
    # the life-cycle stages the shipped rules name most
    "raw_materials": N_("raw material acquisition"),
    "production": N_("production"),
    "distribution": N_("distribution"),
    "use": N_("use"),
    "end_of_life": N_("end of life"),
}

_HASH = re.compile(r"[0-9a-f]{32,}")


@dataclass(frozen=True)
class AuditText:
    """An entry in words: ``what`` was done, to ``subject``, and each change as
    ``(field, before, after)`` (``None``: there was none)."""

    what: str
    subject: str
    changes: tuple[tuple[Markup, str | None, str | None], ...]


def _value(value: Any, gettext: Callable[[str], str], language: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        shown = (_value(item, gettext, language) for item in value)
        return "、".join(v for v in shown if v) or None
    if isinstance(value, (dict, tuple)):
        return None
    text = str(value)
    if text in VALUES:
        return gettext(VALUES[text])
    if text in REGIONS:
        return region_name(text, language)
    if _HASH.fullmatch(text):
        return text[:12] + "…"
    return text


def _summarised(entry: AuditEntry, changes: list[FieldChange]) -> list[FieldChange]:
    """A product created or deleted: its lines counted, not listed field by field."""
    created = entry.action.endswith(".create")
    whole = entry.after if created or entry.before is None else entry.before
    lines = (whole or {}).get("lines")
    if not isinstance(lines, Mapping) or not (
        created or entry.before is None or entry.after is None
    ):
        return changes
    kept = [c for c in changes if c.path[0] != "lines"]
    count = FieldChange(("lines",), None, len(lines)) if whole is entry.after else (
        FieldChange(("lines",), len(lines), None))  # fmt: skip
    return [*kept, count]


def _field(path: tuple[str, ...], entry: AuditEntry, gettext: Callable[[str], str]) -> Markup:
    """A field's name: a product line by its name (else its id), then the line's field;
    a product's facts by the fact's name; list items by number."""
    parts = list(path)
    head: list[str] = []
    if parts[0] == "lines" and len(parts) > 1:
        line = parts[1]
        named_line = Markup('<span translate="no">{}</span>').format(_line_name(entry, line))
        head.append(Markup(escape(gettext("Line %(name)s"))) % {"name": named_line})
        parts = parts[2:]
    elif parts[0] == "facts" and len(parts) > 1:
        parts = parts[1:]
    named = [
        gettext(FIELDS[part]) if part in FIELDS else f"#{part}" if part.isdigit() else part
        for part in parts
        if part not in ("quantity",) or len(parts) == 1
    ]
    return Markup(" · ").join([*head, *named]) or escape(gettext("Line"))


def _line_name(entry: AuditEntry, line_id: str) -> str:
    for snapshot in (entry.after, entry.before):
        lines = (snapshot or {}).get("lines")
        if isinstance(lines, Mapping):
            spec = lines.get(line_id)
            if isinstance(spec, Mapping) and spec.get("name"):
                return f"{spec['name']} ({line_id})"
    return line_id


def describe(entry: AuditEntry, gettext: Callable[[str], str], language: str) -> AuditText:
    """The entry in the reader's language (``gettext`` of the page, ``language`` its
    code)."""
    what = gettext(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action
    kind = gettext(ENTITIES[entry.entity_kind]) if entry.entity_kind in ENTITIES else ""
    subject = f"{kind} #{entry.entity_id}" if kind else f"#{entry.entity_id}"
    changes = []
    for change in _summarised(entry, field_changes(entry)):
        before = _value(change.before, gettext, language)
        after = _value(change.after, gettext, language)
        if before is None and after is None:
            continue
        changes.append((_field(change.path, entry, gettext), before, after))
    return AuditText(what, subject, tuple(changes))
