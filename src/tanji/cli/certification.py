"""``tanji certification …``: the scheduler's side of certification (the rest is on
the web pages and the API)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from tanji.cli.footprints import store_app
from tanji.services.certification.cases import expire_due

certification_app = typer.Typer(help="Certification: the scheduler's sweeps.", no_args_is_help=True)


@certification_app.command("expire")
def expire(
    on: Annotated[
        str | None, typer.Option(help="The day to sweep for (YYYY-MM-DD; default: today).")
    ] = None,
) -> None:
    """Expire every certificate past its two years (run daily, e.g. from cron)."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date (YYYY-MM-DD)", param_hint="--on") from None
    with store_app() as app, app.unit_of_work() as uow:
        numbers = expire_due(uow.session, on=day)
    typer.echo(
        f"{len(numbers)} certificate(s) expired" + (f": {', '.join(numbers)}" if numbers else "")
    )


__all__ = ["certification_app"]
