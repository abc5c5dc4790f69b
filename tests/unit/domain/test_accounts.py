"""Accounts in the domain: the permission matrix, credit codes, the password policy."""

from __future__ import annotations

import pytest

from tanji.domain.accounts import (
    ACTIONS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    Actor,
    OrgKind,
    Role,
    allowed,
    check_password,
    organisation_code_check_character,
    password_problems,
    unified_social_credit_code_valid,
    uscc_check_character,
    uscc_division_matches,
    uscc_of,
)
from tanji.domain.factors import DomainError
from tanji.services.accounts import DEMO_USCC

# Who may do what, written independently of the code's table. A cell lists the roles
# allowed: V viewer, E editor, A admin; "-" nobody. Columns: ENTerprise, CERTification
# body, ASSOCiation, PROVincial department, CITY department, service PROVider, PLATform.
EXPECTED = """
action                    ENT  CERT  ASSOC  PROV  CITY  SPROV  PLAT
product.read              VEA  VEA   VEA    VEA   VEA   VEA    VEA
product.write             EA   -     -      -     -     EA     -
result.calculate          EA   EA    -      -     -     EA     -
result.publish            A    -     -      -     -     -      -
factor.import             -    -     EA     EA    -     -      A
rule.import               A    EA    EA     EA    -     -      A
rule.publish              -    -     -      A     -     -      A
org.register              -    -     -      -     -     -      A
org.register-certifier    -    -     -      -     -     -      A
org.register-department   -    -     -      -     -     -      A
org.status                -    -     -      -     -     -      A
member.manage             A    A     A      A     A     A      A
audit.read                A    A     A      A     A     A      A
token.manage              EA   EA    EA     EA    EA    EA     EA
certification.apply       EA   -     -      -     -     -      -
certification.work        -    EA    -      -     -     -      -
certification.body        -    A     -      -     -     A      -
certification.oversee     -    -     -      A     -     -      A
benchmark.set             -    -     -      EA    -     -      A
benchmark.oversee         -    -     -      VEA   VEA   -      VEA
efficiency.report         EA   -     -      -     -     -      -
admission.submit          EA   -     EA     -     -     -      -
admission.review          EA   EA    EA     -     -     EA     -
admission.verify          -    -     -      EA    EA    -      -
admission.manage          -    -     A      A     -     -      A
admission.declare         A    A     A      -     -     A      -
admission.propagate       -    -     EA     EA    -     -      A
supply.request            EA   -     -      -     -     -      -
supply.answer             EA   -     -      -     -     -      -
desk.plan                 -    -     -      EA    -     -      A
desk.read                 -    -     -      VEA   VEA   -      VEA
service.offer             -    -     -      -     -     EA     -
service.request           EA   -     -      -     -     -      -
policy.publish            -    -     -      EA    EA    -      A
"""
COLUMNS = (
    OrgKind.ENTERPRISE,
    OrgKind.CERTIFICATION_BODY,
    OrgKind.ASSOCIATION,
    OrgKind.DEPARTMENT_PROVINCE,
    OrgKind.DEPARTMENT_CITY,
    OrgKind.SERVICE_PROVIDER,
    OrgKind.PLATFORM_ADMIN,
)
LETTER = {Role.VIEWER: "V", Role.EDITOR: "E", Role.ADMIN: "A"}


def expected_matrix() -> dict[str, dict[OrgKind, str]]:
    rows = [line.split() for line in EXPECTED.strip().splitlines()[1:]]
    return {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in rows}


def test_the_table_names_exactly_the_expected_actions() -> None:
    assert list(ACTIONS) == list(expected_matrix())
    assert set(COLUMNS) == set(OrgKind)


@pytest.mark.parametrize("action", list(expected_matrix()))
def test_allowed_matches_the_expected_matrix_for_every_kind_and_role(action: str) -> None:
    for kind, cell in expected_matrix()[action].items():
        for role in Role:
            assert allowed(kind, role, action) == (LETTER[role] in cell), (action, kind, role)


def test_unknown_actions_are_refused() -> None:
    assert not allowed(OrgKind.PLATFORM_ADMIN, Role.ADMIN, "everything")
    assert not allowed(OrgKind.PLATFORM_ADMIN, Role.ADMIN, "")


def test_a_token_actor_may_do_only_what_role_and_scopes_both_allow() -> None:
    person = Actor(1, 2, OrgKind.ENTERPRISE, Role.EDITOR)
    token = Actor(1, 2, OrgKind.ENTERPRISE, Role.EDITOR, frozenset({"product.read", "audit.read"}))
    assert person.can("product.write")
    assert not token.can("product.write")  # not in its scopes
    assert token.can("product.read")
    assert not token.can("audit.read")  # in its scopes, beyond an editor
    assert not person.is_platform_admin
    assert Actor(1, 2, OrgKind.PLATFORM_ADMIN, Role.VIEWER).is_platform_admin


# --- Unified social credit codes (GB 32100-2015) -----------------------------------------


