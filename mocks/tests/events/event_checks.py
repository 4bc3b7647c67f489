"""The check that an event shows what the HTTP answer showed, written apart from the mock's own
mapping (rooms_mock.events.room_records), so a fault there cannot hide itself here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Members a room may lack in JSON; the record then holds null (or "" for the description).
_OPTIONAL = {"monthly_price": None, "property_size": None, "coordinates": None, "description": ""}


def _millis(value: Any) -> int:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert isinstance(value, datetime), f"not a timestamp: {value!r}"
    return round(value.astimezone(UTC).timestamp() * 1000)


def room_mismatches(record: dict[str, Any], room: dict[str, Any]) -> list[str]:
    """Each field where the decoded Avro room differs from the JSON room, said plainly."""
    problems: list[str] = []
    for name in sorted(set(record) | set(room)):
        if name not in record:
            problems.append(f"{name}: in the HTTP answer ({room[name]!r}), not in the event")
            continue
        got = record[name]
        want = room.get(name, _OPTIONAL.get(name, "<absent>"))
        if name in ("created_at", "updated_at"):
            same = _millis(got) == _millis(want)
        elif name == "id":
            same = str(got) == str(want)
        else:
            same = got == want
        if not same:
            problems.append(f"{name}: the event has {got!r}, the HTTP answer {want!r}")
    return problems


def assert_event_shows(record: dict[str, Any], room: dict[str, Any]) -> None:
    problems = room_mismatches(record, room)
    assert not problems, "the event's room differs from the HTTP answer: " + "; ".join(problems)
