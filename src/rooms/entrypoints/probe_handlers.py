"""Operation functions for the liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from injector import Inject
from sqlalchemy import Engine, text

JSON = {"Content-Type": "application/json"}


def health() -> tuple[dict[str, str], int, dict[str, str]]:
    return {"status": "ok"}, 200, JSON


def ready(engine: Inject[Engine]) -> tuple[dict[str, Any], int, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"{type(error).__name__}: {error}"[:500]
    status = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if status else "unavailable", "checks": checks}
    return body, 200 if status else 503, JSON
