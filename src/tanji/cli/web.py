"""``tanji serve``: the web platform on this machine.

Sets up the store (migrated to the code's schema, reference data, shipped rules), with
``--demo`` loads the demo once (the demo accounts with their published passwords,
the battery maker's workspace products and the other examples' footprints —
:func:`tanji.services.demo.load_demo`), prints the address and the demo logins, then
runs the app under uvicorn.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from tanji.bootstrap import App
from tanji.cli.footprints import store_app
from tanji.services.demo import load_demo

#: The repository's examples (present in a source checkout, absent from an installed wheel).
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo",
            help="Create the demo accounts (public passwords — never on a production "
            "store), workspace and example footprints (once).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (several need PostgreSQL: TANJI_DATABASE_URL).",
        ),
    ] = 1,
) -> None:
    """Run the web platform (pages, workspace and the JSON API)."""
    import uvicorn

    from tanji.web.app import create_app
    from tanji.web.observability import logging_config
    from tanji.web.security import secret_key
    from tanji.web.serving import serve_workers

    app = store_app()
    if workers > 1 and app.db.dialect.name == "sqlite":
        app.close()
        typer.echo(
            "Several worker processes need a PostgreSQL store (TANJI_DATABASE_URL); "
            "an SQLite store is served by one process (docs/operations.md).",
            err=True,
        )
        raise typer.Exit(2)
    try:
        if demo:
            summary = load_demo(app, EXAMPLES)
            if summary.products or summary.results:
                typer.echo(
                    f"demo: {summary.products} workspace product(s), "
                    f"{summary.results} footprint(s) computed"
                )
            typer.echo("Demo logins (a demo store is public — never use them in production):")
            for email, password, what in summary.accounts:
                typer.echo(f"  {email:<26} {password:<24} {what}")
            _label_demo(app, host, port)
        typer.echo(f"Tanji is running at http://{host}:{port}/ (Ctrl+C to stop)")
        # Outside the demo and loopback, cookies go over HTTPS only; outside the demo,
        # platform and department admins need a second factor (settings may override).
        secure = not demo and host not in LOOPBACK
        admin_mfa = not demo
        # JSON lines with the request id (TANJI_LOG_FORMAT=text for a terminal); the
        # middleware's "request" lines replace uvicorn's access log.
        options: dict[str, Any] = {
            "host": host,
            "port": port,
            "log_config": logging_config("INFO", json_lines=app.settings.log_format == "json"),
            "access_log": False,
            "server_header": False,
        }
        if workers == 1:
            web = create_app(
                app, secure_by_default=secure, admin_mfa_by_default=admin_mfa, freeze_gc=True
            )
            uvicorn.run(web, **options)
            return
        # Several processes: each builds its own app from the environment (the store,
        # the secret key made above, the job queue in the store); the choices made here
        # reach them as settings.
        secret_key(app.settings)  # made once here, not raced by the workers
        os.environ.setdefault("TANJI_SECURE_COOKIES", "1" if secure else "0")
        os.environ.setdefault("TANJI_ADMIN_MFA", "1" if admin_mfa else "0")
        app.close()  # the workers open their own connections
        with _shared_metrics():
            # Each worker listens on its own socket (tanji.web.serving): the kernel
            # spreads the connections evenly, which uvicorn's shared socket does not.
            status = serve_workers(options, workers)
        if status:
            raise typer.Exit(status)
    finally:
        app.close()


@contextmanager
def _shared_metrics() -> Iterator[None]:
    """A private folder (0700) where the worker processes keep their metrics, so that
    ``/metrics`` answers for all of them (:mod:`tanji.web.observability.metrics`);
    removed when the server stops. A folder the environment already names
    (``PROMETHEUS_MULTIPROC_DIR``) is used as it is and kept."""
    from tanji.web.observability.metrics import MULTIPROCESS_DIR

    if os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    folder = tempfile.mkdtemp(prefix="tanji-metrics-")  # fresh and empty: no stale counts
    os.environ[MULTIPROCESS_DIR] = folder  # inherited by the workers uvicorn starts
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)


def _label_demo(app: App, host: str, port: int) -> None:
    """The carbon-label demo step (after the others): the certified product's label and
    the address of its public verification page."""
    from tanji.services.labels.demo import load_label_demo
    from tanji.services.signing import KeyRing
    from tanji.web.security import secret_key

    base = app.settings.public_url or f"http://{host}:{port}"
    keys = KeyRing.from_secret(secret_key(app.settings))
    url = load_label_demo(app, base, keys)
    typer.echo(f"Carbon label of the demo's certified product, public verification page: {url}")
    from tanji.services.directory.demo import load_directory_demo

    org_id = load_directory_demo(app)
    typer.echo(f"Public directory of certified products: {base}/directory")
    typer.echo(f"The demo enterprise's disclosure page: {base}/directory/companies/{org_id}")
