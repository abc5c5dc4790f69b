"""Signing keys, signed claims and the transparency log on both stores."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tanji.db.models import SigningKeyRow
from tanji.db.session import UnitOfWork
from tanji.domain.accounts import OrgKind
from tanji.domain.claims import jwks, keys_from_jwks, verify_envelope
from tanji.domain.ledger import (
    TreeHead,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tanji.services import accounts, ledger, signing
from tanji.services.certification import bodies
from tanji.services.errors import InvalidInputError, NotFoundError

KEYS = signing.KeyRing.from_secret("test secret")
CLAIM = {"footprint": 12.5, "unit": "kg CO2e", "per": "1 piece", "certificate": "CCF-1"}


def _body(session: Session) -> int:
    operator = accounts.ensure_platform_admin(
        session, f"op-{secrets.token_hex(3)}@example.com", "correct-horse-9"
    )
    org_id = accounts.register_organisation(
        session, operator, OrgKind.CERTIFICATION_BODY, f"认证中心 {secrets.token_hex(3)}",
        admin_email=f"b-{secrets.token_hex(4)}@example.com", admin_password="correct-horse-9",
    )  # fmt: skip
    bodies.register_body(
        session, operator, org_id, approval_number=f"CNCA-R-2099-{secrets.token_hex(3)}",
        scope=[("electronics", "footprint")], pilot_qualified=True,
    )  # fmt: skip
    return org_id


def test_a_claim_signed_by_platform_and_body_verifies_offline_and_after_rotation(
    session: Session,
) -> None:
    body_id = _body(session)
    envelope = signing.sign_claim(session, CLAIM, body_id=body_id, keys=KEYS)
    assert [s["signer"] for s in envelope["signatures"]] == ["platform", f"body:{body_id}"]
    published = keys_from_jwks(jwks(signing.public_keys(session)))
    assert verify_envelope(envelope, published).valid

    retired, new = signing.rotate(session, KEYS, "platform")
    assert retired is not None
    assert retired.retired_at is not None
    row = session.scalar(select(SigningKeyRow).where(SigningKeyRow.keyid == retired.keyid))
    assert row is not None
    assert row.private_key is None
    assert signing.verify_claim(session, envelope).valid  # earlier signatures still hold
    later = signing.sign_claim(session, CLAIM, body_id=None, keys=KEYS)
    assert later["signatures"][0]["keyid"] == new.keyid != retired.keyid
    assert signing.verify_claim(session, later).valid

    changed = {**envelope, "claim": {**CLAIM, "footprint": 12.6}}
    outcome = signing.verify_claim(session, changed)
    assert not outcome.valid
    assert "changed" in (outcome.first_failure or "")


def test_signing_refuses_what_it_cannot_sign(session: Session) -> None:
    with pytest.raises(NotFoundError):
        signing.sign_claim(session, CLAIM, body_id=2**31 - 1, keys=KEYS)
    with pytest.raises(InvalidInputError):
        signing.sign_claim(session, {"x": float("nan")}, body_id=None, keys=KEYS)
    signing.sign_claim(session, CLAIM, body_id=None, keys=KEYS)
    with pytest.raises(signing.KeyUnavailableError, match="TANJI_SECRET_KEY"):
        signing.sign_claim(
            session, CLAIM, body_id=None, keys=signing.KeyRing.from_secret("another secret")
        )


def test_appends_heads_and_proofs(session: Session) -> None:
    start = ledger.tree_size(session)
    first = ledger.append(session, "test.event", "thing:1", {"n": 1})
    assert first.index == start
    assert first.leaf_hash == leaf_hash(first.data)
    head_before = ledger.signed_tree_head(session, KEYS)
    assert ledger.signed_tree_head(session, KEYS) == head_before  # no growth, no new head
    for n in range(2, 7):
        ledger.append(session, "test.event", f"thing:{n}", {"n": n, "名": "碳"})
    head = ledger.signed_tree_head(session, KEYS)
    assert head.tree_size == start + 6
    keys = signing.published_keys(session)
    assert head.problem(keys) is None
    assert head_before.problem(keys) is None
    assert TreeHead.from_json(head.to_json()) == head

    leaves = [e.leaf_hash for e in ledger.entries(session, 0, head.tree_size)]
    assert root_from_leaf_hashes(leaves) == head.root_hash
    proof = ledger.inclusion(session, first.index, head.tree_size)
    assert verify_inclusion(first.leaf_hash, first.index, head.tree_size, proof, head.root_hash)
    proof = ledger.consistency(session, head_before.tree_size, head.tree_size)
    assert verify_consistency(
        head_before.tree_size, head.tree_size, head_before.root_hash, head.root_hash, proof
    )
    assert [e.payload["n"] for e in ledger.entries_about(session, "thing:3")] == [3]
    with pytest.raises(NotFoundError):
        ledger.inclusion(session, 0, head.tree_size + 1)
    with pytest.raises(InvalidInputError):
        ledger.append(session, "", "thing", {})


def test_a_head_signed_by_a_retired_key_still_verifies(session: Session) -> None:
    ledger.append(session, "test.event", "thing:r", {})
    head = ledger.signed_tree_head(session, KEYS, at=datetime.now(UTC) - timedelta(seconds=1))
    signing.rotate(session, KEYS)
    assert head.problem(signing.published_keys(session)) is None


def test_concurrent_appends_get_consecutive_indices(db_engine: Engine) -> None:
    """Writers in parallel transactions: every index once, none skipped, the log intact."""
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(8):
                with UnitOfWork(db_engine) as uow:
                    ledger.append(uow.session, "test.concurrent", f"{name}:{n}", {"n": n})
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with UnitOfWork(db_engine) as uow:
        ours = [
            e for e in ledger.entries(uow.session, 0, ledger.tree_size(uow.session))
            if e.kind == "test.concurrent"
        ]  # fmt: skip
        assert len(ours) == 24
        indices = [e.index for e in ledger.entries(uow.session, 0, ledger.MAX_RANGE)]
        assert indices == list(range(len(indices)))
        assert ledger.verify_ledger(uow.session).ok
