"""Entry point of the ``tanji`` command.

Errors the user can fix (bad files, unknown ids, singular systems, bad options) are shown
as one line on stderr with exit status 2 — never a traceback. Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import sys

import typer

from tanji import __version__
from tanji.cli import data, engine, footprints, models, rules, web

app = typer.Typer(
    name="tanji",
    help="Tanji (碳迹): product carbon footprints — exact, fast life-cycle math.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(engine.app, name="engine")
app.add_typer(data.db_app, name="db")
app.add_typer(data.data_app, name="data")
app.command("calc")(footprints.calc)
app.add_typer(footprints.footprint_app, name="footprint")
app.add_typer(footprints.supplier_app, name="supplier")
app.add_typer(models.model_app, name="model")
app.add_typer(rules.rules_app, name="rules")
app.command("serve")(web.serve)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit


def known_errors() -> tuple[type[Exception], ...]:
    """Errors a user can fix, shown as an ``error:`` message with exit status 2."""
    from sqlalchemy.exc import OperationalError

    from tanji.domain.factors import DomainError
    from tanji.engine import EngineError
    from tanji.io.errors import DataFormatError
    from tanji.services.errors import ServiceError

    return (
        EngineError,
        DataFormatError,
        engine.UsageError,
        ServiceError,
        DomainError,
        OperationalError,  # the store cannot be reached: the message names it
        OSError,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        # A command's ``typer.Exit(n)`` comes back as the return value here (click's
        # non-standalone mode), e.g. ``tanji rules validate``: 1 when a model has errors.
        status = app(args=argv, standalone_mode=False)
    except known_errors() as error:
        typer.echo(f"error: {error}", err=True)
        return 2
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except typer.TyperException as error:
        # Typer vendors its own click: usage errors (a missing option, a bad number, an
        # unknown command) arrive here. "No arguments" has already printed the help.
        if type(error).__name__ == "NoArgsIsHelpError":
            return 0
        typer.echo(f"error: {error.format_message()}", err=True)
        return 2
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
