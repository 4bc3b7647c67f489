"""asyncapi.yaml against the official AsyncAPI 3.0.0 JSON Schema (npm `@asyncapi/specs`).

`nox -s events` installs the schema package from npm and names its 3.0.0.json in
ASYNCAPI_JSON_SCHEMA. Each broken document below must fail it, so the validation is shown
to look where our contract could go wrong: verbs, bindings, addresses, references.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from rooms_events.contract_files import asyncapi_path

Document = dict[str, Any]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    location = os.environ.get("ASYNCAPI_JSON_SCHEMA")
    if not location:
        reason = "ASYNCAPI_JSON_SCHEMA is not set: run `nox -s events`, which installs it from npm"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = json.loads(Path(location).read_text(encoding="utf-8"))
    assert schema["$id"] == "http://asyncapi.com/definitions/3.0.0/asyncapi.json"
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def document() -> Document:
    return dict(yaml.safe_load(asyncapi_path().read_text(encoding="utf-8")))


def errors(validator: jsonschema.Draft7Validator, document: Document) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def test_the_event_contract_is_valid_asyncapi_3(
    validator: jsonschema.Draft7Validator, document: Document
) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert errors(validator, document) == []


def _version_2_verb(d: Document) -> None:
    d["operations"]["publishRoomCreated"]["action"] = "publish"


def _numeric_address(d: Document) -> None:
    d["channels"]["roomCreated"]["address"] = 42


def _transient_mode_three(d: Document) -> None:
    d["components"]["operationBindings"]["persistentConfirmed"]["amqp"]["deliveryMode"] = 3


def _unknown_exchange_type(d: Document) -> None:
    d["components"]["channelBindings"]["roomsEvents"]["amqp"]["exchange"]["type"] = "broadcast"


def _operation_without_channel(d: Document) -> None:
    del d["operations"]["publishRoomDeleted"]["channel"]


def _headers_not_a_schema(d: Document) -> None:
    d["components"]["schemas"]["RoomEventHeaders"]["required"] = "avro-fingerprint"


def _no_info(d: Document) -> None:
    del d["info"]


BROKEN: dict[str, Callable[[Document], None]] = {
    "version-2-verb": _version_2_verb,
    "numeric-address": _numeric_address,
    "delivery-mode-3": _transient_mode_three,
    "unknown-exchange-type": _unknown_exchange_type,
    "operation-without-channel": _operation_without_channel,
    "headers-not-a-schema": _headers_not_a_schema,
    "no-info": _no_info,
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_document_fails_the_official_schema(
    validator: jsonschema.Draft7Validator, document: Document, name: str
) -> None:
    broken = copy.deepcopy(document)
    BROKEN[name](broken)
    assert errors(validator, broken), f"{name} passed the AsyncAPI schema"
