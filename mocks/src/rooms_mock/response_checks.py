"""Checking a real response against its operation (the validating proxy): a documented status,
a documented media type, a body valid against its schema, the required headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rooms_mock.operations import Operation, is_json_media
from rooms_mock.schemas import Violation

WHERE = "response"


def check_response(
    operation: Operation, status: int, headers: Mapping[str, str], body: bytes
) -> list[Violation]:
    """What the response breaks of the contract; `headers` with lower-case names."""
    spec = operation.response_for(status)
    if spec is None:
        documented = ", ".join(operation.responses)
        return [
            Violation(
                WHERE,
                "status",
                "undocumented-status",
                f"{operation.operation_id} documents {documented}, not {status}",
            )
        ]
    found: list[Violation] = []
    for header in spec.headers.values():
        if header.required and header.name.lower() not in headers:
            found.append(
                Violation(WHERE, f"header {header.name}", "required", "a required header is absent")
            )
    if not body:
        return found
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not spec.content:
        found.append(
            Violation(WHERE, "body", "no-content", f"{status} documents no body, but one came")
        )
        return found
    content = spec.content.get(media_type) or next(
        (c for m, c in spec.content.items() if m in ("*/*", media_type.split("/")[0] + "/*")),
        None,
    )
    if content is None:
        offered = ", ".join(spec.content)
        found.append(
            Violation(
                WHERE,
                "header content-type",
                "media-type",
                f"{media_type or 'no media type'} is not documented for {status}; "
                f"documented: {offered}",
            )
        )
        return found
    if not is_json_media(media_type) or content.validator is None:
        return found
    try:
        value = json.loads(body)
    except ValueError as error:
        found.append(Violation(WHERE, "body", "json", f"the body is not valid JSON: {error}"))
        return found
    if not content.validator.is_valid(value):
        found.extend(content.validator.violations(value, where=WHERE, prefix="body"))
    return found
