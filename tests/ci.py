"""Whether the tests run in CI - the one place that decides it.

In CI a test that needs a service or tool (PostgreSQL, the production profile's Redis and
RabbitMQ, Chromium and the web widget) must run: a missing one fails the run there, and only
skips with its reason on a developer's machine. scripts/common.sh (`in_ci`) reads `CI` the same way.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

# Values of CI that mean "not CI" (any case, surrounding spaces ignored); anything else means CI.
NOT_CI = ("", "0", "false", "no")


def in_ci() -> bool:
    """True when the environment variable CI is set to anything but empty, 0, false or no."""
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def skip_or_fail_in_ci(reason: str, *, must_run: str) -> NoReturn:
    """Skip with ``reason``; in CI fail instead, because there ``must_run`` has to run."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: {must_run} must run)", pytrace=False)
    pytest.skip(reason)
