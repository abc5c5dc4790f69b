"""Who may do what: organisation kinds, roles, the permission table, and the checks on
what people type when they register (the unified social credit code, passwords).

Every person acts for one organisation with one role in it. What they may do depends on
both: an *editor* at an enterprise may write product models, an *editor* at the
provincial department may import emission factors. :data:`PERMISSIONS` is that table,
written as data so it can be read, reviewed and printed; :func:`allowed` looks it up.

The table says what a kind of organisation may do at all; *which* records it may touch
is tenant isolation, decided by the services (an enterprise sees its own products; a
certification body sees an enterprise's products only through an assignment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from tanji.domain.factors import DomainError

__all__ = [
    "ACTIONS",
    "MIN_PASSWORD_LENGTH",
    "PERMISSIONS",
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "Actor",
    "OrgKind",
    "OrgStatus",
    "Role",
    "allowed",
    "check_password",
    "organisation_code_check_character",
    "password_problems",
    "unified_social_credit_code_valid",
    "uscc_check_character",
    "uscc_division_matches",
    "uscc_of",
]


class OrgKind(StrEnum):
    """The kinds of organisation on the platform (the policy's actors)."""

    ENTERPRISE = "enterprise"
    CERTIFICATION_BODY = "certification-body"
    ASSOCIATION = "association"
    DEPARTMENT_PROVINCE = "department-province"
    DEPARTMENT_CITY = "department-city"
    SERVICE_PROVIDER = "service-provider"
    PLATFORM_ADMIN = "platform-admin"


class Role(StrEnum):
    """A person's role in their organisation; each role may do what the one before may."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class OrgStatus(StrEnum):
    """Whether an organisation may act. Blacklisting is the policy's credit penalty (S4)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    BLACKLISTED = "blacklisted"


_K = OrgKind
_V, _E, _A = Role.VIEWER, Role.EDITOR, Role.ADMIN
_EVERY_KIND = tuple(OrgKind)

#: action → {organisation kind: the least role that may do it}. A kind missing from an
#: action's row may not do it with any role. Reasons, row by row:
#:
#: - ``product.read``: everyone reads the products *visible to it* (tenant isolation);
#: - ``product.write``: enterprises model their own products; service providers model
#:   for their clients (consulting, R5.3);
#: - ``result.calculate``: those who write models, and certification bodies, which
#:   recompute what they verify;
#: - ``result.publish``: making a footprint visible to customers is the enterprise's
#:   decision, so its admins take it;
#: - ``factor.import``: associations run sub-databases (R3.4), the provincial department
#:   the background database (R3.5), the platform its reference data;
#: - ``rule.import``: rule authors (R1.1): associations, certifiers, leading firms
#:   (their admins), and the department; imports arrive as drafts;
#: - ``rule.publish``: moving a rule through its lifecycle is the competent department's
#:   (and the platform operator's) act;
#: - ``org.register*``: only the platform operator admits certification bodies,
#:   departments and other organisations (enterprises register themselves);
#: - ``org.status``: suspending or blacklisting an organisation (S4's blacklist of
#:   certification bodies) is the platform operator's;
#: - ``member.manage``, ``audit.read``: every organisation's admins, for their own;
#: - ``token.manage``: editors and admins make API tokens (scoped to what they may do);
#: - ``certification.apply``: an enterprise's editors apply for certification of its
#:   footprints and answer findings (which case is theirs is tenant isolation);
#: - ``certification.work``: a certification body's editors accept, plan, review,
#:   inspect, verify and decide — which of these a person may do in a case is the
#:   process table's (body, team, decision-maker; domain/certification/process.py);
#: - ``certification.body``: a body's admins keep its staff list and its declarations
#:   of consultancy (impartiality); an enterprise's or service provider's admins declare
#:   consultancy too;
#: - ``certification.oversee``: registering bodies, changing their status, the
#:   blacklist and credit findings are the platform operator's and the provincial
#:   department's (the competent department's) acts;
#: - ``benchmark.set``: reference values, their policies, the 碳效码 bounds and industry
#:   averages are set by the competent (provincial) department and the platform operator;
#: - ``benchmark.oversee``: departments (province and city) see every enterprise's grades
#:   and 碳效码 by category and city;
#: - ``efficiency.report``: an enterprise's editors report its energy use and value added;
#: - ``desk.plan``: the annual work plan (focus sectors, targets by city) is the
#:   provincial department's (S1);
#: - ``desk.read``: the government's desk (progress, drill-down, export) is the
#:   departments' and the operator's; a city department sees its own city only (the
#:   services' tenant rule).
#: - ``service.offer``: a service provider's editors list its services and answer requests;
#: - ``service.request``: an enterprise's editors send requests to service providers;
#: - ``policy.publish``: the departments and the platform operator keep the policy and
#:   training section (notices, rules and policies, courses, events).
PERMISSIONS: Mapping[str, Mapping[OrgKind, Role]] = {
    "product.read": dict.fromkeys(_EVERY_KIND, _V),
    "product.write": {_K.ENTERPRISE: _E, _K.SERVICE_PROVIDER: _E},
    "result.calculate": {_K.ENTERPRISE: _E, _K.SERVICE_PROVIDER: _E, _K.CERTIFICATION_BODY: _E},
    "result.publish": {_K.ENTERPRISE: _A},
    "factor.import": {_K.ASSOCIATION: _E, _K.DEPARTMENT_PROVINCE: _E, _K.PLATFORM_ADMIN: _A},
    "rule.import": {
        _K.ASSOCIATION: _E,
        _K.CERTIFICATION_BODY: _E,
        _K.ENTERPRISE: _A,
        _K.DEPARTMENT_PROVINCE: _E,
        _K.PLATFORM_ADMIN: _A,
    },
    "rule.publish": {_K.DEPARTMENT_PROVINCE: _A, _K.PLATFORM_ADMIN: _A},
    "org.register": {_K.PLATFORM_ADMIN: _A},
    "org.register-certifier": {_K.PLATFORM_ADMIN: _A},
    "org.register-department": {_K.PLATFORM_ADMIN: _A},
    "org.status": {_K.PLATFORM_ADMIN: _A},
    "member.manage": dict.fromkeys(_EVERY_KIND, _A),
    "audit.read": dict.fromkeys(_EVERY_KIND, _A),
    "token.manage": dict.fromkeys(_EVERY_KIND, _E),
    "certification.apply": {_K.ENTERPRISE: _E},
    "certification.work": {_K.CERTIFICATION_BODY: _E},
    "certification.body": {_K.CERTIFICATION_BODY: _A, _K.SERVICE_PROVIDER: _A},
    "certification.oversee": {_K.DEPARTMENT_PROVINCE: _A, _K.PLATFORM_ADMIN: _A},
    # --- benchmarks (issue 16)
    "benchmark.set": {_K.DEPARTMENT_PROVINCE: _E, _K.PLATFORM_ADMIN: _A},
    "benchmark.oversee": {
        _K.DEPARTMENT_PROVINCE: _V,
        _K.DEPARTMENT_CITY: _V,
        _K.PLATFORM_ADMIN: _V,
    },
    "efficiency.report": {_K.ENTERPRISE: _E},
    # --- admission (issue 15)
    "admission.submit": {_K.ENTERPRISE: _E, _K.ASSOCIATION: _E},
    "admission.review": {
        _K.ENTERPRISE: _E,
        _K.ASSOCIATION: _E,
        _K.CERTIFICATION_BODY: _E,
        _K.SERVICE_PROVIDER: _E,
    },
    "admission.verify": {_K.DEPARTMENT_PROVINCE: _E, _K.DEPARTMENT_CITY: _E},
    "admission.manage": {_K.DEPARTMENT_PROVINCE: _A, _K.ASSOCIATION: _A, _K.PLATFORM_ADMIN: _A},
    "admission.declare": {
        _K.ENTERPRISE: _A,
        _K.ASSOCIATION: _A,
        _K.CERTIFICATION_BODY: _A,
        _K.SERVICE_PROVIDER: _A,
    },
    "admission.propagate": {
        _K.DEPARTMENT_PROVINCE: _E,
        _K.ASSOCIATION: _E,
        _K.PLATFORM_ADMIN: _A,
    },
    # --- green supply chains (issue 17): a lead firm asks, a supplier answers
    "supply.request": {_K.ENTERPRISE: _E},
    "supply.answer": {_K.ENTERPRISE: _E},
    # --- the government's desk (issue 17)
    "desk.plan": {_K.DEPARTMENT_PROVINCE: _E, _K.PLATFORM_ADMIN: _A},
    "desk.read": {
        _K.DEPARTMENT_PROVINCE: _V,
        _K.DEPARTMENT_CITY: _V,
        _K.PLATFORM_ADMIN: _V,
    },
    # --- service providers and policy (issue 17)
    "service.offer": {_K.SERVICE_PROVIDER: _E},
    "service.request": {_K.ENTERPRISE: _E},
    "policy.publish": {_K.DEPARTMENT_PROVINCE: _E, _K.DEPARTMENT_CITY: _E, _K.PLATFORM_ADMIN: _A},
}

#: Every action the platform checks, in the table's order.
ACTIONS: tuple[str, ...] = tuple(PERMISSIONS)


def allowed(kind: OrgKind, role: Role, action: str) -> bool:
    """Whether a person with ``role`` in an organisation of ``kind`` may do ``action``.

    An unknown action is refused (never allowed by default), so a typo in a caller
    fails closed.
    """
    least = PERMISSIONS.get(action, {}).get(kind)
    return least is not None and role.rank >= least.rank


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person, the organisation they act for and their role in it.

    ``scopes`` is ``None`` for a person who logged in; an API token's actor carries the
    token's scopes and may do only what both its role and its scopes allow.
    """

    user_id: int
    org_id: int
    org_kind: OrgKind
    role: Role
    scopes: frozenset[str] | None = None

    def can(self, action: str) -> bool:
        if self.scopes is not None and action not in self.scopes:
            return False
        return allowed(self.org_kind, self.role, action)

    @property
    def is_platform_admin(self) -> bool:
        """Whether the actor belongs to the platform operator (sees every organisation)."""
        return self.org_kind is OrgKind.PLATFORM_ADMIN


# --- The unified social credit code (统一社会信用代码), GB 32100-2015 -------------------

#: The code's 31 characters; a character's value is its index. I, O, Z, S, V are left
#: out so they cannot be confused with 1, 0, 2, 5, U.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: W_i = 3^(i-1) mod 31 for the first 17 positions (GB 32100-2015, 表 4).
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {char: value for value, char in enumerate(USCC_CHARSET)}


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code from its first 17.

    C18 = 31 − MOD(Σ C_i·W_i, 31), where a result of 31 is written 0 (GB 32100-2015,
    §4 and annex). Raises :class:`DomainError` when a character is outside the charset.
    """
    if len(first17) != 17:
        raise DomainError(f"{first17!r}: expected the first 17 characters of the code")
    try:
        total = sum(
            _VALUE[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
        )
    except KeyError as error:
        raise DomainError(f"{error.args[0]!r} is not used in unified social credit codes") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def unified_social_credit_code_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed 统一社会信用代码 (GB 32100-2015).

    18 characters from :data:`USCC_CHARSET`, positions 3–8 the registering authority's
    administrative division code (six digits, GB/T 2260), and the 18th the check
    character of the first 17. Upper case only, as printed on a business licence; the
    caller normalises what people type. This checks the form, not that the organisation
    exists.
    """
    if len(code) != 18 or any(char not in _VALUE for char in code):
        return False
    if not code[2:8].isdigit():
        return False
    if organisation_code_check_character(code[8:16]) != code[16]:
        return False
    return uscc_check_character(code[:17]) == code[17]


#: W_i of the organisation code's eight body characters (GB 11714-1997).
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_character(body: str) -> str:
    """The 9th character of an organisation code (组织机构代码, GB 11714-1997) from its
    first eight — the code that stands at positions 9–17 of a unified social credit code.

    C9 = 11 − MOD(Σ C_i·W_i, 11), digits worth their value and letters A–Z 10–35; a
    result of 10 is written X and 11 is written 0.
    """
    if len(body) != 8 or any(not (c.isdigit() or "A" <= c <= "Z") for c in body):
        raise DomainError(f"{body!r} is not the body of an organisation code")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * weight
        for c, weight in zip(body, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_of(division: str, body: str, registration: str = "91") -> str:
    """A well-formed unified social credit code: the registration authority and kind
    (``91``: a company registered with the market regulator), the six-digit division,
    the organisation code's eight ``body`` characters with their check character, and
    the code's own check character (for demo data and tests)."""
    first16 = registration + division + body
    first17 = first16 + organisation_code_check_character(body)
    return first17 + uscc_check_character(first17)


def uscc_division_matches(code: str, division: str) -> bool:
    """Whether the administrative division of a credit code (positions 3–8, GB/T 2260)
    lies in the region of division code ``division``: a province (``320000``) takes any
    code of the province (``32…``); a city (``320500``) any of its districts and
    counties (``3205…``) and codes the province itself issued (``320000``), since a
    provincial registration authority registers firms in every city."""
    issued = code[2:8]
    province, city = division[:2], division[2:4]
    if issued[:2] != province:
        return False
    if city == "00":
        return True
    return issued[2:4] == city or issued[2:] == "0000"


# --- Passwords ---------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 12
_CLASSES = (
    ("lower-case letters", str.islower),
    ("upper-case letters", str.isupper),
    ("digits", str.isdigit),
)


def _character_class(char: str) -> str:
    for name, test in _CLASSES:
        if test(char):
            return name
    return "other characters"


def password_problems(password: str) -> list[str]:
    """What is wrong with a password, as sentences to show; empty when it is acceptable.

    The policy: at least :data:`MIN_PASSWORD_LENGTH` characters, and not all of one kind
    (only digits, only lower-case letters, …). Length matters more than composition
    (NIST SP 800-63B §5.1.1.2), hence the mild second rule; spaces and any script are
    allowed, so a Chinese passphrase is fine.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            f"The password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}."
        )
    classes = {_character_class(char) for char in password}
    if password and len(classes) == 1:
        (only,) = classes
        problems.append(
            f"The password uses only {only}; mix in another kind (a letter, a digit, a symbol)."
        )
    return problems


def check_password(password: str) -> None:
    """Raise :class:`DomainError` with every problem of :func:`password_problems`."""
    problems = password_problems(password)
    if problems:
        raise DomainError(" ".join(problems))
