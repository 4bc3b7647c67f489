"""The readiness check's proof that the broker speaks AMQP, not merely accepts TCP.

One bounded attempt: the AMQP handshake (TCP, TLS with amqps, Connection.Start/Tune/Open on
the URL's vhost and credentials), a channel, and the relay's own declare of its exchange
(same type and flags, so the check proves what the relay needs before it publishes, and a
mismatch shows here as the broker's 406). A passive declare was the alternative; it would
call a fresh broker unready until the relay's first event had declared the exchange.

Loaded only with ROOMS_AMQP_URL set, like the relay.
"""

from __future__ import annotations

import pika
from pika.exceptions import AMQPConnectionError

from rooms.adapters.amqp_publisher import bundled_transport, declare_exchange

# After the handshake pika notices a broker gone silent only by missed heartbeats, which it
# checks every heartbeat + 5 s: the shortest heartbeat bounds a stall there by about 6 s.
# (A stall before or during the handshake is bounded by `bound_seconds`.)
HEARTBEAT_SECONDS = 1


def amqp_handshake(url: str, exchange: str | None, bound_seconds: float) -> str:
    """`ok`, or why the handshake failed; what fails after it raises (the caller names it)."""
    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1  # the next probe is the retry
    parameters.socket_timeout = bound_seconds  # TCP connect
    parameters.stack_timeout = bound_seconds  # TCP, TLS and the AMQP handshake together
    parameters.blocked_connection_timeout = bound_seconds
    parameters.heartbeat = HEARTBEAT_SECONDS
    transport = bundled_transport()
    try:
        connection = pika.BlockingConnection(parameters)
    except Exception as error:
        # pika raises from several families here (AMQPConnectionError, its connection
        # workflow's stack time-out, OSError): each means the same, no AMQP broker in time.
        return f"no AMQP handshake: {_reason(error)}"
    try:
        declare_exchange(connection.channel(), exchange or transport.exchange, transport)
    finally:
        if connection.is_open:
            connection.close()
    return "ok"


def _reason(error: Exception) -> str:
    # AMQPConnectionError carries its cause (a refused socket, bad credentials) as text.
    if isinstance(error, AMQPConnectionError) and error.args and isinstance(error.args[0], str):
        return error.args[0][:300]
    return f"{type(error).__name__}: {error}"[:300]
