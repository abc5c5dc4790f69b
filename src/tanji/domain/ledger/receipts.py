"""A receipt: one log entry with the signed tree head and inclusion proof that place it
in the log — everything needed to check, offline, that the entry was logged.

    {"type": "tanji.ledger-receipt.v1", "index": 7,
     "entry": "<the entry's canonical JSON, as logged>",
     "tree_head": {<signed tree head>}, "audit_path": ["<hex>", …]}

A label or a verification page can carry it; :func:`receipt_problems` checks it with
the published keys (the head's signature), SHA-256 (the leaf) and RFC 9162 §2.1.3.2
(the path to the head's root).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tanji.domain.claims import PublicKey
from tanji.domain.ledger.heads import HeadFormatError, TreeHead
from tanji.domain.ledger.merkle import leaf_hash, verify_inclusion

__all__ = ["RECEIPT_TYPE", "make_receipt", "receipt_problems"]

RECEIPT_TYPE = "tanji.ledger-receipt.v1"


def make_receipt(index: int, entry: bytes, head: TreeHead, path: Sequence[bytes]) -> dict[str, Any]:
    return {
        "type": RECEIPT_TYPE,
        "index": index,
        "entry": entry.decode("utf-8"),
        "tree_head": head.to_json(),
        "audit_path": [node.hex() for node in path],
    }


def receipt_problems(receipt: Mapping[str, Any], keys: Mapping[str, PublicKey]) -> list[str]:
    """What is wrong with ``receipt`` (empty when it proves its entry is in the log)."""
    if receipt.get("type") != RECEIPT_TYPE:
        return [f'not a ledger receipt ("type" is not "{RECEIPT_TYPE}")']
    try:
        head = TreeHead.from_json(receipt["tree_head"])
        index = receipt["index"]
        entry = str(receipt["entry"]).encode("utf-8")
        path = [bytes.fromhex(node) for node in receipt["audit_path"]]
    except (KeyError, TypeError, ValueError, HeadFormatError) as error:
        return [f"the receipt is malformed: {error}"]
    problems = []
    problem = head.problem(keys)
    if problem:
        problems.append(f"its tree head: {problem}")
    try:
        said = json.loads(entry).get("index")
    except (ValueError, AttributeError):
        said = None
    if said != index or not isinstance(index, int):
        problems.append(f"the entry says it is entry {said}, the receipt says {index}")
    elif not verify_inclusion(leaf_hash(entry), index, head.tree_size, path, head.root_hash):
        problems.append("the entry is not in the tree its head signs (the entry was changed)")
    return problems
