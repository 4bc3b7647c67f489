"""updateRoom's body is a JSON merge patch (RFC 7396), as its description says.

"Members present replace the stored ones, `null` removes an optional member, nested objects
merge." A property draws sequences of patches and compares every answer, and the room read
back, with RFC 7396 applied here, independently of the service's own implementation.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.contract.room_sets import promise_settings, room_set

CHECK = "merge-patch"
SERVER_SET = ("id", "version", "created_at", "updated_at")
# What Room shows for a removed member that has a default (RoomInput's `default`s).
DEFAULTS: dict[str, Any] = {"description": "", "images": []}

_coordinates = st.fixed_dictionaries(
    {"lat": st.sampled_from([0.5, -12.25, 45.0]), "lon": st.sampled_from([-9.125, 100.0])}
)
_area = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["Alfama", "Baixa"]),
        "city": st.sampled_from(["Lisbon", "Porto"]),
        "country": st.sampled_from(["PT", "ES"]),
    },
).filter(bool)
_image = st.integers(0, 9).map(lambda n: {"url": f"https://img.example/{n}.jpg"})
patches = st.fixed_dictionaries(
    {},
    optional={
        "price": st.integers(0, 10**6),
        "description": st.none() | st.sampled_from(["", "Quiet, sunny."]),
        "monthly_price": st.none() | st.integers(0, 10**6),
        "property_size": st.none() | st.integers(0, 1000),
        # Whole coordinates or none: half of them is valid only on a room that has them.
        "coordinates": st.none() | _coordinates,
        "area": _area,
        "images": st.none() | st.lists(_image, max_size=2),
        "is_visible": st.booleans(),
    },
).filter(bool)


def merge(target: Any, patch: Any) -> Any:
    """RFC 7396, section 2, as written there."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge(result.get(name), value)
    return result


def _view(room: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in room.items() if k not in SERVER_SET}


def check_merge_patch(http: httpx.Client, api_key: str, *, examples: int = 10) -> None:
    """Every patch answers, and reads back as, the stored room merged with the patch."""
    headers = {"X-API-Key": api_key, "Content-Type": "application/merge-patch+json"}
    with room_set(http, api_key, 1, check=CHECK) as rooms:
        room_id = rooms.ids()[0]

        @promise_settings(examples)
        @given(sequence=st.lists(patches, min_size=1, max_size=3))
        def the_room_is_the_merge_of_the_patches(sequence: list[dict[str, Any]]) -> None:
            for patch in sequence:
                before = _view(http.get(f"/rooms/{room_id}").json())
                expected = {**DEFAULTS, **merge(before, patch)}
                response = http.patch(
                    f"/rooms/{room_id}", content=json.dumps(patch), headers=headers
                )
                assert response.status_code == 200, (
                    f"[{CHECK}] PATCH {json.dumps(patch)} answered {response.status_code}: "
                    f"{response.text[:300]}"
                )
                for what, got in (
                    ("answered", response.json()),
                    ("reads back", http.get(f"/rooms/{room_id}").json()),
                ):
                    differ = sorted(
                        k for k in {*expected, *_view(got)} if expected.get(k) != got.get(k)
                    )
                    assert not differ, (
                        f"[{CHECK}] after PATCH {json.dumps(patch)} the room {what} with "
                        f"{', '.join(f'{k}={got.get(k)!r}' for k in differ)}; RFC 7396 gives "
                        f"{', '.join(f'{k}={expected.get(k)!r}' for k in differ)}"
                    )

        the_room_is_the_merge_of_the_patches()
