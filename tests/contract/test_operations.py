"""Every operation in contracts/openapi.yaml, generated from the spec, under every check.

Nothing here names an endpoint: an operation added to the spec is tested the day it lands.
"""

from __future__ import annotations

import schemathesis

from tests.contract_coverage.recorder import record_schemathesis, suite_name

schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_operation_keeps_the_contract(
    case: schemathesis.Case, api_key: str, base_url: str | None
) -> None:
    # With a valid key; the ignored_auth check also replays each secured call without one.
    response = case.call_and_validate(headers={"X-API-Key": api_key})
    if base_url:  # in-process, the app itself records what it answered
        record_schemathesis(response, suite_name("contract-url"))
