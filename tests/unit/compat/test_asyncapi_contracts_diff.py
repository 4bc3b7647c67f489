"""`rooms contracts diff` on asyncapi.yaml end to end: git refs or paths in, the AsyncAPI changes in
the same report as the others, payload `$ref`s read through the real schema store, and a
document that cannot be read refused with exit status 2."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.entrypoints.cli import main

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/rooms": {"get": {"responses": {"200": {"description": "ok"}}}}},
}
ROOM_V1 = {
    "type": "record",
    "name": "Room",
    "namespace": "rooms.events",
    "fields": [{"name": "name", "type": "string"}],
}
# Uses the shared Room by name: read as a bare file it is not a complete Avro schema; only the
# schema store's expansion (x-uses) makes it one.
ROOM_CREATED_V1 = {
    "type": "record",
    "name": "RoomCreated",
    "namespace": "rooms.events",
    "x-uses": {"rooms.events.Room": 1},
    "fields": [
        {"name": "room_id", "type": "string"},
        {"name": "room", "type": "rooms.events.Room"},
    ],
}
ROOM_CREATED_V2 = {
    **ROOM_CREATED_V1,
    "fields": [
        *ROOM_CREATED_V1["fields"],
        {"name": "city", "type": ["null", "string"], "default": None},
    ],
}
ASYNCAPI: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "rooms events", "version": "1"},
    "channels": {
        "roomCreated": {
            "address": "room.created",
            "bindings": {
                "amqp": {"is": "routingKey", "exchange": {"name": "rooms.events", "type": "topic"}}
            },
            "messages": {
                "RoomCreated": {
                    "contentType": "application/avro",
                    "headers": {
                        "type": "object",
                        "required": ["avro-fingerprint"],
                        "properties": {"avro-fingerprint": {"type": "string"}},
                    },
                    "payload": {
                        "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                        "schema": {"$ref": "./avro/RoomCreated/v1.avsc"},
                    },
                }
            },
        }
    },
    "operations": {
        "publishRoomCreated": {
            "action": "send",
            "channel": {"$ref": "#/channels/roomCreated"},
            "messages": [{"$ref": "#/channels/roomCreated/messages/RoomCreated"}],
        }
    },
}


def asyncapi(**path_values: Any) -> dict[str, Any]:
    """ASYNCAPI with values replaced at dotted paths: `asyncapi(**{"a.b": 1})`."""
    document = copy.deepcopy(ASYNCAPI)
    for dotted, value in path_values.items():
        *parents, last = dotted.split(".")
        node = document
        for key in parents:
            node = node[key]
        node[last] = value
    return document


MESSAGE = "channels.roomCreated.messages.RoomCreated"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def write(repo: Path, relative: str, content: Any) -> None:
    path = repo / "contracts" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str, tag: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    git(repo, "tag", tag)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, "openapi.yaml", SPEC)
    write(root, "avro/Room/v1.avsc", json.dumps(ROOM_V1))
    write(root, "avro/RoomCreated/v1.avsc", json.dumps(ROOM_CREATED_V1))
    commit(root, "no AsyncAPI yet", "pre-asyncapi")
    write(root, "asyncapi.yaml", ASYNCAPI)
    commit(root, "v1", "v1")
    return root


def run(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contracts", "diff", "--repo", str(repo), *args])
    return result.exit_code, result.output


def asyncapi_rules(output: str) -> set[str]:
    report = json.loads(output)
    return {c["rule"] for c in report["changes"] if c["contract"] == "asyncapi"}


def test_unchanged_document_reports_nothing(repo: Path) -> None:
    code, output = run(repo, "v1")
    assert code == 0, output
    assert "verdict: unchanged" in output


def test_breaking_change_fails_in_text_and_json(repo: Path) -> None:
    write(repo, "asyncapi.yaml", asyncapi(**{"channels.roomCreated.address": "room.made"}))
    code, output = run(repo, "v1")
    assert code == 1, output
    assert "asyncapi channel-address-changed" in output
    code, output = run(repo, "v1", "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["verdict"] == "breaking"
    [change] = report["changes"]
    assert change["contract"] == "asyncapi"
    assert change["rule"] == "channel-address-changed"
    assert "'room.created' -> 'room.made'" in change["message"]


def test_payload_moved_to_compatible_version_is_read_through_the_schema_store(
    repo: Path,
) -> None:
    # Read as bare files, both versions name rooms.events.Room without defining it and the
    # evolution checker refuses them; expanded by the store they compare, and are compatible.
    write(repo, "avro/RoomCreated/v2.avsc", json.dumps(ROOM_CREATED_V2))
    write(
        repo,
        "asyncapi.yaml",
        asyncapi(**{f"{MESSAGE}.payload.schema": {"$ref": "./avro/RoomCreated/v2.avsc"}}),
    )
    code, output = run(repo, "v1", "--format", "json")
    assert code == 0, output
    assert asyncapi_rules(output) == {"message-payload-changed"}


def test_payload_moved_to_incompatible_version_is_breaking(repo: Path) -> None:
    room_id_long = {
        **ROOM_CREATED_V1,
        "fields": [{"name": "room_id", "type": "long"}, ROOM_CREATED_V1["fields"][1]],
    }
    write(repo, "avro/RoomCreated/v2.avsc", json.dumps(room_id_long))
    write(
        repo,
        "asyncapi.yaml",
        asyncapi(**{f"{MESSAGE}.payload.schema": {"$ref": "./avro/RoomCreated/v2.avsc"}}),
    )
    code, output = run(repo, "v1", "--format", "json")
    assert code == 1, output
    assert asyncapi_rules(output) == {"message-payload-incompatible"}
    [change] = [c for c in json.loads(output)["changes"] if c["contract"] == "asyncapi"]
    assert change["location"].endswith("payload: room_id")


def test_base_without_the_document_says_it_is_new(repo: Path) -> None:
    code, output = run(repo, "pre-asyncapi", "--format", "json")
    assert code == 0, output
    [change] = json.loads(output)["changes"]
    assert (change["contract"], change["rule"], change["severity"]) == (
        "asyncapi",
        "contract-added",
        "info",
    )
    assert "nothing to compare it with" in change["message"]


def test_document_deleted_is_breaking(repo: Path) -> None:
    (repo / "contracts" / "asyncapi.yaml").unlink()
    code, output = run(repo, "v1")
    assert code == 1, output
    assert "asyncapi contract-removed" in output


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("asyncapi: 3.0.0\nchannels: [unclosed\n", "cannot read the AsyncAPI document"),
        (yaml.safe_dump({**ASYNCAPI, "asyncapi": "2.6.0"}), "only AsyncAPI 3.x"),
        ("- just\n- a list\n", "a mapping at the top level"),
        (yaml.safe_dump({**ASYNCAPI, "channels": ["roomCreated"]}), "channels: expected a mapping"),
        (
            yaml.safe_dump(asyncapi(**{"operations.publishRoomCreated.channel": "roomCreated"})),
            "expected a $ref to #/channels/",
        ),
        (
            yaml.safe_dump(
                asyncapi(**{f"{MESSAGE}.payload.schema": {"$ref": "./avro/Nothing/v1.avsc"}})
            ),
            "points at no file",
        ),
        (
            yaml.safe_dump(asyncapi(**{f"{MESSAGE}.payload.schema": {"$ref": "../../etc/x"}})),
            "outside the contracts folder",
        ),
        (
            yaml.safe_dump(
                asyncapi(**{f"{MESSAGE}.payload.schema": {"$ref": "https://x.test/a.avsc"}})
            ),
            "remote references are not read",
        ),
        (
            yaml.safe_dump(
                asyncapi(
                    **{
                        f"{MESSAGE}.headers": {
                            "schemaFormat": "application/vnd.apache.avro",
                            "schema": {"type": "map", "values": "string"},
                        }
                    }
                )
            ),
            "headers in avro cannot be compared",
        ),
    ],
    ids=[
        "yaml-error",
        "asyncapi-2",
        "not-a-mapping",
        "channels-a-list",
        "channel-not-a-ref",
        "payload-file-missing",
        "payload-outside",
        "payload-remote",
        "headers-not-json-schema",
    ],
)
def test_unreadable_head_is_refused_with_exit_2(tmp_path: Path, content: str, said: str) -> None:
    # Two contracts folders given as paths: the same reading as for git refs, without git.
    base, head = tmp_path / "base", tmp_path / "head"
    for root in (base, head):
        write(root, "openapi.yaml", SPEC)
        write(root, "avro/Room/v1.avsc", json.dumps(ROOM_V1))
        write(root, "avro/RoomCreated/v1.avsc", json.dumps(ROOM_CREATED_V1))
    write(base, "asyncapi.yaml", ASYNCAPI)
    write(head, "asyncapi.yaml", content)
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head)])
    code, output = result.exit_code, result.output
    assert code == 2, output
    assert said in output
    assert "verdict" not in output  # refused, not answered as if understood


def test_unreadable_base_is_refused_too(repo: Path) -> None:
    write(repo, "asyncapi.yaml", "asyncapi: 3.0.0\nchannels: [unclosed\n")
    commit(repo, "broken", "broken")
    write(repo, "asyncapi.yaml", ASYNCAPI)
    code, output = run(repo, "broken")
    assert code == 2, output
    assert "asyncapi.yaml" in output


def test_two_asyncapi_files_given_as_paths(tmp_path: Path) -> None:
    for name in ("Room", "RoomCreated"):
        source = ROOM_V1 if name == "Room" else ROOM_CREATED_V1
        (tmp_path / "avro" / name).mkdir(parents=True)
        (tmp_path / "avro" / name / "v1.avsc").write_text(json.dumps(source), encoding="utf-8")
    base, head = tmp_path / "old-events.yaml", tmp_path / "new-events.yaml"
    base.write_text(yaml.safe_dump(ASYNCAPI), encoding="utf-8")
    head.write_text(
        yaml.safe_dump(asyncapi(**{f"{MESSAGE}.headers.required": []})), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head)])
    assert result.exit_code == 1, result.output
    assert "message-header-became-optional" in result.output
    assert "openapi" not in result.output  # no OpenAPI document was given on either side


@pytest.mark.parametrize(
    ("depth", "said"),
    [
        # Within libyaml's nesting limit, deep enough to exhaust Python's recursion on compare.
        (450, "the AsyncAPI documents are nested too deeply"),
        # Beyond it: libyaml refuses it first (PyYAML without libyaml recurses: the same refusal).
        (5000, "nest"),  # "exceeded maximum nesting depth" or "nested too deeply"
    ],
)
def test_absurdly_deep_document_is_refused_cleanly(tmp_path: Path, depth: int, said: str) -> None:
    schema = '{"type": "object", "properties": {"a": ' * depth + '{"type": "string"}' + "}}" * depth
    message = f'{{"headers": {schema}, "payload": {{"type": "object"}}}}'
    document = (
        '{"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}, '
        f'"channels": {{"c": {{"address": "k", "messages": {{"M": {message}}}}}}}}}'
    )
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(document, encoding="utf-8")  # built as text, it has no nesting limit
    head.write_text(document, encoding="utf-8")
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head)])
    assert result.exit_code == 2, result.output
    assert said in result.output


def test_one_report_holds_openapi_avro_and_asyncapi_changes(repo: Path) -> None:
    write(repo, "openapi.yaml", {**SPEC, "paths": {}})
    write(repo, "avro/RoomCreated/v1.avsc", json.dumps({**ROOM_CREATED_V1, "doc": "reworded"}))
    write(repo, "avro/Room/v1.avsc", json.dumps({**ROOM_V1, "fields": []}))
    write(repo, "asyncapi.yaml", asyncapi(**{f"{MESSAGE}.contentType": "application/json"}))
    code, output = run(repo, "v1", "--format", "json")
    assert code == 1, output
    report = json.loads(output)
    assert {c["contract"] for c in report["changes"]} == {"openapi", "avro", "asyncapi"}
    assert report["counts"]["breaking"] == len(report["changes"])
    # The released Room v1 edited in place (its field dropped) changes what RoomCreated's
    # payload $ref means, though the $ref itself did not move: the transport sees that too.
    assert asyncapi_rules(output) == {
        "message-content-type-changed",
        "message-payload-incompatible",
    }
