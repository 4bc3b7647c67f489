"""How paging is spelled in specs (the names of limits, cursors and `next` members), and the
static mock's last page: a request that follows a cursor must reach an end.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from rooms_mock.operations import Operation, ResponseContent

LIMIT_NAMES = {"limit", "page_size", "pagesize", "per_page", "perpage", "size", "max_results"}
CURSOR_NAMES = {"cursor", "page_token", "pagetoken", "after", "starting_after", "continuation"}
OFFSET_NAMES = {"offset", "skip", "start"}
NEXT_NAMES = ("next", "next_cursor", "nextcursor", "next_page_token", "nextpagetoken", "cursor")
TOTAL_NAMES = {"total", "count", "total_count", "totalcount"}


def cursor_parameter(operation: Operation) -> str | None:
    """The query parameter that carries the operation's cursor, if it has one."""
    return next(
        (
            p.name
            for p in operation.parameters
            if p.where == "query" and p.name.lower() in CURSOR_NAMES
        ),
        None,
    )


def follows_cursor(query: str, name: str) -> bool:
    """Whether the query string carries a non-empty value for the cursor parameter."""
    if name not in query:
        return False  # the common case, without parsing
    return any(parse_qs(query).get(name, ()))


def last_page_example(content: ResponseContent) -> str | None:
    """An example named for the last page (`lastPage`, `last`), if the spec has one."""
    return next((name for name in content.examples if "last" in name.lower()), None)


def without_next(value: Any, content: ResponseContent) -> Any:
    """The page with its `next` member removed (or null, where the schema wants it present)
    when the result still keeps the contract; else the page unchanged."""
    if not isinstance(value, dict):
        return value
    member = next((name for name in value if name.lower() in NEXT_NAMES), None)
    if member is None or value[member] is None:
        return value
    for candidate in (
        {k: v for k, v in value.items() if k != member},
        {**value, member: None},
    ):
        if content.validator is None or content.validator.is_valid(candidate):
            return candidate
    return value
