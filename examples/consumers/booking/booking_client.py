"""A booking team's client of the rooms API: what it calls, and what it reads back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests


class RoomsError(Exception):
    """The rooms API answered with a problem the booking flow cares about."""


class RoomMissing(RoomsError):
    pass


class UrlTaken(RoomsError):
    pass


class ChangedMeanwhile(RoomsError):
    """Someone else changed the room since we read it (412): read it again."""


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    price: int
    currency: str
    city: str
    etag: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any], etag: str | None = None) -> Room:
        return cls(
            body["id"], body["name"], body["price"], body["currency"], body["area"]["city"], etag
        )


class BookingClient:
    def __init__(
        self, base_url: str, api_key: str, session: requests.Session | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.api_key = api_key

    def _check(self, response: requests.Response) -> requests.Response:
        if response.status_code == 404:
            raise RoomMissing(response.json()["detail"])
        if response.status_code == 409:
            raise UrlTaken(response.json()["detail"])
        if response.status_code == 412:
            raise ChangedMeanwhile(response.json()["detail"])
        response.raise_for_status()
        return response

    def create(self, room: dict[str, Any]) -> Room:
        response = self._check(
            self.session.post(
                f"{self.base_url}/rooms", json=room, headers={"X-API-Key": self.api_key}, timeout=10
            )
        )
        return Room.from_json(response.json(), response.headers.get("ETag"))

    def get(self, room_id: str) -> Room:
        response = self._check(self.session.get(f"{self.base_url}/rooms/{room_id}", timeout=10))
        return Room.from_json(response.json(), response.headers.get("ETag"))

    def rooms_in(self, city: str, *, page_size: int = 20) -> Iterator[Room]:
        """Every room in `city`, following the cursor page after page."""
        params: dict[str, Any] = {"city": city, "limit": page_size}
        while True:
            page = self._check(
                self.session.get(f"{self.base_url}/rooms", params=params, timeout=10)
            ).json()
            yield from (Room.from_json(item) for item in page["items"])
            if "next" not in page:
                return
            params = {**params, "cursor": page["next"]}

    def reprice(self, room: Room, price: int) -> Room:
        """Change the price of the room as we read it; ChangedMeanwhile if it moved on."""
        headers = {
            "X-API-Key": self.api_key,
            "Content-Type": "application/merge-patch+json",
            "If-Match": room.etag or "*",
        }
        response = self._check(
            self.session.patch(
                f"{self.base_url}/rooms/{room.id}",
                data=f'{{"price": {int(price)}}}',
                headers=headers,
                timeout=10,
            )
        )
        return Room.from_json(response.json(), response.headers.get("ETag"))
