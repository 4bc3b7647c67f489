"""The report model shared by the contract guards: one `Change` per difference, with severity."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass


class Severity(enum.StrEnum):
    """How a change affects consumers that were written against the earlier version."""

    BREAKING = "breaking"  # some consumer that worked before fails now
    WARNING = "warning"  # a consumer may misbehave (e.g. a response enum grew); a human decides
    INFO = "info"  # compatible: worth a changelog line, never a failure


# Highest first, so sorting and "the worst severity" agree.
SEVERITY_ORDER = (Severity.BREAKING, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True, order=True)
class Change:
    """One difference between the two versions, classified by the rule that found it."""

    contract: str  # "openapi" or "avro"
    severity: Severity
    rule: str  # a stable identifier, e.g. "request-property-became-required"
    location: str  # where: "POST /rooms request body application/json: $.name"
    message: str

    def as_json(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    """Breaking first, then by contract and place, so the output reads the same every run."""
    return sorted(
        set(changes),
        key=lambda c: (SEVERITY_ORDER.index(c.severity), c.contract, c.location, c.rule, c.message),
    )


def worst_severity(changes: Iterable[Change]) -> Severity | None:
    present = {change.severity for change in changes}
    return next((severity for severity in SEVERITY_ORDER if severity in present), None)
