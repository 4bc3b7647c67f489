"""Operation functions for the liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from injector import Inject

from rooms.adapters.readiness import ReadinessChecks

JSON = {"Content-Type": "application/json"}


def health() -> tuple[dict[str, str], int, dict[str, str]]:
    # Liveness only: touching the database here would restart healthy processes in an outage.
    return {"status": "ok"}, 200, JSON


def ready(checks: Inject[ReadinessChecks]) -> tuple[dict[str, Any], int, dict[str, str]]:
    results = checks.run()
    status = all(value == "ok" for value in results.values())
    body = {"status": "ready" if status else "unavailable", "checks": results}
    return body, 200 if status else 503, JSON
