"""Schemathesis over the OpenAPI document: every operation, every check, a bounded
number of examples (issue 19: "OpenAPI true to the responses").

Runs on SQLite only (the store does not change what the API documents) with an API
token of the demo enterprise's admin, rate limits off (a fuzzer is a flood by design;
the limits have their own tests in tests/web/test_sessions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.web.conftest import token_for

from tanji.bootstrap import App, build_app
from tanji.db.migrate import upgrade
from tanji.services import accounts, logins
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.settings import Settings
from tanji.web.app import create_app

#: Examples per operation: enough to reach every response an operation documents on a
#: demo store, few enough for CI (the whole file runs in well under a minute).
EXAMPLES = 4
#: Every check but one: ``positive_data_acceptance`` expects any request the schema
#: allows to succeed, and the API refuses schema-valid requests on purpose where a rule
#: beyond JSON Schema is broken (an unknown template, a stale version, a product of
#: another organisation); such refusals are 4xx with the error body, which the other
#: checks (status codes and response schemas as documented) do hold to.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, str]]:
    data_dir = tmp_path_factory.mktemp("schemathesis")
    base = Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'tanji.db'}",
        secret_key="schemathesis",
    )
    with build_app(replace(base, rate_limits=False)) as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
            accounts.demo_accounts(uow.session)
            battery = logins.authenticate(
                uow.session, accounts.DEMO_ACCOUNTS[1][0], accounts.DEMO_ACCOUNTS[1][1]
            )
        yield app, token_for(app, battery)


def test_every_operation_answers_as_documented(fuzzed_app: tuple[App, str]) -> None:
    """Each operation in turn (so one report names every operation at fault), with
    hypothesis driving schemathesis's strategies directly."""
    app, token = fuzzed_app
    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(app))
    headers = {"Authorization": f"Bearer {token}"}
    failures: dict[str, str] = {}
    operations = [found.ok() for found in api.get_all_operations()]
    # Revoking tokens last: the fuzzer would otherwise revoke its own token early on.
    operations.sort(key=lambda op: op.label == "DELETE /api/v1/tokens/{token_id}")
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            failures[operation.label] = f"{type(error).__name__}: {error}"[:1500]
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
