"""The X-API-Key check: keys come from configuration and are compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from connexion.security import ApiKeySecurityHandler


def key_checker(keys: tuple[str, ...]) -> Callable[[str], dict[str, Any] | None]:
    encoded = [key.encode() for key in keys]

    def check(api_key: str) -> dict[str, Any] | None:
        given = api_key.encode()
        # Compare against every key, always, so timing says nothing about which one matched.
        matched = False
        for key in encoded:
            matched |= hmac.compare_digest(given, key)
        return {"sub": "api-key"} if matched else None

    return check


def api_key_handler_factory(keys: tuple[str, ...]) -> Callable[[], ApiKeySecurityHandler]:
    """A connexion security handler bound to `keys`, for `security_map={"apiKey": ...}`.

    The spec cannot name a function that knows the configured keys (x-apikeyInfoFunc is
    an import path), so the handler resolves to a closure instead.
    """
    check = key_checker(keys)

    class ConfiguredApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return check

    return ConfiguredApiKeyHandler
