"""Entry point of the ``tanji`` command.

Errors the user can fix (bad files, unknown ids, singular systems, bad options) are shown
as one line on stderr with exit status 2 — never a traceback. Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer import _click  # Typer's own click, which its groups and commands are made of
from typer.core import TyperCommand, TyperGroup

from tanji import __version__

#: The commands: name → (module, attribute, one-line help). A command's module — and the
#: libraries it needs (NumPy, SciPy, SQLAlchemy, pint, openpyxl …) — is imported only when
#: that command runs, so ``tanji --help`` imports none of them. The one-line help is the
#: command's own (a test checks that they agree).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "engine": ("tanji.cli.engine", "app", "The LCA engine on Brightway datapackages."),
    "db": ("tanji.cli.data", "db_app", "The store: migrate, reference data, backup, restore."),
    "data": ("tanji.cli.data", "data_app", "Background databases: emission factors and LCI data."),
    "calc": (
        "tanji.cli.footprints",
        "calc",
        "Compute a product's carbon footprint from its model file.",
    ),
    "footprint": ("tanji.cli.footprints", "footprint_app", "Saved product footprints."),
    "supplier": ("tanji.cli.footprints", "supplier_app", "Suppliers' product footprints."),
    "model": (
        "tanji.cli.models",
        "model_app",
        "Product models: Excel activity-data templates to fill in and apply.",
    ),
    "rules": (
        "tanji.cli.rules",
        "rules_app",
        "Accounting rules: list, show, validate a model, import, lifecycle.",
    ),
    "label": ("tanji.cli.labels", "label_app", "Carbon labels: verify a label file offline."),
    "evidence": (
        "tanji.cli.evidence",
        "evidence_app",
        "Evidence packs of certified products: verify a pack offline.",
    ),
    "ledger": (
        "tanji.cli.ledger",
        "ledger_app",
        "The transparency log: verify it, print its signed tree head.",
    ),
    "keys": ("tanji.cli.ledger", "keys_app", "Signing keys: list the public keys, rotate a key."),
    "accounts": (
        "tanji.cli.accounts",
        "accounts_app",
        "Accounts: the first platform admin, reset links, lost second factors.",
    ),
    "pact": (
        "tanji.cli.pact",
        "pact_app",
        "The PACT v3 exchange, battery passport and Catena-X files.",
    ),
    "certification": (
        "tanji.cli.certification",
        "certification_app",
        "Certification: the scheduler's sweeps.",
    ),
    "serve": (
        "tanji.cli.web",
        "serve",
        "Run the web platform (pages, workspace and the JSON API).",
    ),
}  # fmt: skip


def load_command(name: str) -> _click.Command:
    """Import a command's module and build its click command (a group for a sub-app)."""
    module, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    # Registered on a root of its own, exactly as on the root app, and taken back out.
    root = typer.Typer(add_completion=False)
    if isinstance(target, typer.Typer):
        root.add_typer(target, name=name)
    else:
        root.command(name=name)(target)

        @root.callback()
        def _group() -> None:  # makes the root a group, as the real root is
            pass

    group = typer.main.get_command(root)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class _LazyCommands(TyperGroup):
    """The root group: lists every command, imports one only to run it (or show its help)."""

    listing = False  # set while the root help lists the commands

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            if self.listing:  # the name and one-line help are all the listing shows
                return TyperCommand(cmd_name, help=COMMANDS[cmd_name][2])
            self.commands[cmd_name] = load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    name="tanji",
    help="Tanji (碳迹): product carbon footprints — exact, fast life-cycle math.",
    cls=_LazyCommands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help at the root: Rich's formatting would import Rich (~0.1 s) for a list.
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit


#: Errors a user can fix, by module: (module, class name).
_KNOWN_ERRORS = (
    ("tanji.engine.errors", "EngineError"),
    ("tanji.io.errors", "DataFormatError"),
    ("tanji.cli.engine", "UsageError"),
    ("tanji.services.errors", "ServiceError"),
    ("tanji.domain.factors", "DomainError"),
    ("sqlalchemy.exc", "OperationalError"),  # the store cannot be reached: the message names it
)


def known_errors() -> tuple[type[Exception], ...]:
    """Errors a user can fix, shown as an ``error:`` message with exit status 2.

    Only the classes of modules already imported: an error of a module that was never
    imported cannot have been raised, and importing it here would cost the start-up time
    the lazy commands save.
    """
    loaded = (getattr(sys.modules.get(module), name, None) for module, name in _KNOWN_ERRORS)
    return (*(error for error in loaded if isinstance(error, type)), OSError)


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
        # unknown command) arrive here. "No arguments" carries the help: plain text (the
        # root's), or nothing when Rich has already printed it (the sub-commands').
        if type(error).__name__ == "NoArgsIsHelpError":
            if error.format_message().strip():
                typer.echo(error.format_message())
            return 0
        typer.echo(f"error: {error.format_message()}", err=True)
        return 2
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
