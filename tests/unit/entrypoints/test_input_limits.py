"""The JSON depth scan: brackets inside strings do not count, and it decides at the limit."""

from __future__ import annotations

import pytest

from rooms.entrypoints.input_limits import json_depth_exceeds


@pytest.mark.parametrize(
    ("body", "limit", "exceeds"),
    [
        (b"[[[]]]", 3, False),
        (b"[[[[]]]]", 3, True),
        (b'{"a": {"b": {"c": 1}}}', 3, False),
        (b'{"a": {"b": {"c": {}}}}', 3, True),
        (b'["[[[[[[", "{{{{{{"]', 2, False),  # brackets in strings are text
        (b'["\\"[[[[", [[1]]]', 3, False),  # an escaped quote does not end the string
        (b'["\\"[[[[", [[[1]]]]', 3, True),
        (b"[]" * 1000, 1, False),  # many siblings are not depth
    ],
)
def test_depth(body: bytes, limit: int, exceeds: bool) -> None:
    assert json_depth_exceeds(body, limit) is exceeds
