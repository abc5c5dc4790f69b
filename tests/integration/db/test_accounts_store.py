"""The accounts service against both stores: registration, logins, tokens, members and
roles, the platform operator's acts, and the audit log (before → after, never secrets)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import ApiTokenRow, AuditRow, OrganisationRow, UserRow
from tanji.domain.accounts import USCC_CHARSET, Actor, OrgKind, Role, uscc_of
from tanji.services import accounts, audit, logins
from tanji.services.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

PASSWORD = "correct-horse-9"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logins, "PASSWORD_HASHER", CHEAP)


def uscc(division: str = "320500") -> str:
    return uscc_of(division, "".join(secrets.choice(USCC_CHARSET) for _ in range(8)))


def email(label: str = "person") -> str:
    return f"{label}-{secrets.token_hex(4)}@example.com"


def enterprise(session: Session, *, code: str | None = None, address: str | None = None) -> Actor:
    return accounts.register_enterprise(
        session,
        name="江苏测试有限公司",
        uscc=code or uscc(),
        email=address or email("admin"),
        password=PASSWORD,
        display_name="管理员",
        region="CN-JS-SZ",
    )


def member(session: Session, admin: Actor, role: Role) -> tuple[str, Actor]:
    address = email(role.value)
    accounts.add_member(session, admin, admin.org_id, address, role, password=PASSWORD)
    return address, logins.authenticate(session, address, PASSWORD, org_id=admin.org_id)


def platform(session: Session) -> Actor:
    return accounts.ensure_platform_admin(session, email("operator"), PASSWORD)


def organisations_count(session: Session) -> int:
    return session.scalar(select(func.count(OrganisationRow.id))) or 0


# --- Registration ----------------------------------------------------------------------


def test_an_enterprise_registers_itself_with_its_first_admin(session: Session) -> None:
    address = email("Admin")
    actor = enterprise(session, address=address.upper())
    assert (actor.org_kind, actor.role) == (OrgKind.ENTERPRISE, Role.ADMIN)
    info = accounts.organisation(session, actor, actor.org_id)
    assert (info.region, info.members, info.status.value) == ("CN-JS-SZ", 1, "active")
    assert logins.account_of(session, actor).email == address.lower()
    log = audit.audit_log(session, actor)
    assert [entry.action for entry in log] == ["member.add", "org.register"]
    assert log[1].before is None
    assert log[1].after is not None
    assert log[1].after["name"] == "江苏测试有限公司"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"uscc": "91320500TJ0DEM001X"}, {"uscc"}),  # wrong check character
        ({"uscc": "9132O500TJ0DEM001Y"}, {"uscc"}),  # O is not in the charset
        ({"password": "short1"}, {"password"}),
        ({"password": "onlylowercaseletters"}, {"password"}),
        ({"email": "not-an-address"}, {"email"}),
        ({"region": "CN-ZJ"}, {"region"}),
        ({"name": "  "}, {"name"}),
        ({"uscc": "123", "email": "x", "password": "1"}, {"uscc", "email", "password"}),
    ],
)
def test_registration_names_every_input_at_fault_and_writes_nothing(
    session: Session, changes: dict[str, str], fields: set[str]
) -> None:
    before = organisations_count(session)
    form = {
        "name": "测试",
        "uscc": uscc("320100"),
        "email": email(),
        "password": PASSWORD,
        "display_name": "x",
        "region": "CN-JS-NJ",
    } | changes
    with pytest.raises(InvalidInputError) as caught:
        accounts.register_enterprise(session, **form)
    assert set(caught.value.fields) == fields
    assert organisations_count(session) == before


def test_a_credit_code_or_email_registered_twice_is_a_conflict(session: Session) -> None:
    code, address = uscc(), email()
    enterprise(session, code=code, address=address)
    before = organisations_count(session)
    with pytest.raises(ConflictError) as caught:
        enterprise(session, code=code, address=address)
    assert set(caught.value.fields) == {"uscc", "email"}
    with pytest.raises(ConflictError) as only_email:
        enterprise(session, address=address.upper())
    assert set(only_email.value.fields) == {"email"}
    assert organisations_count(session) == before


# --- Logging in ------------------------------------------------------------------------


def test_login_succeeds_and_fails_with_one_message(session: Session) -> None:
    address = email()
    actor = enterprise(session, address=address)
    assert logins.authenticate(session, f"  {address.upper()} ", PASSWORD) == actor
    with pytest.raises(AuthenticationError) as wrong:
        logins.authenticate(session, address, "wrong-password-1")
    with pytest.raises(AuthenticationError) as unknown:
        logins.authenticate(session, email("nobody"), PASSWORD)
    assert str(wrong.value) == str(unknown.value) == logins.LOGIN_FAILED


def test_a_suspended_organisation_or_deactivated_account_cannot_log_in(session: Session) -> None:
    operator = platform(session)
    address = email()
    admin = enterprise(session, address=address)
    viewer_address, _ = member(session, admin, Role.VIEWER)
    accounts.set_org_status(session, operator, admin.org_id, "suspended", reason="audit")
    with pytest.raises(logins.AccountInactiveError):
        logins.authenticate(session, address, PASSWORD)
    assert logins.actor_for_login(session, admin.user_id, admin.org_id) is None
    accounts.set_org_status(session, operator, admin.org_id, "active")
    assert logins.authenticate(session, address, PASSWORD) == admin

    session.execute(update(UserRow).where(UserRow.email == viewer_address).values(active=False))
    with pytest.raises(logins.AccountInactiveError):
        logins.authenticate(session, viewer_address, PASSWORD)


def test_a_hash_with_old_parameters_is_replaced_on_login(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = email()
    enterprise(session, address=address)
    old_hash = session.scalar(select(UserRow.password_hash).where(UserRow.email == address))
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(logins, "PASSWORD_HASHER", stronger)
    assert old_hash is not None
    assert stronger.check_needs_rehash(old_hash)
    logins.authenticate(session, address, PASSWORD)
    new_hash = session.scalar(select(UserRow.password_hash).where(UserRow.email == address))
    assert new_hash is not None
    assert new_hash != old_hash
    assert not stronger.check_needs_rehash(new_hash)
    assert stronger.verify(new_hash, PASSWORD)


def test_failed_logins_are_audited_but_never_lock_the_account(session: Session) -> None:
    """Issue 19: a lock that anyone can trigger locks the owner out. Failures are
    audited (and slowed down per source by the web layer), the account stays open."""
    address = email()
    enterprise(session, address=address)
    for _ in range(25):
        with pytest.raises(AuthenticationError):
            logins.authenticate(session, address, "wrong-password-1")
    assert logins.authenticate(session, address, PASSWORD).role is Role.ADMIN
    failures = session.scalar(
        select(func.count(AuditRow.id)).where(AuditRow.action == "login.failed")
    )
    assert failures is not None
    assert failures >= 25


# --- API tokens ------------------------------------------------------------------------


def test_token_scopes_are_a_subset_of_the_makers_rights(session: Session) -> None:
    admin = enterprise(session)
    _, viewer = member(session, admin, Role.VIEWER)
    _, editor = member(session, admin, Role.EDITOR)
    with pytest.raises(PermissionDeniedError):
        logins.create_token(session, viewer, "t", ["product.read"])  # viewers make none
    with pytest.raises(PermissionDeniedError):
        logins.create_token(session, editor, "t", ["product.write", "result.publish"])
    with pytest.raises(InvalidInputError) as unknown:
        logins.create_token(session, editor, "t", ["product.delete"])
    assert set(unknown.value.fields) == {"scopes"}
    with pytest.raises(InvalidInputError):
        logins.create_token(session, editor, "t", [])
    _, secret = logins.create_token(session, editor, "t", ["product.write"])
    token_actor = logins.actor_for_token(session, secret)
    assert token_actor.can("product.write")
    assert not token_actor.can("product.read")  # outside the token's scopes


def test_a_revoked_token_is_refused_and_a_role_change_narrows_a_token(session: Session) -> None:
    admin = enterprise(session)
    _, editor = member(session, admin, Role.EDITOR)
    token_id, secret = logins.create_token(session, editor, "ci", ["product.write"])
    other_id, other = logins.create_token(session, editor, "ci", ["product.write"])
    accounts.change_role(session, admin, admin.org_id, editor.user_id, Role.VIEWER)
    narrowed = logins.actor_for_token(session, secret)
    assert narrowed.role is Role.VIEWER
    assert not narrowed.can("product.write")

    logins.revoke_token(session, editor, token_id)  # its maker may
    with pytest.raises(AuthenticationError):
        logins.actor_for_token(session, secret)
    logins.revoke_token(session, admin, other_id)  # and so may the admin
    with pytest.raises(AuthenticationError):
        logins.actor_for_token(session, other)
    info = {t.id: t for t in logins.tokens(session, admin)}
    assert info[token_id].revoked_at is not None
    assert info[token_id].prefix == secret[:8]


def test_a_token_login_is_one_query_and_its_use_is_noted_once_a_minute(
    session: Session,
) -> None:
    admin = enterprise(session)
    _, editor = member(session, admin, Role.EDITOR)
    token_id, secret = logins.create_token(session, editor, "ci", ["product.write"])
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def last_used() -> object:
        return session.scalar(select(ApiTokenRow.last_used_at).where(ApiTokenRow.id == token_id))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = logins.token_login(session, secret)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1  # one read, no write inside the request's transaction
    assert statements[0].lstrip().upper().startswith("SELECT")
    assert first.token_use == token_id  # never used: due
    assert last_used() is None
    assert logins.note_token_use(session, token_id)
    used = last_used()
    assert used is not None
    # Within the minute: not due, and a racing second note writes nothing.
    assert logins.token_login(session, secret).token_use is None
    assert not logins.note_token_use(session, token_id)
    assert last_used() == used
    session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.id == token_id)
        .values(last_used_at=utcnow() - timedelta(minutes=2))
    )
    assert logins.token_login(session, secret).token_use == token_id  # a minute later
    assert logins.note_token_use(session, token_id)
    assert first.actor == logins.Actor(
        editor.user_id, admin.org_id, OrgKind.ENTERPRISE, Role.EDITOR, frozenset({"product.write"})
    )
    assert first.account.email == logins.account_of(session, editor).email
    assert first.account.org_name == "江苏测试有限公司"
    # A deactivated account's token stands for nobody; so does a stranger's secret.
    session.execute(update(UserRow).where(UserRow.id == editor.user_id).values(active=False))
    with pytest.raises(AuthenticationError):
        logins.token_login(session, secret)
    with pytest.raises(AuthenticationError):
        logins.token_login(session, "tj_" + secrets.token_urlsafe(32))


def test_another_organisation_cannot_revoke_a_token(session: Session) -> None:
    admin, stranger = enterprise(session), enterprise(session)
    token_id, _ = logins.create_token(session, admin, "t", ["product.read"])
    with pytest.raises(PermissionDeniedError):
        logins.revoke_token(session, stranger, token_id)
    with pytest.raises(NotFoundError):
        logins.revoke_token(session, admin, 10**9)


# --- Members and roles -----------------------------------------------------------------


def test_only_the_organisations_own_admins_manage_its_members(session: Session) -> None:
    admin, stranger = enterprise(session), enterprise(session)
    _, editor = member(session, admin, Role.EDITOR)
    with pytest.raises(PermissionDeniedError):
        accounts.add_member(session, stranger, admin.org_id, email(), "viewer", password=PASSWORD)
    with pytest.raises(PermissionDeniedError):
        accounts.add_member(session, editor, admin.org_id, email(), "viewer", password=PASSWORD)
    with pytest.raises(PermissionDeniedError):
        accounts.change_role(session, stranger, admin.org_id, editor.user_id, "admin")
    with pytest.raises(PermissionDeniedError):
        accounts.members(session, editor, admin.org_id)
    people = accounts.members(session, admin, admin.org_id)
    assert [(p.user_id, p.role) for p in people] == [
        (admin.user_id, Role.ADMIN),
        (editor.user_id, Role.EDITOR),
    ]


def test_adding_members_checks_its_inputs(session: Session) -> None:
    admin = enterprise(session)
    address, _ = member(session, admin, Role.VIEWER)
    with pytest.raises(ConflictError):
        accounts.add_member(session, admin, admin.org_id, address, "editor")
    with pytest.raises(InvalidInputError) as no_password:
        accounts.add_member(session, admin, admin.org_id, email(), "editor")
    assert set(no_password.value.fields) == {"password"}
    with pytest.raises(InvalidInputError) as bad:
        accounts.add_member(session, admin, admin.org_id, "nope", "owner")
    assert set(bad.value.fields) == {"email", "role"}


def test_an_existing_account_is_never_added_unasked(session: Session) -> None:
    """Issue 19: an admin could add any registered person to their organisation. Such a
    person is invited instead (tests/integration/db/test_auth_store.py)."""
    first, second = enterprise(session), enterprise(session)
    address, _ = member(session, first, Role.EDITOR)
    with pytest.raises(ConflictError):
        accounts.add_member(session, second, second.org_id, address, "viewer")
    assert logins.actor_of(session, logins.user_by_email(session, address), second.org_id) is None  # type: ignore[arg-type]


def test_the_last_admin_stays_admin(session: Session) -> None:
    admin = enterprise(session)
    with pytest.raises(ConflictError):
        accounts.change_role(session, admin, admin.org_id, admin.user_id, "editor")
    _, other = member(session, admin, Role.ADMIN)
    accounts.change_role(session, other, admin.org_id, admin.user_id, "editor")


# --- The platform operator -------------------------------------------------------------


def test_the_platform_operator_registers_a_certifier_and_blacklists_it(session: Session) -> None:
    operator = platform(session)
    enterprise_admin = enterprise(session)
    with pytest.raises(PermissionDeniedError):
        accounts.register_organisation(session, enterprise_admin, "certification-body", "认证")
    address = email("certifier")
    org_id = accounts.register_organisation(
        session,
        operator,
        "certification-body",
        "测试认证中心",
        region="CN-JS-NJ",
        admin_email=address,
        admin_password=PASSWORD,
    )
    certifier = logins.authenticate(session, address, PASSWORD)
    assert (certifier.org_id, certifier.org_kind) == (org_id, OrgKind.CERTIFICATION_BODY)
    _, secret = logins.create_token(session, certifier, "t", ["result.calculate"])

    with pytest.raises(InvalidInputError) as no_reason:
        accounts.set_org_status(session, operator, org_id, "blacklisted")
    assert set(no_reason.value.fields) == {"reason"}
    with pytest.raises(PermissionDeniedError):
        accounts.set_org_status(session, enterprise_admin, org_id, "blacklisted", reason="x")
    accounts.set_org_status(session, operator, org_id, "blacklisted", reason="虚假核查报告")
    with pytest.raises(AuthenticationError):
        logins.authenticate(session, address, PASSWORD)
    with pytest.raises(AuthenticationError):
        logins.actor_for_token(session, secret)
    (entry,) = audit.audit_log(session, operator, action="org.status", entity_id=org_id)
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["status"], entry.after["status"]) == ("active", "blacklisted")
    assert entry.after["reason"] == "虚假核查报告"
    with pytest.raises(ConflictError):
        accounts.set_org_status(session, operator, operator.org_id, "suspended", reason="x")


def test_registering_an_organisation_checks_every_input_first(session: Session) -> None:
    operator = platform(session)
    before = organisations_count(session)
    with pytest.raises(InvalidInputError) as caught:
        accounts.register_organisation(
            session,
            operator,
            "association",
            "",
            uscc="bad",
            region="nowhere",
            admin_email="x",
            admin_password="y",
        )
    assert set(caught.value.fields) == {"name", "uscc", "region", "admin_email", "admin_password"}
    with pytest.raises(InvalidInputError) as kind:
        accounts.register_organisation(session, operator, "club", "俱乐部")
    assert set(kind.value.fields) == {"kind"}
    assert organisations_count(session) == before


def test_organisations_are_visible_to_the_operator_and_to_their_own_people(
    session: Session,
) -> None:
    operator = platform(session)
    first, second = enterprise(session), enterprise(session)
    assert [o.id for o in accounts.organisations(session, first)] == [first.org_id]
    every = {o.id for o in accounts.organisations(session, operator)}
    assert {first.org_id, second.org_id, operator.org_id} <= every
    with pytest.raises(NotFoundError):
        accounts.organisation(session, first, second.org_id)
    with pytest.raises(PermissionDeniedError):
        accounts.manageable_organisations(session, first)


# --- The audit log ---------------------------------------------------------------------


def test_audit_entries_have_before_and_after_and_stay_in_their_tenant(session: Session) -> None:
    admin, stranger = enterprise(session), enterprise(session)
    _, viewer = member(session, admin, Role.VIEWER)
    accounts.change_role(session, admin, admin.org_id, viewer.user_id, "editor")
    (entry,) = audit.audit_log(session, admin, action="member.role")
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["role"], entry.after["role"]) == ("viewer", "editor")
    assert entry.actor_name == "管理员"
    assert audit.audit_log(session, stranger, action="member.role") == []
    newest, *_ = audit.audit_log(session, admin, limit=1)
    second, *_ = audit.audit_log(session, admin, limit=1, offset=1)
    assert newest.id > second.id


def test_the_audit_log_never_holds_secrets(session: Session) -> None:
    admin = enterprise(session)
    _, editor = member(session, admin, Role.EDITOR)
    token_id, secret = logins.create_token(session, editor, "t", ["product.read"])
    logins.revoke_token(session, editor, token_id)
    with pytest.raises(AuthenticationError):
        logins.authenticate(session, "nobody@example.com", PASSWORD)
    hashes = session.scalars(select(UserRow.password_hash)).all()
    text = " ".join(f"{row.before} {row.after}" for row in session.scalars(select(AuditRow)).all())
    assert PASSWORD not in text
    assert secret not in text
    assert secret[8:] not in text
    assert "argon2" not in text
    assert not any(h in text for h in hashes)
