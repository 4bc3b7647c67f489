"""Paging as a client relies on it, as a property over a set of rooms the check creates.

The spec says: rooms come in a stable order, oldest first, a page at a time; a page holds
at most `limit` rooms (20 by default); `next` (and `Link: rel="next"`) is there exactly
when more rooms follow; following it to the end visits every room once. Walking with any
limit, through `next` or through `Link`, with or without a filter, must see the very same
sequence of rooms as one big page does.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.contract.room_sets import get_page, link_query, promise_settings, query_text, room_set

CHECK = "paging"
DEFAULT_LIMIT = 20  # the Limit parameter's documented default
ROOMS = 23  # more than a default page, and not a multiple of most limits


def walk(
    http: httpx.Client, query: dict[str, str], *, via_link: bool, bound: int
) -> list[dict[str, Any]]:
    """Every page from the first to the one without `next`, checking each page on the way."""
    limit = int(query.get("limit", DEFAULT_LIMIT))
    seen: list[dict[str, Any]] = []
    page = get_page(http, query, check=CHECK)
    for _ in range(bound):
        where = f"GET /rooms?{query_text(page.query)}"
        assert len(page.items) <= limit, (
            f"[{CHECK}] {where} held {len(page.items)} rooms, more than the limit {limit}"
        )
        assert (page.next is None) == (page.link is None), (
            f"[{CHECK}] {where}: `next` is {page.next!r} but the Link rel=next is {page.link!r}; "
            "both are present exactly when more rooms follow"
        )
        seen += page.items
        if page.next is None:
            return seen
        assert page.items, f"[{CHECK}] {where} was empty yet promised a next page"
        assert page.link is not None
        following = link_query(page.link)
        assert following.get("cursor") == page.next, (
            f"[{CHECK}] {where}: the Link's cursor {following.get('cursor')!r} is not `next` "
            f"{page.next!r}"
        )
        kept = {k: v for k, v in query.items() if k != "cursor"}
        lost = {k: v for k, v in kept.items() if following.get(k) != v}
        assert not lost, f"[{CHECK}] {where}: the Link drops or changes {lost}"
        page = get_page(http, following if via_link else {**kept, "cursor": page.next}, check=CHECK)
    raise AssertionError(f"[{CHECK}] still a next page after {bound} pages: the walk never ends")


def check_paging(http: httpx.Client, api_key: str, *, examples: int = 25) -> None:
    """Any limit, either way of following, with or without a filter: the same rooms, once each."""
    with room_set(http, api_key, ROOMS, check=CHECK) as rooms:
        provider = rooms.providers[0]
        mine = [room for room in rooms.rooms.values() if room["provider"] == provider]
        whole = get_page(http, {"provider": provider, "limit": "100"}, check=CHECK)
        order = [room["id"] for room in whole.items]
        assert sorted(order) == sorted(room["id"] for room in mine), (
            f"[{CHECK}] one page of 100 does not hold the {len(mine)} rooms of the provider"
        )
        created = [room["created_at"] for room in whole.items]
        assert created == sorted(created), f"[{CHECK}] the list is not oldest first: {created}"

        @promise_settings(examples)
        @given(
            limit=st.none() | st.integers(1, ROOMS + 2),
            visible=st.none() | st.booleans(),
            via_link=st.booleans(),
        )
        def every_walk_sees_the_same_rooms_once(
            limit: int | None, visible: bool | None, via_link: bool
        ) -> None:
            query = {"provider": provider}
            if limit is not None:
                query["limit"] = str(limit)
            if visible is not None:
                query["visible"] = "true" if visible else "false"
            expected = [
                room_id
                for room_id in order
                if visible is None or rooms.rooms[room_id]["is_visible"] is visible
            ]
            seen = [room["id"] for room in walk(http, query, via_link=via_link, bound=ROOMS + 2)]
            how = "Link" if via_link else "next"
            repeated = {room for room in seen if seen.count(room) > 1}
            assert not repeated, (
                f"[{CHECK}] walking GET /rooms?{query_text(query)} by {how} saw "
                f"{len(repeated)} room(s) twice"
            )
            skipped = set(expected) - set(seen)
            assert not skipped, (
                f"[{CHECK}] walking GET /rooms?{query_text(query)} by {how} skipped "
                f"{len(skipped)} of {len(expected)} room(s)"
            )
            assert seen == expected, (
                f"[{CHECK}] walking GET /rooms?{query_text(query)} by {how} saw the rooms in "
                "another order than one page holds them: the order is not stable"
            )

        every_walk_sees_the_same_rooms_once()
