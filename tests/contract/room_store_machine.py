"""The invariants links cannot state, as a Hypothesis state machine over the HTTP API.

It only ever lists rooms of its own provider, so it runs against a shared server too.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

from tests.unit.rooms_data import room_body


def room_store_machine(http: httpx.Client, api_key: str) -> type[RuleBasedStateMachine]:
    """A model of the rooms the API should hold, checked against it after every step."""
    provider = f"contract-{uuid.uuid4().hex[:12]}"
    writes = {"X-API-Key": api_key}
    patch_headers = {**writes, "Content-Type": "application/merge-patch+json"}

    class RoomStore(RuleBasedStateMachine):
        rooms = Bundle("rooms")

        def __init__(self) -> None:
            super().__init__()
            self.model: dict[str, dict[str, Any]] = {}  # id -> {"etag", "url", "price"}

        @initialize()
        def start_empty(self) -> None:
            assert self.listed() == set()

        @rule(target=rooms, price=st.integers(0, 10**9))
        def create(self, price: int) -> str:
            body = room_body(provider=provider, price=price)
            response = http.post("/rooms", json=body, headers=writes)
            assert response.status_code == 201, response.text
            room = response.json()
            self.model[room["id"]] = {
                "etag": response.headers["etag"],
                "url": body["url"],
                "price": price,
            }
            return str(room["id"])

        @rule(room=rooms)
        def a_second_room_with_the_same_url_is_refused(self, room: str) -> None:
            if room not in self.model:
                return
            body = room_body(provider=provider, url=self.model[room]["url"])
            assert http.post("/rooms", json=body, headers=writes).status_code == 409

        @rule(room=rooms, price=st.integers(0, 10**9))
        def update_with_the_current_etag(self, room: str, price: int) -> None:
            if room not in self.model:
                return
            before = self.model[room]
            headers = {**patch_headers, "If-Match": before["etag"]}
            response = http.patch(
                f"/rooms/{room}", content=json.dumps({"price": price}), headers=headers
            )
            assert response.status_code == 200, response.text
            if price != before["price"]:
                assert response.headers["etag"] != before["etag"], "an update must change the ETag"
            self.model[room] = {**before, "etag": response.headers["etag"], "price": price}

        @rule(room=rooms)
        def a_stale_if_match_is_refused(self, room: str) -> None:
            if room not in self.model:
                return
            current = self.model[room]
            headers = {**patch_headers, "If-Match": current["etag"]}
            changed = http.patch(
                f"/rooms/{room}",
                content=json.dumps({"price": current["price"] + 1}),
                headers=headers,
            )
            assert changed.status_code == 200
            stale = http.patch(f"/rooms/{room}", content='{"price": 1}', headers=headers)
            assert stale.status_code == 412, f"a stale If-Match got {stale.status_code}, not 412"
            self.model[room] = {
                **current,
                "etag": changed.headers["etag"],
                "price": current["price"] + 1,
            }

        @rule(room=consumes(rooms))
        def delete(self, room: str) -> None:
            expected = 204 if room in self.model else 404
            assert http.delete(f"/rooms/{room}", headers=writes).status_code == expected
            self.model.pop(room, None)
            assert http.get(f"/rooms/{room}").status_code == 404

        @invariant()
        def the_list_holds_exactly_the_rooms_created_and_not_deleted(self) -> None:
            assert self.listed() == set(self.model)

        @invariant()
        def every_room_reads_back_as_last_written(self) -> None:
            for room, expected in self.model.items():
                response = http.get(f"/rooms/{room}")
                assert response.status_code == 200
                assert response.headers["etag"] == expected["etag"]
                assert response.json()["price"] == expected["price"]

        def listed(self) -> set[str]:
            found: set[str] = set()
            cursor: str | None = None
            while True:
                params: dict[str, Any] = {"provider": provider, "limit": 3}
                if cursor:
                    params["cursor"] = cursor
                page = http.get("/rooms", params=params).json()
                found |= {room["id"] for room in page["items"]}
                cursor = page.get("next")
                if cursor is None:
                    return found

        def teardown(self) -> None:
            for room in list(self.model):
                http.delete(f"/rooms/{room}", headers=writes)

    return RoomStore
