"""Static lists end: a client that follows `next` reaches a last page, in every mode."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from conftest import SPEC, Call, caller
from rooms_mock import rooms_mock
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.spec import load_spec


def _walk(call: Call, limit: int = 50) -> list[dict[str, Any]]:
    """Pages as a paging client reads them, following `next` until it is absent."""
    pages: list[dict[str, Any]] = []
    query = ""
    while len(pages) < limit:
        response = call("GET", "/rooms", query)
        assert response.status == 200, response.body
        pages.append(response.json())
        if "next" not in pages[-1]:
            return pages
        query = f"cursor={pages[-1]['next']}"
    raise AssertionError(f"still a next page after {limit} pages")


@pytest.mark.parametrize("dynamic", [False, True])
def test_a_paging_client_reaches_the_end_of_a_static_list(dynamic: bool) -> None:
    call = caller(MockEngine.from_path(SPEC, MockOptions(dynamic=dynamic)))
    pages = _walk(call)
    assert len(pages) == 2
    if not dynamic:
        # The first page is the documented example; the last is the same page, ended.
        assert pages[0]["next"]
        assert pages[1] == {k: v for k, v in pages[0].items() if k != "next"}


def test_an_example_named_for_the_last_page_is_the_last_page() -> None:
    document = load_spec(SPEC)
    examples = document["paths"]["/rooms"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]
    examples["lastPage"] = {"value": {"items": []}}
    call = caller(MockEngine(document))
    first = call("GET", "/rooms").json()  # the first page is still the first example
    assert call("GET", "/rooms", f"cursor={first['next']}").json() == {"items": []}


def test_the_fixture_ends_a_paging_loop_too() -> None:
    with rooms_mock("http://rooms.test", stateful=False) as api:
        seen = 0
        url: str | None = "http://rooms.test/rooms"
        while url and seen < 50:
            page = requests.get(url, timeout=5).json()
            seen += 1
            url = f"http://rooms.test/rooms?cursor={page['next']}" if "next" in page else None
    assert seen == 2
    assert len(api.calls_to("listRooms")) == 2
