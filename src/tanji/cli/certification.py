"""``tanji certification …``: the scheduler's side of certification (the rest is on
the web pages and the API)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from tanji.bootstrap import App
from tanji.cli.footprints import store_app
from tanji.services.certification.cases import expire_due
from tanji.services.certification.mailing import deliver, take_pending
from tanji.services.certification.surveillance import DEFAULT_LEAD_DAYS, send_reminders
from tanji.web.notice_mail import render_notice

certification_app = typer.Typer(help="Certification: the scheduler's sweeps.", no_args_is_help=True)


@certification_app.command("expire")
def expire(
    on: Annotated[
        str | None, typer.Option(help="The day to sweep for (YYYY-MM-DD; default: today).")
    ] = None,
) -> None:
    """Expire every certificate past its two years (run daily, e.g. from cron)."""
    day = _day(on)
    with store_app() as app:
        with app.unit_of_work() as uow:
            numbers = expire_due(uow.session, on=day)
            pending = take_pending(uow.session)
        _mail(app, pending)
    typer.echo(
        f"{len(numbers)} certificate(s) expired" + (f": {', '.join(numbers)}" if numbers else "")
    )


@certification_app.command("remind")
def remind(
    days: Annotated[
        int, typer.Option(min=0, max=3660, help="Remind this many days before the due date.")
    ] = DEFAULT_LEAD_DAYS,
    on: Annotated[
        str | None, typer.Option(help="The day to sweep for (YYYY-MM-DD; default: today).")
    ] = None,
) -> None:
    """Remind bodies and holders of surveillance due within DAYS, or overdue (run daily;
    one reminder per certificate and due date, so running it twice is harmless)."""
    day = _day(on)
    with store_app() as app:
        with app.unit_of_work() as uow:
            sent = send_reminders(uow.session, within_days=days, on=day)
            pending = take_pending(uow.session)
        _mail(app, pending)
    for number, due, overdue in sent:
        typer.echo(f"{number}: surveillance {'overdue since' if overdue else 'due'} {due}")
    typer.echo(f"{len(sent)} reminder(s) sent")


def _day(on: str | None) -> date | None:
    try:
        return date.fromisoformat(on) if on else None
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date (YYYY-MM-DD)", param_hint="--on") from None


def _mail(app: App, notice_ids: list[int]) -> None:
    """The committed notices' e-mails (where SMTP is configured)."""
    deliver(app.unit_of_work, app.settings.smtp, render_notice, notice_ids)


__all__ = ["certification_app"]
