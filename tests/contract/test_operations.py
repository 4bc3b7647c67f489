"""Every operation in contracts/openapi.yaml, generated from the spec, under every check.

Nothing here names an endpoint: an operation added to the spec is tested the day it lands.
"""

from __future__ import annotations

import schemathesis

schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_operation_keeps_the_contract(case: schemathesis.Case, api_key: str) -> None:
    # With a valid key; the ignored_auth check also replays each secured call without one.
    case.call_and_validate(headers={"X-API-Key": api_key})
