"""``tanji evidence …``: evidence packs of certified products.

``verify PACK.zip`` checks a pack offline, as a bank would: every file against the
manifest's SHA-256 and size (a changed, missing or unlisted file fails) and, with
``--keys`` (the platform's well-known key file, saved from
``/.well-known/tanji-keys.json``), the manifest's and the claim's signatures and every
transparency-log receipt. Exit status 0 when the pack checks, 1 when it does not, 2 when
the pack or the key file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tanji.cli.footprints import JsonFlag

__all__ = ["evidence_app"]

evidence_app = typer.Typer(
    help="Evidence packs of certified products: verify a pack offline.", no_args_is_help=True
)


@evidence_app.callback()
def _group() -> None:
    """Evidence packs of certified products: verify a pack offline."""


@evidence_app.command("verify")
def verify(
    pack: Annotated[Path, typer.Argument(help="The evidence pack (.zip)")],
    keys: Annotated[
        Path | None,
        typer.Option("--keys", help="The platform's public keys (the well-known key file)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check an evidence pack's files, signatures and ledger proofs; exit 1 on any change."""
    from tanji.services.directory.evidence import check_pack
    from tanji.services.labels import trust

    try:
        data = pack.read_bytes()
        key_set = trust.load_keys(keys.read_text("utf-8")) if keys is not None else None
    except (OSError, ValueError) as error:
        typer.echo(f"Cannot read {error}", err=True)
        raise typer.Exit(2) from None
    result = check_pack(data, key_set)
    if as_json:
        typer.echo(json.dumps({"pack": str(pack), **result.as_json()}, ensure_ascii=False,
                              indent=2))  # fmt: skip
    else:
        for item in result.files:
            typer.echo(f"    {item.get('sha256')}  {item.get('size'):>9}  {item.get('name')}")
        for problem in result.problems:
            typer.echo(f"BAD {problem}")
        if result.ok:
            typer.echo(
                f"ok  {pack.name}: every file matches the manifest (certificate "
                f"{result.subject.get('certificate')})."
            )
            if not result.signatures_checked:
                typer.echo(
                    "    Signatures and ledger proofs were not checked: give --keys with the "
                    "platform's key file (/.well-known/tanji-keys.json)."
                )
    if not result.ok:
        raise typer.Exit(1)
