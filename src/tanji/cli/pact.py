"""``tanji pact``: the PACT v3.0 exchange from the command line.

- ``tanji pact test-host`` — a PACT host over HTTPS (self-signed certificate) with a
  test partner and two released illustrative footprints, for a conformance suite; prints
  the base URL, the client credentials and the certificate to trust.
- ``tanji pact fetch`` — list or get a partner host's footprints; ``--import`` keeps
  them as suppliers' footprints (a model's supplier line can then use them).
- ``tanji pact deliver`` — retry the answers to partners' requests still pending.
- ``tanji pact battery-passport`` — the EU battery passport's carbon-footprint section
  of a saved result; ``tanji pact catenax`` — a PACT v3 file as a Catena-X PCF;
  ``tanji pact import-catenax`` — a Catena-X PCF kept as a supplier footprint.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tanji.cli.footprints import store_app

pact_app = typer.Typer(help="The PACT v3 exchange, battery passport and Catena-X files.")


@pact_app.command("test-host")
def conformance_host(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTPS port.")] = 8443,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Store and certificate folder (default: a new temporary one)."),
    ] = None,
    client_id: Annotated[str | None, typer.Option(help="The test partner's client id.")] = None,
    client_secret: Annotated[
        str | None, typer.Option(help="The test partner's client secret.")
    ] = None,
    callback_url: Annotated[
        str, typer.Option(help="The suite's own PACT host, where answers to its requests go.")
    ] = "",
    callback_client_id: Annotated[
        str, typer.Option(help="The client id the suite's host accepts.")
    ] = "test_client_id",
    callback_client_secret: Annotated[
        str, typer.Option(help="The client secret the suite's host accepts.")
    ] = "test_client_secret",
    test_mode: Annotated[
        bool,
        typer.Option(help="Allow answers to plain http:// on the loopback (a local suite)."),
    ] = True,
    ca_file: Annotated[
        Path | None, typer.Option(help="PEM certificates to trust when calling the suite's host.")
    ] = None,
) -> None:
    """Run a PACT host over HTTPS with a test partner and two released footprints."""
    import uvicorn

    from tanji.bootstrap import build_app
    from tanji.db.migrate import upgrade
    from tanji.services.pact.testhost import set_up_test_host
    from tanji.settings import Settings
    from tanji.web.app import create_app
    from tanji.web.tls import self_signed_certificate

    folder = data_dir or Path(tempfile.mkdtemp(prefix="tanji-pact-"))
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'tanji.db'}",
        pact_test_mode=test_mode,
        pact_ca_file=str(ca_file) if ca_file else None,
    )
    cert, key = self_signed_certificate(folder / "tls", ("localhost", "127.0.0.1", host))
    with build_app(settings) as app:
        upgrade(app.db)
        setup = set_up_test_host(
            app,
            client_id=client_id,
            client_secret=client_secret,
            callback_url=callback_url,
            callback_client_id=callback_client_id,
            callback_client_secret=callback_client_secret,
            test_mode=test_mode,
        )
        base = f"https://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
        typer.echo(
            json.dumps(
                {
                    "base_url": base,
                    "auth_url": f"{base}/auth/token",
                    "client_id": setup.client_id,
                    "client_secret": setup.client_secret,
                    "footprint_ids": list(setup.footprint_ids),
                    "certificate": str(cert),
                    "login": {"email": setup.login_email, "password": setup.login_password},
                    "store": str(folder),
                },
                indent=2,
            )
        )
        uvicorn.run(
            create_app(app),
            host=host,
            port=port,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="info",
        )


@pact_app.command("fetch")
def fetch(
    base_url: Annotated[str, typer.Argument(help="The partner host's base URL (https://…).")],
    client_id: Annotated[str, typer.Option(help="The client id it issued to you.")],
    client_secret: Annotated[str, typer.Option(help="The client secret it issued to you.")],
    footprint_id: Annotated[
        str | None, typer.Option("--id", help="One footprint (GetFootprint) instead of all.")
    ] = None,
    product_id: Annotated[
        list[str] | None, typer.Option(help="ListFootprints filter productId (repeatable).")
    ] = None,
    do_import: Annotated[
        bool, typer.Option("--import", help="Keep them as suppliers' footprints.")
    ] = False,
    ca_file: Annotated[Path | None, typer.Option(help="PEM certificates to trust.")] = None,
) -> None:
    """List or get a partner host's footprints (and keep them as suppliers' footprints)."""
    from tanji.db.models import PactConnectionRow
    from tanji.services.pact import client

    conn = PactConnectionRow(
        name="command line",
        base_url=client.check_url(base_url, test_mode=True),
        auth_url="",
        client_id=client_id,
        client_secret=client_secret,
    )
    with client.http_client(str(ca_file) if ca_file else None) as http:
        if footprint_id:
            documents = [client.fetch_footprint(http, conn, footprint_id)]
        else:
            params = [("productId", p) for p in product_id or []]
            documents = client.fetch_footprints(http, conn, params)
    if not do_import:
        typer.echo(json.dumps({"data": documents}, indent=2, ensure_ascii=False))
        return
    app = store_app()
    try:
        with app.unit_of_work() as uow:
            for document in documents:
                url = f"{conn.base_url}/3/footprints/{document.get('id', '')}"
                s = client.store_fetched(uow.session, document, url)
                typer.echo(f"{s.product_id}\t{s.ref}@{s.version}\t{s.total:g} kg CO2e "
                           f"per {s.declared_amount:g} {s.declared_unit}\t{s.source}"
                           f"\t{s.publisher}\t{s.status}")  # fmt: skip
    finally:
        app.close()


@pact_app.command("deliver")
def deliver() -> None:
    """Retry the answers to partners' requests that could not be delivered yet."""
    from tanji.services.pact import client, events

    app = store_app()
    try:
        with client.http_client(app.settings.pact_ca_file) as http:
            states = events.deliver_pending(app, http)
        for event_id, state in states.items():
            typer.echo(f"event #{event_id}: {state}")
        if not states:
            typer.echo("nothing pending")
    finally:
        app.close()


