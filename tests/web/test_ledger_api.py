"""The ledger API as an outside verifier uses it: fetch a head, the keys, entries and
proofs, and check them with nothing but the RFC 9162 algorithms and the public keys."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tanji.bootstrap import App
from tanji.domain.claims import keys_from_jwks
from tanji.domain.ledger import (
    TreeHead,
    leaf_hash,
    receipt_problems,
    verify_consistency,
    verify_inclusion,
)
from tanji.services import ledger


def _append(tanji_app: App, count: int) -> None:
    with tanji_app.unit_of_work() as uow:
        for n in range(count):
            ledger.append(uow.session, "test.api", f"api:{n}", {"n": n})


def test_an_outside_verifier_checks_heads_entries_and_proofs(
    tanji_app: App, client: TestClient
) -> None:
    _append(tanji_app, 3)
    old = TreeHead.from_json(client.get("/api/v1/ledger/head").json())
    _append(tanji_app, 4)
    answer = client.get("/api/v1/ledger/head")
    assert answer.status_code == 200
    head = TreeHead.from_json(answer.json())
    assert head.tree_size == old.tree_size + 4

    well_known = client.get("/.well-known/tanji-keys.json")
    assert well_known.status_code == 200
    assert "max-age" in well_known.headers["cache-control"]
    keys = keys_from_jwks(well_known.json())
    assert well_known.json() == client.get("/api/v1/ledger/keys").json()
    assert head.problem(keys) is None
    assert old.problem(keys) is None

    index = head.tree_size - 2
    listed = client.get(f"/api/v1/ledger/entries?start={index}&end={index + 1}").json()
    entry = listed["entries"][0]
    assert (listed["count"], entry["kind"], entry["payload"]) == (1, "test.api", {"n": 2})
    assert leaf_hash(entry["entry"].encode()).hex() == entry["leaf_hash"]
    proof = client.get(
        f"/api/v1/ledger/proof/inclusion?index={index}&tree_size={head.tree_size}"
    ).json()
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]), index, head.tree_size,
        [bytes.fromhex(h) for h in proof["audit_path"]], head.root_hash,
    )  # fmt: skip
    consistency = client.get(
        f"/api/v1/ledger/proof/consistency?first={old.tree_size}&second={head.tree_size}"
    ).json()
    assert verify_consistency(
        old.tree_size, head.tree_size, old.root_hash, head.root_hash,
        [bytes.fromhex(h) for h in consistency["consistency_path"]],
    )  # fmt: skip

    receipt = client.get("/api/v1/ledger/receipt?subject=api:2").json()
    assert receipt_problems(receipt, keys) == []
    assert receipt["index"] == index
    receipt["entry"] = receipt["entry"].replace('"n":2', '"n":5')
    assert receipt_problems(receipt, keys) == [
        "the entry is not in the tree its head signs (the entry was changed)"
    ]
    assert client.get("/api/v1/ledger/receipt").status_code == 422
    assert client.get("/api/v1/ledger/receipt?subject=nothing:here").status_code == 404

    beyond = head.tree_size + 10
    assert (
        client.get(f"/api/v1/ledger/proof/inclusion?index=0&tree_size={beyond}").status_code == 404
    )
    bad = client.get("/api/v1/ledger/proof/inclusion?index=5&tree_size=5")
    assert bad.status_code == 422
    assert client.get("/api/v1/ledger/proof/consistency?first=3&second=2").status_code == 422
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/ledger/head", "/api/v1/ledger/proof/inclusion"} <= set(paths)
