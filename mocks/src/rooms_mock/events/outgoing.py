"""An event the mock publishes (or would publish): the message, its AMQP envelope, its bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """One AMQP message as the real service's relay sends it."""

    message: str  # the AsyncAPI message name, also the AMQP `type`: RoomCreated
    exchange: str
    exchange_type: str
    routing_key: str
    body: bytes  # Avro single-object encoding
    record: dict[str, Any]  # what was encoded, as Python values
    message_id: str  # the event id
    content_type: str
    timestamp: int  # seconds since the epoch
    delivery_mode: int  # 2: persistent
    headers: dict[str, Any] = field(default_factory=dict)
    operation_id: str | None = None  # the HTTP write that caused it; None when on demand
    message_type: str = ""  # the AMQP `type` property, when the contract names another

    def decoded(self) -> Any:
        """The body read back by the event package's decoder (`rooms_events.decode_event`)."""
        from rooms_mock.events.contract import decode

        return decode(self.body)
