"""The suite catches broken providers: the real app with one deliberate fault at a time.

Each case serves the faulty app, runs the check that should notice, and asserts it fails
and names that check. A suite that passed these would prove nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from starlette.testclient import TestClient

from rooms.adapters.avro import AvroEventEncoder
from rooms.bootstrap import bootstrap
from rooms.domain.model import Room, RoomDraft
from rooms.entrypoints.app import RoomsApp, create_app
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import UnitOfWorkFactory
from rooms_events import SchemaStore
from tests.conftest import API_KEY, make_settings, open_app
from tests.contract import faults
from tests.contract.room_store_machine import room_store_machine
from tests.contract.schemathesis_cli import run_schemathesis
from tests.contract.servers import serve_in_thread

pytestmark = pytest.mark.slow

FAULTS: list[tuple[str, Callable[[Any], Any], str, str]] = [
    (
        "a required response member missing",
        lambda app: faults.ResponseFault(app, faults.drop_required_member),
        "response_schema_conformance",
        "Response violates schema",
    ),
    (
        "a member of the wrong type",
        lambda app: faults.ResponseFault(app, faults.wrong_type),
        "response_schema_conformance",
        "Response violates schema",
    ),
    # Every operation documents a `default` (problem+json), so no status is undocumented
    # as such: a 206 carrying a page breaks what `default` promises, and that is what fails.
    (
        "an undocumented status code",
        lambda app: faults.ResponseFault(app, faults.undocumented_status),
        "status_code_conformance,content_type_conformance",
        "Undocumented Content-Type",
    ),
    (
        "a wrong content type",
        lambda app: faults.ResponseFault(app, faults.wrong_content_type),
        "content_type_conformance",
        "Undocumented Content-Type",
    ),
    (
        "a 500 on valid input",
        lambda app: faults.ResponseFault(app, faults.server_error_on_valid_input),
        "not_a_server_error",
        "Server error",
    ),
    (
        "a write accepted without a key",
        lambda app: faults.AcceptWritesWithoutKey(app, API_KEY),
        "ignored_auth",
        "request without authentication",
    ),
]


@pytest.mark.parametrize(("fault", "wrap", "check", "title"), FAULTS, ids=[f[0] for f in FAULTS])
def test_the_suite_names_the_check_a_broken_provider_fails(
    fault: str,
    wrap: Callable[[Any], Any],
    check: str,
    title: str,
    sqlite_url: str,
    avro_store: SchemaStore,
    tmp_path: Path,
) -> None:
    with (
        open_app(sqlite_url, AvroEventEncoder(avro_store)) as app,
        serve_in_thread(wrap(app)) as url,
    ):
        # The seeded room makes GET /rooms/{id} answer 200 from the examples phase on.
        client = TestClient(app)
        example = client.get("/openapi.json").json()["components"]["examples"][
            "RoomInputCentralFlat"
        ]["value"]
        client.post("/rooms", json=example, headers={"X-API-Key": API_KEY})
        result = run_schemathesis(url, API_KEY, tmp_path, "--checks", check, "--max-failures", "1")
    assert result.returncode != 0, (
        f"{fault}: the suite passed a broken provider\n{result.stdout[-3000:]}"
    )
    assert title in result.stdout, result.stdout[-4000:]


class IgnoresIfMatch(RoomService):
    """Applies every update, whatever version the client names."""

    def update(
        self,
        room_id: uuid.UUID,
        change: Callable[[Room], RoomDraft],
        *,
        if_match: str | None = None,
    ) -> Room:
        return super().update(room_id, change, if_match=None)


def test_the_state_machine_catches_a_stale_etag_accepted(
    sqlite_url: str, avro_store: SchemaStore
) -> None:
    chosen = make_settings(sqlite_url)
    injector = bootstrap(chosen, encoder=AvroEventEncoder(avro_store))
    # The same storage behind a service with one fault, bound where handlers look for it.
    injector.binder.bind(RoomService, to=IgnoresIfMatch(injector.get(UnitOfWorkFactory)))
    app: RoomsApp = create_app(chosen, injector=injector)
    machine = room_store_machine(TestClient(app), API_KEY)  # type: ignore[arg-type]
    try:
        with pytest.raises(AssertionError, match="412"):
            run_state_machine_as_test(machine, settings=FAULT_STEPS)
    finally:
        app.close()


FAULT_STEPS = settings(
    max_examples=20,
    stateful_step_count=10,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
