"""Every promise check by name: the checks that read the spec's words, not only its schemas.

Each takes an HTTP client for the target and the API key, and fails with an AssertionError
whose message starts with `[name]`, so a fault's verdict can say which check caught it.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.contract.conditional_promises import (
    check_conditional_requests,
    check_created_room_headers,
)
from tests.contract.filter_promises import check_filters
from tests.contract.media_type_promises import check_accept, check_request_media_types
from tests.contract.merge_patch_promises import check_merge_patch
from tests.contract.paging_promises import check_paging
from tests.contract.write_refusal_promises import check_payload_size, check_url_conflicts

PromiseCheck = Callable[[httpx.Client, str], None]

PROMISE_CHECKS: dict[str, PromiseCheck] = {
    "filters": check_filters,
    "paging": check_paging,
    "media-types": check_request_media_types,
    "accept": check_accept,
    "conditional-requests": check_conditional_requests,
    "response-headers": check_created_room_headers,
    "conflicts": check_url_conflicts,
    "payload-size": check_payload_size,
    "merge-patch": check_merge_patch,
}
