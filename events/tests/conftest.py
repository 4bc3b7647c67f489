"""Fixtures of the codec's own tests: the bundled schema store."""

from __future__ import annotations

import pytest

from rooms_events import SchemaStore


@pytest.fixture(scope="session")
def avro_store() -> SchemaStore:
    return SchemaStore.bundled()
