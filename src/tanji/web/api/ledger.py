"""The transparency log and the public keys, for anyone (no login), read-only.

Under ``/api/v1/ledger``: the signed tree head, a range of entries, inclusion and
consistency proofs after RFC 9162 §2.1 (hashes in hex), an entry's receipt; the public
keys as a JWK set, also at ``/.well-known/tanji-keys.json`` (mounted at the root by
``create_app``).
docs/ledger.md explains how to check each answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Response
from pydantic import BaseModel, Field

from tanji.domain.claims import jwks
from tanji.services import ledger, signing
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.web.deps import AppDep, SessionDep
from tanji.web.routing import Router

__all__ = ["router", "well_known"]

router = Router(prefix="/ledger", tags=["ledger"])
well_known = Router(tags=["ledger"])

#: Entries fit in int64 in both stores; sizes and indices beyond cannot exist.
_MAX = 2**62


def _keyring(app: AppDep) -> signing.KeyRing:
    from tanji.web.security import secret_key

    return signing.KeyRing.from_secret(secret_key(app.settings))


KeyRingDep = Annotated[signing.KeyRing, Depends(_keyring)]


class TreeHeadRead(BaseModel):
    """A signed tree head; the signature covers the RFC 8785 canonical JSON of every
    other member."""

    type: str = Field(examples=["tanji.tree-head.v1"])
    tree_size: int
    timestamp: str = Field(description="RFC 3339, UTC")
    root_hash: str = Field(description="SHA-256, hex")
    keyid: str = Field(description="RFC 7638 thumbprint of the platform key")
    signature: str = Field(description="Ed25519, base64url")


class EntryRead(BaseModel):
    index: int
    timestamp: str
    kind: str = Field(examples=["certificate.issue"])
    subject: str = Field(examples=["certificate:CFP-2026-0042-000001"])
    payload: dict[str, Any]
    entry: str = Field(description="The leaf's bytes: RFC 8785 canonical JSON")
    leaf_hash: str = Field(description="SHA-256(0x00 ‖ entry), hex")


class EntryList(BaseModel):
    start: int
    count: int
    tree_size: int
    entries: list[EntryRead]


class InclusionProofRead(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str] = Field(description="RFC 9162 §2.1.3.1 PATH, hex")


class ConsistencyProofRead(BaseModel):
    first: int
    second: int
    consistency_path: list[str] = Field(description="RFC 9162 §2.1.4.1 PROOF, hex")


class JwkRead(BaseModel):
    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str
    signer: str = Field(examples=["platform", "body:42"])
    not_before: str
    retired_at: str | None


class JwkSetRead(BaseModel):
    keys: list[JwkRead]


@router.get("/head")
def tree_head(session: SessionDep, keys: KeyRingDep) -> TreeHeadRead:
    """The current signed tree head (signed anew when the log has grown since the last)."""
    return TreeHeadRead(**ledger.signed_tree_head(session, keys).to_json())


@router.get("/entries")
def entry_range(
    session: SessionDep,
    start: Annotated[int, Query(ge=0, le=_MAX)] = 0,
    end: Annotated[int | None, Query(ge=0, le=_MAX, description="exclusive")] = None,
) -> EntryList:
    """Entries ``start`` ≤ index < ``end`` (at most 1,000 per answer)."""
    size = ledger.tree_size(session)
    found = ledger.entries(session, start, size if end is None else end)
    return EntryList(
        start=start,
        count=len(found),
        tree_size=size,
        entries=[EntryRead(**entry.to_json()) for entry in found],
    )


@router.get("/proof/inclusion")
def inclusion_proof(
    session: SessionDep,
    index: Annotated[int, Query(ge=0, le=_MAX)],
    tree_size: Annotated[int, Query(ge=1, le=_MAX)],
) -> InclusionProofRead:
    """The audit path of entry ``index`` in the tree of ``tree_size`` entries."""
    path = ledger.inclusion(session, index, tree_size)
    leaf = ledger.entries(session, index, index + 1)[0].leaf_hash
    return InclusionProofRead(
        index=index, tree_size=tree_size, leaf_hash=leaf.hex(), audit_path=[h.hex() for h in path]
    )


@router.get("/proof/consistency")
def consistency_proof(
    session: SessionDep,
    first: Annotated[int, Query(ge=0, le=_MAX)],
    second: Annotated[int, Query(ge=0, le=_MAX)],
) -> ConsistencyProofRead:
    """The proof that the tree of ``first`` entries is a prefix of that of ``second``."""
    path = ledger.consistency(session, first, second)
    return ConsistencyProofRead(
        first=first, second=second, consistency_path=[h.hex() for h in path]
    )


class ReceiptRead(BaseModel):
    """An entry with the signed tree head and the inclusion proof that place it in the
    log: check it offline with the published keys (docs/ledger.md)."""

    type: str = Field(examples=["tanji.ledger-receipt.v1"])
    index: int
    entry: str
    tree_head: TreeHeadRead
    audit_path: list[str]


@router.get("/receipt")
def entry_receipt(
    session: SessionDep,
    keys: KeyRingDep,
    index: Annotated[int | None, Query(ge=0, le=_MAX)] = None,
    subject: Annotated[
        str | None, Query(max_length=200, examples=["certificate:CFP-2026-0042-000001"])
    ] = None,
) -> ReceiptRead:
    """The receipt of entry ``index``, or of the newest entry about ``subject``."""
    if (index is None) == (subject is None):
        raise InvalidInputError("Give either index or subject.")
    if subject is not None:
        about = ledger.entries_about(session, subject)
        if not about:
            raise NotFoundError(f"The log has no entry about {subject}.")
        index = about[-1].index
    assert index is not None
    return ReceiptRead.model_validate(ledger.receipt(session, keys, index))


def _jwks(session: SessionDep) -> JwkSetRead:
    return JwkSetRead.model_validate(jwks(signing.public_keys(session)))


@router.get("/keys")
def public_keys(session: SessionDep) -> JwkSetRead:
    """Every signing key, retired ones included, with its validity (JWK set, RFC 8037)."""
    return _jwks(session)


@well_known.get("/.well-known/tanji-keys.json")
def well_known_keys(session: SessionDep, response: Response) -> JwkSetRead:
    """The public keys at their well-known address (as ``/api/v1/ledger/keys``)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return _jwks(session)
