"""The coverage report's event half: each message of asyncapi.yaml, by which suites, and how."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rooms_events.contract_files import samples_dir
from tests.contract_coverage import documented_events
from tests.contract_coverage.documented_events import (
    EventContractUnreadable,
    body_digest,
    messages,
)
from tests.contract_coverage.message_coverage import build_messages, load_message_exemptions
from tests.contract_coverage.report import main
from tests.unit.contract_coverage.test_report import every_documented_response

EMITTERS = {"RoomCreated": "createRoom", "RoomUpdated": "updateRoom", "RoomDeleted": "deleteRoom"}


def event(message: str, suite: str = "contract", **extra: Any) -> dict[str, Any]:
    return {
        "suite": suite,
        "kind": "event",
        "message": message,
        "operation": EMITTERS[message],
        "example": None,
        "body": body_digest(b"an event of a run"),
        **extra,
    }


def test_the_contracts_messages_their_examples_and_emitters_are_read() -> None:
    documented = messages()
    assert set(documented) == set(EMITTERS)
    assert documented["RoomCreated"].emitted_by == ("createRoom",)
    assert set(documented["RoomCreated"].examples) == {"centralFlat", "minimal"}
    assert all(digest for m in documented.values() for digest in m.examples.values())


def test_a_message_no_suite_exercised_is_uncovered() -> None:
    report = build_messages([event("RoomCreated"), event("RoomUpdated", "pact")], exempt={})
    assert report["uncovered_messages"] == ["RoomDeleted"]
    assert report["messages"]["RoomUpdated"]["suites"] == ["pact"]
    assert report["summary"]["messages"] == [2, 3]


def test_http_exchanges_are_not_events() -> None:
    report = build_messages(every_documented_response(), exempt={})
    assert sorted(report["uncovered_messages"]) == sorted(EMITTERS)
    assert report["suites"] == []


def test_an_exemption_with_its_reason_excuses_the_gap() -> None:
    report = build_messages([], exempt={name: "not yet emitted" for name in EMITTERS})
    assert report["uncovered_messages"] == []
    assert report["messages"]["RoomDeleted"]["exempt"] == "not yet emitted"


def test_an_emitting_operation_counts_only_for_its_own_writes() -> None:
    report = build_messages([event("RoomCreated", operation=None)], exempt={})
    assert report["messages"]["RoomCreated"]["suites"] == ["contract"]
    assert report["messages"]["RoomCreated"]["emitted_by"] == {"createRoom": []}


def test_an_example_counts_by_its_sample_bytes_or_its_name() -> None:
    sample = (samples_dir() / "RoomCreated" / "minimal.bin").read_bytes()
    records = [
        event("RoomCreated", "mock-stateful", body=body_digest(sample)),
        event("RoomCreated", "pact", example="centralFlat"),
        event("RoomCreated", "contract", body=body_digest(sample + b"\x00")),
    ]
    examples = build_messages(records, exempt={})["messages"]["RoomCreated"]["examples"]
    assert examples == {"centralFlat": ["pact"], "minimal": ["mock-stateful"]}


def test_a_message_exemption_needs_a_reason(tmp_path: Path) -> None:
    listed = tmp_path / "exemptions.yaml"
    listed.write_text("- message: RoomDeleted\n  reason: ''\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="needs a reason"):
        load_message_exemptions(listed)


@pytest.fixture
def fresh_messages() -> Iterator[None]:
    messages.cache_clear()
    yield
    messages.cache_clear()


def test_a_contract_without_messages_stops_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_messages: None
) -> None:
    empty = tmp_path / "asyncapi.yaml"
    empty.write_text("asyncapi: 3.0.0\n", encoding="utf-8")
    monkeypatch.setattr(documented_events, "asyncapi_path", lambda: empty)
    with pytest.raises(EventContractUnreadable, match=r"no components\.messages"):
        messages()


def _reports(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    (tmp_path / "coverage").mkdir()
    (tmp_path / "coverage" / "contract.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records), encoding="utf-8"
    )
    return tmp_path


def test_the_command_fails_naming_an_unexercised_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [*every_documented_response(), event("RoomCreated"), event("RoomUpdated")]
    assert main(["--reports", str(_reports(tmp_path, records))]) == 1
    out, err = capsys.readouterr()
    assert "FAIL: message RoomDeleted" in err
    assert "RoomDeleted  (any)" in out
    assert "NOT EXERCISED" in out
    written = json.loads((tmp_path / "contract-coverage.json").read_text(encoding="utf-8"))
    assert written["events"]["uncovered_messages"] == ["RoomDeleted"]
    html = (tmp_path / "contract-coverage.html").read_text(encoding="utf-8")
    assert "message <code>RoomDeleted</code>" in html


def test_the_command_passes_when_every_message_was_exercised(tmp_path: Path) -> None:
    records = [*every_documented_response(), *(event(name) for name in EMITTERS)]
    assert main(["--reports", str(_reports(tmp_path, records))]) == 0
