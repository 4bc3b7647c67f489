"""The committed sample messages: one per AsyncAPI example, each decoding to its JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from rooms_events import SchemaStore, decode_event
from rooms_events.cli import main
from rooms_events.contract_files import asyncapi_path, samples_dir
from rooms_events.samples import SampleError, samples
from rooms_events.transport import EventTransport


@pytest.fixture(scope="module")
def transport() -> EventTransport:
    return EventTransport.bundled()


def test_every_example_of_every_message_has_a_sample_that_decodes_to_it(
    transport: EventTransport, avro_store: SchemaStore
) -> None:
    count = 0
    for message in transport:
        assert message.examples, f"{message.name} has no example to make a sample of"
        for example in message.examples:
            stem = samples_dir() / message.name / example.name
            event = decode_event(stem.with_suffix(".bin").read_bytes())
            written = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            assert event.type == written["type"] == message.name
            assert event.fingerprint == written["fingerprint"]
            assert event.fingerprint == example.headers["avro-fingerprint"]
            assert event.writer_version == written["writer_version"]
            assert written["record"] == example.payload, f"{stem}: not the example's payload"
            assert str(event.record["event_id"]) == written["record"]["event_id"]
            count += 1
    assert count == sum(len(m.examples) for m in transport) >= len(transport.messages)


def test_regenerating_gives_the_committed_bytes(
    transport: EventTransport, avro_store: SchemaStore
) -> None:
    for sample in samples(transport, avro_store):
        stem = samples_dir() / sample.stem
        assert stem.with_suffix(".bin").read_bytes() == sample.body, sample.stem
        assert stem.with_suffix(".json").read_text(encoding="utf-8") == sample.decoded


def test_check_names_a_changed_a_missing_and_a_stale_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "samples"
    shutil.copytree(samples_dir(), copy)
    assert main(["samples", str(copy), "--check"]) == 0
    body = copy / "RoomCreated" / "minimal.bin"
    body.write_bytes(body.read_bytes()[:-1] + bytes([body.read_bytes()[-1] ^ 1]))
    (copy / "RoomDeleted" / "deleted.json").unlink()
    (copy / "RoomDeleted" / "undeleted.bin").write_bytes(b"")
    assert main(["samples", str(copy), "--check"]) == 1
    err = capsys.readouterr().err
    assert "RoomCreated/minimal.bin: differs" in err
    assert "RoomDeleted/deleted.json: missing" in err
    assert "RoomDeleted/undeleted.bin: no example in the contract" in err
    assert main(["samples", str(copy)]) == 0
    (copy / "RoomDeleted" / "undeleted.bin").unlink()
    assert main(["samples", str(copy), "--check"]) == 0


def test_an_example_that_breaks_its_schema_is_refused_by_name(
    tmp_path: Path, avro_store: SchemaStore, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(asyncapi_path().read_text(encoding="utf-8"))
    example = document["components"]["messages"]["RoomDeleted"]["examples"][0]
    example["payload"]["version"] = "three"
    (tmp_path / "avro").symlink_to(asyncapi_path().parent / "avro")
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(SampleError, match="RoomDeleted/deleted: not a RoomDeleted v2 record"):
        list(samples(EventTransport.load(path), avro_store))
    assert main(["--asyncapi", str(path), "samples", str(tmp_path / "out")]) == 2
    assert "RoomDeleted/deleted" in capsys.readouterr().err


def test_decode_prints_the_event_and_refuses_what_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = samples_dir() / "RoomUpdated" / "priceLowered"
    assert main(["decode", str(stem.with_suffix(".bin"))]) == 0
    assert capsys.readouterr().out == stem.with_suffix(".json").read_text(encoding="utf-8")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\xc3\x01" + bytes(8) + b"\x00")
    assert main(["decode", str(junk)]) == 2
    assert "no stored schema has fingerprint 0000000000000000" in capsys.readouterr().err
