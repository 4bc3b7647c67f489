"""The coverage report's join: statuses, links and the exemptions that excuse a gap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.contract_coverage.documented import fingerprint, operations
from tests.contract_coverage.report import build, main


def exchange(operation: str, status: str, suite: str = "contract", **extra: Any) -> dict[str, Any]:
    return {
        "suite": suite,
        "operation": operation,
        "status": status,
        "request_type": None,
        "response_type": "application/json",
        "parameters": {},
        "request_body": None,
        "response_body": None,
        "link_sources": {},
        **extra,
    }


def every_documented_response(suite: str = "contract") -> list[dict[str, Any]]:
    return [
        exchange(op_id, status, suite)
        for op_id, operation in operations().items()
        for status in operation.statuses
    ]


def test_a_documented_response_no_suite_exercised_is_uncovered() -> None:
    records = [
        r
        for r in every_documented_response()
        if (r["operation"], r["status"]) != ("getRoom", "404")
    ]
    report = build(records, exempt={})
    assert report["uncovered_responses"] == [{"operation": "getRoom", "status": "404"}]


def test_an_exemption_with_its_reason_excuses_the_gap() -> None:
    records = [r for r in every_documented_response() if r["status"] != "404"]
    report = build(records, exempt={("*", "404"): "no such room is hard to find"})
    assert report["uncovered_responses"] == []
    assert (
        report["operations"]["getRoom"]["statuses"]["404"]["exempt"]
        == "no such room is hard to find"
    )


def test_a_link_counts_only_when_the_target_used_the_value_the_source_gave() -> None:
    room = fingerprint("0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01")
    created = exchange("createRoom", "201", link_sources={"GetRoomById": {"path:roomId": room}})
    followed = build([created, exchange("getRoom", "200", parameters={"path:roomId": room})], {})
    elsewhere = build(
        [created, exchange("getRoom", "200", parameters={"path:roomId": fingerprint("other")})], {}
    )
    link = "201 GetRoomById -> getRoom"
    assert followed["operations"]["createRoom"]["links"][link] == ["contract"]
    assert elsewhere["operations"]["createRoom"]["links"][link] == []


def test_the_command_fails_naming_the_gap_and_writes_json_and_html(tmp_path: Path) -> None:
    (tmp_path / "coverage").mkdir()
    records = [r for r in every_documented_response("pact") if r["operation"] != "health"]
    (tmp_path / "coverage" / "pact.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records), encoding="utf-8"
    )
    assert main(["--reports", str(tmp_path)]) == 1
    written = json.loads((tmp_path / "contract-coverage.json").read_text(encoding="utf-8"))
    assert {"operation": "health", "status": "200"} in written["uncovered_responses"]
    assert "<h1>" in (tmp_path / "contract-coverage.html").read_text(encoding="utf-8")


def test_no_recordings_is_an_error_not_an_empty_report(tmp_path: Path) -> None:
    assert main(["--reports", str(tmp_path)]) == 2
