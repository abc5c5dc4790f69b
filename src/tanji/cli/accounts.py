"""``tanji accounts``: what only whoever runs the server can do for accounts.

- ``admin EMAIL``: make (or keep) the platform operator's organisation and its admin —
  the first account of a production store (the password is asked for, never an option).
- ``reset-link EMAIL``: a single-use password-reset link valid 24 hours, for the last
  admin of a platform without mail.
- ``remove-mfa EMAIL``: remove a person's second factor after they lost the phone and the
  recovery codes; they set one up again at the next sign-in.

Each is written to the audit log.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tanji.cli.footprints import store_app
from tanji.services import accounts, logins
from tanji.services.auth import mfa, passwords
from tanji.services.errors import ServiceError

accounts_app = typer.Typer(
    help="Accounts: the first platform admin, reset links, lost second factors.",
    no_args_is_help=True,
)


def _fail(error: ServiceError) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1)


@accounts_app.command("admin")
def admin(
    email: Annotated[str, typer.Argument(help="The platform admin's e-mail address.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str, typer.Option(help="Display name.")] = "Platform admin",
) -> None:
    """Make the platform operator's admin (idempotent: an existing account keeps its
    password and gains the membership)."""
    with store_app() as app, app.unit_of_work() as uow:
        try:
            actor = accounts.ensure_platform_admin(uow.session, email, password, display_name=name)
        except ServiceError as error:
            _fail(error)
            return
    typer.echo(f"{email} is an admin of the platform operator (organisation {actor.org_id}).")


@accounts_app.command("reset-link")
def reset_link(
    email: Annotated[str, typer.Argument(help="Whose password to reset.")],
    base_url: Annotated[
        str, typer.Option(help="The platform's address, as people reach it.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Print a single-use password-reset link, valid for 24 hours."""
    with store_app() as app, app.unit_of_work() as uow:
        try:
            link = passwords.operator_reset_link(uow.session, email)
        except ServiceError as error:
            _fail(error)
            return
    typer.echo(f"{base_url.rstrip('/')}/password/reset/{link.secret}")


@accounts_app.command("remove-mfa")
def remove_mfa(email: Annotated[str, typer.Argument(help="Whose second factor.")]) -> None:
    """Remove a person's second factor (they enrol again where it is required)."""
    with store_app() as app, app.unit_of_work() as uow:
        user = logins.user_by_email(uow.session, email.strip().lower())
        if user is None:
            typer.echo(f"error: no account {email!r}", err=True)
            raise typer.Exit(1)
        mfa.remove_by_operator(uow.session, user.id)
    typer.echo(f"The second factor of {email} was removed.")
