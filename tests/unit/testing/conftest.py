"""Registers the Hypothesis profiles (shared with tests/property) for `--hypothesis-profile`."""

from __future__ import annotations

import tests.property.profiles  # noqa: F401 (registering the profiles is the import's effect)
