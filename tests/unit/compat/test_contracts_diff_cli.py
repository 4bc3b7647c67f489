"""`rooms contracts diff` end to end: git refs or paths in, text or JSON out, an exit status."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.compat import contracts_diff
from rooms.compat.avro_contracts_diff import PairCheck
from rooms.compat.change_report import Change, Severity
from rooms.compat.contracts_diff import diff_contracts, installed_avro_check
from rooms.entrypoints.cli import main

TODAY = dt.date(2026, 6, 1)
SPEC_V1 = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/rooms": {
            "get": {"responses": {"200": {"description": "ok"}}},
            "post": {"responses": {"201": {"description": "created"}}},
        }
    },
}


def _spec(**changes: object) -> dict[str, object]:
    return {**SPEC_V1, **changes}


ROOM_CREATED_V1: dict[str, Any] = {
    "type": "record",
    "name": "RoomCreated",
    "namespace": "rooms.events",
    "fields": [{"name": "room_id", "type": "string", "doc": "the room"}],
}
ROOM_CREATED_V2 = {
    **ROOM_CREATED_V1,
    "fields": [
        *ROOM_CREATED_V1["fields"],
        {"name": "city", "type": ["null", "string"], "default": None},
    ],
}

SPEC_WITHOUT_POST = _spec(paths={"/rooms": {"get": {"responses": {"200": {"description": "ok"}}}}})
SPEC_DEPRECATING_GET = _spec(
    paths={
        "/rooms": {
            "get": {"deprecated": True, "responses": {"200": {"description": "ok"}}},
            "post": {"responses": {"201": {"description": "created"}}},
        }
    }
)


def git(repo: Path, *args: str) -> str:
    # A fixed git command line on a temporary repository the test made.
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def write_contracts(
    repo: Path, spec: dict[str, object], avro: dict[str, str] | None = None
) -> None:
    contracts = repo / "contracts"
    contracts.mkdir(exist_ok=True)
    (contracts / "openapi.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    for name, text in (avro or {}).items():  # name: "<Schema>/v<N>.avsc", as the store lays out
        (contracts / "avro" / name).parent.mkdir(parents=True, exist_ok=True)
        (contracts / "avro" / name).write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("before the contracts\n", encoding="utf-8")
    commit(root, "no contracts yet")
    git(root, "tag", "pre-contracts")
    write_contracts(root, SPEC_V1, {"RoomCreated/v1.avsc": json.dumps(ROOM_CREATED_V1)})
    commit(root, "v1")
    git(root, "tag", "v1")
    return root


def run(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contracts", "diff", "--repo", str(repo), *args])
    return result.exit_code, result.output


def test_working_tree_equal_to_ref_passes(repo: Path) -> None:
    code, output = run(repo, "v1")
    assert code == 0, output
    assert "verdict: unchanged" in output


def test_breaking_working_tree_fails_with_rule_and_location(repo: Path) -> None:
    write_contracts(repo, SPEC_WITHOUT_POST)
    code, output = run(repo, "v1")
    assert code == 1, output
    assert "operation-removed-without-deprecation" in output
    assert "POST /rooms" in output


def test_two_refs_compared_in_order(repo: Path) -> None:
    write_contracts(repo, SPEC_WITHOUT_POST)
    commit(repo, "drop POST")
    assert run(repo, "v1", "HEAD")[0] == 1
    code, output = run(repo, "HEAD", "v1")  # the other way round, POST comes back
    assert code == 0, output
    assert "operation-added" in output


def test_json_output(repo: Path) -> None:
    write_contracts(repo, SPEC_WITHOUT_POST)
    code, output = run(repo, "v1", "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["verdict"] == "breaking"
    assert report["counts"]["breaking"] == 1
    [change] = report["changes"]
    assert change == {
        "contract": "openapi",
        "severity": "breaking",
        "rule": "operation-removed-without-deprecation",
        "location": "POST /rooms",
        "message": change["message"],
    }


def test_warning_passes_unless_asked_to_fail(repo: Path) -> None:
    write_contracts(repo, SPEC_DEPRECATING_GET)  # deprecated without x-sunset: a warning
    assert run(repo, "v1")[0] == 0
    code, output = run(repo, "v1", "--fail-on", "warning")
    assert code == 1, output
    assert "operation-deprecated-without-sunset" in output


def test_sunset_judged_on_the_date_given(repo: Path) -> None:
    sunsetting = _spec(
        paths={
            "/rooms": {
                "get": {"responses": {"200": {"description": "ok"}}},
                "post": {
                    "deprecated": True,
                    "x-sunset": "2026-03-31",
                    "responses": {"201": {"description": "created"}},
                },
            }
        }
    )
    write_contracts(repo, sunsetting)
    commit(repo, "deprecate POST with a sunset")
    git(repo, "tag", "v2")
    write_contracts(repo, SPEC_WITHOUT_POST)
    assert run(repo, "v2", "--today", "2026-03-30")[0] == 1
    code, output = run(repo, "v2", "--today", "2026-04-01")
    assert code == 0, output
    assert "operation-removed-after-sunset" in output


def test_two_paths_need_no_repository(tmp_path: Path) -> None:
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(yaml.safe_dump(SPEC_V1), encoding="utf-8")
    head.write_text(yaml.safe_dump(SPEC_WITHOUT_POST), encoding="utf-8")
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head)])
    assert result.exit_code == 1, result.output
    assert "operation-removed-without-deprecation" in result.output


def test_unknown_ref_is_an_error_not_a_pass(repo: Path) -> None:
    code, output = run(repo, "no-such-ref")
    assert code == 2
    assert "neither an existing path nor a git ref" in output


def test_unresolvable_ref_in_the_spec_is_an_error(repo: Path) -> None:
    broken = _spec(
        paths={"/rooms": {"get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}}}
    )
    write_contracts(repo, broken)
    code, output = run(repo, "v1")
    assert code == 2
    assert "points at nothing" in output


def test_base_before_the_contracts_existed(repo: Path) -> None:
    code, output = run(repo, "pre-contracts")
    assert code == 0, output
    assert "contract-added" in output


def test_contract_deleted_is_breaking(repo: Path) -> None:
    (repo / "contracts" / "openapi.yaml").unlink()
    code, output = run(repo, "v1")
    assert code == 1
    assert "contract-removed" in output


def test_avro_check_gets_both_trees_and_its_verdict_counts(repo: Path) -> None:
    write_contracts(repo, SPEC_V1, {"RoomCreated/v2.avsc": json.dumps(ROOM_CREATED_V2)})
    seen: list[tuple[set[str], set[str]]] = []

    def fake_check(old: Path | None, new: Path) -> list[Change]:
        assert old is not None
        seen.append(
            (
                {str(p.relative_to(old)) for p in old.rglob("*.avsc")},
                {str(p.relative_to(new)) for p in new.rglob("*.avsc")},
            )
        )
        return [Change("avro", Severity.BREAKING, "avro-incompatible", "RoomCreated", "v2")]

    report = diff_contracts("v1", None, repo=repo, today=TODAY, avro_check=fake_check)
    assert seen == [({"RoomCreated/v1.avsc"}, {"RoomCreated/v1.avsc", "RoomCreated/v2.avsc"})]
    assert report.verdict == "breaking"
    assert report.notes == []


def _asking(reasons: list[str]) -> tuple[PairCheck, list[tuple[Any, Any, str]]]:
    asked: list[tuple[Any, Any, str]] = []

    def pair_check(earlier: Any, new: Any, mode: str) -> list[str]:
        asked.append((earlier, new, mode))
        return reasons

    return pair_check, asked


def test_new_avro_version_is_put_to_the_pair_checker(repo: Path) -> None:
    write_contracts(repo, SPEC_V1, {"RoomCreated/v2.avsc": json.dumps(ROOM_CREATED_V2)})
    pair_check, asked = _asking(["field city: no default"])
    report = diff_contracts(
        "v1", None, repo=repo, today=TODAY, avro_check=installed_avro_check(pair_check)
    )
    [(earlier, new, mode)] = asked
    assert (earlier["fields"], new["fields"], mode) == (
        ROOM_CREATED_V1["fields"],
        ROOM_CREATED_V2["fields"],
        "FULL_TRANSITIVE",
    )
    assert report.verdict == "breaking"
    assert "avro-incompatible-version" in {c.rule for c in report.changes}


def test_editing_a_released_avro_version_is_breaking_through_the_real_store(repo: Path) -> None:
    edited = {**ROOM_CREATED_V1, "fields": [{"name": "room_id", "type": "long"}]}
    write_contracts(repo, SPEC_V1, {"RoomCreated/v1.avsc": json.dumps(edited)})
    pair_check, asked = _asking([])
    report = diff_contracts(
        "v1", None, repo=repo, today=TODAY, avro_check=installed_avro_check(pair_check)
    )
    assert [c.rule for c in report.changes] == ["avro-released-version-changed"]
    assert asked == []


def test_rewording_a_released_avro_doc_is_not_a_change(repo: Path) -> None:
    reworded = {
        **ROOM_CREATED_V1,
        "doc": "now documented",
        "fields": [{"name": "room_id", "type": "string", "doc": "the room's id"}],
    }
    write_contracts(repo, SPEC_V1, {"RoomCreated/v1.avsc": json.dumps(reworded)})
    report = diff_contracts(
        "v1", None, repo=repo, today=TODAY, avro_check=installed_avro_check(_asking([])[0])
    )
    assert report.changes == []


def test_without_a_checker_new_versions_are_flagged_and_noted(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contracts_diff, "installed_pair_check", lambda: None)
    write_contracts(repo, SPEC_V1, {"RoomCreated/v2.avsc": json.dumps(ROOM_CREATED_V2)})
    report = diff_contracts("v1", None, repo=repo, today=TODAY)
    assert report.notes == [contracts_diff.AVRO_UNCHECKED_NOTE]
    assert ("avro-version-unchecked", "warning") in {(c.rule, c.severity) for c in report.changes}
    assert report.verdict == "warning"


def test_avro_through_the_cli_with_the_installed_store(repo: Path) -> None:
    edited = {**ROOM_CREATED_V1, "fields": [{"name": "room_id", "type": "long"}]}
    write_contracts(repo, SPEC_V1, {"RoomCreated/v1.avsc": json.dumps(edited)})
    code, output = run(repo, "v1")
    assert code == 1, output
    assert "avro-released-version-changed" in output
    assert "rooms.events.RoomCreated v1" in output


def test_absurdly_deep_schema_is_refused_cleanly(tmp_path: Path) -> None:
    depth = 5000
    schema = '{"type": "object", "properties": {"a": ' * depth + '{"type": "string"}' + "}}" * depth
    body = f'{{"content": {{"application/json": {{"schema": {schema}}}}}}}'
    operation = f'{{"requestBody": {body}, "responses": {{"201": {{"description": "c"}}}}}}'
    document = (
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, '
        f'"paths": {{"/rooms": {{"post": {operation}}}}}}}'
    )
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(document, encoding="utf-8")  # JSON is YAML, and built as text it has no limit
    head.write_text(document, encoding="utf-8")
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head)])
    assert result.exit_code == 2, result.output
    assert "nested too deeply" in result.output
