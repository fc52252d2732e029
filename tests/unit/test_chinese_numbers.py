"""The Chinese numeral reader (advisor_core/domain/chinese_numbers.py) on single-character tokens."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from advisor_core.domain.chinese_numbers import Numeral, read_numerals

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[\u3400-\u9fff]|[%,.\-]")


def read(text: str) -> str:
    """The reader's output written out: numbers as <value> (<value>S for an amount with 万/亿)."""
    out = read_numerals(_TOKEN.findall(text.lower()))
    return " ".join(f"<{t.value}{'S' if t.scaled else ''}>" if isinstance(t, Numeral) else t for t in out)


@pytest.mark.parametrize(("text", "read_as"), [
    # plain numerals, through cn2an
    ("三十万", "<300000S>"),
    ("一百二十万", "<1200000S>"),
    ("一千五百万", "<15000000S>"),
    ("一万五", "<15000S>"),
    ("六十七岁", "<67> 岁"),
    ("两千块", "<2000> 块"),
    ("一点五万", "<15000S>"),
    # Arabic digits with Chinese or Latin scales
    ("30万", "<300000S>"),
    ("1.5万", "<15000S>"),
    ("30w", "<300000S>"),
    ("300k", "<300000S>"),
    ("3万5", "<35000S>"),
    # adjacent digits are a range, and 三五 too
    ("两三年", "<2> 到 <3> 年"),
    ("二三十万", "<200000S> 到 <300000S>"),
    ("十七八岁", "<17> 到 <18> 岁"),
    ("一百五六十万", "<1500000S> 到 <1600000S>"),
    ("三五年", "<3> 到 <5> 年"),
    ("一两年", "<1> 到 <2> 年"),
    # 几 is any digit
    ("几年", "<2> 到 <9> 年"),
    ("十几年", "<11> 到 <19> 年"),
    ("几十万", "<200000S> 到 <900000S>"),
    ("好几年", "好 <3> 到 <9> 年"),
    # 多 is above the number and below the next step, on neither edge
    ("三十多万", "<300100S> 到 <399900S>"),
    ("三万多", "<30010S> 到 <39990S>"),
    ("十多年", "<10.01> 到 <19.99> 年"),
    ("一年多", "<1.001> 到 <1.999> 年"),
    ("三个多月", "<3.001> 到 <3.999> 个 月"),
    # 来 is about: the value
    ("50来万", "<500000S>"),
    ("十来年", "<10> 年"),
    # shares
    ("三成", "<30> %"),
    ("两三成", "<20> 到 <30> %"),
    ("百分之二十", "<20> %"),
    ("百分之百", "<100> %"),
    ("百分之二三十", "<20> 到 <30> %"),
    # halves
    ("半年", "<0.5> 年"),
    ("一年半", "<1.5> 年"),
    ("三个半月", "<3.5> 个 月"),
    ("五岁半", "<5.5> 岁"),
    # a range's first end takes the second's scale
    ("三十到五十万", "<300000S> 到 <500000S>"),
    ("1到3百万", "<1000000S> 到 <3000000S>"),
    ("一到十万", "<10000S> 到 <100000S>"),             # not the empty range 100,000 to 100,000
    ("百分之五十点五", "<50.5> %"),
    # a period before a count is one per period
    ("两周一次", "每 <2> 周 <1> 次"),
    ("三个月一次", "每 <3> 个 月 <1> 次"),
    # a lone 一 before a time unit is left to the lexicon's `single` words
    ("一年两三次", "一 年 <2> 到 <3> 次"),
    ("一个月", "一 个 月"),
])
def test_numerals(text: str, read_as: str) -> None:
    assert read(text) == read_as


@pytest.mark.parametrize("text", ["一些", "一直", "一般", "一样", "十分", "一点风险", "一部分", "星期一", "第三年",
                                  "万一", "千万别", "两者", "两个人", "一多半", "之一", "二八开", "几乎"])
def test_words_with_numeral_characters_are_not_numbers(text: str) -> None:
    assert not any(isinstance(t, Numeral) for t in read_numerals(_TOKEN.findall(text)))


def test_values_are_decimals() -> None:
    numeral = read_numerals(["一", "点", "五"])[0]
    assert numeral == Numeral(Decimal("1.5"))
