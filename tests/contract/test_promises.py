"""The promises contracts/openapi.yaml makes in words, checked against the target (any URL).

Filters, paging, media types, conditional requests and documented headers: schemathesis
checks schemas and statuses; these properties check what the descriptions say.
"""

from __future__ import annotations

import httpx
import pytest

from tests.contract.promise_checks import PROMISE_CHECKS, PromiseCheck


@pytest.mark.parametrize("check", PROMISE_CHECKS.values(), ids=PROMISE_CHECKS.keys())
def test_the_target_keeps_the_promise(
    check: PromiseCheck, contract_http: httpx.Client, api_key: str
) -> None:
    check(contract_http, api_key)
