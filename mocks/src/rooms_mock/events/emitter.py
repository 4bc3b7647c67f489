"""From a successful stateful write to the events the contracts say it emits, encoded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from rooms_mock.events.contract import EventContract
from rooms_mock.events.emits import emitted_messages
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.room_records import event_record
from rooms_mock.writes import Write


class EmitterError(ValueError):
    """The spec's `x-emits` names a message the event contract does not have."""


class EventEmitter:
    def __init__(self, contract: EventContract, document: dict[str, Any]) -> None:
        self.contract = contract
        self.emits = emitted_messages(document)
        unknown = sorted(
            {name for names in self.emits.values() for name in names} - set(contract.messages)
        )
        if unknown:
            raise EmitterError(
                f"x-emits names {', '.join(unknown)}, which the event contract "
                f"({contract.source}) does not define; it has {', '.join(contract.messages)}"
            )

    def events_for(self, write: Write) -> list[OutgoingEvent]:
        events: list[OutgoingEvent] = []
        for message in self.emits.get(write.operation_id, ()):
            record = event_record(message, write, uuid.uuid4(), datetime.now(UTC))
            if message == "RoomUpdated" and not record["changed_fields"]:
                continue  # as the service: a change that changes nothing is no event
            events.append(self.contract.outgoing(message, record, write.operation_id))
        return events
