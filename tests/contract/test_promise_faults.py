"""Each promise check catches a provider that breaks its promise, and says so by name.

The real app on a fresh database with one fault around it; the check must fail with its
own `[name]`. Every verdict joins the fault score printed at the end of the session.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from rooms.adapters.avro import AvroEventEncoder
from rooms.bootstrap import bootstrap
from rooms.entrypoints.app import create_app
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import UnitOfWorkFactory
from rooms_events import SchemaStore
from tests.conftest import API_KEY, make_settings, open_app
from tests.contract.fault_score import FaultJudge
from tests.contract.promise_checks import PROMISE_CHECKS
from tests.contract.promise_faults import PROMISE_FAULTS
from tests.contract.service_faults import SERVICE_FAULTS


@pytest.mark.parametrize(
    ("fault", "promise", "check", "wrap"), PROMISE_FAULTS, ids=[f[0] for f in PROMISE_FAULTS]
)
def test_the_promise_check_names_a_provider_that_breaks_it(
    fault: str,
    promise: str,
    check: str,
    wrap: Callable[[ASGIApp], ASGIApp],
    sqlite_url: str,
    avro_store: SchemaStore,
    fault_score: FaultJudge,
) -> None:
    with (
        open_app(sqlite_url, AvroEventEncoder(avro_store)) as app,
        TestClient(wrap(app)) as http,
        fault_score.expect_caught(fault=fault, promise=promise, check=check),
    ):
        PROMISE_CHECKS[check](http, API_KEY)


@pytest.mark.parametrize(
    ("fault", "promise", "check", "service"), SERVICE_FAULTS, ids=[f[0] for f in SERVICE_FAULTS]
)
def test_the_promise_check_names_a_service_that_breaks_it(
    fault: str,
    promise: str,
    check: str,
    service: type[RoomService],
    sqlite_url: str,
    avro_store: SchemaStore,
    fault_score: FaultJudge,
) -> None:
    chosen = make_settings(sqlite_url)
    injector = bootstrap(chosen, encoder=AvroEventEncoder(avro_store))
    # The same storage behind a service with one fault, bound where handlers look for it.
    injector.binder.bind(RoomService, to=service(injector.get(UnitOfWorkFactory)))
    app = create_app(chosen, injector=injector)
    try:
        with (
            TestClient(app) as http,
            fault_score.expect_caught(fault=fault, promise=promise, check=check),
        ):
            PROMISE_CHECKS[check](http, API_KEY)
    finally:
        app.close()
