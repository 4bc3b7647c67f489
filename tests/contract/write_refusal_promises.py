"""Writes the spec says are refused, and refused without losing or changing anything.

409 (Conflict): "Another room already has this `url`", on createRoom and on updateRoom.
413 (PayloadTooLarge): "The body is larger than the service accepts". The limit is the
service's to choose, so a large but valid body (a room padded with JSON whitespace) may be
taken (201, and the room reads back as sent) or refused (413 problem, and nothing stored),
never anything else.
"""

from __future__ import annotations

import json

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.contract.room_sets import fresh_room, room_set

CONFLICT_CHECK = "conflicts"
SIZE_CHECK = "payload-size"
_QUICK = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _is_problem(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/problem+json")


def check_url_conflicts(http: httpx.Client, api_key: str, *, examples: int = 4) -> None:
    """A second room with a stored url is refused with 409, by create and by update alike."""
    writes = {"X-API-Key": api_key}
    with room_set(http, api_key, 2, check=CONFLICT_CHECK) as rooms:
        first, second = rooms.rooms.values()

        @settings(_QUICK, max_examples=examples)
        @given(by=st.sampled_from(["create", "update"]), price=st.integers(0, 10**6))
        def a_taken_url_is_refused(by: str, price: int) -> None:
            if by == "create":
                said = "POST /rooms with a stored url"
                response = http.post(
                    "/rooms", json={**fresh_room(price=price), "url": first["url"]}, headers=writes
                )
            else:
                said = "PATCH another room's url onto a room"
                response = http.patch(
                    f"/rooms/{second['id']}",
                    content=json.dumps({"url": first["url"], "price": price}),
                    headers={**writes, "Content-Type": "application/merge-patch+json"},
                )
            assert response.status_code == 409, (
                f"[{CONFLICT_CHECK}] {said} answered {response.status_code}, not 409"
            )
            assert _is_problem(response), f"[{CONFLICT_CHECK}] {said}: the 409 is not a problem"
            kept = http.get(f"/rooms/{second['id']}").json()
            assert (kept["url"], kept["version"]) == (second["url"], second["version"]), (
                f"[{CONFLICT_CHECK}] {said}: the refused change was stored anyway"
            )
            listed = http.get("/rooms", params={"provider": first["provider"], "limit": "100"})
            urls = [room["url"] for room in listed.json()["items"]]
            assert urls.count(first["url"]) == 1, (
                f"[{CONFLICT_CHECK}] {said}: two rooms now have the url {first['url']}"
            )

        a_taken_url_is_refused()


def check_payload_size(http: httpx.Client, api_key: str, *, examples: int = 4) -> None:
    """A large valid body is either applied as sent (2xx) or refused whole (413 problem)."""
    writes = {"X-API-Key": api_key}
    with room_set(http, api_key, 1, check=SIZE_CHECK) as rooms:
        provider = rooms.providers[1]  # the one room's provider
        room = next(iter(rooms.rooms.values()))

        @settings(_QUICK, max_examples=examples)
        @given(
            by=st.sampled_from(["create", "update"]),
            padding=st.sampled_from([70_000, 300_000, 2_000_000]),
        )
        def a_large_body_is_applied_whole_or_refused_whole(by: str, padding: int) -> None:
            if by == "create":
                body = fresh_room(provider=provider)
                method, url, media_type = "POST", "/rooms", "application/json"
            else:
                body = {"price": http.get(f"/rooms/{room['id']}").json()["price"] + 1}
                method, url = "PATCH", f"/rooms/{room['id']}"
                media_type = "application/merge-patch+json"
            before = http.get(f"/rooms/{room['id']}").json()
            # Whitespace between tokens: the same body, as valid JSON, only larger.
            content = ("{" + " " * padding + json.dumps(body)[1:]).encode()
            response = http.request(
                method, url, content=content, headers={**writes, "Content-Type": media_type}
            )
            listed = http.get("/rooms", params={"provider": provider, "limit": "100"}).json()
            after = http.get(f"/rooms/{room['id']}").json()
            said = f"{method} {url} with a valid {len(content)}-byte body"
            if response.status_code < 300:
                if by == "create":
                    stored = [r for r in listed["items"] if r["url"] == body["url"]]
                    assert stored, f"[{SIZE_CHECK}] {said}: 201, but the room is not listed"
                    http.delete(f"/rooms/{stored[0]['id']}", headers=writes)
                else:
                    assert after["price"] == body["price"], (
                        f"[{SIZE_CHECK}] {said}: 200, but the price is {after['price']}"
                    )
                return
            assert response.status_code == 413, (
                f"[{SIZE_CHECK}] {said} answered {response.status_code}: neither applied "
                "nor the documented 413"
            )
            assert _is_problem(response), f"[{SIZE_CHECK}] {said}: the 413 is not a problem"
            assert [r["id"] for r in listed["items"]] == [room["id"]], (
                f"[{SIZE_CHECK}] {said}: refused, but a room was stored anyway"
            )
            assert after == before, f"[{SIZE_CHECK}] {said}: refused, but the room changed"

        a_large_body_is_applied_whole_or_refused_whole()
