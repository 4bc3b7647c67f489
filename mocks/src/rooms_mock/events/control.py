"""`POST /__mock__/events/{message}`: publish a message's examples or drawn events on demand.

    POST /__mock__/events/RoomCreated?example=centralFlat   one documented example
    POST /__mock__/events/RoomCreated                       every documented example
    POST /__mock__/events/RoomDeleted?dynamic&seed=3&count=10   drawn from the schema
    GET  /__mock__/events                                   the messages and their examples

Answers are JSON; refusals are problems (400 bad parameter, 404 unknown message, 503 the
broker did not confirm), never a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from rooms_mock.engine import MockRequest, MockResponse
from rooms_mock.events.amqp import BrokerUnavailable
from rooms_mock.events.on_demand import OnDemand, OnDemandError
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.publishing import EventRelay

PREFIX = "/__mock__/events"


def _json(status: int, value: Any, media: str = "application/json") -> MockResponse:
    body = json.dumps(value, ensure_ascii=False).encode()
    return MockResponse(status, [("content-type", media)], body)


def _problem(status: int, title: str, detail: str) -> MockResponse:
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return _json(status, problem, "application/problem+json")


def summary(event: OutgoingEvent) -> dict[str, Any]:
    """An event as JSON: the record in the forms the contract's examples use."""
    from rooms_events.json_form import to_json

    return {
        "message": event.message,
        "exchange": event.exchange,
        "routing_key": event.routing_key,
        "message_id": event.message_id,
        "headers": event.headers,
        "record": to_json(event.record),
    }


class EventControls:
    def __init__(self, on_demand: OnDemand, relay: EventRelay) -> None:
        self.on_demand = on_demand
        self.relay = relay

    def __call__(self, request: MockRequest) -> MockResponse | None:
        path = request.path.rstrip("/")
        if path == PREFIX and request.method == "GET":
            contract = self.on_demand.contract
            return _json(200, {m: sorted(contract.examples(m)) for m in contract.messages})
        if not path.startswith(PREFIX + "/"):
            return None
        message = path[len(PREFIX) + 1 :]
        if request.method != "POST":
            return _problem(405, "Method Not Allowed", f"POST {PREFIX}/{message} publishes.")
        try:
            events = self._events(message, parse_qs(request.query, keep_blank_values=True))
        except OnDemandError as error:
            if error.unknown_message:
                return _problem(404, "Not Found", str(error))
            return _problem(400, "Bad Request", str(error))
        try:
            self.relay.send(events)
        except BrokerUnavailable as error:
            return _problem(503, "Service Unavailable", f"{error}; the events wait to be sent")
        return _json(200, {"published": [summary(event) for event in events]})

    def _events(self, message: str, query: dict[str, list[str]]) -> list[OutgoingEvent]:
        unknown = sorted(set(query) - {"example", "dynamic", "seed", "count"})
        if unknown:
            raise OnDemandError(f"unknown parameter(s) {', '.join(unknown)}")
        if "dynamic" in query and query["dynamic"][-1].lower() not in ("", "true", "1"):
            raise OnDemandError("dynamic takes no value (or true)")
        if "dynamic" in query:
            if "example" in query:
                raise OnDemandError("ask for an example or dynamic events, not both")
            return self.on_demand.dynamic(
                message, seed=_int(query, "seed", 0), count=_int(query, "count", 1)
            )
        if "seed" in query or "count" in query:
            raise OnDemandError("seed and count go with dynamic")
        name = query["example"][-1] if "example" in query else None
        return self.on_demand.examples(message, name)


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    if name not in query:
        return default
    text = query[name][-1]
    try:
        return int(text)
    except ValueError:
        raise OnDemandError(f"{name} must be an integer, not {text!r}") from None
