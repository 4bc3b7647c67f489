"""What each filter of listRooms promises, as a property over the rooms the check creates.

The spec says: `city` and `provider` match exactly, `country` is the room's country,
`min_price` is "at least" and `max_price` "at most" (both bounds inclusive), `visible`
keeps visible or hidden rooms; filters combine (every one must hold). For any drawn
combination, the list must hold exactly the check's rooms that match, no more, no fewer.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.contract.room_sets import (
    CITIES,
    COUNTRIES,
    PRICES,
    RoomSet,
    as_query,
    get_page,
    promise_settings,
    query_text,
    room_set,
)

CHECK = "filters"

# Each filter's meaning, written from the parameter descriptions in contracts/openapi.yaml.
MEANINGS: dict[str, Any] = {
    "provider": lambda room, value: room["provider"] == value,
    "city": lambda room, value: room["area"]["city"] == value,
    "country": lambda room, value: room["area"]["country"] == value,
    "min_price": lambda room, value: room["price"] >= value,
    "max_price": lambda room, value: room["price"] <= value,
    "visible": lambda room, value: room["is_visible"] is value,
}

# Prices right at, just below and just above every stored price: where bounds go wrong.
_BOUNDS = sorted({p + d for p in PRICES for d in (-1, 0, 1) if 0 <= p + d <= 10**12})


def _filters(rooms: RoomSet) -> st.SearchStrategy[dict[str, object]]:
    first = rooms.providers[0]
    optional = {
        "city": st.sampled_from([*CITIES, "lisbon", "Lisb"]),
        "country": st.sampled_from([*COUNTRIES, "DE"]),
        "min_price": st.sampled_from(_BOUNDS),
        "max_price": st.sampled_from(_BOUNDS),
        "visible": st.booleans(),
    }
    # Always a provider of the check's own (or a near miss of one), so the expected
    # answer is known exactly even on a server other clients write to.
    provider = st.sampled_from([*rooms.providers, first.upper(), first[:-1]])
    return st.fixed_dictionaries(
        {"provider": provider}, optional={name: s for name, s in optional.items()}
    )


def check_filters(http: httpx.Client, api_key: str, *, examples: int = 60) -> None:
    """Every filter, alone and combined, keeps exactly the rooms its description names."""
    with room_set(http, api_key, 16, check=CHECK) as rooms:

        @promise_settings(examples)
        @given(query=_filters(rooms))
        def the_list_holds_exactly_the_matching_rooms(query: dict[str, object]) -> None:
            expected = {
                room_id
                for room_id, room in rooms.rooms.items()
                if all(MEANINGS[name](room, value) for name, value in query.items())
            }
            page = get_page(http, {**as_query(query), "limit": "100"}, check=CHECK)
            listed = {room["id"] for room in page.items}
            wrong = [
                f"{room['id']} ({name}={_value(room, name)!r})"
                for room in page.items
                for name, value in query.items()
                if not MEANINGS[name](room, value)
            ]
            assert not wrong, (
                f"[{CHECK}] GET /rooms?{query_text(query)} listed rooms that break the filter: "
                f"{', '.join(wrong[:5])}"
            )
            missing = expected - listed
            assert not missing, (
                f"[{CHECK}] GET /rooms?{query_text(query)} left out {len(missing)} matching "
                f"room(s), e.g. {_describe(rooms.rooms[sorted(missing)[0]])}"
            )
            assert page.next is None, f"[{CHECK}] 16 rooms at most, yet a next page"

        the_list_holds_exactly_the_matching_rooms()


def _value(room: dict[str, Any], name: str) -> object:
    return {
        "provider": room["provider"],
        "city": room["area"]["city"],
        "country": room["area"]["country"],
        "min_price": room["price"],
        "max_price": room["price"],
        "visible": room["is_visible"],
    }[name]


def _describe(room: dict[str, Any]) -> str:
    fields = ("provider", "city", "country", "min_price", "visible")
    return "{" + ", ".join(f"{name}: {_value(room, name)!r}" for name in fields) + "}"
