"""The application factory: connexion routes the contract to handlers that the injector fills."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import flask
from connexion import FlaskApp
from connexion.exceptions import ProblemException
from connexion.jsonifier import Jsonifier
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from flask_injector import FlaskInjector
from injector import Injector, get_bindings
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException

from rooms.bootstrap import OpenApiSpec, bootstrap
from rooms.config import Settings
from rooms.contract_files import openapi_path
from rooms.domain.errors import RoomError
from rooms.entrypoints import probe_handlers, room_handlers
from rooms.entrypoints.api_keys import api_key_handler_factory
from rooms.entrypoints.input_limits import InputLimits
from rooms.entrypoints.media_types import CanonicalMediaTypes
from rooms.entrypoints.problems import (
    connexion_problem_response,
    database_unavailable_handler,
    domain_error_response,
    http_exception_handler,
)
from rooms.entrypoints.request_middleware import RequestMiddleware
from rooms.entrypoints.request_validation import validator_map

HANDLER_MODULES: tuple[ModuleType, ...] = (room_handlers, probe_handlers)


def _snake_case(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


class InjectingResolver(Resolver):  # type: ignore[misc]
    """Finds `createRoom` as `create_room` in the handler modules and calls it through the injector.

    FlaskInjector only wraps the Flask views that exist when it starts; connexion 3 adds its
    views later and calls operation functions itself, so injection happens here instead.
    """

    def __init__(
        self, injector: Injector, modules: tuple[ModuleType, ...] = HANDLER_MODULES
    ) -> None:
        self._injector = injector
        self._modules = modules
        super().__init__(function_resolver=self._find)

    def _find(self, operation_id: str) -> Callable[..., Any]:
        name = _snake_case(operation_id)
        for module in self._modules:
            function = getattr(module, name, None)
            if callable(function):
                return self._injected(function)
        raise ImportError(f"no handler {name!r} for operationId {operation_id!r}")

    def _injected(self, function: Callable[..., Any]) -> Callable[..., Any]:
        injector = self._injector
        # What to inject, read once: call_with_injection reads the signature on every call.
        bindings = get_bindings(function)

        def call(*args: Any, **kwargs: Any) -> Any:
            if args:  # connexion passes keywords only; anything else takes the general path
                return injector.call_with_injection(function, args=args, kwargs=kwargs)
            for name, interface in bindings.items():
                if name not in kwargs:
                    kwargs[name] = injector.get(interface)
            return function(**kwargs)

        # connexion reads the signature to decide which request values to pass.
        call.__wrapped__ = function  # type: ignore[attr-defined]
        call.__name__ = function.__name__
        call.__doc__ = function.__doc__
        return call


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def allowed_methods_of(spec: OpenApiSpec) -> Callable[[str], list[str]]:
    """For a request path, the methods the spec documents on it (for a 405's Allow)."""
    templates = [
        (
            re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"),
            sorted(method.upper() for method in item if method in _METHODS),
        )
        for path, item in spec["paths"].items()
    ]

    def allowed(path: str) -> list[str]:
        return next((methods for pattern, methods in templates if pattern.match(path)), [])

    return allowed


class RoomsApp:
    """The ASGI application `rooms serve` runs, with handles on its parts for tests."""

    def __init__(self, settings: Settings, injector: Injector) -> None:
        self.settings = settings
        self.injector = injector
        # Build the engine (and migrate) now, not on the first request.
        injector.get(Engine)
        self.connexion_app = FlaskApp(
            __name__,
            specification_dir=str(openapi_path().parent),
            resolver=InjectingResolver(injector),
            validator_map=validator_map,
            security_map={"apiKey": api_key_handler_factory(settings.api_keys)},
            pythonic_params=True,
            # Compact JSON: connexion's default indent=2 makes the stdlib fall back from its
            # C encoder to the pure-Python one, a third of a list request's time.
            jsonifier=Jsonifier(flask.json),
        )
        self.connexion_app.add_api(
            injector.get(OpenApiSpec),  # the parsed spec: read once, shared with validators
            validate_responses=settings.validate_responses,
            swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
        )
        self.connexion_app.add_error_handler(ProblemException, connexion_problem_response)
        self.connexion_app.add_error_handler(
            HTTPException, http_exception_handler(allowed_methods_of(injector.get(OpenApiSpec)))
        )
        self.flask_app = self.connexion_app.app
        # Called, in order, once the server has stopped and its requests have finished.
        self.on_shutdown: list[Callable[[], None]] = []
        self.flask_app.register_error_handler(RoomError, domain_error_response)
        # A database that refuses, stalls, cuts or times out is an outage, not a bug: 503.
        # A cut inside a savepoint surfaces as PendingRollbackError, caused by the cut.
        outages = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
        unavailable = database_unavailable_handler(
            settings.db_timeouts.retry_after_seconds, outages
        )
        for error in (*outages, sa_exc.PendingRollbackError):
            self.flask_app.register_error_handler(error, unavailable)
        FlaskInjector(app=self.flask_app, injector=injector)
        self._asgi = RequestMiddleware(
            InputLimits(CanonicalMediaTypes(self.connexion_app), settings.limits),
            max_body_bytes=settings.max_body_bytes,
            body_timeout_seconds=settings.limits.body_timeout_seconds,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            receive = self._on_shutdown_message(receive)
        await self._asgi(scope, receive, send)

    def _on_shutdown_message(self, receive: Any) -> Any:
        """Run `on_shutdown` when the server says it is stopping: after in-flight requests."""

        async def wrapped() -> Any:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                for hook in self.on_shutdown:
                    await asyncio.to_thread(hook)
            return message

        return wrapped

    def close(self) -> None:
        """Release the database connections (tests and embedding servers call this)."""
        self.injector.get(Engine).dispose()


def create_app(settings: Settings | None = None, *, injector: Injector | None = None) -> RoomsApp:
    settings = settings or Settings.from_env()
    logging.getLogger("rooms").setLevel(settings.log_level)
    return RoomsApp(settings, injector or bootstrap(settings))
