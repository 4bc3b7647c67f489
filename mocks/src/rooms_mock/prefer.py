"""The `Prefer` request header as Prism reads it: `code=404`, `example=name`, `dynamic=true`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Preference:
    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None  # None: as the server was started


def parse_prefer(header: str) -> Preference:
    """`Prefer: code=404, example=noSuchRoom` (commas or semicolons; unknown members ignored)."""
    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        value = value.strip().strip('"')
        name = name.strip().lower()
        if name == "code" and value.isdigit():
            code = int(value)
        elif name == "example" and value:
            example = value
        elif name == "dynamic":
            dynamic = value.lower() == "true"
    return Preference(code, example, dynamic)
