"""Verify the running service against every pact in contracts/pacts/, and show it can fail."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pact import Verifier
from rooms.adapters.avro import AvroEventEncoder
from rooms.entrypoints.app import RoomsApp
from rooms_events import SchemaStore
from rooms_events.contract_files import avro_dir
from tests.conftest import API_KEY, open_app
from tests.contract.faults import ResponseFault
from tests.contract.servers import serve_in_thread
from tests.contract_coverage.recorder import RecordingApp, suite_name
from tests.pact.conftest import PACT_DIR
from tests.pact.provider import MessageProducer, ProviderStates, add_pact_sources

# pact-python 4's in-process state and message servers leave their sockets for the garbage
# collector; the warning is about the library's sockets, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class VerificationFailed(AssertionError):
    """The verifier's own report of what did not match."""


def run(verifier: Verifier) -> None:
    try:
        verifier.verify()
    except RuntimeError as error:
        raise VerificationFailed(verifier.output(strip_ansi=True)) from error


def verify_http(app: Any, states_app: RoomsApp) -> None:
    with serve_in_thread(app) as url:
        verifier = Verifier("rooms", host="127.0.0.1").add_transport(url=url)
        # The pact says a key is sent (any string); the provider is given one it accepts.
        verifier.add_custom_header("X-API-Key", API_KEY)
        verifier.state_handler(ProviderStates(states_app), teardown=True)
        run(add_pact_sources(verifier, "booking-client-rooms.json", str(PACT_DIR)))


def verify_messages(app: RoomsApp, coverage_suite: str | None = None) -> None:
    states = ProviderStates(app)
    verifier = Verifier("rooms").message_handler(MessageProducer(states, coverage_suite))
    verifier.state_handler(states, teardown=True)
    run(add_pact_sources(verifier, "search-indexer-rooms.json", str(PACT_DIR)))


def test_the_service_honours_the_booking_clients_pact(provider_app: RoomsApp) -> None:
    # Recorded for the contract coverage report (only the real service, not the broken ones).
    verify_http(RecordingApp(provider_app, suite_name("pact")), provider_app)


def test_the_service_honours_the_indexers_message_pact(provider_app: RoomsApp) -> None:
    # Recorded for the contract coverage report's event messages (the real service only).
    verify_messages(provider_app, suite_name("pact"))


def renamed_price(
    scope: Any, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    if headers.get(b"content-type") == b"application/json" and body:
        data = json.loads(body)
        for room in data.get("items", [data]):
            if "price" in room:
                room["amount"] = room.pop("price")
        body = json.dumps(data).encode()
    return status, headers, body


def created_as_200(
    scope: Any, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    return (200 if status == 201 else status), headers, body


FAULTS: list[tuple[str, Callable[..., Any], str]] = [
    (
        "a renamed field the client reads",
        renamed_price,
        "Actual map is missing the following keys: price",
    ),
    ("a changed status code", created_as_200, "expected 201 but was 200"),
]


@pytest.mark.parametrize(
    ("fault", "rewrite", "report"), FAULTS, ids=[name for name, _, _ in FAULTS]
)
def test_verification_fails_for_a_broken_provider(
    fault: str, rewrite: Callable[..., Any], report: str, provider_app: RoomsApp
) -> None:
    with pytest.raises(VerificationFailed, match=re.escape(report)):
        verify_http(ResponseFault(provider_app, rewrite), provider_app)


def test_verification_fails_for_an_event_lacking_a_field_the_indexer_needs(
    sqlite_url: str, tmp_path: Path
) -> None:
    # The provider's Room loses `currency`: its events are written with another schema,
    # one the indexer's decoder does not know.
    shutil.copytree(avro_dir(), tmp_path / "avro")
    room_file = tmp_path / "avro" / "Room" / "v1.avsc"
    room = json.loads(room_file.read_text())
    room["fields"] = [field for field in room["fields"] if field["name"] != "currency"]
    room_file.write_text(json.dumps(room))
    with (
        open_app(sqlite_url, AvroEventEncoder(SchemaStore.load(tmp_path / "avro"))) as app,
        pytest.raises(VerificationFailed, match="Expected message metadata 'avro-fingerprint'"),
    ):
        verify_messages(app)
