"""advisor_core.services.preferences: the customer's language for the next visit."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor_core.services.preferences import remember_language, remembered_language
from tests.fakes import FakeUnitOfWork

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("given", "stored"), [("zh-CN", "zh-CN"), ("zh_cn", "zh-CN"), ("zh-Hans", "zh-CN"),
                                               ("en", "en"), ("en-GB", "en")])
def test_a_supported_language_is_stored_in_its_canonical_form(given, stored):
    uow = FakeUnitOfWork()
    assert remember_language(uow, "C1", given, NOW) == stored
    assert remembered_language(uow, "C1") == stored
    assert uow.commits == 1


@pytest.mark.parametrize("given", ["fr", "", "zh-CN" * 10, "klingon"])
def test_an_unsupported_language_is_refused_and_nothing_is_stored(given):
    uow = FakeUnitOfWork()
    with pytest.raises(ValueError, match="not a supported language"):
        remember_language(uow, "C1", given, NOW)
    assert remembered_language(uow, "C1") is None
    assert uow.commits == 0


def test_a_change_replaces_the_stored_language_and_customers_are_kept_apart():
    uow = FakeUnitOfWork()
    remember_language(uow, "C1", "zh-CN", NOW)
    remember_language(uow, "C2", "zh-CN", NOW)
    remember_language(uow, "C1", "en", NOW + dt.timedelta(days=1))
    assert (remembered_language(uow, "C1"), remembered_language(uow, "C2"), remembered_language(uow, "C3")) == \
        ("en", "zh-CN", None)


def test_a_stored_value_no_longer_supported_reads_as_none():
    uow = FakeUnitOfWork()
    with uow:
        uow.customer_languages.put("C1", "fr", NOW)
        uow.commit()
    assert remembered_language(uow, "C1") is None
