"""Request and response media types: each operation takes only what it declares.

Read from the spec, not per endpoint: every operation with a request body accepts the
media types its `requestBody.content` declares (in any case, with parameters, as RFC 9110
allows) and answers any other `Content-Type` with the documented 415 problem, changing
nothing. `Accept` is answered as the spec documents responses: JSON whenever the client
accepts it; for a client that accepts no JSON, either JSON anyway (RFC 9110 lets a server
ignore Accept) or a 406 problem (listed under `default`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rooms.contract_files import openapi_path
from tests.contract.room_sets import fresh_room, promise_settings, room_set

CHECK = "media-types"
ACCEPT_CHECK = "accept"

_SPEC: dict[str, Any] = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))


def operations_with_bodies() -> list[tuple[str, str, str, list[str]]]:
    """(operationId, method, path, declared request media types) for every body the spec takes."""
    found = []
    for path, item in _SPEC["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                declared = list(operation["requestBody"]["content"])
                found.append((operation["operationId"], method.upper(), path, declared))
    return found


_KNOWN = [
    "application/json",
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/problem+json",
    "application/vnd.rooms+json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/json",
    "text/plain",
]
_TOKEN = st.from_regex(r"[a-z][a-z0-9.+-]{0,15}", fullmatch=True)
media_types = st.sampled_from(_KNOWN) | st.builds("{}/{}".format, _TOKEN, _TOKEN)


def _spelled(declared: str) -> st.SearchStrategy[str]:
    """The same media type as a client may write it: any case, with a charset."""
    return st.sampled_from(
        [declared, declared.upper(), declared.title(), f"{declared}; charset=utf-8"]
    )


@contextmanager
def _one_room(http: httpx.Client, api_key: str, check: str) -> Iterator[dict[str, Any]]:
    with room_set(http, api_key, 1, check=check) as rooms:
        yield next(iter(rooms.rooms.values()))


def _body_for(operation_id: str, provider: str) -> bytes:
    # A body valid for the operation in the declared media type, so only the type is wrong.
    if operation_id == "createRoom":
        return json.dumps(fresh_room(provider=provider)).encode()
    return json.dumps({"price": 4242}).encode()


def check_request_media_types(http: httpx.Client, api_key: str, *, examples: int = 30) -> None:
    """An undeclared Content-Type gets 415 and changes nothing; a declared one is accepted."""
    writes = {"X-API-Key": api_key}
    with _one_room(http, api_key, CHECK) as room:
        provider = room["provider"]
        targets = operations_with_bodies()

        def url_of(path: str) -> str:
            return path.replace("{roomId}", room["id"])

        def unchanged() -> None:
            listed = http.get("/rooms", params={"provider": provider, "limit": "100"}).json()
            assert [r["id"] for r in listed["items"]] == [room["id"]], (
                f"[{CHECK}] a refused body still created a room"
            )
            current = http.get(f"/rooms/{room['id']}").json()
            assert current["version"] == room["version"], (
                f"[{CHECK}] a refused body still changed the room"
            )

        @promise_settings(examples)
        @given(target=st.sampled_from(targets), data=st.data())
        def only_declared_media_types_are_accepted(
            target: tuple[str, str, str, list[str]], data: st.DataObject
        ) -> None:
            operation_id, method, path, declared = target
            sent = data.draw(
                media_types.filter(lambda t: t.split(";")[0].lower() not in declared),
                label="Content-Type",
            )
            response = http.request(
                method,
                url_of(path),
                content=_body_for(operation_id, provider),
                headers={**writes, "Content-Type": sent},
            )
            assert response.status_code == 415, (
                f"[{CHECK}] {operation_id} took Content-Type {sent!r} (it declares {declared}): "
                f"{response.status_code}, not the documented 415"
            )
            assert response.headers.get("content-type", "").startswith(
                "application/problem+json"
            ), f"[{CHECK}] {operation_id}'s 415 is not a problem: {response.headers}"
            unchanged()

        only_declared_media_types_are_accepted()

        @promise_settings(8)
        @given(target=st.sampled_from(targets), data=st.data())
        def declared_media_types_are_accepted_however_spelled(
            target: tuple[str, str, str, list[str]], data: st.DataObject
        ) -> None:
            operation_id, method, path, declared = target
            sent = data.draw(st.sampled_from(declared).flatmap(_spelled), label="Content-Type")
            response = http.request(
                method,
                url_of(path),
                content=_body_for(operation_id, provider),
                headers={**writes, "Content-Type": sent},
            )
            assert response.status_code < 300, (
                f"[{CHECK}] {operation_id} refused its declared media type written as {sent!r}: "
                f"{response.status_code} {response.text[:300]}"
            )
            if operation_id == "createRoom":
                http.delete(f"/rooms/{response.json()['id']}", headers=writes)

        declared_media_types_are_accepted_however_spelled()


_ACCEPTS_JSON = [
    "application/json",
    "*/*",
    "application/*",
    "text/html, application/json;q=0.5",
    "application/json, */*;q=0.1",
]
_ACCEPTS_NO_JSON = ["text/html", "application/xml", "image/png"]


def check_accept(http: httpx.Client, api_key: str, *, examples: int = 12) -> None:
    """Any Accept that admits JSON gets JSON; one that does not gets JSON or a 406 problem."""
    with _one_room(http, api_key, ACCEPT_CHECK) as room:
        reads = [f"/rooms/{room['id']}", f"/rooms?provider={room['provider']}"]

        @promise_settings(examples)
        @given(url=st.sampled_from(reads), accept=st.sampled_from(_ACCEPTS_JSON + _ACCEPTS_NO_JSON))
        def accept_is_answered_as_documented(url: str, accept: str) -> None:
            response = http.get(url, headers={"Accept": accept})
            content_type = response.headers.get("content-type", "")
            if accept in _ACCEPTS_JSON:
                got_json = response.status_code == 200 and content_type.startswith(
                    "application/json"
                )
                assert got_json, (
                    f"[{ACCEPT_CHECK}] GET {url} with Accept {accept!r} (admits JSON) got "
                    f"{response.status_code} {content_type}"
                )
            else:
                assert (
                    response.status_code == 200 and content_type.startswith("application/json")
                ) or (
                    response.status_code == 406
                    and content_type.startswith("application/problem+json")
                ), (
                    f"[{ACCEPT_CHECK}] GET {url} with Accept {accept!r} got "
                    f"{response.status_code} {content_type}: neither JSON nor a 406 problem"
                )

        accept_is_answered_as_documented()