def _write(document: dict[str, object], output: Path | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written: {output}")


@pact_app.command("battery-passport")
def battery_passport(
    result_id: Annotated[int, typer.Argument(help="A saved result (tanji footprint list).")],
    study_url: Annotated[str, typer.Option(help="Web link of the public version of the study.")],
    performance_class: Annotated[
        str | None, typer.Option("--class", help="Performance class A–Z, once defined.")
    ] = None,
    lifetime_energy: Annotated[
        float | None, typer.Option(help="kWh over the service life (absolute footprint).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", help="Write to this file.")] = None,
) -> None:
    """The EU battery passport's carbon-footprint section (Battery Pass 1.2.0) of a result."""
    from tanji.services.pact import exports

    app = store_app()
    try:
        with app.unit_of_work() as uow:
            document = exports.battery_passport(
                uow.session,
                None,
                result_id,
                study_url=study_url,
                performance_class=performance_class,
                lifetime_energy_kwh=lifetime_energy,
            )
    finally:
        app.close()
    _write(document, output)


@pact_app.command("catenax")
def catenax(
    pact_file: Annotated[Path, typer.Argument(help="A PACT v3 ProductFootprint JSON file.")],
    waste_incineration: Annotated[
        str,
        typer.Option(
            help="Allocation of waste incineration: cut-off, reverse cut-off, system expansion."
        ),
    ],
    version: Annotated[
        str, typer.Option(help="Catena-X PCF aspect model: 9.0.0 or 7.0.0.")
    ] = "9.0.0",
    packaging: Annotated[
        bool | None,
        typer.Option("--packaging/--no-packaging", help="Packaging emissions included?"),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="UN M49 sub-region, when not derivable.")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", help="Write to this file.")] = None,
) -> None:
    """Convert a PACT v3 footprint to the Catena-X PCF aspect model (9.0.0 or 7.0.0)."""
    from tanji.io.catenax import catenax_document

    document = json.loads(pact_file.read_text(encoding="utf-8"))
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        document = document["data"]  # a GetFootprint answer
    if version not in ("9.0.0", "7.0.0"):
        raise typer.BadParameter("expected 9.0.0 or 7.0.0", param_hint="--version")
    _write(
        catenax_document(
            document,
            version=version,  # type: ignore[arg-type]
            waste_incineration=waste_incineration,
            packaging_included=packaging,
            region=region,
        ),
        output,
    )


@pact_app.command("import-catenax")
def import_catenax(
    path: Annotated[Path, typer.Argument(help="A Catena-X PCF JSON file (9.0.0 or 7.0.0).")],
) -> None:
    """Keep a supplier's Catena-X PCF as a supplier footprint."""
    from tanji.services.pact import exports

    document = json.loads(path.read_text(encoding="utf-8"))
    app = store_app()
    try:
        with app.unit_of_work() as uow:
            s = exports.import_catenax(uow.session, None, document, source=f"file {path.name}")
    finally:
        app.close()
    typer.echo(f"{s.product_id}\t{s.ref}@{s.version}\t{s.total:g} kg CO2e per "
               f"{s.declared_amount:g} {s.declared_unit}\t{s.source}")  # fmt: skip
