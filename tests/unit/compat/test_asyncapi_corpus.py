"""The corpus of AsyncAPI pairs: each known breaking or harmless change to the event transport
gives its expected verdict and exactly its rules."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import rooms.compat
from rooms.compat.asyncapi_diff import diff_asyncapi
from rooms.compat.asyncapi_model import AsyncApiDocument, AsyncApiError, parse_asyncapi
from rooms.compat.change_report import Change, Severity, worst_severity

CORPUS = Path(__file__).with_name("asyncapi_corpus")
TODAY = dt.date(2026, 6, 1)  # sunsets in the corpus are judged on this date, not the clock's
CASES = sorted(CORPUS.glob("*.yaml"))
CHANGED = [p for p in CASES if not p.stem.startswith("unchanged-")]


# libyaml when installed: the corpus is read once per test, a few hundred times in all.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_case(path: Path) -> dict[str, Any]:
    # Parsed afresh each time: a test may not see another's changes to a shared dict.
    case: dict[str, Any] = yaml.load(_read(path), Loader=_LOADER)  # noqa: S506 (a safe loader)
    return case


def document(partial: dict[str, Any], files: dict[str, Any], label: str) -> AsyncApiDocument:
    """A corpus side as a full document; payload `$ref`s to files are read from the case."""

    def load(ref: str) -> Any:
        name = ref.removeprefix("./")
        if name not in files:
            raise AsyncApiError(f"$ref {ref!r} points at no file")
        return files[name]

    full = {"asyncapi": "3.0.0", "info": {"title": "corpus", "version": "1"}, **partial}
    return parse_asyncapi(full, label, load)


def verdict(changes: list[Change]) -> str:
    worst = worst_severity(changes)
    if worst is None:
        return "unchanged"
    return {Severity.BREAKING: "breaking", Severity.WARNING: "warning"}.get(worst, "compatible")


def compare(case: dict[str, Any], *, reverse: bool = False) -> list[Change]:
    files = case.get("files") or {}
    base, head = document(case["base"], files, "base"), document(case["head"], files, "head")
    return diff_asyncapi(head, base, TODAY) if reverse else diff_asyncapi(base, head, TODAY)


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_pair_gets_its_verdict_and_rules(case_path: Path) -> None:
    case = load_case(case_path)
    changes = compare(case)
    reported = "\n".join(f"  {c.severity} {c.rule} at {c.location}: {c.message}" for c in changes)
    assert verdict(changes) == case["expect"]["verdict"], reported
    assert {c.rule for c in changes} == set(case["expect"]["rules"]), reported
    assert all(c.contract == "asyncapi" for c in changes)


@pytest.mark.parametrize("case_path", CHANGED, ids=[p.stem for p in CHANGED])
def test_reversed_pair_is_not_silently_identical(case_path: Path) -> None:
    """Running a changed pair backwards must still see a change: the engine is not blind to it."""
    assert compare(load_case(case_path), reverse=True), "the reversed pair reported nothing"


def test_corpus_names_match_verdicts() -> None:
    for path in CASES:
        assert path.stem.split("-", 1)[0] == load_case(path)["expect"]["verdict"], path.name


def test_corpus_covers_every_verdict_and_the_issue_rules() -> None:
    verdicts = {load_case(p)["expect"]["verdict"] for p in CASES}
    assert verdicts == {"unchanged", "compatible", "warning", "breaking"}
    rules = {rule for p in CASES for rule in load_case(p)["expect"]["rules"]}
    # What issue 12 names: a channel, operation or message removed, a routing key or exchange
    # changed, a required header removed, a payload moved to an incompatible schema.
    required = {
        "channel-removed",
        "operation-removed",
        "message-removed",
        "operation-message-removed",
        "channel-address-changed",
        "operation-routing-key-removed",
        "exchange-name-changed",
        "exchange-type-changed",
        "exchange-durability-changed",
        "message-required-header-removed",
        "message-header-became-optional",
        "message-payload-incompatible",
        "channel-added",
        "operation-added",
        "message-header-added",
    }
    assert required <= rules, sorted(required - rules)


def test_every_rule_the_guard_can_name_is_proven_by_a_pair() -> None:
    """Each rule id written in the AsyncAPI modules appears in some pair's expected rules, so
    deleting a rule's code fails that pair (rules named by the schema engine are derived)."""
    package = Path(rooms.compat.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("asyncapi_*.py"))
    named = set(re.findall(r'"((?:channel|operation|message|exchange)-[a-z-]*[a-z])"', source))
    proven = {rule for p in CASES for rule in load_case(p)["expect"]["rules"]}
    assert len(named) > 30, "the scan found too few rules to mean anything"
    assert named <= proven, sorted(named - proven)
