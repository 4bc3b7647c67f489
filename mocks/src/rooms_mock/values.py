"""Reading text from the wire (a parameter, a form field) as its schema's type."""

from __future__ import annotations

import math
from typing import Any

_BOOLEANS = {"true": True, "false": False}


def coerce(value: str, kind: str) -> Any:
    """A parameter's text read as its schema's type; left as text (and refused) when it isn't."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                return value  # NaN and Infinity are not JSON numbers
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        return value
    if kind == "boolean":
        return _BOOLEANS.get(value.lower(), value)
    return value
