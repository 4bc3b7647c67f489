"""The provider side of the pacts: the real service, provider states, messages from the real path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import uuid
from typing import Any

from sqlalchemy import Engine, delete, select

from pact import Verifier
from rooms.adapters.amqp_publisher import FINGERPRINT_HEADER, message_properties
from rooms.adapters.orm import outbox, rooms
from rooms.adapters.outbox_relay import _encoded
from rooms.domain.events import RoomCreated
from rooms.domain.model import Area, Recurrence, Room
from rooms.entrypoints.app import RoomsApp
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import UnitOfWorkFactory
from tests.contract_coverage.recorder import record_event

AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
LISTED_URL = "https://flats.example/listing/1842"


def _room(room_id: uuid.UUID, *, url: str, seconds: int = 0) -> Room:
    moment = AT + dt.timedelta(seconds=seconds)
    return Room(
        id=room_id,
        version=1,
        created_at=moment,
        updated_at=moment,
        name="Bright room near Príncipe Real",
        price=85000,
        currency="EUR",
        recurrence=Recurrence.MONTHLY,
        provider="flats.example",
        url=url,
        area=Area(name="Príncipe Real", city="Lisbon", country="PT"),
    )


class ProviderStates:
    """Sets the database up for each state the pacts name, and clears it afterwards."""

    def __init__(self, app: RoomsApp) -> None:
        self.engine = app.injector.get(Engine)
        self.uow_factory = app.injector.get(UnitOfWorkFactory)
        self.service = app.injector.get(RoomService)

    def clear(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(outbox))
            connection.execute(delete(rooms))

    def add(self, room: Room) -> None:
        # Through a unit of work, so the room's event is in the outbox as in production.
        with self.uow_factory() as uow:
            uow.rooms.add(room)
            uow.record(RoomCreated(room=room))
            uow.commit()

    def __call__(self, state: str, action: str, parameters: dict[str, Any] | None) -> None:
        self.clear()
        if action != "setup":
            return
        room_id = uuid.UUID(
            (parameters or {}).get("id")
            or (parameters or {}).get("room_id")
            or (1).__str__().zfill(32)
        )
        if state == "a room exists":
            self.add(_room(room_id, url=LISTED_URL))
        elif state == "a room exists at version 2":
            self.add(_room(room_id, url=LISTED_URL))
            self.service.update(
                room_id, lambda current: dataclasses.replace(current.draft(), price=90000)
            )
        elif state == "a room with url https://flats.example/listing/1842 exists":
            self.add(_room(uuid.uuid4(), url=LISTED_URL))
        elif state == "3 rooms in Lisbon exist":
            for number in range(1, 4):
                self.add(
                    _room(
                        uuid.UUID(f"0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e0{number}"),
                        url=f"{LISTED_URL}/{number}",
                        seconds=number - 1,
                    )
                )
        # "no rooms exist" and the message states need only the cleared database.


class MessageProducer:
    """Each message the indexer expects, produced by a real change: service -> outbox -> encoder."""

    def __init__(self, states: ProviderStates, coverage_suite: str | None = None) -> None:
        """`coverage_suite`: the contract coverage report's column (None: not recorded, as
        for a provider broken on purpose)."""
        self.states = states
        self.coverage_suite = coverage_suite

    def __call__(self, name: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
        service = self.states.service
        room_id = uuid.UUID("0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01")
        self.states.add(_room(room_id, url=LISTED_URL))
        if name == "a RoomUpdated event":
            service.update(
                room_id, lambda current: dataclasses.replace(current.draft(), price=79000)
            )
        elif name == "a RoomDeleted event":
            service.delete(room_id)
        with self.states.engine.connect() as connection:
            row = connection.execute(select(outbox).order_by(outbox.c.id.desc()).limit(1)).one()
        event = _encoded(row)
        properties = message_properties(event)  # what the relay puts on the AMQP message
        if self.coverage_suite is not None:
            record_event(self.coverage_suite, message=event.event_type, body=event.payload)
        return {
            "contents": event.payload,
            "metadata": {
                FINGERPRINT_HEADER: properties.headers[FINGERPRINT_HEADER],
                "type": properties.type,
                "contentType": properties.content_type,
            },
            "content_type": properties.content_type,
        }


def add_pact_sources(verifier: Verifier, pact_file: str, folder: str) -> Verifier:
    """contracts/pacts/ by default; a Pact Broker when PACT_BROKER_BASE_URL is set."""
    broker = os.environ.get("PACT_BROKER_BASE_URL")
    if not broker:
        return verifier.add_source(f"{folder}/{pact_file}")
    selector = verifier.broker_source(
        broker, token=os.environ.get("PACT_BROKER_TOKEN"), selector=True
    )
    selector.consumer_versions('{"mainBranch": true}', '{"deployedOrReleased": true}')
    version = os.environ.get("PACT_PROVIDER_VERSION")
    if version:
        verifier.set_publish_options(version=version, branch=os.environ.get("PACT_PROVIDER_BRANCH"))
    return selector.build()
