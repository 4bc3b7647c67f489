"""The ASGI entry for uvicorn: `uvicorn --factory rooms.entrypoints.asgi:create_app_from_env`."""

from __future__ import annotations

from rooms.entrypoints.app import RoomsApp, create_app


def create_app_from_env() -> RoomsApp:
    return create_app()
