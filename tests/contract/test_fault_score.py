"""The fault score's judge: only a failure that names the expected check counts as a catch."""

from __future__ import annotations

import pytest

from tests.contract.fault_score import VERDICTS, FaultJudge


def _judged(block_raises: BaseException | None, check: str = "paging") -> bool:
    judge = FaultJudge(test="tests/contract/test_fault_score.py::case")
    try:
        with judge.expect_caught(fault="a test fault", promise="paging", check=check):
            if block_raises is not None:
                raise block_raises
    except (AssertionError, pytest.fail.Exception):
        pass
    # This test's own verdicts must not join the session's score (a miss would fail the run).
    return VERDICTS.pop().caught


def test_a_failure_naming_the_check_is_a_catch() -> None:
    assert _judged(AssertionError("[paging] walking saw a room twice")) is True


def test_a_check_that_passes_is_a_miss() -> None:
    assert _judged(None) is False


def test_a_failure_naming_another_check_is_a_miss() -> None:
    assert _judged(AssertionError("[filters] a filter broke")) is False
