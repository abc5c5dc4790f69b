"""Two Tanji instances, each a real uvicorn over HTTPS on the loopback (one self-signed
certificate both trust): the customer (B) fetches the supplier's (A) footprints as a PACT
client, keeps one as a supplier footprint with its provenance, and sends requests that A
answers asynchronously at B's /3/events — fulfilled, and rejected for urn:pact:null.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from tests import live
from tests.web.conftest import new_enterprise

from tanji.bootstrap import App, build_app
from tanji.cli.main import main
from tanji.db.migrate import upgrade
from tanji.db.models import PactEventRow
from tanji.services.footprints import supplier_footprints
from tanji.services.pact import client, host
from tanji.services.pact.testhost import illustrative_footprints
from tanji.settings import Settings
from tanji.web.app import create_app
from tanji.web.tls import self_signed_certificate

CELL = "urn:pact:example.cn:product-id:lfp-280"


@pytest.fixture
def two_hosts(tmp_path: Path) -> Iterator[tuple[App, str, App, str, Path]]:
    cert, key = self_signed_certificate(tmp_path / "tls", ("127.0.0.1", "localhost"))
    with ExitStack() as stack:
        found: list[App | str] = []
        for name in ("a", "b"):
            settings = Settings(
                data_dir=tmp_path / name,
                database_url=f"sqlite:///{tmp_path / name}.db",
                secret_key="test",
                pact_ca_file=str(cert),
            )
            app = stack.enter_context(build_app(settings))
            upgrade(app.db)
            found += [app, stack.enter_context(live.serving(create_app(app), tls=(cert, key)))]
        a, a_url, b, b_url = found
        assert isinstance(a, App)
        assert isinstance(b, App)
        assert isinstance(a_url, str)
        assert isinstance(b_url, str)
        yield a, a_url, b, b_url, cert


def _wait_for(app: App, row_id: int, state: str) -> PactEventRow:
    deadline = time.monotonic() + 15
    while True:
        with app.unit_of_work() as uow:
            row = uow.session.get(PactEventRow, row_id)
            assert row is not None
            if row.state == state or time.monotonic() > deadline:
                return row
        time.sleep(0.1)


def test_one_tanji_fetches_and_requests_from_another(
    two_hosts: tuple[App, str, App, str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, a_url, b, b_url, cert = two_hosts
    supplier, customer = new_enterprise(a, "供应商"), new_enterprise(b, "客户")
    with a.unit_of_work() as uow:
        for_b = host.add_partner(uow.session, supplier.actor, "Customer B")
        for document in illustrative_footprints():
            row = host.add_footprint(uow.session, supplier.actor, document, released=True)
            host.grant(uow.session, supplier.actor, row.id, for_b.partner_id, True)
    with b.unit_of_work() as uow:
        for_a = host.add_partner(uow.session, customer.actor, "Supplier A")
        to_a = client.add_connection(
            uow.session, customer.actor, "Supplier A", a_url, for_b.client_id, for_b.client_secret
        )
        host.set_partner(uow.session, customer.actor, for_a.partner_id, connection_id=to_a.id)
        to_a_id = to_a.id
    with a.unit_of_work() as uow:
        to_b = client.add_connection(
            uow.session, supplier.actor, "Customer B", b_url, for_a.client_id, for_a.client_secret
        )
        host.set_partner(uow.session, supplier.actor, for_b.partner_id, connection_id=to_b.id)

    with client.http_client(str(cert)) as http:
        # list (two pages of one, following Link: rel="next") and fetch one
        with b.unit_of_work() as uow:
            conn = client.connection(uow.session, customer.actor, to_a_id)
            uow.session.expunge(conn)
        listed = client.fetch_footprints(http, conn, [("limit", "1")])
        assert [d["productIds"][0] for d in listed] == [
            CELL,
            "urn:pact:example.cn:product-id:lfp-cam",
        ]
        with b.unit_of_work() as uow:
            kept = client.import_footprint(
                uow.session, customer.actor, http, to_a_id, listed[0]["id"]
            )
        assert kept.total == 62.0
        assert kept.declared_unit == "kWh"
        with b.unit_of_work() as uow:
            stored = supplier_footprints(uow.session, CELL)
        assert stored[0].source == f"PACT 3.0.0 {a_url}/3/footprints/{listed[0]['id']}"
        assert f"{a_url}/3/footprints/" in stored[0].burden().source  # what a supplier line cites

        # a request A can fulfil, and one it must reject
        fulfilled_id = client.send_request(
            b, customer.actor, http, to_a_id, {"productId": [CELL]}, our_base_url=b_url
        )
        rejected_id = client.send_request(
            b, customer.actor, http, to_a_id, {"productId": ["urn:pact:null"]}, our_base_url=b_url
        )
    # the same listing from the command line (tanji pact fetch)
    argv = ["pact", "fetch", a_url, "--client-id", for_b.client_id,
            "--client-secret", for_b.client_secret, "--ca-file", str(cert)]  # fmt: skip
    assert main(argv) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)["data"]] == [
        d["id"] for d in listed
    ]
    fulfilled = _wait_for(b, fulfilled_id, "fulfilled")
    assert fulfilled.state == "fulfilled", fulfilled.note
    rejected = _wait_for(b, rejected_id, "rejected")
    assert rejected.state == "rejected", rejected.note
    assert '"NotFound"' in rejected.answer
