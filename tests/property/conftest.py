"""Registers the property tests' Hypothesis profiles before `--hypothesis-profile` is read."""

from __future__ import annotations

import tests.property.profiles  # noqa: F401 (registering the profiles is the import's effect)
