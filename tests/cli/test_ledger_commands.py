"""``tanji ledger verify`` finds rows of the log edited by hand in SQLite and PostgreSQL;
``tanji ledger head`` and ``--head`` catch a rewrite; ``tanji keys`` rotates keys
without invalidating earlier heads."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from tests.cli.conftest import Run

from tanji.bootstrap import build_app
from tanji.services import ledger


def _append(count: int, start: int) -> None:
    with build_app() as app, app.unit_of_work() as uow:
        for n in range(start, start + count):
            ledger.append(uow.session, "test.event", f"thing:{n}", {"n": n, "名": "碳足迹"})


def _sql(statement: str, **values: object) -> None:
    """An edit made by hand in the database, past every service."""
    with build_app() as app, app.db.begin() as connection:
        connection.execute(text(statement), values)


def _entry(index: int) -> str:
    with build_app() as app, app.db.connect() as connection:
        stored: str = connection.execute(
            text('SELECT entry FROM ledger_entries WHERE "index" = :i'), {"i": index}
        ).scalar_one()
    return stored


def _fails(tanji: Run, *argv: str, words: str) -> None:
    status, _, err = tanji("ledger", "verify", *argv)
    assert status == 1, err
    assert words in err, err


def test_verify_detects_altered_removed_and_reordered_rows(tanji: Run, tmp_path: Path) -> None:
    _forged_head_and_rotation(tanji, tmp_path)
    _append(3, 5)
    status, out, err = tanji("ledger", "head")
    assert status == 0, err
    published = tmp_path / "head.json"
    published.write_text(out)
    assert json.loads(out)["tree_size"] == 8
    _append(3, 8)
    assert tanji("ledger", "head")[0] == 0
    status, out, err = tanji("ledger", "verify", "--head", str(published))
    assert status == 0, err
    assert "11 entries, 4 signed tree heads checked" in out
    assert "consistent with the published head of size 8" in out

    original = _entry(2)
    # Altered: one character of an entry's payload.
    _sql(
        'UPDATE ledger_entries SET entry = :e WHERE "index" = 2',
        e=original.replace('"n":2', '"n":3'),
    )
    _fails(tanji, words="tree head of size 8")
    # Altered with its stored leaf hash recomputed to match: the signed heads still disagree.
    from tanji.domain.ledger import leaf_hash

    forged = original.replace('"n":2', '"n":3')
    _sql(
        'UPDATE ledger_entries SET leaf_hash = :h WHERE "index" = 2',
        h=leaf_hash(forged.encode()).hex(),
    )
    _fails(tanji, "--head", str(published), words="history was rewritten")
    _sql(
        'UPDATE ledger_entries SET entry = :e, leaf_hash = :h WHERE "index" = 2',
        e=original, h=leaf_hash(original.encode()).hex(),
    )  # fmt: skip
    assert tanji("ledger", "verify")[0] == 0

    # Reordered: two entries swap places.
    first, third = _entry(1), _entry(3)
    _sql('UPDATE ledger_entries SET entry = :e WHERE "index" = 1', e=third)
    _sql('UPDATE ledger_entries SET entry = :e WHERE "index" = 3', e=first)
    _fails(tanji, words="moved")
    _sql('UPDATE ledger_entries SET entry = :e WHERE "index" = 1', e=first)
    _sql('UPDATE ledger_entries SET entry = :e WHERE "index" = 3', e=third)

    # Removed: the newest entry (covered by the newest head), then one in the middle.
    _sql('DELETE FROM ledger_entries WHERE "index" = 10')
    _fails(tanji, words="entries were removed")
    _sql('DELETE FROM ledger_entries WHERE "index" = 4')
    _fails(tanji, words="entry 4 is missing")


def _forged_head_and_rotation(tanji: Run, tmp_path: Path) -> None:
    """A head whose root was changed is refused; after a rotation, heads signed by the
    retired key still verify, and without that key they do not."""
    _append(3, 0)
    status, out, _ = tanji("ledger", "head")
    head = json.loads(out)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**head, "root_hash": "00" * 32}))
    _fails(tanji, "--head", str(forged), words="does not hold")

    status, out, err = tanji("keys", "rotate")
    assert status == 0, err
    assert "retired" in out
    assert "new key" in out
    _append(2, 3)
    assert tanji("ledger", "head")[0] == 0
    status, out, _ = tanji("keys", "list")
    saved = tmp_path / "keys.json"
    saved.write_text(out)
    assert [k["retired_at"] is None for k in json.loads(out)["keys"]] == [False, True]
    status, out, err = tanji("ledger", "verify", "--keys", str(saved))
    assert status == 0, err
    assert "5 entries, 2 signed tree heads checked" in out
    saved.write_text(json.dumps({"keys": json.loads(saved.read_text())["keys"][1:]}))
    _fails(tanji, "--keys", str(saved), words="not among the published keys")
    status, _, err = tanji("ledger", "verify", "--head", str(tmp_path / "missing.json"))
    assert status == 2
    assert "missing.json" in err
