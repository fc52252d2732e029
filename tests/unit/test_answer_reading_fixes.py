"""Readings that broke the rules of docs/answer-reading.md in English too, found while making
Chinese answers follow them (the code is shared, so the fix is for both languages).

- An age with a comparator ("under 18", "over 60") is no age: it was read as the number, so "I'm
  under 18" started an assessment for a customer who may be a minor (spec 2.7).
- A share written as a fraction ("half in A") is a percentage of the money: "half in A" was 0.5%
  in A, so mostly B, a riskier reading than the customer's half.
- More years than anyone waits ("2030 years", Chinese "2030年") is a calendar year, not a horizon.
- A keyword inside a comparator ("most" in "at most", "a little" in "a little over") is part of
  the comparator: it made "at most 30%" reach into 50-70% (Chinese: "不多" in "差不多").
- A comparator widens a range: "within 1 to 2 years" (Chinese "一两年内") was read as 1-3 years,
  though the money may be needed within the year.
"""

from __future__ import annotations

import pytest

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.answer_parsing import parse_answer
from advisor_core.domain.answers import ReadingKind, read_answer
from advisor_core.errors import AmbiguousAnswerError, AnswerError, UnknownOptionError

Q = default_questionnaire()


@pytest.mark.parametrize("text", ["under 18", "I'm not even 18", "almost 18", "over 60", "at least 40"])
def test_an_age_with_a_comparator_is_not_an_age(text: str) -> None:
    with pytest.raises(AnswerError):
        parse_answer(Q.item("age"), text)
    assert read_answer(Q, "kyc_age", text).kind is ReadingKind.REJECTED


@pytest.mark.parametrize(("text", "age"), [("about 40", 40), ("42", 42), ("I'm 16", 16)])
def test_an_age_stays_an_age(text: str, age: int) -> None:
    assert parse_answer(Q.item("age"), text) == age


@pytest.mark.parametrize(("text", "option"), [
    ("half in A", "half"),
    ("half in B", "half"),
    ("three quarters in A", "mostly_a"),
    ("a quarter in A", "mostly_b"),
    ("a third in B", "mostly_a"),
])
def test_a_fraction_of_the_money_is_a_share(text: str, option: str) -> None:
    assert parse_answer(Q.item("return_tradeoff"), text) == option


@pytest.mark.parametrize("text", ["2030 years", "in 2030 years"])
def test_a_calendar_year_is_not_a_horizon(text: str) -> None:
    with pytest.raises(UnknownOptionError):
        parse_answer(Q.item("horizon"), text)


@pytest.mark.parametrize(("key", "text", "option"), [
    ("investable_assets", "a little over 100k", "100k_500k"),
    ("investable_assets", "a little less than 500k", "100k_500k"),
    ("loss_tolerance", "a bit over 5%", "le_15"),
])
def test_a_keyword_inside_a_comparator_is_the_comparator(key: str, text: str, option: str) -> None:
    assert parse_answer(Q.item(key), text) == option


def test_at_most_is_no_majority() -> None:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse_answer(Q.item("asset_share"), "at most 30%")
    assert info.value.candidates == ("30_50", "10_30", "lt_10")


@pytest.mark.parametrize(("text", "expected"), [
    ("within 1 to 2 years", ("lt_1y", "1_3y")),
    ("2 or 3 years or more", ("1_3y", "3_5y", "5_10y", "gt_10y")),
])
def test_a_comparator_widens_a_range(text: str, expected: tuple[str, ...]) -> None:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse_answer(Q.item("horizon"), text)
    assert info.value.candidates == expected


def test_a_limit_keeps_its_range() -> None:
    assert parse_answer(Q.item("loss_tolerance"), "up to 16 to 20%") == "le_30"
