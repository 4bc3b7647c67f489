"""The Hypothesis profiles of the property tests, and the one each test runs under.

`ci` is the default: derandomized (the same examples every run, so a CI failure replays
exactly), bounded, no example database. `long` explores: many examples, fresh ones each
run. `--hypothesis-profile=NAME` (Hypothesis's pytest plugin) picks one for a run.

Tests take their settings from `chosen()` instead of a globally loaded profile, so running
these suites in one pytest process with others never changes the others' settings.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    # Deadlines flake on a loaded two-core runner; the session's time is bounded by the
    # example counts instead, and the hostile-input tests assert their own safety limits.
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def chosen(*, min_examples: int = 0) -> settings:
    """The profile `--hypothesis-profile` loaded, else `ci` (for decorating tests); at least
    `min_examples` examples for a test whose property needs more to mean something."""
    name = settings.get_current_profile_name()
    profile = settings.get_profile("ci" if name == "default" else name)
    if profile.max_examples >= min_examples:
        return profile
    return settings(profile, max_examples=min_examples)
