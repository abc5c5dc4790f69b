"""``tanji serve``: the web platform on this machine.

Sets up the store on first use (migrations, reference data, shipped rules), saves the
shipped examples' footprints once so the home page has something to show (``--no-demo``
to skip), then runs the app under uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select

from tanji.bootstrap import App
from tanji.cli.footprints import store_app
from tanji.db.models import FootprintResultRow
from tanji.services.footprints import calculate, save_result

#: The repository's examples (present in a source checkout, absent from an installed wheel).
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def save_demo_results(app: App, examples: Path = EXAMPLES) -> int:
    """Compute and save every example model once, when the store has no results yet."""
    if not examples.is_dir():
        return 0
    with app.unit_of_work() as uow:
        if uow.session.scalar(select(func.count(FootprintResultRow.id))):
            return 0
    saved = 0
    for path in sorted(examples.glob("**/*.yaml")):
        with app.unit_of_work() as uow:
            save_result(uow.session, calculate(uow.session, app.backgrounds, path))
        saved += 1
    return saved


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Save the shipped examples' results once.")
    ] = True,
) -> None:
    """Run the web platform (public pages and the JSON API)."""
    import uvicorn

    from tanji.web.app import create_app

    app = store_app()
    try:
        if demo:
            saved = save_demo_results(app)
            if saved:
                typer.echo(f"saved {saved} example footprint(s) for the demo")
        typer.echo(f"Tanji is running at http://{host}:{port}/ (Ctrl+C to stop)")
        uvicorn.run(create_app(app), host=host, port=port, log_level="info")
    finally:
        app.close()
