"""The one place where the object graph is built: settings in, an injector out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from injector import Binder, Injector, Module, provider, singleton
from sqlalchemy import Engine

from rooms.adapters.database import make_engine, upgrade
from rooms.config import Settings
from rooms.contract_files import openapi_path
from rooms.entrypoints.openapi_schema import component_schema
from rooms.entrypoints.room_handlers import RoomInputSchema
from rooms.service_layer.event_encoding import EventEncoder
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import (
    AbstractUnitOfWork,
    SqlAlchemyUnitOfWork,
    UnitOfWorkFactory,
)


class OpenApiSpec(dict[str, Any]):
    """The parsed contracts/openapi.yaml (a distinct type so the injector can provide it)."""


def load_spec() -> OpenApiSpec:
    with openapi_path().open(encoding="utf-8") as spec_file:
        return OpenApiSpec(yaml.safe_load(spec_file))


def default_encoder() -> EventEncoder:
    from rooms.adapters.avro import AvroEventEncoder

    return AvroEventEncoder()


class RoomsModule(Module):
    """Bindings for the service. Tests pass their own encoder or engine to swap an adapter."""

    def __init__(
        self,
        settings: Settings,
        *,
        encoder: EventEncoder | None = None,
        engine: Engine | None = None,
    ) -> None:
        self._settings = settings
        self._encoder = encoder
        self._engine = engine

    def configure(self, binder: Binder) -> None:
        binder.bind(Settings, to=self._settings)

    @singleton
    @provider
    def engine(self) -> Engine:
        engine = self._engine or make_engine(
            self._settings.database_url, self._settings.db_timeouts
        )
        if self._settings.auto_migrate:
            upgrade(engine)
        return engine

    @singleton
    @provider
    def encoder(self) -> EventEncoder:
        return self._encoder or default_encoder()

    @singleton
    @provider
    def uow_factory(self, engine: Engine, encoder: EventEncoder) -> UnitOfWorkFactory:
        def factory(*, read_only: bool = False) -> AbstractUnitOfWork:
            return SqlAlchemyUnitOfWork(engine, encoder, read_only=read_only)

        return factory

    @singleton
    @provider
    def room_service(self, uow_factory: UnitOfWorkFactory) -> RoomService:
        return RoomService(uow_factory)

    @singleton
    @provider
    def room_input_schema(self, spec: OpenApiSpec) -> RoomInputSchema:
        return RoomInputSchema(component_schema(spec, "RoomInput"))

    @singleton
    @provider
    def spec(self) -> OpenApiSpec:
        return load_spec()


def bootstrap(
    settings: Settings,
    *,
    encoder: EventEncoder | None = None,
    engine: Engine | None = None,
    overrides: Sequence[Module] = (),
) -> Injector:
    """The injector for `settings`; `overrides` rebind what they name (tests use this)."""
    return Injector([RoomsModule(settings, encoder=encoder, engine=engine), *overrides])
