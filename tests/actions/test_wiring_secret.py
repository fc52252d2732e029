"""The action server builds no services with an ADVISOR_JWT_SECRET too short for HS256."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import wiring
from advisor_core.errors import WeakSecretError


def test_the_action_server_refuses_to_build_its_services_with_a_short_secret(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", "too-short")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'advisor.db'}")
    with pytest.raises(WeakSecretError, match="ADVISOR_JWT_SECRET is 9 bytes long"):
        wiring._build()


def test_a_long_secret_builds_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADVISOR_JWT_SECRET", "a-secret-that-is-long-enough-for-hs256!!")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'advisor.db'}")
    assert wiring._build().jwt_secret == "a-secret-that-is-long-enough-for-hs256!!"
