"""``tanji label …``: carbon labels.

``verify FILE`` checks a label file offline — the label's JSON, or its SVG, PDF or PNG,
which carry the signed envelope: every signature, the envelope's canonical form, and
that the drawing is exactly the drawing of the signed claim. The public keys come from
``--keys`` (the platform's well-known key file, saved beforehand) or, without it, from
the local store. Exit status 0 when the file checks, 1 when it does not (a file that is
no label included), 2 when the file or the key file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tanji.cli.footprints import JsonFlag
from tanji.domain.numbers import format_number

__all__ = ["label_app"]

label_app = typer.Typer(help="Carbon labels: verify a label file offline.", no_args_is_help=True)


@label_app.callback()
def _group() -> None:
    """Carbon labels: verify a label file offline."""


@label_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="The label: .json, .svg, .pdf or .png")],
    keys: Annotated[
        Path | None,
        typer.Option("--keys", help="The platform's public keys (the well-known key file)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a label file's signatures and content offline; exit 1 on any change."""
    from tanji.services.labels import trust
    from tanji.services.labels.files import check_file

    data = file.read_bytes()
    if keys is not None:
        key_set = trust.load_keys(keys.read_text("utf-8"))
    else:
        from tanji.cli.footprints import store_app

        with store_app() as app, app.unit_of_work() as uow:
            key_set = trust.store_keys(uow.session)
    result = check_file(file.name, data, key_set)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "file": str(file),
                    "format": result.format,
                    "ok": result.ok,
                    "signatures": [s.as_json() for s in result.signatures],
                    "canonical": result.canonical,
                    "drawing_matches": result.drawing_matches,
                    "claim": result.claim,
                    "problems": list(result.problems),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for check in result.signatures:
            mark = "ok " if check.ok else "BAD"
            typer.echo(f"{mark} signature {check.signer} key {check.key_id}")
        for problem in result.problems:
            typer.echo(f"BAD {problem}")
        if result.ok:
            label = result.claim.get("label", {})
            footprint = result.claim.get("footprint") or {}
            value = footprint.get("value")
            shown = format_number(value, "en", 6) if isinstance(value, int | float) else value
            typer.echo(
                f"ok  {file.name}: label {label.get('id')} — {shown} "
                f"{footprint.get('unit')} / {footprint.get('declared_unit')}, certificate "
                f"{result.claim.get('certificate', {}).get('number')}"
            )
            typer.echo("The file is as issued. Its current status: " + str(label.get("verify_url")))
    if not result.ok:
        raise typer.Exit(1)
