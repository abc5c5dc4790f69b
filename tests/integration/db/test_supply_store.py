"""Green supply chains on both stores: a lead firm asks, the supplier answers with its
certified footprint (or a PACT file, or declines), the answer becomes a supplier line
of the lead firm's model and computes; coverage, reminders; tenants never cross."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise
from tests.integration.db.test_certification_store import (  # the certification world
    _rules_and_cheap_hashes,  # noqa: F401 (an autouse fixture, used by name)
    backgrounds,  # noqa: F401 (a fixture, used by name)
    world,  # noqa: F401 (a fixture, used by name)
)
from tests.integration.db.test_labels_store import Certified, certified  # noqa: F401

from tanji.db.models import OrganisationRow, ProductRow, UserRow
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.supply import ShownStatus
from tanji.services import accounts, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.certification import notifications
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tanji.services.product_lines import placeholder_factor
from tanji.services.supply import answers, coverage, requests
from tanji.services.supply.requests import RequestInput

PACT = Path(__file__).resolve().parents[3] / "examples" / "pv" / "supplier-wafer.pact.json"
DUE = date.today() + timedelta(days=30)


def _uscc(session: Session, actor: Actor) -> str:
    org = session.get(OrganisationRow, actor.org_id)
    assert org is not None
    assert org.uscc
    return org.uscc


def _lead_product(session: Session, lead: Actor, unit: str = "piece") -> int:
    """The lead firm's product with a purchased part still on a placeholder factor."""
    product = products.create_product(
        session, lead, template="general", code=f"m-{secrets.token_hex(3)}", name_zh="整机",
        output="1 piece",
    )  # fmt: skip
    row = session.get(ProductRow, product.id)
    assert row is not None
    data = json.loads(row.document)
    data["lines"].append(
        {"id": "part", "stage": "raw_materials", "quantity": f"4 {unit}",
         "factor": placeholder_factor(unit), "data": "secondary"}
    )  # fmt: skip
    products.update_document(session, lead, product.id, json.dumps(data), "m.json")
    return product.id


