"""The corpus of spec pairs: each known breaking or harmless change gives its expected verdict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from rooms.compat.change_report import Change, Severity, worst_severity
from rooms.compat.openapi_diff import diff_openapi

CORPUS = Path(__file__).with_name("corpus")
CASES = sorted(CORPUS.glob("*.yaml"))
CHANGED = [p for p in CASES if not p.stem.startswith("unchanged-")]
TODAY = dt.date(2026, 6, 1)  # sunsets in the corpus are judged on this date, not the clock's


def _document(partial: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "corpus", "version": "1"}, **partial}


def _verdict(changes: list[Change]) -> str:
    worst = worst_severity(changes)
    if worst is None:
        return "unchanged"
    return {Severity.BREAKING: "breaking", Severity.WARNING: "warning"}.get(worst, "compatible")


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return case


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_pair_gets_its_verdict_and_rules(case_path: Path) -> None:
    case = load_case(case_path)
    changes = diff_openapi(_document(case["base"]), _document(case["head"]), TODAY)
    reported = "\n".join(f"  {c.severity} {c.rule} at {c.location}: {c.message}" for c in changes)
    assert _verdict(changes) == case["expect"]["verdict"], reported
    assert {c.rule for c in changes} == set(case["expect"]["rules"]), reported


@pytest.mark.parametrize("case_path", CHANGED, ids=[p.stem for p in CHANGED])
def test_reversed_pair_is_not_silently_identical(case_path: Path) -> None:
    """Running a changed pair backwards must still see a change: the engine is not blind to it."""
    case = load_case(case_path)
    changes = diff_openapi(_document(case["head"]), _document(case["base"]), TODAY)
    assert changes, "the reversed pair reported nothing"


def test_corpus_names_match_verdicts() -> None:
    """File names start with the verdict, so a reader sees the expectation before opening one."""
    for path in CASES:
        assert path.stem.split("-", 1)[0] == load_case(path)["expect"]["verdict"], path.name


def test_corpus_covers_every_verdict_and_the_issue_rules() -> None:
    verdicts = {load_case(p)["expect"]["verdict"] for p in CASES}
    assert verdicts == {"unchanged", "compatible", "warning", "breaking"}
    rules = {rule for p in CASES for rule in load_case(p)["expect"]["rules"]}
    # The rules issue 8 names, each proven on at least one pair.
    required = {
        "operation-removed-without-deprecation",
        "operation-removed-before-sunset",
        "operation-removed-without-sunset",
        "operation-removed-after-sunset",
        "request-parameter-added-required",
        "request-required-property-added",
        "request-property-became-required",
        "request-minimum-tightened",
        "request-maximum-tightened",
        "request-max-length-tightened",
        "request-pattern-added",
        "request-enum-value-removed",
        "request-type-changed",
        "response-required-property-removed",
        "response-property-became-optional",
        "response-became-nullable",
        "response-enum-value-added",
        "response-success-status-removed",
        "response-media-type-removed",
        "security-added",
        "request-parameter-renamed",
        "request-parameter-moved",
        "path-parameter-renamed",
    }
    assert required <= rules, sorted(required - rules)
