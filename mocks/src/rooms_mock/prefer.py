"""The `Prefer` request header as Prism reads it: `code=404`, `example=name`, `dynamic=true`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Preference:
    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None  # None: as the server was started
    error: str | None = None  # a member the mock cannot read, refused rather than ignored

    @property
    def chooses(self) -> bool:
        """Whether it picks the answer (a code, an example, dynamic data or not), or is refused."""
        chosen = (self.code, self.example, self.dynamic, self.error)
        return any(member is not None for member in chosen)


def parse_prefer(header: str) -> Preference:
    """`Prefer: code=404, example=noSuchRoom` (commas or semicolons; unknown members ignored)."""
    code: int | None = None
    example: str | None = None
    dynamic: bool | None = None
    error: str | None = None
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        value = value.strip().strip('"')
        name = name.strip().lower()
        if name == "code":
            if value.isdigit():
                code = int(value)
            else:
                error = f"Prefer: code={value} is not an HTTP status code (want code=404)."
        elif name == "example" and value:
            example = value
        elif name == "dynamic":
            if value.lower() not in ("true", "false"):
                error = f"Prefer: dynamic={value} is neither true nor false."
            dynamic = value.lower() == "true"
    return Preference(code, example, dynamic, error)
