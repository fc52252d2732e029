"""Reading typed answers in Simplified Chinese (docs/answer-reading.md, "Chinese").

The rules are the English ones: one boundary rule for every item (an edge two labels share goes
to the option with fewer points), a question back with the candidates when an answer fits several
options, negations, several facts in one answer, and never a riskier reading than stated. The
caller does not choose the language: a text with a CJK character is read with reading_zh.yaml.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import cn2an
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import (
    _default_path,
    default_lexicon,
    default_questionnaire,
    load_lexicon,
)
from advisor_core.domain.answer_parsing import (
    amount_in,
    is_digression,
    numbers_in,
    parse_answer,
    parse_goals,
    reads_as_answer,
)
from advisor_core.domain.answers import ReadingKind, read_answer
from advisor_core.domain.open_question import (
    reads_as_answer as open_question_reads_as_answer,
)
from advisor_core.domain.plans import (
    AmountKind,
    read_child_age,
    read_monthly_or_target,
    read_target,
)
from advisor_core.domain.questionnaire import Interval, Item
from advisor_core.errors import (
    AgeOutOfRangeError,
    AmbiguousAnswerError,
    AnswerError,
    DataFileError,
    UnknownOptionError,
)

Q = default_questionnaire()


def parse(key: str, text: str) -> object:
    return parse_answer(Q.item(key), text)


def candidates(key: str, text: str) -> tuple[str, ...]:
    with pytest.raises(AmbiguousAnswerError) as info:
        parse(key, text)
    assert info.value.item == Q.item(key).slot
    return info.value.candidates


def points(key: str, option: str) -> int:
    return Q.item(key).option(option).points


# ------------------------------------------------------------------ the brief's examples


@pytest.mark.parametrize(("key", "text", "option"), [
    ("investable_assets", "三十万", "100k_500k"),
    ("investable_assets", "一百二十万", "500k_3m"),
    ("investable_assets", "50来万", "100k_500k"),       # about 500,000: on the shared edge, fewer points
    ("investable_assets", "二三十万", "100k_500k"),      # 200,000 to 300,000: inside one option
    ("asset_share", "百分之二十", "10_30"),
    ("asset_share", "三成", "30_50"),                   # 30%: on the shared edge, fewer points
    ("horizon", "十几年", "gt_10y"),                    # 11 to 19 years
    ("horizon", "两三年", "1_3y"),
    ("trade_frequency", "一年两三次", "1_5"),
    ("trade_frequency", "每周", "gt_15"),
    ("age", "六十七岁", 67),
    # numbers in any script inside a Chinese sentence
    ("investable_assets", "存款大概30万左右", "100k_500k"),
    ("investable_assets", "我大概有300k", "100k_500k"),
    ("investable_assets", "30w左右", "100k_500k"),
    # negations
    ("experience", "没买过", "deposits_only"),
    ("trade_frequency", "从不", "none"),
    ("trade_frequency", "没有", "none"),
    ("loss_tolerance", "不能接受", "none"),
    ("loss_tolerance", "不想亏", "none"),
    ("objective", "不想亏", "preserve"),
    # several facts: the experience item takes the most complex product named
    ("experience", "买过股票也玩过期权", "derivatives"),
])
def test_the_briefs_examples(key: str, text: str, option: object) -> None:
    assert parse(key, text) == option
    assert reads_as_answer(Q.item(key), text)


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("asset_share", "一半以上", ("gt_70", "50_70")),
    ("asset_share", "不到一半", ("30_50", "10_30", "lt_10")),
    ("horizon", "五年以上", ("3_5y", "5_10y", "gt_10y")),    # 以上 includes 5, which goes to 3-5 years
    ("horizon", "三年以内", ("lt_1y", "1_3y")),
])
def test_the_briefs_ranges_ask_back(key: str, text: str, expected: tuple[str, ...]) -> None:
    assert candidates(key, text) == expected


@pytest.mark.parametrize(("key", "chinese", "english", "value"), [
    ("asset_share", "正好30%", "exactly 30%", 30),
    ("asset_share", "百分之三十", "30 percent", 30),
    ("asset_share", "三成", "30%", 30),
    ("investable_assets", "50万", "500,000", 500_000),
    ("investable_assets", "五十万", "500k", 500_000),
    ("horizon", "五年", "5 years", 5),
    ("horizon", "一年", "1 year", 1),
    ("loss_tolerance", "百分之三十", "30%", 30),
    ("trade_frequency", "五次", "5 trades", 5),
])
def test_a_boundary_is_read_by_the_one_rule_english_follows(key: str, chinese: str, english: str,
                                                            value: int) -> None:
    """A value on an edge two labels share goes to the option with fewer points, in both languages
    (docs/answer-reading.md): never the riskier of the two."""
    item = Q.item(key)
    assert item.numeric is not None
    got = parse(key, chinese)
    assert got == parse(key, english)
    holders = [o for o, label in item.numeric.label_ranges() if label.contains(Interval.point(Decimal(value)))]
    assert got == min(holders, key=lambda o: points(key, o))


# ------------------------------------------------------------------ every edge, one rule


def _edge_cases() -> list[tuple[str, Decimal]]:
    cases = []
    for item in Q.items:
        if item.numeric is None or item.key == "liquidity_reserve":
            continue
        for _, label in item.numeric.label_ranges():
            if label.high is not None:
                cases.append((item.key, label.high))
    return cases


def _chinese(value: Decimal) -> str:
    return str(cn2an.an2cn(str(value)))


UNIT_TEXT_ZH: dict[str, Callable[[Decimal], str]] = {
    "amount": lambda v: f"{_chinese(v)}元",
    "percent": lambda v: f"百分之{_chinese(v)}",
    "years": lambda v: f"{_chinese(v)}年",
    "count": lambda v: f"{_chinese(v)}次",
}


@pytest.mark.parametrize(("key", "edge"), _edge_cases())
def test_every_edge_follows_the_rule(key: str, edge: Decimal) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    holding = [o for o, label in item.numeric.label_ranges() if label.contains(Interval.point(edge))]
    expected = min(holding, key=lambda o: points(key, o))
    assert parse(key, UNIT_TEXT_ZH[item.numeric.unit.value](edge)) == expected


@pytest.mark.parametrize(("key", "text", "option"), [
    # edges only one label names: that option
    ("investable_assets", "十万", "100k_500k"),
    ("investable_assets", "三百万", "500k_3m"),
    ("asset_share", "百分之七十", "50_70"),
    ("asset_share", "一成", "10_30"),
    ("horizon", "十年", "5_10y"),
    ("loss_tolerance", "百分之五", "le_5"),
    ("loss_tolerance", "两成", "le_30"),
    ("loss_tolerance", "十个点以内", "le_15"),
    ("trade_frequency", "十五次", "6_15"),
    ("trade_frequency", "十六次", "gt_15"),
    # shared edges: fewer points
    ("horizon", "三年", "1_3y"),
    ("asset_share", "一半", "50_70"),
    ("liquidity_reserve", "六个月，没有负债", "3_6m_mortgage_only"),
    # just over / just under an edge
    ("investable_assets", "五十万出头", "500k_3m"),
    ("investable_assets", "将近十万", "lt_100k"),
    ("horizon", "将近五年", "3_5y"),
    ("investable_assets", "快到十万了", "lt_100k"),              # "almost up to": still under
    ("investable_assets", "还差一点就十万", "lt_100k"),
    ("investable_assets", "快有五十万了", "100k_500k"),
    ("horizon", "差点到五年", "3_5y"),
    ("horizon", "一年多", "1_3y"),
    ("investable_assets", "三十多万", "100k_500k"),
    ("investable_assets", "三百多万", "gt_3m"),
])
def test_boundaries(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


# ------------------------------------------------------------------ ambiguity: ask back


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("investable_assets", "几十万", ("100k_500k", "500k_3m")),           # 200,000 to 900,000
    ("investable_assets", "三四百万", ("500k_3m", "gt_3m")),              # 3 to 4 million
    ("investable_assets", "四十到六十万", ("100k_500k", "500k_3m")),
    ("investable_assets", "十万以下", ("lt_100k", "100k_500k")),          # 以下 includes 100,000
    ("asset_share", "七八成", ("gt_70", "50_70")),
    ("asset_share", "二十到四十", ("30_50", "10_30")),
    ("loss_tolerance", "一二十个点", ("le_15", "le_30")),
    ("loss_tolerance", "不到百分之十", ("le_5", "le_15")),
    ("horizon", "四到八年", ("3_5y", "5_10y")),
    ("horizon", "好几年", ("1_3y", "3_5y", "5_10y")),
    ("horizon", "十年以上", ("5_10y", "gt_10y")),
    ("trade_frequency", "五六次", ("1_5", "6_15")),
    ("trade_frequency", "十多次", ("6_15", "gt_15")),
    ("trade_frequency", "一年十几次", ("6_15", "gt_15")),
    ("liquidity_reserve", "八个月的开销",
     ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only", "gt_6m_no_debt")),
    ("liquidity_reserve", "有房贷", ("none_or_informal_debt", "lt_3m_or_consumer_debt", "3_6m_mortgage_only")),
    ("income_source", "自己开店", ("one_stable_wage", "two_incomes_or_business")),
    ("objective", "想要高收益，但是不想亏", ("preserve", "growth")),
    ("drawdown_reaction", "卖一部分或者继续持有", ("sell_some", "hold")),
])
def test_answers_that_fit_several_options_ask_back(key: str, text: str, expected: tuple[str, ...]) -> None:
    assert candidates(key, text) == expected
    assert reads_as_answer(Q.item(key), text)


# ------------------------------------------------------------------ negations and several facts


@pytest.mark.parametrize(("key", "text", "option"), [
    ("experience", "没碰过股票，只买过银行理财", "fixed_income"),
    ("experience", "我从来没有买过任何股票", "deposits_only"),
    ("experience", "只有银行存款", "deposits_only"),
    ("experience", "股票、基金、期货都做过", "derivatives"),
    ("experience", "余额宝和一些债基", "fixed_income"),
    ("trade_frequency", "一次都没有", "none"),
    ("trade_frequency", "今年没买卖过", "none"),
    ("trade_frequency", "不经常", "1_5"),
    ("objective", "不想冒风险", "preserve"),
    ("objective", "不要高风险", "preserve"),
    ("loss_tolerance", "一分钱都不能亏", "none"),
    ("loss_tolerance", "不介意小亏", "le_5"),
    ("loss_tolerance", "亏损不能超过5%", "le_5"),
    ("loss_tolerance", "不能接受超过百分之十的亏损", "le_15"),
    ("loss_tolerance", "亏损超过20%就受不了", "le_30"),
    ("loss_tolerance", "亏超过30%也能接受", "gt_30"),
    ("drawdown_reaction", "不卖，继续持有", "hold"),
    ("drawdown_reaction", "不会动", "hold"),
    ("drawdown_reaction", "不卖，还会加仓", "buy_more"),
    ("drawdown_reaction", "不会全部卖掉，卖一部分", "sell_some"),
    ("income_source", "我没工作，靠老公养", "none"),
    ("income_source", "不上班", "none"),
    ("income_source", "我和老婆都上班", "two_incomes_or_business"),
    ("income_source", "退休金加上房租", "two_incomes_or_business"),
    ("income_source", "退休医生，就一份退休金", "pension_only"),    # a former job said with 退休
    ("income_source", "退休工人", "pension_only"),
    ("income_source", "开店，还有房租收入", "two_incomes_or_business"),
    ("liquidity_reserve", "存了四个月，有房贷", "3_6m_mortgage_only"),
    ("liquidity_reserve", "一年以上的存款，没有贷款", "gt_6m_no_debt"),
    ("liquidity_reserve", "半年的积蓄，无负债", "3_6m_mortgage_only"),
    ("liquidity_reserve", "十个月的存款，但是有车贷", "lt_3m_or_consumer_debt"),
    ("liquidity_reserve", "没有存款", "none_or_informal_debt"),
    ("knowledge_bonds", "利率上升，债券基金会下跌", "falls"),
    ("knowledge_bonds", "加息的话债券价格会跌", "falls"),
    ("knowledge_diversification", "个股风险更大", "one_stock"),
    ("knowledge_diversification", "基金更安全", "one_stock"),
    ("knowledge_diversification", "一只股票比基金风险大", "one_stock"),
    ("knowledge_diversification", "基金比个股安全", "one_stock"),
    ("knowledge_diversification", "基金风险大", "the_fund"),
])
def test_negations_and_several_facts(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


# A thing named first and denied after it ("股票不敢碰"): the denial closes the keyword's clause.
@pytest.mark.parametrize(("key", "text", "option"), [
    ("experience", "股票从来不碰，买过几年国债", "fixed_income"),
    ("experience", "期货不敢玩 基金定投过指数基金", "equities"),
    ("experience", "炒股不懂，就存定期", "deposits_only"),
    ("experience", "外汇没接触过，理财产品买过", "fixed_income"),
    ("experience", "股票我是不敢碰的，余额宝里放了点钱", "fixed_income"),
    ("experience", "理财不碰股票", "fixed_income"),            # the denial is the stock's: 理财 stands
    ("objective", "高风险的不考虑，稳稳拿利息就好", "income"),
])
def test_a_denial_after_the_keyword(key: str, text: str, option: str) -> None:
    assert parse(key, text) == option


# Item 6 counts products held two years or more: one held since recently is asked back.
@pytest.mark.parametrize(("text", "expected"), [
    ("股票今年刚开户，之前一直买债基", ("deposits_only", "fixed_income", "equities")),
    ("期货上个月才开始玩", ("deposits_only", "fixed_income", "equities", "derivatives")),
    ("第一次买国债", ("deposits_only", "fixed_income")),
])
def test_a_product_held_since_recently_is_asked_back_with_every_option_up_to_it(text: str,
                                                                                  expected: tuple[str, ...]) -> None:
    assert candidates("experience", text) == expected


def test_a_product_held_for_years_is_read() -> None:
    assert parse("experience", "债基买了五年多了") == "fixed_income"


def test_a_denial_after_a_keyword_never_reads_riskier() -> None:
    # with the stocks denied, nothing riskier than what is left is read
    assert parse("experience", "股票基金不敢买，只有存款") == "deposits_only"
    assert parse("experience", "期货期权都不碰") != "derivatives"


@pytest.mark.parametrize(("key", "text"), [
    ("knowledge_bonds", "不会跌"),                       # denies an option, names none
    ("drawdown_reaction", "不会加仓"),
    ("experience", "基金"),                             # a fund of any kind: not guessed
    ("horizon", "2030年"),                              # a calendar year, not 2030 years
    ("horizon", "等孩子18岁上大学"),                     # an age, not a duration
    ("asset_share", "百分之一百五十"),                   # impossible
    ("loss_tolerance", "150%"),
])
def test_what_is_not_an_answer_is_not_guessed(key: str, text: str) -> None:
    with pytest.raises(UnknownOptionError):
        parse(key, text)


@pytest.mark.parametrize(("text", "option"), [
    ("A七成B三成", "mostly_a"),
    ("七成A三成B", "mostly_a"),
    ("A放七成，B放三成", "mostly_a"),
    ("七成放B", "mostly_b"),
    ("我选A，七成放B", "mostly_b"),
    ("三成放B", "mostly_a"),
    ("A一半B一半", "half"),
    ("80/20偏A", "mostly_a"),
    ("百分之百放B", "all_b"),
    ("全部A", "all_a"),
    ("选B", "all_b"),
    ("五五开", "half"),
    ("大部分放A", "mostly_a"),
])
def test_shares_of_a_and_b(text: str, option: str) -> None:
    assert parse("return_tradeoff", text) == option


@pytest.mark.parametrize(("key", "text", "option"), [
    ("investable_assets", "一千万", "gt_3m"),
    ("investable_assets", "几万块", "lt_100k"),
    ("investable_assets", "不到十万", "lt_100k"),
    ("investable_assets", "三十到五十万", "100k_500k"),
    ("investable_assets", "一百五六十万", "500k_3m"),
    ("investable_assets", "没多少", "lt_100k"),
    ("asset_share", "两三成", "10_30"),
    ("asset_share", "三分之一", "30_50"),
    ("asset_share", "四分之三", "gt_70"),
    ("asset_share", "大部分", "50_70"),
    ("asset_share", "一小部分", "lt_10"),
    ("asset_share", "３０％", "30_50"),                  # full-width digits
    ("horizon", "半年", "lt_1y"),
    ("horizon", "一年以内", "lt_1y"),
    ("horizon", "一到三年", "1_3y"),
    ("horizon", "十八个月", "1_3y"),
    ("horizon", "3~5年", "3_5y"),
    ("horizon", "三五年", "3_5y"),
    ("horizon", "十来年", "5_10y"),
    ("horizon", "几个月", "lt_1y"),
    ("horizon", "长期", "gt_10y"),
    ("horizon", "不着急用", "gt_10y"),
    ("trade_frequency", "一个月两三次", "gt_15"),
    ("trade_frequency", "两周一次", "gt_15"),
    ("trade_frequency", "三个月一次", "1_5"),
    ("trade_frequency", "每个月都买", "6_15"),
    ("trade_frequency", "每周两三次", "gt_15"),
    ("trade_frequency", "过去12个月买了3次", "1_5"),
    ("trade_frequency", "偶尔", "1_5"),
    ("age", "我今年45", 45),
    ("age", "大概四十岁", 40),
    ("age", "七十", 70),
    ("knowledge_bonds", "不知道", "dont_know"),
    ("knowledge_diversification", "差不多", "same"),
    ("drawdown_reaction", "拿着等反弹", "hold"),
    ("drawdown_reaction", "全部卖掉", "sell_all"),
    ("drawdown_reaction", "加仓", "buy_more"),
    ("objective", "稳定收益", "income"),
    ("objective", "跑赢通胀", "growth"),
    ("income_source", "退休了，靠退休金", "pension_only"),
    ("income_source", "我是公务员", "one_stable_wage"),
])
def test_everyday_answers(key: str, text: str, option: object) -> None:
    assert parse(key, text) == option


@pytest.mark.parametrize(("text", "goals"), [
    ("孩子教育和养老", ["child_education", "retirement"]),
    ("没有孩子，主要是养老", ["retirement"]),
    ("给女儿存学费，顺便跑赢通胀", ["child_education", "wealth_growth"]),
    ("做生意周转", ["business_liquidity"]),
    ("买房", ["home_purchase"]),
    ("暂时没有", ["none"]),
])
def test_goals(text: str, goals: list[str]) -> None:
    assert parse_goals(Q.goals, text) == goals
    assert reads_as_answer(Q.goals, text)


# ------------------------------------------------------------------ like their English counterparts


@pytest.mark.parametrize(("text", "english"), [("十七岁", "I am 17"), ("我才16", "16")])
def test_an_age_under_18_is_read_and_blocked_by_the_caller(text: str, english: str) -> None:
    reading = read_answer(Q, "kyc_age", text)
    assert reading.kind is ReadingKind.UNDERAGE
    assert reading == read_answer(Q, "kyc_age", english)


@pytest.mark.parametrize("text", ["两百岁", "我1980年出生"])
def test_an_impossible_age_is_out_of_range(text: str) -> None:
    with pytest.raises(AgeOutOfRangeError):
        parse("age", text)
    assert read_answer(Q, "kyc_age", text).kind is ReadingKind.REJECTED


@pytest.mark.parametrize("text", ["未满18岁", "不到18岁", "三十多岁", "七八十岁", "三十出头"])
def test_an_age_that_is_no_single_age_is_asked_again(text: str) -> None:
    with pytest.raises(AnswerError):
        parse("age", text)
    assert read_answer(Q, "kyc_age", text).kind is ReadingKind.REJECTED


@pytest.mark.parametrize("slot", [*(i.slot for i in Q.items), Q.goals.slot])
@pytest.mark.parametrize("text", ["不想说", "不方便说", "保密"])
def test_a_refusal_is_rejected_and_no_answer(slot: str, text: str) -> None:
    assert read_answer(Q, slot, text).kind is ReadingKind.REJECTED
    assert not open_question_reads_as_answer(Q, slot, text)


DIGRESSIONS = ["债券基金是什么？", "什么是最大回撤", "为什么要问这个", "转人工", "我想找真人客服", "停", "取消", "算了",
               "谢谢", "以后再说", "能解释一下吗", "请问期权是什么意思", "我想停止问卷"]


@pytest.mark.parametrize("key", ["experience", "horizon", "loss_tolerance", "goals"])
@pytest.mark.parametrize("text", DIGRESSIONS)
def test_digressions_do_not_read_as_answers(key: str, text: str) -> None:
    item = Q.goals if key == "goals" else Q.item(key)
    assert is_digression(text)
    assert not reads_as_answer(item, text)


@pytest.mark.parametrize(("key", "text"), [
    ("experience", "我什么都没买过"),            # 什么 inside an answer
    ("drawdown_reaction", "停止定投，全部卖掉"),    # 停止 inside an answer
    ("experience", "我的理财经理帮我买了债券基金"),
])
def test_a_digression_word_inside_an_answer_does_not_hijack_it(key: str, text: str) -> None:
    assert reads_as_answer(Q.item(key), text)


def test_the_language_follows_the_script() -> None:
    assert parse("investable_assets", "about 300k") == parse("investable_assets", "大约三十万")
    assert default_lexicon("zh").language == "zh"
    with pytest.raises(UnknownOptionError):
        parse("experience", "stocks 没有")   # Chinese words: "stocks" is no Chinese keyword


# ------------------------------------------------------------------ the education plan


@pytest.mark.parametrize(("text", "numbers"), [
    ("每月500", [500]),
    ("一个月两千", [2000]),
    ("每个月存一千五", [1500]),
    ("孩子三岁", [3]),
    ("三十万", [300000]),
    ("一半", []),
])
def test_numbers_in(text: str, numbers: list[int]) -> None:
    assert numbers_in(text) == [Decimal(n) for n in numbers]


@pytest.mark.parametrize(("text", "amount"), [
    ("每月存800，到她18岁", 800),
    ("一个月两千", 2000),
    ("目标二十万", 200000),
    ("孩子七岁", None),
    ("两三千", None),
])
def test_amount_in(text: str, amount: int | None) -> None:
    assert amount_in(text) == (None if amount is None else Decimal(amount))


def test_the_plan_questions() -> None:
    assert read_child_age("她今年五岁") == 5
    assert read_child_age("二十岁") is None
    assert read_monthly_or_target("每个月一千").amount == Decimal(1000)
    assert read_monthly_or_target("每个月一千").kind is AmountKind.MONTHLY
    target = read_monthly_or_target("目标是存够三十万")
    assert (target.kind, target.amount) == (AmountKind.TARGET, Decimal(300000))
    assert read_target("五十万") == Decimal(500000)


# ------------------------------------------------------------------ never riskier than stated


NUMERIC_ITEMS = sorted(i.key for i in Q.items if i.numeric is not None and i.key != "liquidity_reserve")
MAX_VALUE = {"amount": 10_000_000, "percent": 100, "years": 40, "count": 60}
FRAMES = ["{}", "大概{}", "{}左右", "我觉得{}吧", "差不多{}", "正好{}", "大约是{}"]


def _renderings(unit: str, value: Decimal) -> list[str]:
    """Ways a customer writes the value in Chinese (numerals, Arabic digits, 万, 成, 半...)."""
    whole = value == value.to_integral_value()
    number = str(int(value)) if whole else str(value)
    if unit == "amount":
        ways = [f"{_chinese(value)}元", f"{number}块"]
        if value % 10000 == 0 and value:
            ways += [f"{_chinese(value / 10000)}万", f"{int(value / 10000)}万", f"{int(value / 10000)}w"]
        return ways
    if unit == "percent":
        ways = [f"百分之{_chinese(value)}", f"{number}%"]
        return ways + ([f"{_chinese(value / 10)}成"] if value % 10 == 0 and value else [])
    if unit == "years":
        ways = [f"{_chinese(value)}年", f"{number}年"]
        if value == Decimal("0.5"):
            ways.append("半年")
        elif not whole and value > 1:
            ways.append(f"{_chinese(value - Decimal('0.5'))}年半")
        return ways
    return [f"{_chinese(value)}次", f"{number}次", f"一年{_chinese(value)}次", f"每年{number}次"]


def _values(unit: str) -> st.SearchStrategy[Decimal]:
    whole = st.integers(0, MAX_VALUE[unit]).map(Decimal)
    if unit == "amount":
        return st.one_of(whole, st.integers(0, 300).map(lambda n: Decimal(n * 10000)))
    if unit == "count":
        return whole
    halves = st.integers(0, MAX_VALUE[unit] * 2).map(lambda n: Decimal(n) / 2)
    return st.one_of(whole, halves)


def _fewest_points_holding(item: Item, stated: Interval) -> set[str]:
    assert item.numeric is not None
    holding = [o for o, label in item.numeric.label_ranges() if label.contains(stated)]
    fewest = min(item.option(o).points for o in holding)
    return {o for o in holding if item.option(o).points == fewest}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_a_chinese_value_is_never_read_riskier_than_stated(key: str, data: st.DataObject) -> None:
    """No Chinese reading of a number is riskier than the least risky option consistent with it:
    the option read holds the value and has the fewest points of those that do."""
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    value = data.draw(_values(unit))
    text = data.draw(st.sampled_from(FRAMES)).format(data.draw(st.sampled_from(_renderings(unit, value))))
    option = parse(key, text)
    assert option in _fewest_points_holding(item, Interval.point(value)), f"{text!r} read as {option}"


def _range_text(unit: str, low: Decimal, high: Decimal) -> str:
    if unit == "amount":   # both ends written out: "一到三百万" is 1 to 3 million
        if low % 10000 == 0 and high % 10000 == 0 and low:
            return f"{_chinese(low / 10000)}万到{_chinese(high / 10000)}万"
        return f"{low}到{high}元"
    suffix = {"percent": "%", "years": "年", "count": "次"}[unit]
    return f"{_chinese(low)}到{_chinese(high)}{suffix}"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_a_chinese_range_is_one_option_or_asks_back(key: str, data: st.DataObject) -> None:
    """A range inside one option's range is that option; one that reaches into several asks back
    with every option it reaches beyond a shared edge, the least risky among them included."""
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    low = data.draw(_values(unit).filter(lambda v: v == v.to_integral_value()))
    high = data.draw(_values(unit).filter(lambda v: v > low and v == v.to_integral_value()))
    text = _range_text(unit, low, high)
    stated = Interval(low, True, high, True)
    ranges = item.numeric.label_ranges()
    reached = [o for o, label in ranges if label.overlaps(stated)]
    try:
        option = parse(key, text)
    except AmbiguousAnswerError as error:
        assert set(error.candidates) <= set(reached)
        safest = min(reached, key=lambda o: item.option(o).points)
        assert len(error.candidates) >= 2
        assert safest in error.candidates or _only_touches(dict(ranges)[safest], stated), text
    else:
        assert dict(ranges)[option].contains(stated), f"{text!r} read as {option}"


def _only_touches(label: Interval, stated: Interval) -> bool:
    lows = [x for x in (label.low, stated.low) if x is not None]
    highs = [x for x in (label.high, stated.high) if x is not None]
    return bool(lows and highs and max(lows) == min(highs))


COMPARATORS = {"超过{}": "more", "{}以上": "at_least", "至少{}": "at_least", "不到{}": "less", "少于{}": "less"}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMERIC_ITEMS), st.data())
def test_property_chinese_comparators_never_read_beyond_what_was_said(key: str, data: st.DataObject) -> None:
    item = Q.item(key)
    assert item.numeric is not None
    unit = item.numeric.unit.value
    value = data.draw(_values(unit).filter(lambda v: v > 0 and v == v.to_integral_value()))
    frame = data.draw(st.sampled_from(sorted(COMPARATORS)))
    text = frame.format(UNIT_TEXT_ZH[unit](value))
    stated = {
        "more": Interval(value, False, None, False),
        "at_least": Interval(value, True, None, False),
        "less": Interval(Decimal(0), not item.reading.value_is_limit, value, False),
    }[COMPARATORS[frame]]
    ranges = item.numeric.label_ranges()
    try:
        option = parse(key, text)
    except AmbiguousAnswerError as error:
        reached = {o for o, label in ranges if label.overlaps(stated)}
        assert set(error.candidates) <= reached, text
    else:
        assert dict(ranges)[option].contains(stated), f"{text!r} read as {option}"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="一二两三四五六七八九十百千万亿几多来半成年个月次岁不没有股票基金亏%0123456789到以上下内",
               max_size=16))
def test_property_any_chinese_text_gives_an_option_or_an_error(text: str) -> None:
    for item in Q.items:
        try:
            result = parse_answer(item, text)
        except AmbiguousAnswerError as error:
            assert len(error.candidates) >= 2 and set(error.candidates) <= set(item.option_ids)
        except AnswerError as error:
            assert error.item == item.slot
        else:
            assert isinstance(result, int) if item.is_age else result in item.option_ids


# ------------------------------------------------------------------ the data file


ZH_SOURCE = yaml.safe_load(_default_path("reading_zh.yaml").read_text(encoding="utf-8"))


def broken(tmp_path: Path, breaker: Callable[[dict[str, Any]], None]) -> DataFileError:
    data = copy.deepcopy(ZH_SOURCE)
    breaker(data)
    path = tmp_path / "reading_xx.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_lexicon(path, Q)
    assert "reading_xx.yaml" in str(info.value)
    return info.value


def test_every_item_and_goal_has_chinese_words() -> None:
    lexicon = default_lexicon("zh")
    for item in Q.items:
        if item.is_age:
            continue
        words = lexicon.words_for(item.key)
        assert words is not None, item.key
        assert all(words.for_option(o) for o in item.option_ids), item.key
    assert lexicon.goals is not None and all(lexicon.goals.for_option(o) for o in Q.goals.option_ids)


LEXICON_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("unknown item", lambda d: d["items"].update(pets={"options": {"cat": ["猫"]}}), "items[pets]", "not an item"),
    ("missing item", lambda d: d["items"].pop("horizon"), "items", "horizon"),
    ("unknown option", lambda d: d["items"]["horizon"]["options"].update(lt_2y=["两年内"]),
     "items[horizon].options[lt_2y]", "not an option"),
    ("missing option", lambda d: d["items"]["horizon"]["options"].pop("gt_10y"), "items[horizon].options", "gt_10y"),
    ("empty keywords", lambda d: d["items"]["horizon"]["options"].update(gt_10y=[]),
     "items[horizon].options[gt_10y]", "non-empty list"),
    ("negated words missing", lambda d: d["items"]["trade_frequency"].pop("reading"),
     "items[trade_frequency].reading.negated", "missing"),
    ("a reading the item lacks", lambda d: d["items"]["horizon"].update(reading={"negated": ["不"]}),
     "items[horizon].reading.negated", "does not read it"),
    ("unknown facet", lambda d: d["items"]["liquidity_reserve"]["reading"]["facets"].update(pets=["猫"]),
     "items[liquidity_reserve].reading.facets.pets", "not a facet"),
    ("comparison half given", lambda d: d["items"]["knowledge_diversification"]["reading"]["comparison"].pop("less"),
     "items[knowledge_diversification].reading.comparison.less", "missing"),
    ("unknown goal", lambda d: d["goals"]["options"].update(travel=["旅游"]), "goals.options[travel]", "not an option"),
    ("bad number library", lambda d: d.update(number_words="abacus"), "number_words", "abacus"),
    ("bad unicode form", lambda d: d.update(unicode_form="NFX"), "unicode_form", "NFX"),
    ("bad split label", lambda d: d.update(split_label="middle"), "split_label", "middle"),
    ("rewrites not texts", lambda d: d.update(rewrites={"百分百": 100}), "rewrites", "texts"),
    ("recent words missing", lambda d: d["items"]["experience"]["reading"].pop("recent"),
     "items[experience].reading.recent", "missing"),
    ("denials after not texts", lambda d: d.update(after_negations=["不碰", 3]), "after_negations", "texts"),
    ("negative denial window", lambda d: d.update(after_negation_window=-1), "after_negation_window", "0 or more"),
]


@pytest.mark.parametrize(("case", "breaker", "field", "problem"), LEXICON_CASES, ids=[c[0] for c in LEXICON_CASES])
def test_a_broken_chinese_file_names_the_field(tmp_path: Path, case: str, breaker: Callable[[dict[str, Any]], None],
                                               field: str, problem: str) -> None:
    error = broken(tmp_path, breaker)
    assert error.field == field
    assert problem in error.problem
