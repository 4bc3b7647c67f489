"""The deprecation policy, one rule for every element a consumer can rely on.

An operation, a parameter, a request body property, a response property or a response header
may be removed without breaking anyone only after it was released with `deprecated: true`
and an `x-sunset` date, and that date has passed. Removed while deprecated but before its
sunset, or deprecated without a usable sunset, it is breaking. Removed without ever being
deprecated, the element keeps the verdict its own rule gives (an operation, a required
response property or a required header is breaking; an optional one a warning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rooms.compat.change_report import Severity
from rooms.compat.openapi_resolve import Node


def sunset(value: Node) -> dt.date | None:
    """`x-sunset` as a date: YAML gives a date for `2026-06-30`, a string when quoted."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def is_deprecated(node: Node) -> bool:
    return isinstance(node, Mapping) and node.get("deprecated") is True


@dataclass(frozen=True)
class Removal:
    """The verdict on removing one element: `rule` is a suffix, e.g. "removed-before-sunset"."""

    severity: Severity
    rule: str
    message: str


def judge_removal(node: Mapping[str, Node], today: dt.date, what: str) -> Removal:
    """How removing `node` (an element of the earlier version) affects its consumers."""
    sunset_value = node.get("x-sunset")
    date = sunset(sunset_value)
    if not is_deprecated(node):
        return Removal(
            Severity.BREAKING,
            "removed-without-deprecation",
            f"{what} removed without first being released as deprecated",
        )
    if date is None:
        detail = "no x-sunset" if sunset_value is None else f"x-sunset {sunset_value!r}, not a date"
        return Removal(
            Severity.BREAKING,
            "removed-without-sunset",
            f"{what} removed: it was deprecated but had {detail}",
        )
    if date > today:
        return Removal(
            Severity.BREAKING,
            "removed-before-sunset",
            f"{what} removed before its sunset date {date.isoformat()}",
        )
    return Removal(
        Severity.INFO,
        "removed-after-sunset",
        f"{what} removed after its sunset date {date.isoformat()}",
    )


def judge_deprecation(
    old: Mapping[str, Node], new: Mapping[str, Node], what: str
) -> Removal | None:
    """An element kept in both versions that became deprecated (or stopped being): deprecating
    without a sunset is a warning, since the element can then never be removed."""
    if is_deprecated(new) and not is_deprecated(old):
        date = sunset(new.get("x-sunset"))
        if date is None:
            return Removal(
                Severity.WARNING,
                "deprecated-without-sunset",
                f"{what} deprecated without an x-sunset date, so it can never be removed",
            )
        return Removal(Severity.INFO, "deprecated", f"{what} deprecated, sunset {date.isoformat()}")
    if is_deprecated(old) and not is_deprecated(new):
        return Removal(Severity.INFO, "reactivated", f"{what} no longer deprecated")
    return None
