"""Form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`) read into the object
their schema describes, so they are validated like JSON bodies.

Each field's text is read as its schema's type; a file part is kept as its bytes' text (a
`format: binary` string). Repeated fields make an array where the schema wants one.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

from rooms_mock.values import coerce


def read_form(
    media_type: str, content_type: str, body: bytes, fields: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    """The form's fields by name; raises ValueError when the body is not such a form."""
    if media_type == "multipart/form-data":
        values = _multipart(content_type, body)
    else:
        values = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    found: dict[str, Any] = {}
    for name, texts in values.items():
        kind, item_kind = fields.get(name, ("string", "string"))
        if kind == "array":
            found[name] = [coerce(text, item_kind) for text in texts]
        else:
            found[name] = coerce(texts[0], kind)
    return found


def _multipart(content_type: str, body: bytes) -> dict[str, list[str]]:
    if "boundary=" not in content_type:
        raise ValueError("a multipart/form-data body needs a boundary in its Content-Type")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    values: dict[str, list[str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        text = data.decode("latin-1") if part.get_filename() else data.decode("utf-8", "replace")
        values.setdefault(name, []).append(text)
    return values
