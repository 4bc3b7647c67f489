"""Message payloads of an AsyncAPI document: which schema format, and the schema itself, fetched
from the contract file a `$ref` names (an Avro version through the project's schema store, so a
shared type pinned with `x-uses` is compared as the bytes it describes)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from rooms.compat.asyncapi_model import AsyncApiDocument, AsyncApiError, SchemaLoader
from rooms.compat.avro_contracts_diff import StoredVersion, stored_versions
from rooms.compat.openapi_resolve import Node

# What a payload without `schemaFormat` is written in (AsyncAPI 3.0, Message Object).
DEFAULT_FORMAT = "asyncapi"
_FORMAT_FAMILIES = {
    "application/vnd.apache.avro": "avro",
    "application/vnd.aai.asyncapi": "asyncapi",
    "application/schema": "json-schema",
    "application/vnd.oai.openapi": "openapi",
}
# Formats whose schemas are JSON Schema dialects: compared keyword by keyword.
JSON_SCHEMA_FAMILIES = frozenset({"asyncapi", "json-schema", "openapi"})
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.avsc$")


@dataclass(frozen=True)
class Payload:
    family: str  # "avro", "asyncapi", "json-schema", "openapi", or the format as written
    schema: Node  # with every `$ref` followed; None when the message states no payload
    source: str  # where the schema came from: the `$ref` as written, or "inline"


def format_family(schema_format: str) -> str:
    """`application/vnd.apache.avro+json;version=1.9.0` -> "avro": encodings and versions of one
    format describe the same messages."""
    media = schema_format.split(";", 1)[0].strip().lower()
    base = media.split("+", 1)[0]
    return _FORMAT_FAMILIES.get(base, media)


def payload_of(document: AsyncApiDocument, message: Mapping[str, Node], where: str) -> Payload:
    raw = message.get("payload")
    if raw is None:
        return Payload(DEFAULT_FORMAT, None, "none")
    raw, source = _follow(document, raw, where)
    family = DEFAULT_FORMAT
    if isinstance(raw, Mapping) and "schemaFormat" in raw:  # a Multi Format Schema Object
        family = format_family(str(raw["schemaFormat"]))
        if "schema" not in raw:
            raise AsyncApiError(f"{where}: payload has a schemaFormat but no schema")
        raw, source = _follow(document, raw["schema"], where, source)
    return Payload(family, raw, source)


def headers_of(document: AsyncApiDocument, message: Mapping[str, Node], where: str) -> Node:
    """The message's headers schema (None when none is stated), unwrapped from a Multi Format
    Schema Object; headers must be an object schema, so only JSON Schema dialects are read."""
    raw, _ = _follow(document, message.get("headers"), where)
    if isinstance(raw, Mapping) and "schemaFormat" in raw:
        family = format_family(str(raw["schemaFormat"]))
        if family not in JSON_SCHEMA_FAMILIES:
            raise AsyncApiError(f"{where}: headers in {family} cannot be compared")
        raw, _ = _follow(document, raw.get("schema"), where)
    return raw


def _follow(
    document: AsyncApiDocument, node: Node, where: str, source: str = "inline"
) -> tuple[Node, str]:
    """`node` with `$ref`s followed, local ones in the document and external ones to files."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = str(node["$ref"])
        if ref in seen:
            raise AsyncApiError(f"{where}: $ref {ref!r} refers to itself")
        seen.add(ref)
        source = ref
        node = document.resolver.pointer(ref) if ref.startswith("#") else document.load_schema(ref)
    return node, source


def contract_file_loader(document_path: Path, avro_dir: Path | None) -> SchemaLoader:
    """Reads a payload `$ref` relative to the document: an Avro version in `avro_dir` comes
    expanded from the schema store; any other file inside the contracts folder is read as is."""
    root = document_path.parent.resolve()
    store: dict[tuple[str, int], StoredVersion] = {}

    def stored(folder: str, number: int) -> StoredVersion | None:
        if avro_dir is None:
            return None
        if not store:
            store.update(
                {(v.subject.rsplit(".", 1)[-1], v.version): v for v in stored_versions(avro_dir)}
            )
        return store.get((folder, number))

    def load(ref: str) -> Node:
        if "://" in ref or ref.startswith("//"):
            raise AsyncApiError(f"$ref {ref!r}: remote references are not read; keep it local")
        file_part, _, fragment = ref.partition("#")
        if fragment.strip("/"):
            raise AsyncApiError(f"$ref {ref!r}: a reference into part of a file is not supported")
        target = (root / file_part).resolve()
        if not target.is_relative_to(root):
            raise AsyncApiError(f"$ref {ref!r} points outside the contracts folder")
        if avro_dir is not None and target.is_relative_to(avro_dir.resolve()):
            parts = target.relative_to(avro_dir.resolve()).parts
            match = _VERSION_FILE.match(parts[-1]) if len(parts) == 2 else None
            found = stored(parts[0], int(match[1])) if match else None
            if found is not None:
                return found.schema
        if not target.is_file():
            raise AsyncApiError(f"$ref {ref!r} points at no file ({target.relative_to(root)})")
        try:
            text = target.read_text(encoding="utf-8")
            return json.loads(text) if target.suffix in {".avsc", ".json"} else yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
            raise AsyncApiError(f"$ref {ref!r}: cannot read {target.name}: {error}") from error

    return load
