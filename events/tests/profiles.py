"""The Hypothesis profiles of the codec's own tests: `ci` by default, `long` to explore.

The same two names and meanings as the service's property tests (tests/property/profiles.py),
so `--hypothesis-profile=long` means one thing in every session.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,  # the same examples every run: a CI failure replays exactly
    max_examples=60,
    deadline=None,  # deadlines flake on a loaded two-core runner; example counts bound time
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
    """The profile `--hypothesis-profile` loaded, else `ci`; at least `min_examples`."""
    name = settings.get_current_profile_name()
    profile = settings.get_profile("ci" if name == "default" else name)
    if profile.max_examples >= min_examples:
        return profile
    return settings(profile, max_examples=min_examples)
