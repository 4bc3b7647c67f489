"""Every published version of every Avro schema in contracts/avro/, expanded and fingerprinted.

Layout: `contracts/avro/<Name>/v<N>.avsc`, one named schema a file. Shared types (Room,
Area, ...) are defined once, in their own folder, and used by full name; a schema pins
the versions it uses in `"x-uses": {"rooms.events.Room": 1}`, so a released version never
changes meaning when a shared type gets a new version. `"x-compatibility"` declares the
mode later versions are held to. Both `x-` attributes are ignored by Avro itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

from rooms_events.contract_files import avro_dir

MODES = (
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
)
_NAMED = {"record", "enum", "fixed"}
_NESTED = {"type", "fields", "items", "values"}
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.avsc$")


class SchemaStoreError(ValueError):
    """A schema file is missing, malformed or inconsistent; the message names the file."""


@dataclass(frozen=True)
class SchemaVersion:
    name: str  # the full name, e.g. rooms.events.RoomCreated
    version: int
    mode: str
    path: Path
    source: dict[str, Any] = field(repr=False)  # the file as written
    schema: dict[str, Any] = field(repr=False)  # self-contained: every used type inlined
    parsed: Any = field(repr=False)  # fastavro's parsed form, for its reader and writer
    canonical_form: str = field(repr=False)
    fingerprint: bytes = b""  # CRC-64-AVRO of the canonical form, little-endian, 8 bytes

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        return f"{self.short_name} v{self.version}"


class SchemaStore:
    def __init__(self, versions: list[SchemaVersion]) -> None:
        self._by_name: dict[str, list[SchemaVersion]] = {}
        for version in sorted(versions, key=lambda v: (v.name, v.version)):
            self._by_name.setdefault(version.name, []).append(version)
        self._by_fingerprint = {v.fingerprint: v for v in versions}

    @classmethod
    def bundled(cls) -> SchemaStore:
        """The schemas this package ships: every version in the rooms contracts."""
        return cls.load(avro_dir())

    @classmethod
    def load(cls, directory: Path) -> SchemaStore:
        """Every `<Name>/v<N>.avsc` under `directory`; SchemaStoreError names a bad file."""
        sources = dict(_read_sources(directory))
        versions = []
        for (name, number), (path, source) in sources.items():
            schema = _expand(source, number, name, sources)
            try:
                # The canonical form comes from a parse without fastavro's hint; the reader and
                # writer get the hinted parse, which they take as is instead of parsing again
                # on every message (with it, bench/codec.py decodes 2.4x and encodes 1.6x faster).
                canonical = to_parsing_canonical_form(parse_schema(schema, _write_hint=False))
                parsed = parse_schema(schema)
            except Exception as error:  # fastavro raises several types; all mean "not Avro"
                raise SchemaStoreError(f"{path}: not a valid Avro schema: {error}") from None
            versions.append(
                SchemaVersion(
                    name=name,
                    version=number,
                    mode=_mode(path, source),
                    path=path,
                    source=source,
                    schema=schema,
                    parsed=parsed,
                    canonical_form=canonical,
                    fingerprint=bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO")),
                )
            )
        return cls(versions)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def versions(self, name: str) -> list[SchemaVersion]:
        """Every stored version of `name` (full or short name), oldest first."""
        return list(self._by_name[self._full_name(name)])

    def latest(self, name: str) -> SchemaVersion:
        return self._by_name[self._full_name(name)][-1]

    def by_fingerprint(self, fingerprint_bytes: bytes) -> SchemaVersion | None:
        return self._by_fingerprint.get(fingerprint_bytes)

    def __iter__(self) -> Iterator[SchemaVersion]:
        for name in self.names():
            yield from self._by_name[name]

    def _full_name(self, name: str) -> str:
        if name in self._by_name:
            return name
        matches = [full for full in self._by_name if full.rsplit(".", 1)[-1] == name]
        if len(matches) != 1:
            raise KeyError(f"no Avro schema named {name!r} (have {', '.join(self.names())})")
        return matches[0]


def _read_sources(directory: Path) -> Iterator[tuple[tuple[str, int], tuple[Path, dict[str, Any]]]]:
    if not directory.is_dir():
        raise SchemaStoreError(f"{directory}: no such folder of Avro schemas")
    for path in sorted(directory.glob("*/v*.avsc")):
        match = _VERSION_FILE.match(path.name)
        if not match:
            raise SchemaStoreError(f"{path}: expected a file named v<N>.avsc")
        try:
            source = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SchemaStoreError(f"{path}: not readable JSON: {error}") from None
        if not isinstance(source, dict) or "name" not in source:
            raise SchemaStoreError(f"{path}: expected one named schema (record, enum or fixed)")
        name = (
            source["name"]
            if "." in source["name"]
            else f"{source.get('namespace', '')}.{source['name']}"
        )
        if name.rsplit(".", 1)[-1] != path.parent.name:
            raise SchemaStoreError(
                f"{path}: defines {name}, but its folder says {path.parent.name}"
            )
        yield (name.lstrip("."), int(match[1])), (path, source)


def _mode(path: Path, source: dict[str, Any]) -> str:
    mode = source.get("x-compatibility", "FULL_TRANSITIVE")
    if mode not in MODES:
        raise SchemaStoreError(f"{path}: x-compatibility {mode!r} is not one of {', '.join(MODES)}")
    return str(mode)


def _expand(
    source: dict[str, Any],
    version: int,
    name: str,
    sources: dict[tuple[str, int], tuple[Path, dict[str, Any]]],
) -> dict[str, Any]:
    """`source` with every type it uses by name inlined at its first use, as Avro requires."""
    defined: set[str] = set()

    def inline(node: Any, uses: dict[str, int], owner: str) -> Any:
        if isinstance(node, str):
            if node in uses and node not in defined:
                wanted = (node, uses[node])
                if wanted not in sources:
                    raise SchemaStoreError(
                        f"{owner} uses {node} v{uses[node]}, which is not stored"
                    )
                _, used = sources[wanted]
                defined.add(node)
                return inline(used, used.get("x-uses", {}), f"{node} v{uses[node]}")
            return node
        if isinstance(node, list):
            return [inline(item, uses, owner) for item in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("type"), str) and node["type"] in _NAMED and "name" in node:
            namespace = node.get("namespace", "")
            defined.add(
                node["name"] if "." in node["name"] else f"{namespace}.{node['name']}".lstrip(".")
            )
        return {
            key: inline(value, uses, owner)
            if key in {"type", "fields", "items", "values"}
            else value
            for key, value in node.items()
            if not key.startswith("x-")
        }

    return dict(inline(source, source.get("x-uses", {}), f"{name} v{version}"))
