"""``tanji model …``: product models and their Excel activity-data templates.

``tanji model template MODEL -o OUT.xlsx`` writes the workbook an enterprise fills in;
``tanji model fill MODEL FILLED.xlsx -o NEW_MODEL.yaml`` checks every cell of the filled
workbook and writes the new model only when all is valid. Errors (a template of another
model, a wrong unit, a text in a number cell, …) are raised as
:class:`~tanji.io.errors.DataFormatError` and shown by ``tanji.cli.main`` as the
``error:`` report on stderr with exit status 2; nothing is written then.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tanji.io.activity_template import read_activity_template, write_activity_template
from tanji.io.product_model import load_document, write_document

model_app = typer.Typer(
    help="Product models: Excel activity-data templates to fill in and apply.",
    no_args_is_help=True,
)


class Language(StrEnum):
    """The language that comes first in a template's headers and instructions."""

    zh = "zh"
    en = "en"


ModelArgument = Annotated[
    Path, typer.Argument(help="The product model file (.yaml, .yml or .json).")
]


@model_app.command("template")
def model_template(
    model: ModelArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    lang: Annotated[
        Language, typer.Option("--lang", help="Language first in headers and notes.")
    ] = Language.zh,
) -> None:
    """Write the Excel activity-data template of a model, pre-filled with its values."""
    document = load_document(model)
    write_activity_template(document, output, language=lang.value)
    count = len(document.data["lines"])
    typer.echo(
        f"wrote {output}: {count} line{'s' if count != 1 else ''} of model "
        f"{document.data['id']}; fill it, then 'tanji model fill {model} {output} -o NEW.yaml'"
    )


@model_app.command("fill")
def model_fill(
    model: ModelArgument,
    filled: Annotated[Path, typer.Argument(help="The filled template (.xlsx).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The new model file to write (.yaml or .json).")
    ],
) -> None:
    """Apply a filled template to a model; writes the new model only if every cell is valid."""
    document = load_document(model)
    data, changes = read_activity_template(document, filled)
    write_document(data, output)
    before, after = document.data["lines"], data["lines"]
    updated = sum(1 for old, new in zip(before, after, strict=True) if old != new)
    for change in changes:
        typer.echo(f"  {change}")
    typer.echo(f"{updated} line{'s' if updated != 1 else ''} updated; wrote {output}")
