"""`with rooms_mock(base_url) as api:`: `requests` calls to the base URL answered by the engine.

The same engine as the server (validation, examples, state), without a socket. The mock is a
`requests` transport adapter chosen for URLs under the base URL, not a patch of
`HTTPAdapter.send`: so it composes with the test's own `responses` mocks (whichever is
entered first) and with another `rooms_mock` for another spec; every other URL goes where it
would have gone without the mock.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from unittest import mock

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from rooms_mock.engine import MockEngine
from rooms_mock.messages import MockOptions
from rooms_mock.recorder import MockedApi
from rooms_mock.spec import default_spec_path

DEFAULT_BASE_URL = "http://rooms.mock"


class MockAdapter(BaseAdapter):
    """Answers a `requests` PreparedRequest from the mock."""

    def __init__(self, api: MockedApi) -> None:
        super().__init__()
        self.api = api

    def send(  # type: ignore[override]  # requests' signature is untyped keyword soup
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        raw: Any = request.body  # str, bytes, None, or an iterable of chunks (a streamed upload)
        if isinstance(raw, str):
            body = raw.encode()
        elif raw is None or isinstance(raw, bytes):
            body = raw or b""
        else:
            body = b"".join(raw)
        answer = self.api.answer(
            self.api.request_for(request.method or "GET", request.url or "", request.headers, body)
        )
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(_joined(answer.headers))
        response._content = answer.body
        response._content_consumed = True  # type: ignore[attr-defined]  # no stream to read
        response.url = request.url or ""
        response.request = request
        response.reason = _reason(answer.status)
        response.encoding = None
        return response

    def close(self) -> None:
        pass


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _joined(headers: list[tuple[str, str]]) -> Mapping[str, str]:
    found: dict[str, str] = {}
    for name, value in headers:
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, _mtime_ns: int, options: MockOptions) -> MockEngine:
    """Compiling a spec takes a while; a test suite pays it once per spec and options."""
    return MockEngine.from_path(path, options)


def engine_for(
    spec: Path | str | None,
    *,
    stateful: bool,
    dynamic: bool,
    seed: int,
    api_keys: tuple[str, ...],
    unique: tuple[str, ...],
) -> MockEngine:
    options = MockOptions(
        dynamic=dynamic,
        stateful=stateful,
        seed=seed,
        api_keys=frozenset(api_keys),
        unique=tuple(unique),
    )
    path = Path(spec or default_spec_path()).resolve()
    return _compiled(path, path.stat().st_mtime_ns, options)


@contextmanager
def rooms_mock(
    base_url: str = DEFAULT_BASE_URL,
    spec: Path | str | None = None,
    *,
    stateful: bool = True,
    dynamic: bool = False,
    seed: int = 0,
    api_keys: tuple[str, ...] = (),
    unique: tuple[str, ...] = (),
    strict: bool = False,
    engine: MockEngine | None = None,
) -> Iterator[MockedApi]:
    """Answer every `requests` call under `base_url` from the mock. Stateful by default: a unit
    test creates what it then reads. `strict=True` fails the test at a call that breaks the
    contract; else `api.violations` lists what was broken."""
    if engine is None:
        engine = engine_for(
            spec, stateful=stateful, dynamic=dynamic, seed=seed, api_keys=api_keys, unique=unique
        )
    engine.reset()  # every `with` starts from an empty store
    api = MockedApi(engine, base_url, strict=strict)
    adapter = MockAdapter(api)
    prefix = api.base_url.lower()
    original = requests.Session.get_adapter

    def get_adapter(session: requests.Session, url: str) -> BaseAdapter:
        lowered = url.lower()
        if lowered == prefix or lowered.startswith((prefix + "/", prefix + "?")):
            return adapter
        return original(session, url)

    with mock.patch.object(requests.Session, "get_adapter", get_adapter):
        yield api
