"""The suite's options for the event checks (registered by tests/contract/conftest.py)."""

from __future__ import annotations

import pytest


def add_event_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract")
    group.addoption(
        "--amqp-url",
        default=None,
        help="The provider's RabbitMQ: check the event each HTTP write emits (URL mode;"
        " in-process the suite uses its own broker, ROOMS_TEST_AMQP_URL).",
    )
    group.addoption(
        "--amqp-exchange",
        default=None,
        help="The provider's exchange (default: the one contracts/asyncapi.yaml names).",
    )
