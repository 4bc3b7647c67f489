"""Steady write load against a running service, recording every answer and how long it took."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import WRITE_HEADERS
from tests.unit.rooms_data import room_body


@dataclass(frozen=True)
class Answer:
    url: str  # the room's url: how the database is searched for what this request left
    status: int
    seconds: float
    headers: httpx.Headers
    body: Any
    started: float


def create_rooms(base_url: str, stop: threading.Event, *, clients: int = 4) -> list[Answer]:
    """POST /rooms from `clients` threads until `stop` is set; every answer, in no order."""

    def client_loop() -> list[Answer]:
        answers: list[Answer] = []
        with httpx.Client(base_url=base_url, timeout=30) as http:
            while not stop.is_set():
                body = room_body(url=f"https://flats.example/listing/{uuid.uuid4().hex}")
                started = time.monotonic()
                try:
                    response = http.post("/rooms", json=body, headers=WRITE_HEADERS)
                except httpx.TransportError as error:
                    raise AssertionError(f"the service dropped a request: {error!r}") from error
                seconds = time.monotonic() - started
                try:
                    parsed = response.json()
                except ValueError:
                    parsed = response.text
                answers.append(
                    Answer(
                        body["url"],
                        response.status_code,
                        seconds,
                        response.headers,
                        parsed,
                        started,
                    )
                )
        return answers

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client_loop) for _ in range(clients)]
        return [answer for future in futures for answer in future.result()]


class Load:
    """`with Load(url) as load:` drives writes in the background; `load.answers` after."""

    def __init__(self, base_url: str, clients: int = 4) -> None:
        self._base_url = base_url
        self._clients = clients
        self._stop = threading.Event()
        self._result: list[Answer] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._result = create_rooms(self._base_url, self._stop, clients=self._clients)
        except BaseException as error:
            self._error = error

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the load did not stop within 60 s"
        if self._error is not None:
            raise self._error

    @property
    def answers(self) -> list[Answer]:
        return self._result
