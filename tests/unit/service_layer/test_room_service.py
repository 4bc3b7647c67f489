"""The use cases against in-memory fakes: what they store and which events they record."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from rooms.adapters.repository import RoomFilter
from rooms.domain.errors import DuplicateRoomUrl, RoomNotFound, StaleRoom
from rooms.domain.events import RoomCreated, RoomDeleted, RoomUpdated
from rooms.service_layer.room_service import RoomService
from tests.unit.fake_storage import FakeStorage
from tests.unit.rooms_data import room_draft


@pytest.fixture
def storage() -> FakeStorage:
    return FakeStorage()


@pytest.fixture
def service(storage: FakeStorage) -> RoomService:
    return RoomService(storage)


def test_create_stores_the_room_and_records_room_created(
    service: RoomService, storage: FakeStorage
) -> None:
    room = service.create(room_draft(name="Loft"))
    assert service.get(room.id) == room
    assert room.version == 1
    assert [type(e) for e in storage.published] == [RoomCreated]
    assert storage.published[0].room == room  # type: ignore[union-attr]


def test_a_duplicate_url_is_refused_and_announces_nothing(
    service: RoomService, storage: FakeStorage
) -> None:
    first = service.create(room_draft())
    with pytest.raises(DuplicateRoomUrl):
        service.create(room_draft(url=first.url))
    assert len(storage.published) == 1


def test_update_bumps_the_version_and_names_the_changed_fields(
    service: RoomService, storage: FakeStorage
) -> None:
    room = service.create(room_draft(price=100))
    updated = service.update(
        room.id, lambda r: dataclasses.replace(r.draft(), price=90, name="New")
    )
    assert updated.version == 2
    assert updated.etag != room.etag
    event = storage.published[-1]
    assert isinstance(event, RoomUpdated)
    assert set(event.changed_fields) == {"price", "name"}


def test_an_update_that_changes_nothing_keeps_the_version_and_announces_nothing(
    service: RoomService, storage: FakeStorage
) -> None:
    room = service.create(room_draft())
    same = service.update(room.id, lambda r: r.draft())
    assert same == room
    assert len(storage.published) == 1


def test_a_stale_if_match_is_refused(service: RoomService) -> None:
    room = service.create(room_draft(price=100))
    service.update(room.id, lambda r: dataclasses.replace(r.draft(), price=1))
    with pytest.raises(StaleRoom):
        service.update(
            room.id, lambda r: dataclasses.replace(r.draft(), price=2), if_match=room.etag
        )
    with pytest.raises(StaleRoom):
        service.delete(room.id, if_match=room.etag)


def test_a_matching_if_match_or_a_star_applies(service: RoomService) -> None:
    room = service.create(room_draft(price=100))
    updated = service.update(
        room.id, lambda r: dataclasses.replace(r.draft(), price=1), if_match=room.etag
    )
    service.delete(room.id, if_match=f'"other", *, {updated.etag}')
    with pytest.raises(RoomNotFound):
        service.get(room.id)


def test_delete_records_room_deleted_with_the_last_version(
    service: RoomService, storage: FakeStorage
) -> None:
    room = service.create(room_draft())
    service.delete(room.id)
    event = storage.published[-1]
    assert isinstance(event, RoomDeleted)
    assert (event.room_id, event.version) == (room.id, 1)


def test_missing_rooms_are_not_found(service: RoomService) -> None:
    missing = uuid.uuid4()
    with pytest.raises(RoomNotFound):
        service.get(missing)
    with pytest.raises(RoomNotFound):
        service.update(missing, lambda r: r.draft())
    with pytest.raises(RoomNotFound):
        service.delete(missing)


def test_list_pages_through_every_room_once_in_creation_order(service: RoomService) -> None:
    created = [service.create(room_draft()) for _ in range(5)]
    seen, after = [], None
    while True:
        page = service.list(RoomFilter(), after=after, limit=2)
        seen.extend(page.items)
        if page.next is None:
            break
        after = page.next
    assert [r.id for r in seen] == [
        r.id for r in sorted(created, key=lambda r: (r.created_at, r.id.hex))
    ]
