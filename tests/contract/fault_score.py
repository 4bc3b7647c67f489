"""The fault score: each deliberately broken provider, whether the suite caught it, and by what.

A registry any fault set joins: a test judges its fault with the `fault_score` fixture
(`with fault_score.expect_caught(fault=..., promise=..., check=..., fault_set="events")`, or
`fault_score.record(...)` when the check reports another way), and at the end of the session
pytest prints one table of every verdict and fails the run if any fault was missed.
A check names itself in its failure (`[check] ...`, or the title schemathesis prints), so a
failure for another reason does not count as a catch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Verdict:
    fault_set: str
    fault: str
    promise: str
    caught: bool
    test: str
    check: str
    detail: str


VERDICTS: list[Verdict] = []


@dataclass
class FaultJudge:
    """Records verdicts for one test (its node id is the `test` column)."""

    test: str

    def record(
        self, *, fault_set: str, fault: str, promise: str, check: str, caught: bool, detail: str
    ) -> None:
        VERDICTS.append(Verdict(fault_set, fault, promise, caught, self.test, check, detail))

    @contextmanager
    def expect_caught(
        self, *, fault: str, promise: str, check: str, fault_set: str = "http"
    ) -> Iterator[None]:
        """The block must fail with an AssertionError naming `[check]`; anything else is a miss."""
        verdict = {"fault_set": fault_set, "fault": fault, "promise": promise, "check": check}
        try:
            yield
        except AssertionError as error:
            named = f"[{check}]" in str(error)
            first_line = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            self.record(**verdict, caught=named, detail=first_line)
            if not named:
                raise AssertionError(f"{fault}: failed, but not by the check {check}") from error
            return
        self.record(**verdict, caught=False, detail="the check passed the broken provider")
        pytest.fail(f"{fault}: the check {check} passed a broken provider")


@pytest.fixture
def fault_score(request: pytest.FixtureRequest) -> FaultJudge:
    return FaultJudge(test=request.node.nodeid)


class FaultScorePlugin:
    """Prints the score table after the tests and turns any miss into a failed session."""

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not VERDICTS:
            return
        caught = sum(v.caught for v in VERDICTS)
        terminalreporter.section(f"fault score: {caught} of {len(VERDICTS)} faults caught")
        rows = [("set", "fault", "promise", "verdict", "check", "test")]
        rows += [
            (
                v.fault_set,
                v.fault,
                v.promise,
                "caught" if v.caught else "MISSED",
                v.check,
                v.test.split("[", 1)[0].rsplit("/", 1)[-1],  # the fault column names the case
            )
            for v in sorted(VERDICTS, key=lambda v: (v.fault_set, v.promise, v.fault))
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            terminalreporter.write_line(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
            if n == 0:
                terminalreporter.write_line("  ".join("-" * width for width in widths))
        for verdict in VERDICTS:
            if not verdict.caught:
                terminalreporter.write_line(f"MISSED {verdict.fault}: {verdict.detail}", red=True)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if any(not v.caught for v in VERDICTS) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
