"""Operation functions for the liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from injector import Inject
from sqlalchemy import Engine, func, select

from rooms.adapters.orm import outbox
from rooms.config import Settings

JSON = {"Content-Type": "application/json"}
# With a broker configured, this many unsent events means the relay is stuck, not busy.
MAX_OUTBOX_BACKLOG = 10_000


def health() -> tuple[dict[str, str], int, dict[str, str]]:
    return {"status": "ok"}, 200, JSON


def ready(
    engine: Inject[Engine], settings: Inject[Settings]
) -> tuple[dict[str, Any], int, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            backlog = connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        checks["database"] = "ok"
        if settings.amqp_url:
            checks["outbox"] = (
                "ok" if (backlog or 0) <= MAX_OUTBOX_BACKLOG else f"{backlog} events waiting"
            )
    except Exception as error:
        checks["database"] = f"{type(error).__name__}: {error}"[:500]
    status = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if status else "unavailable", "checks": checks}
    return body, 200 if status else 503, JSON
