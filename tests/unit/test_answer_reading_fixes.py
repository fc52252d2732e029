"""Readings that broke the rules of docs/answer-reading.md in English too, found while making
Chinese answers follow them (the code is shared, so the fix is for both languages).

- An age with a comparator ("under 18", "over 60") is no age: it was read as the number, so "I'm
  under 18" started an assessment for a customer who may be a minor (spec 2.7).
- A share written as a fraction ("half in A") is a percentage of the money: "half in A" was 0.5%
  in A, so mostly B, a riskier reading than the customer's half.
- More years than anyone waits ("2030 years", Chinese "2030年") is a calendar year, not a horizon.
"""

from __future__ import annotations

import pytest

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.answer_parsing import parse_answer
from advisor_core.domain.answers import ReadingKind, read_answer
from advisor_core.errors import AnswerError, UnknownOptionError

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
