"""Conditional requests and the headers and statuses each response's description states.

From contracts/openapi.yaml: 201 carries `Location`, "the URL of the created room", and an
`ETag`; every room's `ETag` is "the version of the room in this response"; `version` "starts
at 1; every update that changes the room adds one"; with `If-Match` an update or delete
"applies only to that version" (412 otherwise, and nothing changes); after a delete the
room is gone (404). A property draws sequences of writes on one room and keeps a model.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.contract.room_sets import fresh_room, promise_settings

CHECK = "conditional-requests"
HEADERS_CHECK = "response-headers"

_steps = st.lists(
    st.tuples(
        st.sampled_from(["patch", "delete"]),
        st.sampled_from(["current", "stale", "absent"]),
        st.sampled_from([1000, 2000]),  # two prices, so some patches change nothing
    ),
    min_size=1,
    max_size=6,
)


def check_created_room_headers(http: httpx.Client, api_key: str, *, examples: int = 5) -> None:
    """201's Location leads to the room just created, at the ETag the 201 gave."""
    writes = {"X-API-Key": api_key}

    @promise_settings(examples)
    @given(price=st.integers(0, 10**9))
    def location_and_etag_name_the_created_room(price: int) -> None:
        created = http.post("/rooms", json=fresh_room(price=price), headers=writes)
        assert created.status_code == 201, created.text
        room = created.json()
        try:
            assert room["version"] == 1, (
                f"[{HEADERS_CHECK}] a new room is at version {room['version']}, not 1"
            )
            location = created.headers.get("location", "")
            read = http.get(location)
            found = read.json().get("id") if read.status_code == 200 else None
            assert found == room["id"], (
                f"[{HEADERS_CHECK}] 201's Location {location!r} is not the created room "
                f"{room['id']}: GET answered {read.status_code}"
            )
            assert read.headers.get("etag") == created.headers.get("etag"), (
                f"[{HEADERS_CHECK}] the created room reads back at ETag {read.headers.get('etag')!r}, "
                f"not the 201's {created.headers.get('etag')!r}"
            )
        finally:
            http.delete(f"/rooms/{room['id']}", headers=writes)

    location_and_etag_name_the_created_room()


def check_conditional_requests(http: httpx.Client, api_key: str, *, examples: int = 12) -> None:
    """If-Match guards updates and deletes; versions and ETags move only when the room does."""
    writes = {"X-API-Key": api_key}
    patch_headers = {**writes, "Content-Type": "application/merge-patch+json"}

    @promise_settings(examples)
    @given(steps=_steps)
    def if_match_guards_every_write(steps: list[tuple[str, str, int]]) -> None:
        created = http.post("/rooms", json=fresh_room(price=1000), headers=writes)
        assert created.status_code == 201, created.text
        room_id = created.json()["id"]
        url = f"/rooms/{room_id}"
        # One change first, so that every drawn step has an older version to name.
        first = http.patch(
            url,
            content=json.dumps({"price": 1500}),
            headers={**patch_headers, "If-Match": created.headers["etag"]},
        )
        assert first.status_code == 200, f"[{CHECK}] PATCH with the 201's ETag: {first.status_code}"
        stale: str = created.headers["etag"]
        model: dict[str, Any] = {"etag": first.headers.get("etag"), "version": 2, "price": 1500}
        try:
            _reads_as(http, url, model, "PATCH with the 201's ETag")
            for method, condition, price in steps:
                headers = {"current": {"If-Match": model["etag"]}, "stale": {"If-Match": stale}}
                extra: dict[str, str] = headers.get(condition) or {}  # type: ignore[assignment]
                said = f"{method.upper()} {url} with If-Match {condition}"
                if method == "delete":
                    response = http.delete(url, headers={**writes, **extra})
                    if condition == "stale":
                        assert response.status_code == 412, (
                            f"[{CHECK}] {said}: {response.status_code}, not 412"
                        )
                        _reads_as(http, url, model, said)
                        continue
                    assert response.status_code == 204, f"[{CHECK}] {said}: {response.status_code}"
                    gone = http.get(url)
                    assert gone.status_code == 404, (
                        f"[{CHECK}] after {said}, GET answered {gone.status_code}, not 404"
                    )
                    again = http.delete(url, headers=writes)
                    assert again.status_code == 404, (
                        f"[{CHECK}] a second DELETE answered {again.status_code}, not 404"
                    )
                    return
                response = http.patch(
                    url, content=json.dumps({"price": price}), headers={**patch_headers, **extra}
                )
                if condition == "stale":
                    assert response.status_code == 412, (
                        f"[{CHECK}] {said}: {response.status_code}, not 412"
                    )
                    _reads_as(http, url, model, said)
                    continue
                assert response.status_code == 200, f"[{CHECK}] {said}: {response.status_code}"
                changed = price != model["price"]
                version = response.json()["version"]
                assert version == model["version"] + (1 if changed else 0), (
                    f"[{CHECK}] {said} {'changed' if changed else 'did not change'} the room, "
                    f"yet its version went from {model['version']} to {version}"
                )
                etag = response.headers.get("etag")
                assert (etag != model["etag"]) == changed, (
                    f"[{CHECK}] {said}: the ETag went from {model['etag']!r} to {etag!r} "
                    f"though the room {'changed' if changed else 'did not change'}"
                )
                if changed:
                    stale = model["etag"]
                model = {"etag": etag, "version": version, "price": price}
                _reads_as(http, url, model, said)
        finally:
            http.delete(url, headers=writes)

    if_match_guards_every_write()


def _reads_as(http: httpx.Client, url: str, model: dict[str, Any], after: str) -> None:
    read = http.get(url)
    assert read.status_code == 200, f"[{CHECK}] after {after}, GET answered {read.status_code}"
    body = read.json()
    got = {"etag": read.headers.get("etag"), "version": body["version"], "price": body["price"]}
    assert got == model, f"[{CHECK}] after {after}, the room reads {got}, not {model}"