def _ask(
    session: Session, lead: Actor, supplier: Actor, declared_unit: str = "1 piece", **extra: object
) -> int:
    given = RequestInput(
        product_name="小部件", declared_unit=declared_unit, due_date=DUE,
        supplier_uscc=_uscc(session, supplier), **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    return requests.request_footprint(session, lead, given).id


def test_the_certified_answer_becomes_a_computing_supplier_line(
    session: Session,
    backgrounds: BackgroundStore,  # noqa: F811
    certified: Certified,  # noqa: F811
) -> None:
    supplier = certified.world.company
    lead = enterprise(session)
    product_id = _lead_product(session, lead)
    request_id = _ask(
        session, lead, supplier, customer_product_id=product_id, customer_line_id="part",
        mass_kg=120.0, spend_cny=5000.0, note="年度采购",
    )  # fmt: skip
    # The supplier is told and sees the request, without the lead firm's own fields.
    kinds = [n.kind for n in notifications.notices(session, supplier)]
    assert "supply-request" in kinds
    (seen,) = requests.inbox(session, supplier)
    assert seen.id == request_id
    assert seen.status is ShownStatus.REQUESTED
    assert seen.customer_product_id is None
    assert seen.mass_kg is None
    assert seen.spend_cny is None
    # Its own footprints, with the certificate's status.
    own = {f.result_id: f for f in answers.own_footprints(session, supplier)}
    assert own[certified.world.result_id].certificate == certified.number
    answered = answers.answer_with_result(session, supplier, request_id, certified.world.result_id)
    assert answered.status is ShownStatus.CERTIFIED
    assert answered.answer is not None
    assert answered.answer.verified
    assert certified.number in answered.answer.verifier
    # The lead firm's model line is a supplier line of that footprint, and computes.
    line = next(
        x for x in products.get_product(session, lead, product_id).document["lines"]
        if x["id"] == "part"
    )  # fmt: skip
    assert line["supplier"] == {
        "product": answered.answer.product_id,
        "publisher": f"org:{supplier.org_id}",
    }
    assert line["data"] == "primary"
    statuses = requests.line_statuses(session, lead, product_id)
    assert statuses["part"].status is ShownStatus.CERTIFIED
    assert statuses["part"].linked
    saved = product_calculation.calculate_product(session, backgrounds, lead, product_id)
    # The template's other lines are placeholders (0 kg CO2e): the part is all of it.
    per_piece = answered.answer.total / answered.answer.declared_amount
    assert saved.total == pytest.approx(4 * per_piece)
    assert "supply-answered" in [n.kind for n in notifications.notices(session, lead)]
    chain = coverage.supply_chain(session, lead)
    assert chain.coverage.mass_certified == 1.0
    assert chain.coverage.spend_with_data == 1.0
    assert chain.missing == ()
    # Answered once: a second answer is refused, so is a reminder.
    with pytest.raises(ConflictError):
        answers.decline(session, supplier, request_id, "不再供应")
    with pytest.raises(ConflictError):
        requests.remind(session, lead, request_id)


def test_pact_answers_declines_coverage_and_reminders(session: Session) -> None:
    lead, wafer, glass, late = (enterprise(session) for _ in range(4))
    pact_id = requests.request_footprint(
        session, lead,
        RequestInput(product_name="硅片", declared_unit="1 kg", due_date=DUE,
                     supplier_uscc=_uscc(session, wafer), mass_kg=300.0, spend_cny=9000.0),
    ).id  # fmt: skip
    glass_id = requests.request_footprint(
        session, lead,
        RequestInput(product_name="玻璃", declared_unit="1 kg", due_date=DUE,
                     supplier_uscc=_uscc(session, glass), mass_kg=700.0),
    ).id  # fmt: skip
    late_id = _ask(session, lead, late, spend_cny=1000.0)
    # A bad file is refused with the field named; nothing is answered.
    with pytest.raises(InvalidInputError) as bad:
        answers.answer_with_pact(session, wafer, pact_id, b'{"specVersion": "2.3.0"', "x.json")
    assert set(bad.value.fields) == {"file"}
    with pytest.raises(InvalidInputError):
        answers.answer_with_pact(session, wafer, pact_id, b" " * (answers.MAX_PACT_BYTES + 1))
    answered = answers.answer_with_pact(session, wafer, pact_id, PACT.read_bytes(), PACT.name)
    assert answered.status is ShownStatus.SELF_DECLARED
    assert answered.answer is not None
    assert answered.answer.total == pytest.approx(165.0)
    declined = answers.decline(session, glass, glass_id, "该产品尚未核算")
    assert declined.status is ShownStatus.REFUSED
    with pytest.raises(InvalidInputError):
        answers.decline(session, late, late_id, "  ")
    chain = coverage.supply_chain(session, lead)
    assert chain.coverage.purchases == 3
    assert chain.coverage.with_data == 1
    assert chain.coverage.mass_with_data == pytest.approx(300 / 1000)
    assert chain.coverage.mass_certified == 0.0
    assert chain.coverage.spend_with_data == pytest.approx(9000 / 10000)
    assert [r.id for r in chain.missing] == [late_id, glass_id]
    # Reminders: an open request, at most once a day; the supplier is told.
    requests.remind(session, lead, late_id)
    with pytest.raises(ConflictError):
        requests.remind(session, lead, late_id)
    later = datetime.now().astimezone() + timedelta(days=1)
    assert requests.remind(session, lead, late_id, now=later).reminders == 2
    assert [n.kind for n in notifications.notices(session, late)].count("supply-reminder") == 2


def test_suppliers_never_see_each_other_nor_the_lead_firms_model(session: Session) -> None:
    lead, one, other = (enterprise(session) for _ in range(3))
    product_id = _lead_product(session, lead)
    mine = _ask(session, lead, one, customer_product_id=product_id, customer_line_id="part")
    theirs = _ask(session, lead, other)
    assert [r.id for r in requests.inbox(session, one)] == [mine]
    assert [r.id for r in requests.inbox(session, other)] == [theirs]
    for call in (
        lambda: requests.request_of(session, one, theirs),
        lambda: answers.decline(session, one, theirs, "x"),
        lambda: answers.answer_with_pact(session, one, theirs, PACT.read_bytes()),
        lambda: requests.remind(session, one, mine),  # the supplier is not the lead firm
        lambda: answers.link_answer(session, one, mine),
        lambda: products.get_product(session, one, product_id),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert requests.outbox(session, one) == []
    seen, side = requests.request_of(session, one, mine)
    assert side == "supplier"
    assert seen.customer_product_id is None
    assert seen.customer_line_id == ""
    # A viewer may read but not ask or answer; a certification body may not ask at all.
    viewer_id = accounts.add_member(
        session, lead, lead.org_id, f"v-{secrets.token_hex(3)}@example.com", Role.VIEWER,
        password="correct-horse-9", display_name="V",
    )  # fmt: skip
    viewer = Actor(viewer_id, lead.org_id, OrgKind.ENTERPRISE, Role.VIEWER)
    assert len(requests.outbox(session, viewer)) == 2
    with pytest.raises(PermissionDeniedError):
        _ask(session, viewer, one)
    body = Actor(lead.user_id, lead.org_id, OrgKind.CERTIFICATION_BODY, Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        _ask(session, body, one)


def test_an_email_request_is_claimed_by_the_invited_address_only(session: Session) -> None:
    lead, stranger = enterprise(session), enterprise(session)
    invited = enterprise(session)
    user = session.get(UserRow, invited.user_id)
    assert user is not None
    request_id = requests.request_footprint(
        session, lead,
        RequestInput(product_name="外壳", declared_unit="1 kg", due_date=DUE,
                     supplier_email=user.email.upper()),
    ).id  # fmt: skip
    assert requests.inbox(session, stranger) == []
    with pytest.raises(NotFoundError):
        requests.claim(session, stranger, request_id)
    assert [r.id for r in requests.inbox(session, invited)] == [request_id]
    claimed = requests.claim(session, invited, request_id)
    assert claimed.supplier_org_id == invited.org_id
    answers.decline(session, invited, request_id, "不供应此产品")
    assert requests.outbox(session, lead)[0].status is ShownStatus.REFUSED


def test_bad_requests_name_every_field(session: Session) -> None:
    lead, supplier = enterprise(session), enterprise(session)
    with pytest.raises(InvalidInputError) as both:
        requests.request_footprint(
            session, lead,
            RequestInput(product_name="", declared_unit="", due_date=date(2000, 1, 1),
                         supplier_uscc=_uscc(session, supplier), supplier_email="a@b.cn",
                         mass_kg=-1.0, rule="no-such-rule"),
        )  # fmt: skip
    assert set(both.value.fields) == {
        "supplier", "product_name", "declared_unit", "due_date", "mass_kg", "rule",
    }  # fmt: skip
    with pytest.raises(InvalidInputError) as own:
        _ask(session, lead, lead)
    assert set(own.value.fields) == {"supplier_uscc"}
    with pytest.raises(InvalidInputError) as line:
        _ask(session, lead, supplier, customer_product_id=999_999, customer_line_id="x")
    assert set(line.value.fields) == {"customer_product_id"}
    assert requests.outbox(session, lead) == []  # nothing half-written


def test_the_demo_is_made_once_and_the_battery_maker_sees_its_request(session: Session) -> None:
    from tanji.services import logins
    from tanji.services.supply.demo import LEAD_ACCOUNT, load_supply_demo

    accounts.demo_accounts(session)
    assert load_supply_demo(session) == [LEAD_ACCOUNT]
    assert load_supply_demo(session) == [LEAD_ACCOUNT]  # twice is harmless
    lead = logins.authenticate(session, LEAD_ACCOUNT[0], LEAD_ACCOUNT[1])
    battery = logins.authenticate(session, *accounts.DEMO_ACCOUNTS[1][:2])
    sent = requests.outbox(session, lead)
    assert sorted(r.status.value for r in sent) == ["overdue", "requested"]
    (asked,) = requests.inbox(session, battery)
    assert asked.lead_name == "示范储能系统集成有限公司"
    assert asked.customer_line_id == ""  # the lead firm's model stays its own
    assert [r.status for r in coverage.supply_chain(session, lead).missing] == [
        ShownStatus.OVERDUE, ShownStatus.REQUESTED,
    ]  # fmt: skip


def test_a_pact_answer_is_named_after_its_supplier(session: Session) -> None:
    """A PACT file cannot pass itself off as another supplier's product: its product id
    is prefixed with the answering supplier's credit code."""
    lead, wafer = enterprise(session), enterprise(session)
    request_id = _ask(session, lead, wafer, declared_unit="1 kg")
    answered = answers.answer_with_pact(session, wafer, request_id, PACT.read_bytes())
    assert answered.answer is not None
    assert answered.answer.product_id == (
        f"{_uscc(session, wafer)}:urn:pact:example.cn:product-id:M10-N-WAFER"
    )


def test_an_answer_that_cannot_be_linked_is_kept_and_linked_by_hand_later(
    session: Session,
    certified: Certified,  # noqa: F811
) -> None:
    supplier, lead = certified.world.company, enterprise(session)
    product_id = _lead_product(session, lead, unit="kWh")  # a line that is not in pieces
    request_id = _ask(
        session, lead, supplier, customer_product_id=product_id, customer_line_id="part"
    )
    answers.answer_with_result(session, supplier, request_id, certified.world.result_id)
    seen, _ = requests.request_of(session, lead, request_id)
    assert seen.status is ShownStatus.CERTIFIED
    assert not seen.linked
    assert "does not convert" in seen.link_problem
    line = next(
        x for x in products.get_product(session, lead, product_id).document["lines"]
        if x["id"] == "part"
    )  # fmt: skip
    assert "supplier" not in line  # the model is as it was
    with pytest.raises(InvalidInputError):
        answers.link_answer(session, lead, request_id)
    row = session.get(ProductRow, product_id)
    assert row is not None
    data = json.loads(row.document)
    data["lines"][-1].update(quantity="4 piece", factor=placeholder_factor("piece"))
    products.update_document(session, lead, product_id, json.dumps(data), "m.json")
    linked = answers.link_answer(session, lead, request_id)
    assert linked.linked
    assert linked.link_problem == ""
