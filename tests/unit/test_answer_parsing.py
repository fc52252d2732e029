"""Understanding free-text answers (and button payloads) to questionnaire items."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.answer_parsing import (
    numbers_in,
    parse_age,
    parse_answer,
    parse_goals,
    parse_option,
)
from advisor_core.domain.questionnaire import Questionnaire
from advisor_core.errors import AgeOutOfRangeError, AmbiguousAnswerError, AnswerError, UnknownOptionError
from tests.factories import GOAL_IDS, KNOWLEDGE_OPTIONS, SPEC_OPTIONS

Q = default_questionnaire()


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return Q


def parse(key: str, text: str) -> object:
    return parse_answer(Q.item(key), text)


# ------------------------------------------------------------------ ages


@pytest.mark.parametrize(("text", "age"), [
    ("I'm 42", 42), ("42", 42), ("I am 42 years old", 42), ("age: 35", 35), ("35.0", 35),
    ("twenty nine", 29), ("forty two", 42), ("sixty five", 65), ("seventy", 70),
    ("eighteen", 18), ("one hundred", 100), ("120", 120), ("0", 0),
])
def test_age(text: str, age: int) -> None:
    assert parse("age", text) == age
    assert isinstance(parse("age", text), int)


@pytest.mark.parametrize("text", ["121", "30.5", "two hundred", "I was born in 1980"])
def test_age_out_of_range(text: str) -> None:
    with pytest.raises(AgeOutOfRangeError) as info:
        parse("age", text)
    assert info.value.item == "kyc_age"


@pytest.mark.parametrize("text", ["-1", "I am -5"])
def test_negative_age_is_out_of_range(text: str) -> None:
    with pytest.raises(AgeOutOfRangeError):
        parse("age", text)


@pytest.mark.parametrize(("text", "age"), [("twenty-nine", 29), ("I'm forty-two", 42)])
def test_hyphenated_spelled_age(text: str, age: int) -> None:
    assert parse("age", text) == age


@pytest.mark.parametrize("text", ["abc", "", "I'm 42 and my wife is 40", "old enough"])
def test_age_not_understood(text: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse("age", text)
    assert info.value.item == "kyc_age"


# ------------------------------------------------------------------ numbers to options


@pytest.mark.parametrize(("key", "text", "option"), [
    ("investable_assets", "about 300k", "100k_500k"),
    ("investable_assets", "around 2 million", "500k_3m"),
    ("investable_assets", "300,000", "100k_500k"),
    ("investable_assets", "1.5 million", "500k_3m"),
    ("investable_assets", "about 80 thousand", "lt_100k"),
    ("investable_assets", "two hundred thousand", "100k_500k"),
    ("investable_assets", "99,999", "lt_100k"),
    ("investable_assets", "100000", "100k_500k"),
    # issue 14: a value on an edge both labels name ("100,000 to 500,000", "500,000 to 3
    # million") is read as the option with fewer points (was 500k_3m)
    ("investable_assets", "500000", "100k_500k"),
    ("investable_assets", "3 million", "500k_3m"),
    ("investable_assets", "more than 3 million", "gt_3m"),
    ("investable_assets", "5 million", "gt_3m"),
    ("investable_assets", "50 wan", "100k_500k"),
    ("loss_tolerance", "I could live with losing 10%", "le_15"),
    ("loss_tolerance", "0%", "none"),
    ("loss_tolerance", "5%", "le_5"),
    ("loss_tolerance", "up to 5%", "le_5"),
    ("loss_tolerance", "fifteen percent", "le_15"),
    ("loss_tolerance", "20", "le_30"),
    ("loss_tolerance", "30%", "le_30"),
    ("loss_tolerance", "more than 30%", "gt_30"),
    ("loss_tolerance", "40%", "gt_30"),
    ("horizon", "in 7 years", "5_10y"),
    ("horizon", "more than 10 years", "gt_10y"),
    ("horizon", "6 months", "lt_1y"),
    ("horizon", "18 months", "1_3y"),
    ("horizon", "in 2 years", "1_3y"),
    ("horizon", "about 4 years", "3_5y"),
    ("horizon", "ten years", "5_10y"),
    ("horizon", "less than a year", "lt_1y"),
    ("asset_share", "5%", "lt_10"),
    ("asset_share", "about 20%", "10_30"),
    ("asset_share", "40%", "30_50"),
    ("asset_share", "60%", "50_70"),
    ("asset_share", "71%", "gt_70"),
    ("liquidity_reserve", "2 months", "lt_3m_or_consumer_debt"),
    ("trade_frequency", "0", "none"),
    ("trade_frequency", "twice", "1_5"),
    ("trade_frequency", "10 trades", "6_15"),
    ("trade_frequency", "16", "gt_15"),
])
def test_numbers_and_phrases(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("key", "text", "option"), [
    ("drawdown_reaction", "I'd hold", "hold"),
    ("drawdown_reaction", "I would buy the dip", "buy_more"),
    ("drawdown_reaction", "sell everything", "sell_all"),
    ("income_source", "I'm retired, a pension", "pension_only"),
    ("income_source", "my salary", "one_stable_wage"),
    ("income_source", "I'm unemployed", "none"),
    ("experience", "I have held stocks", "equities"),
    ("experience", "only deposits", "deposits_only"),
    ("objective", "keep my money safe", "preserve"),
    ("return_tradeoff", "50/50", "half"),
    ("return_tradeoff", "mostly B", "mostly_b"),
    ("knowledge_bonds", "it goes down", "falls"),
    ("knowledge_bonds", "no idea", "dont_know"),
    ("knowledge_diversification", "a single stock", "one_stock"),
    ("loss_tolerance", "I cannot lose anything", "none"),
])
def test_phrases(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("text", "option"), [
    ("8 months saved but credit card debt", "lt_3m_or_consumer_debt"),
    ("6 months and a car loan", "lt_3m_or_consumer_debt"),
    ("a year of savings but I owe friends money", "none_or_informal_debt"),
])
def test_conflicting_number_and_phrase_picks_the_more_careful(text: str, option: str) -> None:
    assert parse("liquidity_reserve", text) == option


@pytest.mark.parametrize(("key", "text"), [
    ("objective", "purple elephant"),
    ("horizon", "xyz"),
    ("drawdown_reaction", "banana"),
    ("investable_assets", "lots of cats"),
    ("loss_tolerance", "hmm"),
])
def test_nonsense_raises_unknown_option_naming_the_slot(key: str, text: str) -> None:
    with pytest.raises(UnknownOptionError) as info:
        parse(key, text)
    item = Q.item(key)
    assert info.value.item == item.slot
    assert item.slot in str(info.value)
    assert info.value.allowed == item.option_ids


# issue 14: months alone say nothing of debts, so "8 months" is no longer "more than 6 months
# and no debt" (nor "4 months" "mortgage only"): the answer goes back with the options it allows
@pytest.mark.parametrize(("text", "candidates"), [
    ("4 months", ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only")),
    ("8 months", ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only", "gt_6m_no_debt")),
    ("a year of expenses",
     ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only", "gt_6m_no_debt")),
])
def test_months_without_debts_ask_back(text: str, candidates: tuple[str, ...]) -> None:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse("liquidity_reserve", text)
    assert info.value.candidates == candidates


def test_button_payloads_accepted_as_is() -> None:
    for key, options in {**SPEC_OPTIONS, **KNOWLEDGE_OPTIONS}.items():
        for option in options:
            assert parse_option(Q.item(key), option) == option
            assert parse(key, f"  {option} ") == option


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted({**SPEC_OPTIONS, **KNOWLEDGE_OPTIONS})), st.text(max_size=40))
def test_property_option_parsing_returns_an_option_or_raises(key: str, text: str) -> None:
    item = Q.item(key)
    try:
        result = parse(key, text)
    except AmbiguousAnswerError as error:
        assert error.item == item.slot
        assert len(error.candidates) >= 2 and set(error.candidates) <= set(item.option_ids)
    except UnknownOptionError as error:
        assert error.item == item.slot
    else:
        assert result in item.option_ids


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 120), st.sampled_from(["{}", "I'm {}", "I am {} years old", "{} years"]))
def test_property_any_age_in_digits(age: int, template: str) -> None:
    assert parse("age", template.format(age)) == age


def test_numbers_in() -> None:
    assert numbers_in("about 300k") == [Decimal(300000)]
    assert numbers_in("twenty nine") == [Decimal(29)]
    assert numbers_in("1,500 and 2 million") == [Decimal(1500), Decimal(2000000)]
    assert numbers_in("none") == []


def test_parse_age_direct() -> None:
    assert parse_age(Q.item("age"), "I'm 42") == 42


# ------------------------------------------------------------------ goals


@pytest.mark.parametrize(("text", "goals"), [
    ("retirement", ["retirement"]),
    ("child_education", ["child_education"]),
    ("retirement and my kids' school", ["child_education", "retirement"]),
    ("buying a house, growing my wealth and retirement",
     ["retirement", "home_purchase", "wealth_growth"]),
    ("cash flow for my shop", ["business_liquidity"]),
    ("no particular goal", ["none"]),
    ("none, just retirement", ["retirement"]),
])
def test_goals(q: Questionnaire, text: str, goals: list[str]) -> None:
    assert parse_goals(q.goals, text) == goals


def test_every_goal_payload(q: Questionnaire) -> None:
    for goal in GOAL_IDS:
        assert parse_goals(q.goals, goal) == [goal]


def test_goals_nonsense(q: Questionnaire) -> None:
    with pytest.raises(UnknownOptionError) as info:
        parse_goals(q.goals, "blorp")
    assert info.value.item == "kyc_goals"
