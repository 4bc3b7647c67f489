"""The one error a spec can raise: it cannot be served, and the message says why in one line."""

from __future__ import annotations


class SpecError(Exception):
    """The document cannot be served: not found, not OpenAPI 3, or a `$ref` that leads nowhere."""
