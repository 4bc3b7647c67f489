"""The booking client's pact with rooms: each interaction is a call the client really makes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from examples.consumers.booking.booking_client import (
    BookingClient,
    ChangedMeanwhile,
    Room,
    RoomMissing,
    UrlTaken,
)
from examples.consumers.pact_files import PACT_DIR, PROVIDER
from pact import Pact, match

KEY = "booking-api-key-1"
ROOM_ID = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"
ETAG_V1 = '"0b1c5f1e7c534a3e9a533f6c2f1d7e01-1"'
# The provider state "3 rooms in Lisbon exist" creates rooms ...01, ...02, ...03, one
# second apart from 2026-11-20T09:30:00Z, so the cursor after the second is known.
CURSOR_AFTER_SECOND = "1795167001000.0b1c5f1e7c534a3e9a533f6c2f1d7e02"
NEW_ROOM = {
    "name": "Bright room near Príncipe Real",
    "price": 85000,
    "currency": "EUR",
    "recurrence": "monthly",
    "provider": "flats.example",
    "url": "https://flats.example/listing/1842",
    "area": {"name": "Príncipe Real", "city": "Lisbon", "country": "PT"},
}
PROBLEM = {
    "type": match.str("about:blank"),
    "title": match.str("Not Found"),
    "status": match.int(404),
    "detail": match.str("No room has this id."),
}


def room(**overrides: Any) -> dict[str, Any]:
    """What the client reads of a room (the provider may send more; the client ignores it)."""
    body: dict[str, Any] = {
        "id": match.uuid(ROOM_ID),
        "name": match.str("Bright room near Príncipe Real"),
        "price": match.int(85000),
        "currency": match.regex("EUR", regex=r"^[A-Z]{3}$"),
        "area": {"city": match.str("Lisbon")},
    }
    body.update(overrides)
    return body


CONSUMER = "booking-client"


@pytest.fixture(scope="module", autouse=True)
def _fresh_pact_file() -> None:
    """Each run writes the pact anew: interactions no test states any more disappear."""
    (PACT_DIR / f"{CONSUMER}-{PROVIDER}.json").unlink(missing_ok=True)


@pytest.fixture
def pact() -> Iterator[Pact]:
    # One Pact per test, merged into the file after it: a mock server per test serves
    # only that test's interactions (two of them send the same request in other states).
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    yield pact
    pact.write_file(PACT_DIR, overwrite=False)


def test_creates_a_room_and_reads_its_etag(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a room")
        .given("no rooms exist")
        .with_request("POST", "/rooms")
        .with_header("X-API-Key", match.str(KEY))
        .with_body(NEW_ROOM, content_type="application/json")
        .will_respond_with(201)
        .with_header("ETag", match.regex(ETAG_V1, regex=r'^"[0-9a-f]{32}-[0-9]+"$'))
        .with_header("Location", match.regex(f"/rooms/{ROOM_ID}", regex=r"^/rooms/[0-9a-f-]{36}$"))
        .with_body(room(), content_type="application/json")
    )
    with pact.serve() as server:
        created = BookingClient(str(server.url), KEY).create(NEW_ROOM)
    assert created.price == 85000
    assert created.etag == ETAG_V1


def test_a_url_already_listed_is_refused(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a room whose url is taken")
        .given("a room with url https://flats.example/listing/1842 exists")
        .with_request("POST", "/rooms")
        .with_header("X-API-Key", match.str(KEY))
        .with_body(NEW_ROOM, content_type="application/json")
        .will_respond_with(409)
        .with_body(
            {**PROBLEM, "status": match.int(409), "title": match.str("Duplicate room url")},
            content_type="application/problem+json",
        )
    )
    with pact.serve() as server, pytest.raises(UrlTaken):
        BookingClient(str(server.url), KEY).create(NEW_ROOM)


def test_gets_a_room(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a room")
        .given("a room exists", {"id": ROOM_ID})
        .with_request("GET", f"/rooms/{ROOM_ID}")
        .will_respond_with(200)
        .with_header("ETag", match.regex(ETAG_V1, regex=r'^"[0-9a-f]{32}-[0-9]+"$'))
        .with_body(room(), content_type="application/json")
    )
    with pact.serve() as server:
        found = BookingClient(str(server.url), KEY).get(ROOM_ID)
    assert (found.id, found.city) == (ROOM_ID, "Lisbon")


def test_a_missing_room_is_reported(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a room that does not exist")
        .given("no rooms exist")
        .with_request("GET", f"/rooms/{ROOM_ID}")
        .will_respond_with(404)
        .with_body(PROBLEM, content_type="application/problem+json")
    )
    with pact.serve() as server, pytest.raises(RoomMissing):
        BookingClient(str(server.url), KEY).get(ROOM_ID)


def test_lists_a_city_following_the_cursor(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for the first page of rooms in Lisbon")
        .given("3 rooms in Lisbon exist")
        .with_request("GET", "/rooms")
        .with_query_parameters({"city": "Lisbon", "limit": "2"})
        .will_respond_with(200)
        .with_body(
            # Bounded both ways: limit=2 asks for at most two, and an array matcher that admits
            # more than the spec's maxItems fails the cross-check (rooms contracts pacts).
            {"items": match.each_like(room(), min=2, max=2), "next": CURSOR_AFTER_SECOND},
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a request for the next page of rooms in Lisbon")
        .given("3 rooms in Lisbon exist")
        .with_request("GET", "/rooms")
        .with_query_parameters({"city": "Lisbon", "limit": "2", "cursor": CURSOR_AFTER_SECOND})
        .will_respond_with(200)
        .with_body(
            {"items": match.each_like(room(), min=1, max=2)}, content_type="application/json"
        )
    )
    with pact.serve() as server:
        rooms = list(BookingClient(str(server.url), KEY).rooms_in("Lisbon", page_size=2))
    # The mock answers each page with one example room: two rooms means both pages were read.
    assert len(rooms) == 2


PATCH_HEADERS = {
    "X-API-Key": match.str(KEY),
    "Content-Type": "application/merge-patch+json",
    "If-Match": ETAG_V1,
}
CURRENT = Room(ROOM_ID, "Bright room near Príncipe Real", 85000, "EUR", "Lisbon", ETAG_V1)


def test_reprices_the_version_it_read(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to change the price of the version read")
        .given("a room exists", {"id": ROOM_ID})
        .with_request("PATCH", f"/rooms/{ROOM_ID}")
        .with_headers(PATCH_HEADERS)
        .with_body('{"price": 79000}', content_type="application/merge-patch+json")
        .will_respond_with(200)
        .with_header(
            "ETag",
            match.regex('"0b1c5f1e7c534a3e9a533f6c2f1d7e01-2"', regex=r'^"[0-9a-f]{32}-[0-9]+"$'),
        )
        .with_body(room(price=match.int(79000)), content_type="application/json")
    )
    with pact.serve() as server:
        repriced = BookingClient(str(server.url), KEY).reprice(CURRENT, 79000)
    assert repriced.price == 79000
    assert repriced.etag != CURRENT.etag


def test_a_stale_version_is_reported_for_a_reread(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to change the price of a version that is gone")
        .given("a room exists at version 2", {"id": ROOM_ID})
        .with_request("PATCH", f"/rooms/{ROOM_ID}")
        .with_headers(PATCH_HEADERS)
        .with_body('{"price": 79000}', content_type="application/merge-patch+json")
        .will_respond_with(412)
        .with_body(
            {**PROBLEM, "status": match.int(412), "title": match.str("Precondition failed")},
            content_type="application/problem+json",
        )
    )
    with pact.serve() as server, pytest.raises(ChangedMeanwhile):
        BookingClient(str(server.url), KEY).reprice(CURRENT, 79000)
