"""pytest plugin (entry point `pytest11`): the `rooms_api` fixture, a mocked rooms API.

    def test_lists_rooms(rooms_api):
        requests.get(f"{rooms_api.base_url}/rooms").raise_for_status()
        rooms_api.assert_called("listRooms", times=1)

Configure it in the ini file (`rooms_mock_base_url`, `rooms_mock_spec`) or per test with
`@pytest.mark.rooms_mock(stateful=False, dynamic=True, seed=3, api_keys=("k",), strict=True)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported lazily: every pytest run in an environment loads this plugin
    from rooms_mock.recorder import MockedApi


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "rooms_mock_base_url", "base URL the rooms_api fixture answers", default="http://rooms.mock"
    )
    parser.addini(
        "rooms_mock_spec", "OpenAPI document of the rooms_api fixture (default: the rooms contract)"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "rooms_mock(**options): options of the rooms_api fixture "
        "(stateful, dynamic, seed, api_keys, unique, strict, base_url, spec)",
    )


@pytest.fixture
def rooms_api(request: pytest.FixtureRequest) -> Iterator[MockedApi]:
    """`requests` calls to the base URL answered by the rooms mock, state fresh per test."""
    from rooms_mock.requests_adapter import rooms_mock

    marker = request.node.get_closest_marker("rooms_mock")
    options = dict(marker.kwargs) if marker else {}
    base_url = options.pop("base_url", None) or request.config.getini("rooms_mock_base_url")
    spec = options.pop("spec", None) or request.config.getini("rooms_mock_spec") or None
    with rooms_mock(base_url, spec, **options) as api:
        yield api
