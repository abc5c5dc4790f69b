"""``tanji ledger …`` (the transparency log) and ``tanji keys …`` (the signing keys).

``ledger verify`` recomputes the whole Merkle tree from the store and checks every
signed tree head; with ``--head FILE`` it also proves that the log extends a head
published earlier (``ledger head`` prints the current one to keep elsewhere); with
``--keys FILE`` it trusts the public keys of a JWK set saved elsewhere instead of the
store's. It exits 1 when anything was altered, removed or reordered, 0 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tanji.bootstrap import App
from tanji.cli.footprints import _print_json, store_app
from tanji.domain.claims import KeyFormatError, PublicKey, jwks, keys_from_jwks
from tanji.domain.ledger import HeadFormatError, TreeHead
from tanji.services import ledger, signing
from tanji.services.errors import InvalidInputError

__all__ = ["keys_app", "ledger_app"]

ledger_app = typer.Typer(
    help="The transparency log: verify it, print its signed tree head.", no_args_is_help=True
)
keys_app = typer.Typer(
    help="Signing keys: list the public keys, rotate a key.", no_args_is_help=True
)


def keyring(app: App) -> signing.KeyRing:
    """The platform secret's key ring (the same secret that signs web sessions)."""
    from tanji.web.security import secret_key

    return signing.KeyRing.from_secret(secret_key(app.settings))


def _json_file(path: Path, what: str) -> dict[str, object]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidInputError(f"{path}: not a readable JSON {what}: {error}") from None
    if not isinstance(document, dict):
        raise InvalidInputError(f"{path}: a {what} is a JSON object")
    return document


def _keys(path: Path | None) -> dict[str, PublicKey] | None:
    if path is None:
        return None
    try:
        return keys_from_jwks(_json_file(path, "JWK set"))
    except KeyFormatError as error:
        raise InvalidInputError(f"{path}: {error}") from None


@ledger_app.command("verify")
def verify(
    head: Annotated[
        Path | None,
        typer.Option("--head", help="A signed tree head published earlier (JSON file)."),
    ] = None,
    keys: Annotated[
        Path | None,
        typer.Option("--keys", help="Trust the public keys of this JWK set, not the store's."),
    ] = None,
) -> None:
    """Recompute the log from the store and check every signed tree head."""
    trusted = _keys(keys)
    published: TreeHead | None = None
    if head is not None:
        try:
            published = TreeHead.from_json(_json_file(head, "tree head"))
        except HeadFormatError as error:
            raise InvalidInputError(f"{head}: {error}") from None
    with store_app() as app, app.unit_of_work() as uow:
        report = ledger.verify_ledger(uow.session, trusted)
        problems = list(report.problems)
        if published is not None:
            problems += ledger.verify_against_head(uow.session, published, trusted)
    typer.echo(
        f"{report.size} entries, {report.heads_checked} signed tree heads checked, "
        f"root {report.root_hash.hex()}"
    )
    if published is not None and not problems:
        typer.echo(f"consistent with the published head of size {published.tree_size}")
    for problem in problems:
        typer.echo(f"FAILED: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("the log is intact")


@ledger_app.command("head")
def head() -> None:
    """Print the current signed tree head as JSON (signed now if the log has grown)."""
    with store_app() as app, app.unit_of_work() as uow:
        current = ledger.signed_tree_head(uow.session, keyring(app))
    _print_json(current.to_json())


@keys_app.command("list")
def list_keys() -> None:
    """Print the public keys with their validity as a JWK set (RFC 7517)."""
    with store_app() as app, app.unit_of_work() as uow:
        _print_json(jwks(signing.public_keys(uow.session)))


@keys_app.command("rotate")
def rotate(
    signer: Annotated[
        str, typer.Option("--signer", help="'platform' or 'body:<organisation id>'.")
    ] = "platform",
) -> None:
    """Retire the signer's current key (its private half erased) and make a new one;
    what the old key signed stays valid."""
    with store_app() as app, app.unit_of_work() as uow:
        retired, new = signing.rotate(uow.session, keyring(app), signer)
    if retired is not None:
        typer.echo(f"retired {retired.keyid} ({signer}) at {retired.retired_at}")
    typer.echo(f"new key {new.keyid} ({signer}) valid from {new.not_before}")
