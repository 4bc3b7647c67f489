"""Events on demand: a message's documented examples, or records drawn from its schema."""

from __future__ import annotations

import random
from typing import Any

from rooms_mock.events.avro_values import AvroValues
from rooms_mock.events.contract import EventContract
from rooms_mock.events.outgoing import OutgoingEvent

MAX_COUNT = 1000  # one request or command publishes at most this many drawn events


class OnDemandError(ValueError):
    """The message, example or count asked for is not one the contract has or allows."""

    def __init__(self, message: str, *, unknown_message: bool = False) -> None:
        super().__init__(message)
        self.unknown_message = unknown_message


class OnDemand:
    def __init__(self, contract: EventContract) -> None:
        self.contract = contract

    def _known(self, message: str) -> None:
        if message not in self.contract.messages:
            raise OnDemandError(
                f"the event contract has no message {message!r}; "
                f"it has {', '.join(self.contract.messages)}",
                unknown_message=True,
            )

    def examples(self, message: str, name: str | None = None) -> list[OutgoingEvent]:
        """The named example of `message`, or all of them (name None), as the contract has them."""
        self._known(message)
        examples = self.contract.examples(message)
        if name is not None:
            if name not in examples:
                known = ", ".join(examples) or "none"
                raise OnDemandError(f"{message} has no example {name!r}; its examples: {known}")
            examples = {name: examples[name]}
        if not examples:
            raise OnDemandError(f"{message} has no documented example; ask for dynamic ones")
        return [self.contract.outgoing(message, record) for record in examples.values()]

    def dynamic(self, message: str, *, seed: int = 0, count: int = 1) -> list[OutgoingEvent]:
        """`count` records drawn from the message's schema: the same seed, the same records."""
        self._known(message)
        if not 1 <= count <= MAX_COUNT:
            raise OnDemandError(f"count must be 1 to {MAX_COUNT}, not {count}")
        values = AvroValues(random.Random(f"{seed}\n{message}"))
        schema = self.contract.schema(message)
        return [
            self.contract.outgoing(message, _coherent(values.draw(schema))) for _ in range(count)
        ]


def _coherent(record: dict[str, Any]) -> dict[str, Any]:
    """A drawn event whose envelope agrees with its room, as the service's always do: the
    room_id and version (and so the room-id and room-version headers) are the room's."""
    room = record.get("room")
    if isinstance(room, dict):
        for member, source in (("room_id", "id"), ("version", "version")):
            if member in record and source in room:
                record[member] = room[source]
    return record
