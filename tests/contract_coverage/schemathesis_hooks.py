"""Loaded by the schemathesis CLI (SCHEMATHESIS_HOOKS) when a run by URL is to be recorded."""

from __future__ import annotations

from typing import Any

import schemathesis

from tests.contract_coverage.recorder import record_schemathesis, suite_name


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    del context, case
    record_schemathesis(response, suite_name("contract-url"))
