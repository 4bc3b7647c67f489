"""Request paths to the spec's path templates: exact paths by lookup, templates by regex."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from rooms_mock.operations import Operation

_TEMPLATE_PART = re.compile(r"\{([^}/]+)\}")


def base_path(servers: object) -> str:
    """The path of the first server's URL (`/v1` of `https://api.example/v1`), without its `/`."""
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = str(servers[0].get("url", "/"))
        if "{" not in url:
            return urlsplit(url).path.rstrip("/")
    return ""


class Router:
    def __init__(self, operations: Iterable[Operation], prefix: str = "") -> None:
        self.prefix = prefix
        self.exact: dict[str, dict[str, Operation]] = {}
        templated: dict[str, dict[str, Operation]] = {}
        for operation in operations:
            table = templated if "{" in operation.path else self.exact
            table.setdefault(operation.path, {})[operation.method] = operation
        # Fewer variables first: `/rooms/mine` beats `/rooms/{id}` when both are templates.
        self.templates: list[tuple[re.Pattern[str], dict[str, Operation]]] = [
            (self._compile(path), methods)
            for path, methods in sorted(
                templated.items(), key=lambda kv: (kv[0].count("{"), -len(kv[0]))
            )
        ]

    @staticmethod
    def _compile(template: str) -> re.Pattern[str]:
        pattern = ""
        last = 0
        for match in _TEMPLATE_PART.finditer(template):
            pattern += re.escape(template[last : match.start()])
            pattern += f"(?P<{_group(match[1])}>[^/]+)"
            last = match.end()
        pattern += re.escape(template[last:])
        return re.compile(f"^{pattern}$")

    def match(self, path: str) -> tuple[dict[str, Operation], dict[str, str]] | None:
        if self.prefix:
            if not path.startswith(self.prefix):
                return None
            path = path[len(self.prefix) :] or "/"
        methods = self.exact.get(path)
        if methods is not None:
            return methods, {}
        for pattern, methods in self.templates:
            found = pattern.match(path)
            if found:
                return methods, {_name(group): value for group, value in found.groupdict().items()}
        return None


# Parameter names may hold characters a regex group name cannot: hex-encode them.
def _group(name: str) -> str:
    return "p" + name.encode().hex()


def _name(group: str) -> str:
    return bytes.fromhex(group[1:]).decode()
