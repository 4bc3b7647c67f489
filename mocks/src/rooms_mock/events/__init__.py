"""The mock's events: what a stateful write emits, published to RabbitMQ or recorded in-process.

Nothing here is imported unless events are asked for (`--amqp-url`, `rooms-mock publish`,
`api.events`): the HTTP path stays as it was, and a mock without the `events` extra works.
"""

from __future__ import annotations

EXTRA = "rooms-mock[events]"


class EventsExtraMissing(RuntimeError):
    """The `events` extra (rooms-events, pika) is not installed."""


def require_extra(feature: str, modules: tuple[str, ...] = ("rooms_events", "pika")) -> None:
    """Raise a message naming the extra when what `feature` needs is not installed."""
    import importlib.util

    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise EventsExtraMissing(
            f"{feature} needs the events extra: pip install '{EXTRA}' "
            f"(missing: {', '.join(missing)}; from this repository: pip install ./events "
            "'./mocks[events]')"
        )
