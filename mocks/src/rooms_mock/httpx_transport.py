"""An httpx transport answered by the mock: `httpx.Client(transport=MockTransport(api))` (and
`httpx.AsyncClient`), no socket and no network, recorded in the same `MockedApi` as `requests`.

httpx is imported only by this module and the proxy: serving never loads it.
"""

from __future__ import annotations

import httpx

from rooms_mock.recorder import MockedApi


class MockTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Requests under the API's base URL are answered by the mock; others are refused."""

    def __init__(self, api: MockedApi) -> None:
        self.api = api

    def _answer(self, request: httpx.Request, body: bytes) -> httpx.Response:
        url = str(request.url)
        if not (url == self.api.base_url or url.startswith(self.api.base_url + "/")):
            raise httpx.ConnectError(
                f"rooms-mock answers {self.api.base_url} only, not {url}", request=request
            )
        answer = self.api.answer(self.api.request_for(request.method, url, request.headers, body))
        return httpx.Response(
            answer.status, headers=answer.headers, content=answer.body, request=request
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, request.read())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, await request.aread())
