"""Rooms the promise checks create for themselves, and a client's walk through the list's pages.

Every set lives under providers nobody else uses, so the checks know exactly which rooms a
filtered list must hold, on an empty in-process app or a shared server alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from hypothesis import HealthCheck, Phase, settings

from tests.unit.rooms_data import room_body

# Values chosen to trip the likely ways a filter goes wrong: case folding, substring or
# prefix matching, and bounds off by one (prices sit next to each other and at the ends).
CITIES = ("Lisbon", "LISBON", "Lisbon Norte", "Porto")
COUNTRIES = ("PT", "ES", "FR")
PRICES = (0, 999, 1000, 1001, 50_000, 1_000_000_000_000)


@dataclass
class RoomSet:
    """Rooms created over HTTP, as the API answered them (by id, in creation order)."""

    providers: tuple[str, ...]
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return list(self.rooms)


def promise_settings(examples: int) -> settings:
    """How every promise check runs its property: the examples it asks for, no deadline
    (a provider over the network is slow by nature), no example database (each run's rooms
    are its own), and no shrinking (a failure already names the broken promise)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def fresh_room(**changes: Any) -> dict[str, Any]:
    """A valid room body with a url no run has used (a server by URL outlives a run)."""
    return room_body(url=f"https://flats.example/listing/{uuid.uuid4().hex}", **changes)


@contextmanager
def room_set(http: httpx.Client, api_key: str, size: int, *, check: str) -> Iterator[RoomSet]:
    """`size` rooms spread over two fresh providers and the value pools; deleted afterwards."""
    first = f"promise-{uuid.uuid4().hex[:12]}"
    rooms = RoomSet(providers=(first, f"{first}-b"))
    writes = {"X-API-Key": api_key}
    try:
        for i in range(size):
            body = fresh_room(
                provider=rooms.providers[0 if i % 4 else 1],
                price=PRICES[i % len(PRICES)],
                is_visible=i % 3 != 1,
            )
            body["area"] = {
                **body["area"],
                "city": CITIES[i % len(CITIES)],
                "country": COUNTRIES[i % len(COUNTRIES)],
            }
            response = http.post("/rooms", json=body, headers=writes)
            assert response.status_code == 201, (
                f"[{check}] could not create the rooms it checks against: "
                f"{response.status_code} {response.text[:300]}"
            )
            rooms.rooms[response.json()["id"]] = response.json()
        yield rooms
    finally:
        for room_id in rooms.rooms:
            http.delete(f"/rooms/{room_id}", headers=writes)


@dataclass
class Page:
    items: list[dict[str, Any]]
    next: str | None
    link: str | None
    query: dict[str, str]


def get_page(http: httpx.Client, query: Mapping[str, str], *, check: str) -> Page:
    response = http.get("/rooms", params=dict(query))
    assert response.status_code == 200, (
        f"[{check}] GET /rooms?{httpx.QueryParams(dict(query))} answered "
        f"{response.status_code}: {response.text[:300]}"
    )
    body = response.json()
    return Page(
        items=list(body["items"]),
        next=body.get("next"),
        link=next_link(response.headers.get("link")),
        query=dict(query),
    )


def next_link(header: str | None) -> str | None:
    """The target of `rel="next"` in a Link header, if there is one."""
    if not header:
        return None
    for part in header.split(","):
        target, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", "") or "rel=next" in params.replace(" ", ""):
            return target.strip().removeprefix("<").removesuffix(">")
    return None


def link_query(link: str) -> dict[str, str]:
    """The query of a Link target as a flat dict (every parameter of ours appears once)."""
    return {name: values[-1] for name, values in parse_qs(urlsplit(link).query).items()}


def query_text(query: Mapping[str, object]) -> str:
    return str(httpx.QueryParams({k: _text(v) for k, v in query.items()}))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_query(query: Mapping[str, object]) -> dict[str, str]:
    """Query values as a client sends them (`visible=true`, not `True`)."""
    return {name: _text(value) for name, value in query.items() if value is not None}
