"""Typed answers whose reading depends on more than a keyword: a question that names an option,
an age in months, a number of years at an amount question, a hedged objective, "both" in the
A/B split. Each reads as the questionnaire form and the plan form read it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.answer_parsing import years_in
from advisor_core.domain.answers import ReadingKind, read_answer
from advisor_core.domain.plans import AmountKind, read_child_age, read_monthly_or_target, read_target

Q = default_questionnaire()


@pytest.mark.parametrize(("slot", "text"), [
    ("kyc_experience", "do options count as derivatives?"),
    ("kyc_experience", "is a bond fund complex?"),
    ("kyc_trade_frequency", "does selling count as a trade?"),
    ("kyc_return_tradeoff", "which is better for me?"),
    ("kyc_horizon", "is my pension money included?"),
])
def test_a_question_that_names_an_option_is_not_an_answer(slot: str, text: str) -> None:
    assert read_answer(Q, slot, text).kind is ReadingKind.REJECTED


@pytest.mark.parametrize(("text", "years"), [
    ("7", Decimal(7)), ("she is 9 years old", Decimal(9)), ("18 months", Decimal("1.5")),
    ("3 weeks old", Decimal(3) / Decimal(52)), ("30%", None), ("5 or 6", None), ("300k", None),
])
def test_years_in(text: str, years: Decimal | None) -> None:
    assert years_in(text) == years


@pytest.mark.parametrize(("text", "age"), [
    ("6 months old", 0), ("eighteen months", 1), ("just 3 weeks old", 0), ("12", 12), ("he's 4", 4),
    ("seven and a half", 7),
])
def test_a_child_age_in_months_or_weeks_counts_whole_years(text: str, age: int) -> None:
    assert read_child_age(text) == age


@pytest.mark.parametrize("text", ["20 years old", "30%", "two or three", "-2"])
def test_child_ages_that_are_not_one_whole_age_under_18_are_refused(text: str) -> None:
    assert read_child_age(text) is None


@pytest.mark.parametrize("text", ["enough for three years of college", "20%", "12 months"])
def test_a_number_of_years_or_a_percentage_is_not_an_amount(text: str) -> None:
    assert read_target(text) is None
    assert read_monthly_or_target(text).kind is AmountKind.REJECTED


def test_amounts_still_read() -> None:
    assert read_target("about 300k") == Decimal(300_000)
    assert read_monthly_or_target("1,500 yuan a month").amount == Decimal(1500)


@pytest.mark.parametrize("text", ["moderate growth please", "a little growth, nothing more",
                                  "growth, but not too risky"])
def test_hedged_growth_is_asked_back_between_income_and_growth(text: str) -> None:
    reading = read_answer(Q, "kyc_objective", text)
    assert reading.kind is ReadingKind.AMBIGUOUS
    assert set(reading.candidates) == {"income", "growth"}


@pytest.mark.parametrize("text", ["a mix of both", "some of both really"])
def test_both_in_the_split_is_asked_back_without_the_extremes(text: str) -> None:
    reading = read_answer(Q, "kyc_return_tradeoff", text)
    assert reading.kind is ReadingKind.AMBIGUOUS
    assert set(reading.candidates) == {"mostly_a", "half", "mostly_b"}


@pytest.mark.parametrize("text", ["I'd liquidate the lot", "redeem everything straight away",
                                  "get my money out asap"])
def test_taking_everything_out_is_selling_all(text: str) -> None:
    assert read_answer(Q, "kyc_drawdown_reaction", text).value == "sell_all"


@pytest.mark.parametrize("text", ["later this year", "by the end of the year", "next winter"])
def test_this_year_and_next_season_are_within_a_year(text: str) -> None:
    assert read_answer(Q, "kyc_horizon", text).value == "lt_1y"


@pytest.mark.parametrize("text", ["just started buying stocks this year", "opened a futures account last month"])
def test_a_product_held_only_recently_is_asked_back_with_every_lower_option(text: str) -> None:
    reading = read_answer(Q, "kyc_experience", text)
    assert reading.kind is ReadingKind.AMBIGUOUS
    assert reading.candidates[0] == "deposits_only"


def test_a_product_held_for_years_counts() -> None:
    assert read_answer(Q, "kyc_experience", "I have held stocks since 2012").value == "equities"


def test_under_a_million_reaches_every_band_below_it() -> None:
    reading = read_answer(Q, "kyc_investable_assets", "under a million")
    assert reading.kind is ReadingKind.AMBIGUOUS
    assert set(reading.candidates) == {"lt_100k", "100k_500k", "500k_3m"}


@pytest.mark.parametrize(("text", "option"), [("a dozen or so", "6_15"), ("two dozen trades", "gt_15")])
def test_a_dozen_is_twelve_not_dozens(text: str, option: str) -> None:
    assert read_answer(Q, "kyc_trade_frequency", text).value == option


def test_a_decade_is_not_an_age() -> None:
    assert read_answer(Q, "kyc_age", "in my 50s").kind is ReadingKind.REJECTED


def test_an_amount_until_an_age_reads_the_amount() -> None:
    assert read_monthly_or_target("1000 a month until he's 18").amount == Decimal(1000)
    assert read_monthly_or_target("is 500 a month enough?").kind is AmountKind.REJECTED


# ------------------------------------------------------------------ the same rules in Chinese


@pytest.mark.parametrize(("slot", "text"), [
    ("kyc_experience", "可转债算不算复杂产品"),
    ("kyc_trade_frequency", "基金转换也算交易吗"),
    ("kyc_horizon", "提前取出来会不会亏？"),
])
def test_a_chinese_question_that_names_an_option_is_not_an_answer(slot: str, text: str) -> None:
    assert read_answer(Q, slot, text).kind is ReadingKind.REJECTED


def test_not_even_a_share_is_under_it() -> None:
    assert read_answer(Q, "kyc_asset_share", "连一成都不到").value == "lt_10"


@pytest.mark.parametrize("text", ["稍微增长一点就行", "适度增长 别太冒险"])
def test_hedged_growth_in_chinese_is_asked_back(text: str) -> None:
    reading = read_answer(Q, "kyc_objective", text)
    assert reading.kind is ReadingKind.AMBIGUOUS
    assert set(reading.candidates) == {"income", "growth"}


def test_not_too_aggressive_is_never_aggressive() -> None:
    reading = read_answer(Q, "kyc_objective", "要增长但是不要太激进")
    assert "aggressive_growth" not in (reading.candidates or (reading.value,))


@pytest.mark.parametrize(("slot", "text", "option"), [
    ("kyc_drawdown_reaction", "先割掉一部分再说", "sell_some"),
    ("kyc_liquidity_reserve", "基本月光", "none_or_informal_debt"),
])
def test_everyday_chinese_words(slot: str, text: str, option: str) -> None:
    assert read_answer(Q, slot, text).value == option


def test_both_in_chinese_is_asked_back_without_the_extremes() -> None:
    reading = read_answer(Q, "kyc_return_tradeoff", "两边都买一点吧")
    assert set(reading.candidates) == {"mostly_a", "half", "mostly_b"}
