"""Reading typed answers the way customers write them (issue 14, items 2 and 3).

The rules under test are in docs/answer-reading.md: everyday numbers, ranges and
approximations, negations, several facts in one answer, one boundary rule for every item
(an edge two labels share goes to the option with fewer points), and a question back with the
candidates when an answer fits several options.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import (
    QUESTIONNAIRE_FILE,
    _default_path,
    default_lexicon,
    default_questionnaire,
    load_lexicon,
    load_questionnaire,
)
from advisor_core.domain.answer_parsing import (
    amount_in,
    is_digression,
    numbers_in,
    parse_answer,
    parse_goals,
    reads_as_answer,
)
from advisor_core.domain.questionnaire import Interval, Item
from advisor_core.errors import AmbiguousAnswerError, AnswerError, DataFileError, UnknownOptionError

Q = default_questionnaire()


def parse(key: str, text: str) -> object:
    return parse_answer(Q.item(key), text)


def candidates(key: str, text: str) -> tuple[str, ...]:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse(key, text)
    assert info.value.item == Q.item(key).slot
    assert isinstance(info.value, AnswerError), "existing callers re-prompt on AnswerError"
    return info.value.candidates


# ------------------------------------------------------------------ the issue's examples


@pytest.mark.parametrize(("key", "text", "option"), [
    # refused before
    ("trade_frequency", "I haven't made any trades", "none"),
    ("loss_tolerance", "I can't afford to lose anything", "none"),
    ("trade_frequency", "two or three times a year", "1_5"),
    ("horizon", "I might need it in two or three years", "1_3y"),
    ("income_source", "my wife and I both work full time", "two_incomes_or_business"),
    # misread before
    ("experience", "I trade stocks and some options", "derivatives"),
    ("objective", "I want maximum growth and can take high risk", "aggressive_growth"),
    # hijacked by intents before: they read as answers
    ("knowledge_bonds", "bond prices fall when rates rise", "falls"),
    ("drawdown_reaction", "wait it out", "hold"),
    # leaned the unsafe way before
    ("loss_tolerance", "I don't mind a small loss", "le_5"),
    ("liquidity_reserve", "0 months", "none_or_informal_debt"),
    ("experience", "a savings account and some stocks", "equities"),
])
def test_issue_examples(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option
    assert reads_as_answer(Q.item(key), text)


def test_issue_age_sixteen_reads_as_an_age_the_caller_blocks() -> None:
    assert parse("age", "I am 16 years old") == 16
    assert reads_as_answer(Q.item("age"), "I am 16 years old")


def test_issue_less_than_half_is_never_more_than_70() -> None:
    assert candidates("asset_share", "less than half") == ("30_50", "10_30", "lt_10")


def test_issue_eight_months_without_debts_asks_back() -> None:
    assert candidates("liquidity_reserve", "8 months of expenses") == (
        "none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only", "gt_6m_no_debt")


@pytest.mark.parametrize(("key", "text", "option"), [
    ("investable_assets", "fifty-two thousand", "lt_100k"),
    ("investable_assets", "1.2 million", "500k_3m"),
    ("investable_assets", "300k", "100k_500k"),
    ("investable_assets", "80 thousand", "lt_100k"),
    ("investable_assets", "two hundred and fifty thousand", "100k_500k"),
    ("investable_assets", "about 3.5m", "gt_3m"),
    ("investable_assets", "¥800,000", "500k_3m"),
    ("asset_share", "40%", "30_50"),
    ("asset_share", "a third", "30_50"),
    ("asset_share", "a quarter", "10_30"),
    ("asset_share", "three quarters", "gt_70"),
    ("horizon", "15 years", "gt_10y"),
    ("horizon", "within 6 months", "lt_1y"),
    ("horizon", "eighteen months", "1_3y"),
    ("horizon", "in a decade", "5_10y"),
    ("horizon", "not for 15 years", "gt_10y"),
    ("trade_frequency", "every week", "gt_15"),
    ("trade_frequency", "monthly", "6_15"),
    ("trade_frequency", "a couple of times", "1_5"),
    ("trade_frequency", "twice a month", "gt_15"),
    ("trade_frequency", "once a quarter", "1_5"),
    ("trade_frequency", "every two weeks", "gt_15"),
    ("trade_frequency", "I bought a fund 3 times in the last 12 months", "1_5"),
    ("horizon", "3 to 5 years", "3_5y"),
    ("investable_assets", "about 200k", "100k_500k"),
    ("loss_tolerance", "around 10%", "le_15"),
    ("trade_frequency", "never", "none"),
])
def test_everyday_numbers_durations_and_frequencies(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


# ------------------------------------------------------------------ one boundary rule


@pytest.mark.parametrize(("key", "text", "option"), [
    # edges two labels share: the option with fewer points
    ("horizon", "1 year", "lt_1y"),            # "within a year" / "1 to 3 years"
    ("horizon", "3 years", "1_3y"),            # was 3_5y
    ("horizon", "5 years", "3_5y"),            # was 5_10y
    ("investable_assets", "500,000", "100k_500k"),   # was 500k_3m
    ("asset_share", "30%", "30_50"),           # was 10_30 (more points)
    ("asset_share", "50%", "50_70"),
    ("asset_share", "half", "50_70"),
    # edges only one label names: that option
    ("horizon", "10 years", "5_10y"),          # "5 to 10" names 10, "more than 10" does not
    ("investable_assets", "100,000", "100k_500k"),   # "less than 100,000" does not name it
    ("investable_assets", "3 million", "500k_3m"),
    ("asset_share", "10%", "10_30"),
    ("asset_share", "70%", "50_70"),
    ("loss_tolerance", "0%", "none"),
    ("loss_tolerance", "5%", "le_5"),
    ("loss_tolerance", "15%", "le_15"),
    ("loss_tolerance", "30%", "le_30"),
    ("trade_frequency", "5", "1_5"),
    ("trade_frequency", "6", "6_15"),
    ("trade_frequency", "15", "6_15"),
    ("trade_frequency", "16", "gt_15"),
    ("liquidity_reserve", "6 months and no debt", "3_6m_mortgage_only"),
    ("liquidity_reserve", "3 months, no debts", "3_6m_mortgage_only"),
])
def test_boundaries(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


def _edge_cases() -> list[tuple[str, Decimal]]:
    cases = []
    for item in Q.items:
        if item.numeric is None or item.key == "liquidity_reserve":
            continue
        for _, label in item.numeric.label_ranges():
            if label.high is not None:
                cases.append((item.key, label.high))
    return cases


UNIT_TEXT = {"amount": "{} yuan", "percent": "{}%", "months": "{} months", "years": "{} years",
             "count": "{} trades"}


@pytest.mark.parametrize(("key", "edge"), _edge_cases())
def test_every_edge_follows_the_rule(key: str, edge: Decimal) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    holding = [o for o, label in item.numeric.label_ranges() if label.contains(Interval.point(edge))]
    expected = min(holding, key=lambda o: item.option(o).points)
    assert parse(key, UNIT_TEXT[item.numeric.unit.value].format(edge)) == expected


# ------------------------------------------------------------------ ambiguity: ask back


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("horizon", "in 4 to 8 years", ("3_5y", "5_10y")),
    ("horizon", "more than 5 years", ("5_10y", "gt_10y")),
    ("horizon", "within 3 years", ("lt_1y", "1_3y")),
    ("investable_assets", "between 400k and 700k", ("100k_500k", "500k_3m")),
    ("investable_assets", "up to 200k", ("lt_100k", "100k_500k")),
    ("trade_frequency", "5 or 6", ("1_5", "6_15")),
    ("loss_tolerance", "less than 10%", ("le_5", "le_15")),
    ("asset_share", "20 to 40 percent", ("30_50", "10_30")),
    ("liquidity_reserve", "4 months", ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only")),
    ("liquidity_reserve", "just a mortgage", ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only")),
    ("drawdown_reaction", "sell some or maybe hold", ("sell_some", "hold")),
    ("objective", "keep it safe but also grow it", ("preserve", "growth")),
])
def test_answers_that_fit_several_options_ask_back(key: str, text: str, expected: tuple[str, ...]) -> None:
    assert candidates(key, text) == expected


def test_candidates_come_in_the_items_order() -> None:
    item = Q.item("asset_share")
    got = candidates("asset_share", "less than half")
    assert list(got) == [o for o in item.option_ids if o in got]


def test_the_ambiguous_error_names_the_candidates() -> None:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse("horizon", "in 4 to 8 years")
    assert "3_5y or 5_10y" in str(info.value)


# ------------------------------------------------------------------ negations and several facts


@pytest.mark.parametrize(("key", "text", "option"), [
    ("experience", "I don't own stocks, just bond funds", "fixed_income"),
    ("experience", "no stocks, no bonds, just deposits", "deposits_only"),
    ("experience", "I've never invested", "deposits_only"),
    ("experience", "bonds, equity funds and a bit of futures", "derivatives"),
    ("objective", "I don't want to take any risk", "preserve"),
    ("objective", "I can take a lot of risk", "aggressive_growth"),
    ("drawdown_reaction", "I wouldn't sell", "hold"),
    ("drawdown_reaction", "I wouldn't panic, I'd buy more", "buy_more"),
    ("loss_tolerance", "I can't lose more than 5%", "le_5"),
    ("loss_tolerance", "I don't want to lose more than 10 percent", "le_15"),
    ("loss_tolerance", "losing more than 30% would be fine", "gt_30"),
    ("loss_tolerance", "not a single cent", "none"),
    ("trade_frequency", "I didn't buy or sell anything this year", "none"),
    ("income_source", "I don't work, my husband supports me", "none"),
    ("income_source", "pension plus rent from two flats", "two_incomes_or_business"),
    ("liquidity_reserve", "no credit card debt, 4 months saved", "3_6m_mortgage_only"),
    ("liquidity_reserve", "10 months of cash but I'm paying off a car loan", "lt_3m_or_consumer_debt"),
    ("knowledge_bonds", "when rates go up, bond values go down", "falls"),
    ("knowledge_bonds", "higher rates push bond values down", "falls"),
    ("knowledge_diversification", "one stock is riskier than a fund", "one_stock"),
    ("knowledge_diversification", "the fund is safer", "one_stock"),
    ("knowledge_diversification", "a fund is less risky than one stock", "one_stock"),
])
def test_negations_and_several_facts(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("key", "text", "option"), [
    # shares of A and B (item 13): B's share picks the option
    ("return_tradeoff", "70% A and 30% B", "mostly_a"),
    ("return_tradeoff", "80/20 in favour of A", "mostly_a"),
    ("return_tradeoff", "60 40 towards B", "mostly_b"),
    ("return_tradeoff", "30% in B", "mostly_a"),
    ("return_tradeoff", "100% B", "all_b"),
    ("return_tradeoff", "50% each", "half"),
    # "just under" / "almost" is below the value, "just over" above it
    ("investable_assets", "just under 100k", "lt_100k"),
    ("investable_assets", "almost 3 million", "500k_3m"),
    ("investable_assets", "just over 3 million", "gt_3m"),
    ("horizon", "nearly 5 years", "3_5y"),
    ("trade_frequency", "almost 15", "6_15"),
    ("trade_frequency", "just over 5 trades", "6_15"),
    # a keyword inside a longer one of a safer option does not count
    ("income_source", "I'm a full-time mum", "none"),
    ("experience", "mostly money market funds", "fixed_income"),
])
def test_shares_near_values_and_longer_keywords(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("liquidity_reserve", "a couple of months of savings", ("lt_3m_or_consumer_debt",)),
    ("liquidity_reserve", "a few months of savings, no debt", ("lt_3m_or_consumer_debt", "3_6m_mortgage_only")),
    ("horizon", "in a few years", ("1_3y", "3_5y")),
    ("horizon", "in a few months", ("lt_1y",)),
    ("asset_share", "more than half of it", ("gt_70", "50_70")),
])
def test_vague_counts_are_ranges(key: str, text: str, expected: tuple[str, ...]) -> None:
    if len(expected) == 1:
        assert parse(key, text) == expected[0]
    else:
        assert candidates(key, text) == expected


@pytest.mark.parametrize(("key", "text", "option"), [
    ("experience", "I have stoks and some bondss", "equities"),
    ("drawdown_reaction", "sell evrything", "sell_all"),
    ("income_source", "my salery", "one_stable_wage"),
    ("knowledge_bonds", "it dropps", "falls"),
])
def test_one_typo_in_a_long_word_is_forgiven(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("key", "text"), [
    ("horizon", "long trem"),          # short words are not corrected
    ("objective", "purple elephant"),
])
def test_words_far_from_any_keyword_are_not_corrected(key: str, text: str) -> None:
    with pytest.raises(UnknownOptionError):
        parse(key, text)


def test_a_business_alone_is_not_two_incomes() -> None:
    # "business *plus* investment income": without a second source it asks
    assert candidates("income_source", "I'm self-employed") == ("one_stable_wage", "two_incomes_or_business")
    assert parse("income_source", "I have my own business and rental income") == "two_incomes_or_business"


def test_a_generic_fund_is_not_read_as_equities() -> None:
    with pytest.raises(UnknownOptionError):
        parse("experience", "funds")


@pytest.mark.parametrize(("key", "text"), [
    ("drawdown_reaction", "I'd not sell everything, just some"),   # not "hold": which one is unsaid
    ("income_source", "retired, no pension, living off savings"),  # "retired" contradicted
    ("drawdown_reaction", "I wouldn't buy more"),
])
def test_denied_options_are_not_replaced_by_a_guess(key: str, text: str) -> None:
    with pytest.raises(UnknownOptionError):
        parse(key, text)


@pytest.mark.parametrize(("key", "text", "option"), [
    ("income_source", "I don't have a job at the moment", "none"),   # the safest reading stays
    ("horizon", "I won't need it for a long time", "gt_10y"),
    ("liquidity_reserve", "I have zero savings", "none_or_informal_debt"),
])
def test_denials_whose_reading_is_safe(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


def test_a_negated_verb_does_not_turn_at_least_around() -> None:
    assert candidates("horizon", "I won't need it for at least 10 years") == ("5_10y", "gt_10y")


@pytest.mark.parametrize(("text", "goals"), [
    ("not retirement, my kids' school", ["child_education"]),
    ("growing my money and a flat one day", ["home_purchase", "wealth_growth"]),
])
def test_goals_with_negation(text: str, goals: list[str]) -> None:
    assert parse_goals(Q.goals, text) == goals


@pytest.mark.parametrize(("key", "text"), [
    ("horizon", "when my daughter turns 18"),   # an age, not a duration
    ("horizon", "by 2030"),                    # a calendar year, not a duration
    ("loss_tolerance", "150%"),
    ("liquidity_reserve", "no debt"),          # the reserve is unknown and nothing else was said
])
def test_numbers_that_are_not_the_answer_are_not_guessed(key: str, text: str) -> None:
    with pytest.raises(UnknownOptionError):
        parse(key, text)


@pytest.mark.parametrize(("text", "numbers"), [
    ("she's seven", [7]),
    ("two thousand a month", [2000]),
    ("half a million", [500000]),
    ("1.2 million", [1200000]),
    ("300k", [300000]),
    ("80 thousand", [80000]),
    ("2 and a half million", [2500000]),
    ("a million", [1000000]),
    ("1,500 per month for 15 years", [1500, 15]),
    ("a third", []),
])
def test_numbers_in(text: str, numbers: list[int]) -> None:
    assert numbers_in(text) == [Decimal(n) for n in numbers]


@pytest.mark.parametrize(("text", "amount"), [
    ("500 a month until she is 18", 500),
    ("1,500 per month for 15 years", 1500),
    ("two thousand a month", 2000),
    ("target 200,000", 200000),
    ("half a million", 500000),
    ("I can put in 800 yuan monthly", 800),
    ("2000 or 3000", None),
    ("she is seven", None),
    ("-5", None),
])
def test_amount_in_for_the_plan(text: str, amount: int | None) -> None:
    assert amount_in(text) == (None if amount is None else Decimal(amount))


# ------------------------------------------------------------------ never riskier than stated


NUMERIC_ITEMS = sorted(i.key for i in Q.items if i.numeric is not None and i.key != "liquidity_reserve")
MAX_VALUE = {"amount": 10_000_000, "percent": 100, "months": 60, "years": 40, "count": 60}


def _values(unit: str) -> st.SearchStrategy[Decimal]:
    whole = st.integers(0, MAX_VALUE[unit]).map(Decimal)
    if unit == "count":
        return whole
    halves = st.integers(0, MAX_VALUE[unit] * 2).map(lambda n: Decimal(n) / 2)
    return st.one_of(whole, halves)


def _fewest_points_holding(item: Item, stated: Interval) -> set[str]:
    assert item.numeric is not None
    holding = [o for o, label in item.numeric.label_ranges() if label.contains(stated)]
    fewest = min(item.option(o).points for o in holding) if holding else None
    return {o for o in holding if item.option(o).points == fewest}


def _assert_candidates_cover(item: Item, stated: Interval, got: tuple[str, ...]) -> None:
    """Candidates are options the stated range reaches, and include every option it reaches
    beyond a single edge point (an edge alone goes to the option with fewer points)."""
    assert item.numeric is not None
    assert len(got) >= 2
    for option, label in item.numeric.label_ranges():
        if not label.overlaps(stated):
            assert option not in got, f"{option} is outside {stated}"
            continue
        lows = [x for x in (label.low, stated.low) if x is not None]
        highs = [x for x in (label.high, stated.high) if x is not None]
        if not (lows and highs and max(lows) == min(highs)):
            assert option in got, f"{option} reaches into {stated} but is not offered"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_a_stated_value_is_read_in_its_band_or_less_risky(key: str, data: st.DataObject) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    value = data.draw(_values(unit))
    template = data.draw(st.sampled_from([UNIT_TEXT[unit], "about " + UNIT_TEXT[unit], "roughly " + UNIT_TEXT[unit]]))
    option = parse(key, template.format(value))
    stated = Interval.point(value)
    label = dict(item.numeric.label_ranges())[option]
    assert label.contains(stated), f"{value} read as {option}"
    assert option in _fewest_points_holding(item, stated), f"{value} read as the riskier {option}"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_a_stated_range_is_one_option_or_the_candidates(key: str, data: st.DataObject) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    low = data.draw(_values(unit))
    high = data.draw(_values(unit).filter(lambda v: v > low))
    text = UNIT_TEXT[unit].format(f"{low} to {high}")
    stated = Interval(low, True, high, True)
    ranges = item.numeric.label_ranges()
    try:
        option = parse(key, text)
    except AmbiguousAnswerError as error:
        _assert_candidates_cover(item, stated, error.candidates)
        assert not any(label.contains(stated) for _, label in ranges)
    else:
        assert dict(ranges)[option].contains(stated), f"{text} read as {option}"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_comparators_never_read_beyond_what_was_said(key: str, data: st.DataObject) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    value = data.draw(_values(unit).filter(lambda v: v > 0))
    word = data.draw(st.sampled_from(["more than", "less than", "at least", "over", "under"]))
    text = f"{word} " + UNIT_TEXT[unit].format(value)
    kind = {"more than": "more", "over": "more", "at least": "at_least", "less than": "less", "under": "less"}[word]
    stated = {
        "more": Interval(value, False, None, False),
        "at_least": Interval(value, True, None, False),
        "less": Interval(Decimal(0), not item.reading.value_is_limit, value, False),
    }[kind]
    ranges = item.numeric.label_ranges()
    try:
        option = parse(key, text)
    except AmbiguousAnswerError as error:
        _assert_candidates_cover(item, stated, error.candidates)
    else:
        assert dict(ranges)[option].contains(stated), f"{text} read as {option}"


# ------------------------------------------------------------------ reads_as_answer


DIGRESSIONS = ["what is a bond fund?", "what is max drawdown?", "stop", "talk to a person",
               "why do you ask?", "can I speak to a human advisor", "explain money market funds",
               "how do bonds work?", "I want to stop the questionnaire", "not now", "cancel"]

ANSWERS = {
    "income_source": ["my salary", "I'm retired", "we both work", "I have no income"],
    "investable_assets": ["about 300k", "1.2 million", "not much", "between 400k and 700k"],
    "asset_share": ["a third", "less than half", "40%", "almost everything"],
    "liquidity_reserve": ["8 months of expenses", "no savings", "a car loan", "4 months, mortgage only"],
    "age": ["I am 16 years old", "42", "sixty", "I'm 130"],
    "experience": ["stocks and options", "only deposits", "bond funds", "I've never invested"],
    "trade_frequency": ["I haven't made any trades", "two or three times a year", "every week", "10"],
    "knowledge_bonds": ["bond prices fall when rates rise", "they go up", "no idea", "stays the same"],
    "knowledge_diversification": ["one stock", "the fund", "about the same", "I don't know"],
    "horizon": ["in two or three years", "15 years", "within 6 months", "long term"],
    "objective": ["maximum growth", "keep it safe", "steady income", "beat inflation"],
    "loss_tolerance": ["I can't afford to lose anything", "10%", "I don't mind a small loss", "half"],
    "drawdown_reaction": ["wait it out", "sell everything", "buy more", "sell some"],
    "return_tradeoff": ["mostly B", "all in A", "half and half", "mostly A"],
}


@pytest.mark.parametrize(("key", "text"), [(k, t) for k, ts in ANSWERS.items() for t in ts])
def test_answers_read_as_answers(key: str, text: str) -> None:
    assert reads_as_answer(Q.item(key), text)


@pytest.mark.parametrize("text", ["retirement and my kids' school", "a house", "none", "growing my wealth"])
def test_goal_answers_read_as_answers(text: str) -> None:
    assert reads_as_answer(Q.goals, text)


@pytest.mark.parametrize("key", [*ANSWERS, "goals"])
@pytest.mark.parametrize("text", DIGRESSIONS)
def test_digressions_do_not_read_as_answers(key: str, text: str) -> None:
    item = Q.goals if key == "goals" else Q.item(key)
    assert not reads_as_answer(item, text)
    assert is_digression(text)


@pytest.mark.parametrize(("key", "text"), [
    ("experience", "what are futures?"), ("horizon", "why does the horizon matter?"),
    ("loss_tolerance", "what happens if I lose money?"), ("age", "how old do I have to be?"),
    ("objective", "hello"), ("return_tradeoff", "which one is better for me?"),
])
def test_item_specific_digressions(key: str, text: str) -> None:
    assert not reads_as_answer(Q.item(key), text)


@pytest.mark.parametrize(("key", "text"), [
    ("drawdown_reaction", "I'd stop investing and sell everything"),   # "stop" inside an answer
    ("experience", "my advisor put me in bond funds"),
    ("knowledge_bonds", "bond prices fall when rates rise"),           # "bond" inside an answer
    ("drawdown_reaction", "I'd hold, what's the point of selling low"),
])
def test_a_digression_word_inside_an_answer_does_not_hijack_it(key: str, text: str) -> None:
    assert reads_as_answer(Q.item(key), text)


@pytest.mark.parametrize("text", ["yes", "ok", "thanks", "hello", "please stop", "I want to stop", "skip"])
def test_short_chat_is_not_an_answer(text: str) -> None:
    assert not reads_as_answer(Q.item("horizon"), text)


def test_a_message_longer_than_any_answer_is_not_read() -> None:
    long = "I would hold and wait " * 40
    assert not reads_as_answer(Q.item("drawdown_reaction"), long)
    with pytest.raises(UnknownOptionError):
        parse("drawdown_reaction", long)
    with pytest.raises(AnswerError):
        parse("age", "42 " * 300)


def test_reads_as_answer_is_cheap() -> None:
    items = [*Q.items, Q.goals]
    texts = ["what is a bond fund?", "I trade stocks and some options", "about 300k", "wait it out",
             "I have 8 months of expenses saved and no debts except a mortgage on the flat"]
    for item in items:                       # warm the per-item tables
        for text in texts:
            reads_as_answer(item, text)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        for item in items:
            for text in texts:
                reads_as_answer(item, text)
        timings.append((time.perf_counter() - start) / (len(items) * len(texts)))
    # about 0.2 ms on an idle core; the bound leaves room for a busy shared machine
    assert statistics.median(timings) < 0.003, f"{statistics.median(timings) * 1e6:.0f} us per call"


# ------------------------------------------------------------------ data: a second language


def test_a_second_language_is_data(tmp_path: Path) -> None:
    english = yaml.safe_load((_default_path("reading_en.yaml")).read_text(encoding="utf-8"))
    other = dict(english, language="xx", number_words="none", contractions={},
                 negations=["nicht"], question_starts=["was"], digressions=["halt"])
    lexicon_file = tmp_path / "reading_xx.yaml"
    lexicon_file.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    lexicon = load_lexicon(lexicon_file)

    data = yaml.safe_load(_default_path(QUESTIONNAIRE_FILE).read_text(encoding="utf-8"))
    drawdown = next(i for i in data["items"] if i["key"] == "drawdown_reaction")
    hold = next(o for o in drawdown["options"] if o["id"] == "hold")
    hold["keywords"] = {"en": hold["keywords"], "xx": ["abwarten", "持有"]}
    questionnaire_file = tmp_path / "questionnaire.yaml"
    questionnaire_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    item = load_questionnaire(questionnaire_file).item("drawdown_reaction")

    assert item.option("hold").keywords_for("xx") == ("abwarten", "持有")
    assert parse_answer(item, "ich würde abwarten", lexicon=lexicon) == "hold"
    assert parse_answer(item, "我会继续持有", lexicon=lexicon) == "hold"   # no spaces: by character
    assert parse_answer(item, "wait it out") == "hold"       # English is unchanged
    with pytest.raises(UnknownOptionError):
        parse_answer(item, "nicht abwarten", lexicon=lexicon)
    assert not reads_as_answer(item, "halt", lexicon=lexicon)


def test_default_lexicon_for_an_unknown_language_names_the_file() -> None:
    with pytest.raises(DataFileError, match="reading_zz.yaml"):
        default_lexicon("zz")
