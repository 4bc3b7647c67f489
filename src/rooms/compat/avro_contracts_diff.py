"""The Avro half of `rooms contracts diff`: which stored schema versions to check against which,
and what a change to the stored history means. The compatibility rules themselves are not here:
they are the checker's (rooms.compat.avro_evolution), shared with the property tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rooms.compat.change_report import Change, Severity
from rooms_events import SchemaStore


@dataclass(frozen=True)
class StoredVersion:
    """One version of one event schema as the schema store lists it."""

    subject: str  # the schema's full name, e.g. "rooms.events.RoomCreated"
    version: int
    mode: str  # the compatibility mode the schema declares, e.g. "BACKWARD_TRANSITIVE"
    schema: Any  # the parsed schema (JSON)


# (earlier schema, new schema, mode) -> the reasons the new one may not follow the earlier one;
# empty when it may. Supplied by the checker module, never reimplemented here.
PairCheck = Callable[[Any, Any, str], Sequence[str]]

# Modes from weakest to strongest guarantee, as Confluent's registry names them.
_MODE_STRENGTH = {
    "NONE": 0,
    "BACKWARD": 1,
    "FORWARD": 1,
    "BACKWARD_TRANSITIVE": 2,
    "FORWARD_TRANSITIVE": 2,
    "FULL": 3,
    "FULL_TRANSITIVE": 4,
}


def _without_docs(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_docs(value) for key, value in node.items() if key != "doc"}
    if isinstance(node, list):
        return [_without_docs(item) for item in node]
    return node


def _fingerprint(schema: Any) -> str:
    """Everything that decides how bytes are written and read; `doc` may be reworded."""
    return json.dumps(_without_docs(schema), sort_keys=True, separators=(",", ":"))


def _by_subject(versions: Iterable[StoredVersion]) -> dict[str, dict[int, StoredVersion]]:
    subjects: dict[str, dict[int, StoredVersion]] = {}
    for stored in versions:
        subjects.setdefault(stored.subject, {})[stored.version] = stored
    return subjects


def _location(stored: StoredVersion) -> str:
    return f"{stored.subject} v{stored.version}"


def _checked_against(
    versions: dict[int, StoredVersion], number: int, mode: str
) -> list[tuple[int, StoredVersion]]:
    """The earlier versions `mode` compares version `number` with, as Confluent's registry
    does: every earlier one for the _TRANSITIVE modes, only the latest earlier one for
    BACKWARD, FORWARD and FULL, none for NONE. An unknown mode gets every earlier one, and
    the checker says it does not know the mode."""
    earlier = [(n, v) for n, v in sorted(versions.items()) if n < number]
    if mode == "NONE":
        return []
    if mode in {"BACKWARD", "FORWARD", "FULL"}:
        return earlier[-1:]
    return earlier


def diff_avro_versions(
    base: Iterable[StoredVersion], head: Iterable[StoredVersion], check: PairCheck | None
) -> list[Change]:
    """Every released version kept as it was, and every new version compatible with all earlier.

    A version already in `base` has been released: consumers hold data written with it, so
    changing or deleting it is breaking whatever the checker says. A version new in `head` is
    checked against the earlier stored versions of its subject its declared mode names
    (all of them when transitive, the latest otherwise, none for NONE), under that mode;
    with no checker (`check` None) each such pair is reported as a warning, never passed over.
    """
    released, proposed = _by_subject(base), _by_subject(head)
    changes: list[Change] = []

    def emit(severity: Severity, rule: str, location: str, message: str) -> None:
        changes.append(Change("avro", severity, rule, location, message))

    for subject, versions in sorted(released.items()):
        if subject not in proposed:
            emit(
                Severity.BREAKING,
                "avro-schema-removed",
                subject,
                "every stored version of this event schema is gone",
            )
            continue
        for number, stored in sorted(versions.items()):
            now = proposed[subject].get(number)
            if now is None:
                emit(
                    Severity.BREAKING,
                    "avro-released-version-removed",
                    _location(stored),
                    "a released version was deleted from the store",
                )
            elif _fingerprint(now.schema) != _fingerprint(stored.schema):
                emit(
                    Severity.BREAKING,
                    "avro-released-version-changed",
                    _location(stored),
                    "a released version was edited; add a new version instead",
                )
            elif _MODE_STRENGTH.get(now.mode, 0) < _MODE_STRENGTH.get(stored.mode, 0):
                emit(
                    Severity.WARNING,
                    "avro-compatibility-mode-weakened",
                    _location(stored),
                    f"mode {stored.mode} -> {now.mode}",
                )

    for subject, versions in sorted(proposed.items()):
        for number, stored in sorted(versions.items()):
            if number in released.get(subject, {}):
                continue
            emit(
                Severity.INFO,
                "avro-version-added",
                _location(stored),
                f"new version, declared {stored.mode}",
            )
            for earlier_number, earlier in _checked_against(versions, number, stored.mode):
                if check is None:
                    emit(
                        Severity.WARNING,
                        "avro-version-unchecked",
                        f"{_location(stored)} against v{earlier_number}",
                        "no Avro evolution checker in this build to compare them",
                    )
                    continue
                for reason in check(earlier.schema, stored.schema, stored.mode):
                    emit(
                        Severity.BREAKING,
                        "avro-incompatible-version",
                        f"{_location(stored)} against v{earlier_number}",
                        f"{stored.mode}: {reason}",
                    )
    return changes


def stored_versions(directory: Path | None) -> list[StoredVersion]:
    """The versions the project's schema store lists in `directory` (none when there is none)."""
    if directory is None:
        return []
    store = SchemaStore.load(directory)
    # `schema` is the expanded form: a shared type is inlined at the version the schema pins,
    # so a released version is compared as the bytes it describes, not as the file's text.
    return [StoredVersion(v.name, v.version, v.mode, v.schema) for v in store]
