"""From a successful stateful write to the events the contracts say it emits, encoded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from rooms_mock.events.contract import EventContract
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.room_records import event_record
from rooms_mock.writes import Write


class EventEmitter:
    """Which messages each write emits comes from the spec's `x-emits`, read once, by
    rooms_events (ContractError names an operation whose x-emits the contract cannot honour)."""

    def __init__(self, contract: EventContract, document: dict[str, Any]) -> None:
        self.contract = contract
        self.emits = contract.emitted_by(document)

    def events_for(self, write: Write) -> list[OutgoingEvent]:
        events: list[OutgoingEvent] = []
        for message in self.emits.get(write.operation_id, ()):
            record = event_record(message, write, uuid.uuid4(), datetime.now(UTC))
            if message == "RoomUpdated" and not record["changed_fields"]:
                continue  # as the service: a change that changes nothing is no event
            events.append(self.contract.outgoing(message, record, write.operation_id))
        return events
