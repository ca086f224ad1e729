"""Hypothesis profiles for the fuzzers, and the time each one runs.

In CI (`make fuzz`, one process) the profile "ci" runs a fixed number of examples per
fuzzer, together about a minute. Locally, run longer:

    HYPOTHESIS_PROFILE=long make fuzz          # many more examples per fuzzer
    FUZZ_SECONDS=300 make fuzz                 # each fuzzer keeps going for 5 minutes

A failure prints the smallest example found and a `@reproduce_failure` blob; add the
example to the fuzzer with `@example(...)` once the parser is fixed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=600, **_COMMON)
settings.register_profile("long", max_examples=5000, **_COMMON)
settings.register_profile("dev", max_examples=15, **_COMMON)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS") or 0)


def fuzz(check: Callable[[], None], *, scale: float = 1.0) -> None:
    """Run a Hypothesis check (a function decorated with @given and `fuzz_settings`)
    once, then again and again with new random examples until FUZZ_SECONDS have passed.
    `scale` shrinks or grows the profile's number of examples for a slow or a fast
    check, so that the whole directory keeps to its minute in CI."""
    base = settings.get_profile(PROFILE)
    examples = max(1, round(base.max_examples * scale))
    run = settings(base, max_examples=examples)(check)
    deadline = time.monotonic() + FUZZ_SECONDS
    run()
    while time.monotonic() < deadline:
        run()


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config, items):
    """Every test here is a fuzzer: `make test` leaves them to `make fuzz`."""
    for item in items:
        if "tests/fuzz/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.fuzz)
