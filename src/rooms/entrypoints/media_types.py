"""Request media types in one spelling before connexion reads them.

RFC 9110 makes a media type's type and subtype case-insensitive. connexion 3.3 accepts
`Application/JSON` as JSON but picks the body validator case-sensitively, so the handler
got raw bytes and answered 500. Lower-casing type and subtype here (parameters such as a
boundary keep their case) gives every spelling the same path as the canonical one.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

CONTENT_TYPE = b"content-type"


def canonical_content_type(value: bytes) -> bytes:
    media_type, separator, parameters = value.partition(b";")
    return media_type.strip().lower() + separator + parameters


class CanonicalMediaTypes:
    """ASGI layer: the request's Content-Type with its type and subtype in lower case."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(name == CONTENT_TYPE for name, _ in scope["headers"]):
            headers = [
                (name, canonical_content_type(value) if name == CONTENT_TYPE else value)
                for name, value in scope["headers"]
            ]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