def check_character_by_hand(first17: str) -> str:
    """The standard's formula, spelled out: C18 = 31 − MOD(Σ C_i·W_i, 31), 31 → 0."""
    values = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(values.index(char) * weight for char, weight in zip(first17, weights, strict=True))
    check = 31 - total % 31
    return values[0 if check == 31 else check]


def test_the_charset_and_weights_are_the_standards() -> None:
    assert len(USCC_CHARSET) == 31
    assert not set("IOSVZ") & set(USCC_CHARSET)
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_the_standards_worked_example() -> None:
    # GB 32100-2015's example: 91350100M000100Y4? gives Σ = 1640, 1640 mod 31 = 28,
    # C18 = 31 − 28 = 3; the example's "…Y4Z" is therefore rejected.
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert unified_social_credit_code_valid("91350100M000100Y43")
    assert not unified_social_credit_code_valid("91350100M000100Y4Z")


@pytest.mark.parametrize(
    "first17", ["91320500TJ0DEM009", "91320115MA1XYW124", "12320000466007458", "00000000000000000"]
)
def test_codes_built_with_the_formula_are_valid(first17: str) -> None:
    check = check_character_by_hand(first17)
    assert uscc_check_character(first17) == check
    assert unified_social_credit_code_valid(first17 + check)
    wrong = next(char for char in USCC_CHARSET if char != check)
    assert not unified_social_credit_code_valid(first17 + wrong)


def test_a_sum_divisible_by_31_gives_check_zero() -> None:
    assert check_character_by_hand("00000000000000000") == "0"
    assert uscc_check_character("00000000000000000") == "0"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19
        "91350100m000100Y43",  # lower case
        "91350100M00O100Y43",  # O is not in the charset
        "913501A0M000100Y43",  # the division code (positions 3–8) must be digits
        "９１350100M000100Y43",  # full-width digits
    ],
)
def test_malformed_codes_are_rejected(code: str) -> None:
    assert not unified_social_credit_code_valid(code)


def test_check_character_refuses_characters_outside_the_charset() -> None:
    with pytest.raises(DomainError, match="'I'"):
        uscc_check_character("91350100MI00100Y4")
    with pytest.raises(DomainError, match="17"):
        uscc_check_character("9135")


# --- Passwords --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "Tanji-2025!-x", "tanji2025abc", "碳足迹平台密码很长很长的1"],
)
def test_acceptable_passwords(password: str) -> None:
    assert password_problems(password) == []
    check_password(password)


def test_short_passwords_are_refused_with_their_length() -> None:
    assert password_problems("abc12") == ["The password has 5 characters; use at least 12."]
    # ASVS 4.0 2.1.1: at least 12 characters (11 were enough before).
    for eleven in ("Tanji-2025!", "tanji2025ab", "碳足迹平台密码很长的1"):
        assert password_problems(eleven) == ["The password has 11 characters; use at least 12."], (
            eleven
        )


@pytest.mark.parametrize(
    ("password", "kind"),
    [
        ("1234567890123", "digits"),
        ("abcdefghijkl", "lower-case letters"),
        ("ABCDEFGHIJKL", "upper-case letters"),
    ],
)
def test_passwords_of_one_kind_of_character_are_refused(password: str, kind: str) -> None:
    (problem,) = password_problems(password)
    assert f"only {kind}" in problem


def test_check_password_names_every_problem() -> None:
    with pytest.raises(DomainError, match=r"4 characters.*only digits"):
        check_password("1234")


# --- The organisation code inside the credit code (GB 11714-1997) and the region ------


def test_the_organisation_code_check_character() -> None:
    # GB 32100-2015's example carries the organisation code M000100Y4: Σ = 139, 139 mod
    # 11 = 7, C9 = 11 − 7 = 4.
    assert organisation_code_check_character("M000100Y") == "4"
    assert organisation_code_check_character("00000000") == "0"  # 11 is written 0
    assert organisation_code_check_character("40000000") == "X"  # Σ = 12: 11 − 1 → X
    # A code whose own check character is right but whose organisation code is not.
    first17 = "91350100M000100Y5"
    assert not unified_social_credit_code_valid(first17 + uscc_check_character(first17))


def test_the_demo_code_passes_the_whole_check() -> None:
    assert unified_social_credit_code_valid(DEMO_USCC)
    assert uscc_of("320500", DEMO_USCC[8:16]) == DEMO_USCC


@pytest.mark.parametrize(
    ("division", "code_division", "matches"),
    [
        ("320500", "320500", True),  # Suzhou's own authority
        ("320500", "320582", True),  # Zhangjiagang, a city under Suzhou
        ("320500", "320000", True),  # the provincial authority registers in every city
        ("320500", "320100", False),  # Nanjing
        ("320500", "110000", False),  # Beijing
        ("320000", "321300", True),  # any Jiangsu code for the province
        ("320000", "330100", False),  # Hangzhou is not in Jiangsu
    ],
)
def test_the_division_of_a_code_against_the_region(
    division: str, code_division: str, matches: bool
) -> None:
    assert uscc_division_matches(uscc_of(code_division, "TJ0DEM00"), division) is matches
