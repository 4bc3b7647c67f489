"""The AsyncAPI guard on the project's own asyncapi.yaml: compared with itself and with refactors
of itself it reports nothing; each breaking edit a provider could make to it is caught (fault
injection on the real document and its real Avro files)."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.compat.asyncapi_contracts_diff import asyncapi_tree_changes
from rooms.compat.contracts_source import ContractTree
from rooms.contract_files import contracts_dir
from rooms.entrypoints.cli import main

Document = dict[str, Any]
REAL = contracts_dir()


@pytest.fixture(scope="module")
def real() -> Document:
    document: Document = yaml.safe_load((REAL / "asyncapi.yaml").read_text(encoding="utf-8"))
    return document


def copy_with(tmp_path: Path, document: Document) -> ContractTree:
    """The real contracts folder, its asyncapi.yaml replaced by `document`."""
    folder = tmp_path / "head"
    shutil.copytree(REAL, folder, ignore=shutil.ignore_patterns("pacts", "samples"))
    (folder / "asyncapi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    return ContractTree.from_directory("mutated", folder)


def rules(tmp_path: Path, document: Document) -> set[str]:
    base = ContractTree.from_directory("real", REAL)
    return {change.rule for change in asyncapi_tree_changes(base, copy_with(tmp_path, document))}


def _messages(document: Document) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["messages"]
    return found


def rename_routing_key(document: Document) -> None:
    document["channels"]["roomCreated"]["address"] = "room.made"


def remove_message(document: Document) -> None:
    del document["channels"]["roomDeleted"]["messages"]["RoomDeleted"]
    document["operations"]["publishRoomDeleted"]["messages"] = []


def remove_header(document: Document) -> None:
    headers = document["components"]["schemas"]["RoomEventHeaders"]
    headers["required"].remove("room-version")
    del headers["properties"]["room-version"]


def move_payload_to_incompatible_schema(document: Document) -> None:
    # RoomCreated's payload now names RoomUpdated's schema: an existing file, the wrong record.
    _messages(document)["RoomCreated"]["payload"]["schema"]["$ref"] = "./avro/RoomUpdated/v1.avsc"


def make_exchange_transient(document: Document) -> None:
    document["components"]["channelBindings"]["roomsEvents"]["amqp"]["exchange"]["durable"] = False


def drop_message_id_property(document: Document) -> None:
    del _messages(document)["RoomUpdated"]["x-amqp-properties"]["message_id"]


def remove_operation(document: Document) -> None:
    del document["operations"]["publishRoomUpdated"]


def remove_channel(document: Document) -> None:
    del document["channels"]["roomUpdated"]
    del document["operations"]["publishRoomUpdated"]


def stop_timestamps(document: Document) -> None:
    document["components"]["operationBindings"]["persistentConfirmed"]["amqp"]["timestamp"] = False


MUTATIONS: dict[str, tuple[Callable[[Document], None], set[str]]] = {
    "routing key changed": (rename_routing_key, {"channel-address-changed"}),
    "message removed": (remove_message, {"message-removed", "operation-message-removed"}),
    "header removed": (remove_header, {"message-required-header-removed"}),
    "payload moved to an incompatible schema": (
        move_payload_to_incompatible_schema,
        {"message-payload-incompatible"},
    ),
    "exchange made transient": (make_exchange_transient, {"exchange-durability-changed"}),
    "message_id property dropped": (drop_message_id_property, {"message-amqp-property-removed"}),
    "operation removed": (remove_operation, {"operation-removed"}),
    "channel removed": (remove_channel, {"channel-removed", "operation-removed"}),
    "timestamp dropped": (stop_timestamps, {"operation-timestamp-dropped"}),
}


def test_the_real_document_against_itself_reports_nothing(tmp_path: Path, real: Document) -> None:
    assert rules(tmp_path, real) == set()


def test_refactors_and_documentation_of_the_real_document_report_nothing(
    tmp_path: Path, real: Document
) -> None:
    document = copy.deepcopy(real)
    messages = _messages(document)
    for channel in document["channels"].values():
        # Each message inlined where the channel named it, and the shared bindings too.
        for key, ref in list(channel["messages"].items()):
            channel["messages"][key] = copy.deepcopy(messages[ref["$ref"].rsplit("/", 1)[-1]])
        channel["bindings"] = copy.deepcopy(
            document["components"]["channelBindings"]["roomsEvents"]
        )
        channel["description"] = "reworded"
    for message in messages.values():
        message["examples"] = []
        message["payload"]["schema"]["$ref"] = message["payload"]["schema"]["$ref"][2:]
    document["info"]["description"] = "reworded"
    assert rules(tmp_path, document) == set()


@pytest.mark.parametrize("name", MUTATIONS)
def test_each_breaking_edit_of_the_real_document_is_caught(
    tmp_path: Path, real: Document, name: str
) -> None:
    mutate, expected = MUTATIONS[name]
    document = copy.deepcopy(real)
    mutate(document)
    assert rules(tmp_path, document) == expected


def test_the_cli_fails_on_all_of_them_at_once(tmp_path: Path, real: Document) -> None:
    document = copy.deepcopy(real)
    for mutate, _ in MUTATIONS.values():
        if mutate not in (remove_operation, remove_channel):  # they would hide the others
            mutate(document)
    copy_with(tmp_path, document)
    result = CliRunner().invoke(main, ["contracts", "diff", str(REAL), str(tmp_path / "head")])
    assert result.exit_code == 1, result.output
    for _, expected in MUTATIONS.values():
        if expected != {"operation-removed"} and "channel-removed" not in expected:
            for rule in expected:
                assert f"asyncapi {rule}" in result.output, rule
