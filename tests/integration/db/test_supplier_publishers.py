"""A supplier line resolves to (publisher, product id); a file's assurance is a claim.

PACT files carrying the same product id from other uploaders neither replace nor shadow
the footprint an existing line uses, nor one published on the platform by its owner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tanji.db.migrate import upgrade
from tanji.db.session import make_engine
from tanji.domain.factors import DomainError
from tanji.domain.products import LinkKind
from tanji.domain.suppliers import split_supplier_ref, supplier_ref
from tanji.io.product_model import model_from_document, parse_document
from tanji.services.background import BackgroundStore
from tanji.services.errors import ConflictError
from tanji.services.footprints import (
    calculate,
    import_pact,
    publish_result,
    recompute,
    save_result,
    supplier_footprints,
)

from .test_footprints_store import HEAD, backgrounds, write  # noqa: F401

PRODUCT = "urn:pact:example.cn:product-id:PV-550M"


def pact_file(
    tmp_path: Path,
    shared: Path,
    name: str,
    *,
    pf_id: str,
    total: str,
    assurance: str | None = None,
) -> Path:
    """The shared PV example with another id and value (and an assurance claim)."""
    example = shared / "pact" / "examples" / "v2" / "product-footprint-pv.json"
    data = json.loads(example.read_text(encoding="utf-8"))
    data["id"] = pf_id
    data["pcf"]["pCfExcludingBiogenic"] = total
    data["pcf"]["pCfIncludingBiogenic"] = total
    data["pcf"]["fossilGhgEmissions"] = total
    if assurance is not None:
        data["pcf"]["assurance"] = {"assurance": True, "providerName": assurance}
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def customer(tmp_path: Path, link: str) -> Path:
    return write(
        tmp_path,
        "c.yaml",
        HEAD.format(id="pack", version="1")
        + f"  - {{id: panel, stage: raw_materials, quantity: 2 m**2, supplier: {link}}}\n",
    )


def test_a_second_file_with_the_same_product_id_does_not_shadow_the_first(
    session: Session,
    backgrounds: BackgroundStore,  # noqa: F811
    tmp_path: Path,
    shared_standards: Path,
) -> None:
    first = pact_file(tmp_path, shared_standards, "a.json",
                      pf_id="11111111-1111-4111-8111-111111111111", total="300")  # fmt: skip
    import_pact(session, first, publisher="org:1")
    old_line = customer(tmp_path, f"{{product: '{PRODUCT}'}}")
    assert calculate(session, backgrounds, old_line).footprint.total == pytest.approx(600.0)
    # Another uploader's file: same product id, a lower value, claiming assurance.
    spoof = pact_file(tmp_path, shared_standards, "b.json",
                      pf_id="22222222-2222-4222-8222-222222222222", total="1",
                      assurance="Trusted Verifier Ltd")  # fmt: skip
    imported = import_pact(session, spoof, publisher="org:2")
    assert imported.publisher == "org:2"
    assert not imported.verified
    # The existing line keeps the first uploader's footprint.
    assert calculate(session, backgrounds, old_line).footprint.total == pytest.approx(600.0)
    # A line naming a publisher gets that publisher's footprint only.
    named = customer(tmp_path, f"{{product: '{PRODUCT}', publisher: 'org:2'}}")
    assert calculate(session, backgrounds, named).footprint.total == pytest.approx(2.0)
    nobody = customer(tmp_path, f"{{product: '{PRODUCT}', publisher: 'org:3'}}")
    with pytest.raises(DomainError, match="from org:3"):
        calculate(session, backgrounds, nobody)


def test_a_file_cannot_shadow_the_owners_platform_publication(
    session: Session,
    backgrounds: BackgroundStore,  # noqa: F811
    tmp_path: Path,
    shared_standards: Path,
) -> None:
    model = write(
        tmp_path,
        "s.yaml",
        HEAD.format(id="acme-cell", version="1")
        + "  - {id: steel, stage: raw_materials, quantity: 1 kg, "
        "factor: {unit: kg, co2e_kg: 2.0, source: {publisher: T, title: test}}}\n",
    )
    result = save_result(session, calculate(session, backgrounds, model))
    spoof = pact_file(tmp_path, shared_standards, "b.json",
                      pf_id="33333333-3333-4333-8333-333333333333", total="1",
                      assurance="Trusted Verifier Ltd")  # fmt: skip
    # Imported first, claiming assurance, under the platform product's id.
    document = json.loads(spoof.read_text(encoding="utf-8"))
    document["productIds"] = ["urn:x:acme-cell"]
    spoof.write_text(json.dumps(document), encoding="utf-8")
    import_pact(session, spoof, publisher="org:2")
    published = publish_result(session, result, product_id="urn:x:acme-cell")
    line = write(
        tmp_path,
        "c.yaml",
        HEAD.format(id="pack", version="1")
        + "  - {id: cell, stage: raw_materials, quantity: 3 kg, "
        "supplier: {product: 'urn:x:acme-cell'}}\n",
    )
    assert calculate(session, backgrounds, line).footprint.total == pytest.approx(6.0)
    assert published.publisher.startswith(("org:", "local"))


def test_an_imported_assurance_is_a_claim_not_a_certification(
    session: Session,
    backgrounds: BackgroundStore,  # noqa: F811
    tmp_path: Path,
    shared_standards: Path,
) -> None:
    path = pact_file(tmp_path, shared_standards, "a.json",
                     pf_id="44444444-4444-4444-8444-444444444444", total="300",
                     assurance="Trusted Verifier Ltd")  # fmt: skip
    imported = import_pact(session, path, publisher="org:5")
    assert (imported.verified, imported.verifier) == (False, "")
    assert imported.claimed_verifier == "Trusted Verifier Ltd"
    assert imported.status == "assurance claimed by the file, not verified"
    (stored,) = supplier_footprints(session, PRODUCT)
    assert not stored.verified
    assert stored.claimed_verifier == "Trusted Verifier Ltd"
    calculation = calculate(session, backgrounds, customer(tmp_path, f"{{product: '{PRODUCT}'}}"))
    labels = json.dumps(calculation.result, ensure_ascii=False)
    assert "assurance claimed by the file, not verified" in labels
    assert "(verified)" not in labels


def test_the_same_pact_id_from_another_publisher_neither_blocks_nor_shadows(
    session: Session,
    backgrounds: BackgroundStore,  # noqa: F811
    tmp_path: Path,
    shared_standards: Path,
) -> None:
    pf_id = "55555555-5555-4555-8555-555555555555"
    path = pact_file(tmp_path, shared_standards, "a.json", pf_id=pf_id, total="300")
    import_pact(session, path, publisher="org:1")
    import_pact(session, path, publisher="org:1")  # the same uploader again: harmless
    line = customer(tmp_path, f"{{product: '{PRODUCT}'}}")
    pinned = save_result(session, calculate(session, backgrounds, line))
    # Another uploader: the same PACT id and version with another value is its own record.
    other = pact_file(tmp_path, shared_standards, "b.json", pf_id=pf_id, total="1")
    import_pact(session, other, publisher="org:2")
    with pytest.raises(ConflictError):  # one publisher cannot change a stored version
        import_pact(session, other, publisher="org:1")
    assert len(supplier_footprints(session, PRODUCT)) == 2
    assert calculate(session, backgrounds, line).footprint.total == pytest.approx(600.0)
    again, same = recompute(session, backgrounds, pinned)
    assert same
    assert again.footprint.total == pytest.approx(600.0)


def test_a_publisher_travels_in_the_model_document() -> None:
    text = HEAD.format(id="pack", version="1") + (
        "  - {id: cell, stage: raw_materials, quantity: 3 kg, "
        "supplier: {product: 'urn:x:cell', publisher: 'host:https://pact.example'}}\n"
    )
    (line,) = model_from_document(parse_document(text, "m.yaml")).lines
    assert line.link.kind is LinkKind.SUPPLIER
    assert split_supplier_ref(line.link.ref) == ("host:https://pact.example", "urn:x:cell")
    assert split_supplier_ref("urn:x:cell") == ("", "urn:x:cell")
    assert supplier_ref("", "urn:x:cell") == "urn:x:cell"


def test_the_migration_turns_imported_assurances_into_claims(store_url: str) -> None:
    engine = make_engine(store_url)
    columns = (
        "ref, version, product_id, product_name, company, declared_amount, declared_unit, "
        "total, biogenic, dluc, aircraft, geography, verified, verifier, origin, source, "
        "created_at"
    )
    try:
        upgrade(engine, "0020")
        with engine.begin() as connection:
            for ref, verified, verifier, origin in [
                ("a", True, "Verifier Ltd", "pact"),
                ("b", True, "", "pact-api"),
                ("c", False, "", "pact"),
                ("d", True, "Body (CERT-1)", "platform"),
            ]:
                connection.execute(
                    text(
                        f"INSERT INTO supplier_footprints ({columns}) VALUES (:ref, '1', 'p', "
                        "'p', 'Co', 1, 'kg', 1, 0, 0, 0, '', :verified, :verifier, :origin, "
                        "'', CURRENT_TIMESTAMP)"
                    ),
                    {"ref": ref, "verified": verified, "verifier": verifier, "origin": origin},
                )
        upgrade(engine, "0021")
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT ref, verified, verifier, claimed_verifier, publisher "
                    "FROM supplier_footprints ORDER BY ref"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("a", False, "", "Verifier Ltd", "local"),
        ("b", False, "", "(assurance provider not named)", "local"),
        ("c", False, "", "", "local"),
        ("d", True, "Body (CERT-1)", "", "local"),
    ]
