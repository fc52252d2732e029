"""tests/ci.py decides "in CI" for every test: CI set to anything but empty, 0, false or no."""

from __future__ import annotations

import pytest

from tests.ci import in_ci, skip_or_fail_in_ci


@pytest.mark.parametrize("value", ["1", "true", "True", "yes", "github-actions"])
def test_a_set_ci_variable_means_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()


@pytest.mark.parametrize("value", ["", "0", "false", "FALSE", " no ", "No"])
def test_an_empty_or_false_ci_variable_means_not_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not in_ci()


def test_no_ci_variable_means_not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not in_ci()


def test_outside_ci_a_missing_service_skips_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^no database here$"):
        skip_or_fail_in_ci("no database here", must_run="the PostgreSQL tests")


def test_in_ci_a_missing_service_fails_and_says_what_must_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no database here \(CI is set: the PostgreSQL tests must run\)"):
        skip_or_fail_in_ci("no database here", must_run="the PostgreSQL tests")
