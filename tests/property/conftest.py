"""Hypothesis profiles for the property tests: `ci` (default, deterministic) and `long`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,  # the same examples every run: a CI failure replays
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(autouse=True, scope="session")
def _hypothesis_profile(pytestconfig: pytest.Config) -> Iterator[None]:
    """`ci` unless `--hypothesis-profile` chose another."""
    if not pytestconfig.getoption("hypothesis_profile", None):
        settings.load_profile("ci")
    return
