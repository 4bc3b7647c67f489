"""Strings that match a schema's `pattern`, drawn with a caller's seeded random generator.

exrex does the regex walking; it draws from the `random` module's global functions, so
they are swapped for the caller's generator under a lock: the draw is then reproducible
for a seed, and another thread's draws never interleave with it. `.` and negated classes
draw from letters, digits and `-._` rather than all of ASCII: still matching, and no `[` or
`"` in a drawn URL to trip a consumer's (or a tool's) URL parser.
"""

from __future__ import annotations

import random
import string
import threading

import exrex

_LOCK = threading.Lock()
_FRIENDLY = list(string.ascii_letters + string.digits + "-._")


def string_matching(pattern: str, rng: random.Random, *, repeat_limit: int = 12) -> str | None:
    """A string matching `pattern` (None when exrex cannot walk it, e.g. a lookaround)."""
    with _LOCK:
        saved = exrex.choice, exrex.randint, exrex.CATEGORIES["category_any"]
        exrex.choice, exrex.randint = rng.choice, rng.randint
        exrex.CATEGORIES["category_any"] = _FRIENDLY
        try:
            return str(exrex.getone(pattern, repeat_limit))
        except Exception:  # exrex raises assorted errors on constructs it does not know
            return None
        finally:
            exrex.choice, exrex.randint, exrex.CATEGORIES["category_any"] = saved
