"""Chinese numerals in a typed answer: "三十万", "两三年", "50来万", "十几年", "三成", "百分之二十".

answer_parsing splits Chinese text into single characters. This module finds the numerals among
those tokens and puts a :class:`Numeral` (or two joined by 到, for a range) in their place, so
that units, comparators and the boundary rule are read afterwards exactly as in English
(docs/answer-reading.md, "Chinese"). cn2an reads a plain numeral ("一百二十万" -> 1200000, "一万五"
-> 15000); the ways customers write approximate amounts are read here:

- adjacent digits are a range: "两三年" 2 to 3 years, "二三十万" 200,000 to 300,000, "十七八" 17
  to 18, and the idiom "三五年" 3 to 5 years;
- 几 stands for any digit: "几年" 2 to 9 years, "十几年" 11 to 19, "几十万" 200,000 to 900,000
  ("好几" 3 to 9);
- 多 / 余 after a round number is more than it and less than the next step: "三十多万" lies
  between 300,000 and 400,000, "一年多" between 1 and 2 years (on neither edge);
- 来 is "about": "50来万" is 500,000 (an approximation is the value);
- 成 is tenths: "三成" is 30%; "百分之二十" is 20%;
- 半 is a half: "半年", "一年半", "三个半月";
- "两周一次", "三个月一次": the period comes first, so 每 is put before it ("every 2 weeks").

A lone digit is a number only where a number can stand: before a unit, a measure word, a scale,
a comparator or the end ("三年", "两次", "五"), not in words such as 一些, 一直, 十分, 一般, 第一,
星期一. A lone 一 before a time unit ("一年", "一个月") is left as a word, as "a" is in English:
the lexicon's `single` words read it as one unit, or as a period in "一年两三次".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

__all__ = ["EVERY", "RANGE", "Numeral", "read_numerals"]

RANGE = "到"      # joins the two ends of a range; reading_zh.yaml lists it in range_joiners
EVERY = "每"      # "every"; reading_zh.yaml lists it in `every`
PERCENT = "%"


@dataclass(frozen=True)
class Numeral:
    value: Decimal
    scaled: bool = False   # written with 万 / 亿 (or w / k): an amount, not a count or a share
    scale: str = ""        # its trailing scale words ("万" in "三十万"), for a range's first end


Token = str | Numeral


class _Read(NamedTuple):
    low: Decimal
    high: Decimal
    scale: str = ""          # trailing scale words ("十万" in "二三十万")
    scaled: bool = False     # 万 / 亿 / w / k anywhere in it ("一万五")


_Step = tuple[list[Token], int]                   # tokens produced, where reading goes on

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_SCALES = {**_POWERS, "w": 10_000, "k": 1000}
_SCALED = frozenset({"万", "亿", "w", "k"})
_ANY_DIGIT = "几"
_MORE = ("多", "余")        # "三十多万": more than 300,000, less than 400,000
_ABOUT = "来"               # "50来万": about 500,000
_TENTHS = "成"              # "三成": 30%
_HALF = "半"
_DECIMAL_POINT = "点"
_NEAR = Decimal(1000)       # "多" stays a thousandth of a step away from both edges
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_ARABIC_SCALED = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿wk]*)")
_JOINERS = frozenset({RANGE, "至", "-", "或"})

# Units a 半 or 多 may follow ("一年半", "一年多", "五岁半"), and the time units of a period.
_TIME_UNITS: tuple[tuple[str, ...], ...] = (
    ("个", "星", "期"), ("个", "礼", "拜"), ("个", "季", "度"), ("星", "期"), ("礼", "拜"), ("季", "度"),
    ("个", "月"), ("小", "时"), ("年",), ("月",), ("周",), ("天",), ("日",))
_AGE_UNIT = ("岁",)
_COUNT_UNITS = frozenset({"次", "回", "笔", "单", "趟"})
# After a lone digit, these make it a number ("三年", "两次", "五万", "三成", "两到三"...).
_FOLLOWERS = frozenset({
    "年", "岁", "月", "周", "天", "日", "星", "礼", "季", "小", "次", "回", "笔", "单", "趟", "成", "万", "千",
    "百", "亿", "%", "元", "块", "几", "到", "至", "-", "或", "左", "上", "以", "出", "倍",
    "只", "支", "家", "份", "w", "k", "吧", "了", "呢", "啊", "呀", "嘛", "吗", ",", ".", ";", "!", "?", ":",
    "。", "，", "；", "！", "？"})
_AFTER_MEASURE = frozenset({"月", "星", "礼", "季", "点", "百", "多", "余", "半"})   # "三个月", not "一个人"
# ordinals, weekdays and words: 第三, 星期一, 周五, 万一, 之一, 统一, 唯一
_NOT_AFTER = frozenset({"第", "期", "周", "拜", "万", "之", "统", "唯"})


def read_numerals(tokens: Sequence[str]) -> list[Token]:
    """The tokens with every numeral read as a Numeral, or a range (Numeral, RANGE, Numeral)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        step = _percent_at(tokens, i) or _half_unit_at(tokens, i) or _numeral_at(tokens, i)
        if step is None:
            out.append(tokens[i])
            i += 1
            continue
        produced, i = step
        out.extend(produced)
    return _periods_first(_spread_scales(out))


# ------------------------------------------------------------------ what stands where


def _percent_at(tokens: Sequence[str], i: int) -> _Step | None:
    """"百分之二十" -> 20 %, "百分之百" -> 100 %, "百分之二三十" -> 20 到 30 %."""
    if tuple(tokens[i:i + 3]) != ("百", "分", "之"):
        return None
    start = i + 3
    if start < len(tokens) and tokens[start] == "百":
        return [Numeral(Decimal(100)), PERCENT], start + 1
    end = _run_end(tokens, start)
    read = _read_run("".join(tokens[start:end]), tokens, start) if end > start else None
    if read is None:
        return None
    return [*_emit(read), PERCENT], end


def _half_unit_at(tokens: Sequence[str], i: int) -> _Step | None:
    """"半年", "半个月": half of the time unit after it."""
    if tokens[i] != _HALF or _unit_at(tokens, i + 1, _TIME_UNITS) is None:
        return None
    return [Numeral(Decimal("0.5"))], i + 1


def _numeral_at(tokens: Sequence[str], i: int) -> _Step | None:
    end = _run_end(tokens, i)
    if end == i:
        return None
    text = "".join(tokens[i:end])
    if not _stands_as_number(tokens, i, end, text):
        return None
    read = _read_run(text, tokens, i)
    if read is None:
        return None
    return _with_suffix(read, tokens, end)


def _starts_numeral(token: str) -> bool:
    return token in _DIGITS or token in ("十", _ANY_DIGIT) or bool(_ARABIC.fullmatch(token))


def _continues_numeral(tokens: Sequence[str], j: int) -> bool:
    token, before = tokens[j], tokens[j - 1]
    if token in _DIGITS or token in _POWERS or token == _ANY_DIGIT:
        return True
    if _ARABIC.fullmatch(token):
        return before in _POWERS                      # "3万5"
    if token == _DECIMAL_POINT and j + 1 < len(tokens):
        after = tokens[j + 1]
        return (before in _DIGITS or before in _POWERS or bool(_ARABIC.fullmatch(before))) and (
            after in _DIGITS or bool(_ARABIC.fullmatch(after)))   # "一点五万", "五十点五"
    return False


def _run_end(tokens: Sequence[str], i: int) -> int:
    """Where the numeral starting at tokens[i] ends (i itself when none starts there)."""
    if i >= len(tokens) or not _starts_numeral(tokens[i]):
        return i
    j = i + 1
    while j < len(tokens) and _continues_numeral(tokens, j):
        j += 1
    if j < len(tokens) and tokens[j] in (*_MORE, _ABOUT) and _is_round(tokens[i:j]):
        j += 1                                        # "三十多", "50来", then a scale: "三十多万"
    while j < len(tokens) and tokens[j] in _SCALES and tokens[j] not in ("十", "百") \
            and (tokens[j - 1] in (*_MORE, _ABOUT) or bool(_ARABIC.fullmatch(tokens[j - 1]))
                 or tokens[j - 1] in _SCALES):
        j += 1                                        # "30w", "300k", "30多万"
    return j


def _is_round(run: Sequence[str]) -> bool:
    """"三十", "两万", "50": a number 多 or 来 may follow ("一多半" is no number)."""
    last = run[-1]
    return last in _POWERS or (len(run) == 1 and bool(_ARABIC.fullmatch(last)) and Decimal(last) >= 10)


def _stands_as_number(tokens: Sequence[str], i: int, end: int, text: str) -> bool:
    """Whether the numeral is used as a number here (not in 一些, 十分, 第三, 星期一)."""
    following = tokens[end] if end < len(tokens) else None
    if i > 0 and tokens[i - 1] in _NOT_AFTER and following not in _COUNT_UNITS:
        return False
    if end - i > 1 or _ARABIC.fullmatch(text) or following is None:
        return True
    if text == "一" and _is_single_unit(tokens, end):
        return False                                  # "一年", "一个月": read by the lexicon's `single`
    if following == "个":
        return end + 1 < len(tokens) and tokens[end + 1] in _AFTER_MEASURE
    return following in _FOLLOWERS


def _is_single_unit(tokens: Sequence[str], end: int) -> bool:
    unit = _unit_at(tokens, end, _TIME_UNITS)
    if unit is None:
        return False
    after = end + len(unit)
    return after >= len(tokens) or tokens[after] not in (_HALF, *_MORE)


def _unit_at(tokens: Sequence[Token], i: int, units: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for unit in units:
        if tuple(tokens[i:i + len(unit)]) == unit:
            return unit
    return None


# ------------------------------------------------------------------ reading one numeral


def _read_run(text: str, tokens: Sequence[str], i: int) -> _Read | None:
    """A numeral's value, or its range for 两三, 几, 多 (None when it is no numeral)."""
    read = _value_or_range(text, tokens, i)
    if read is None:
        return None
    return read._replace(scaled=any(ch in _SCALED for ch in text))


def _value_or_range(text: str, tokens: Sequence[str], i: int) -> _Read | None:
    for mark in (*_MORE, _ABOUT):
        if mark in text:
            head, _, scale_text = text.partition(mark)
            return _around(head, scale_text, mark)
    if _ANY_DIGIT in text:
        lowest = "三" if i > 0 and tokens[i - 1] == "好" else "二"   # 好几: 3 to 9
        return _range_of(_fill_any_digit(text, lowest), text.replace(_ANY_DIGIT, "九"))
    pair = _adjacent_pair(text)
    if pair is not None:
        return _range_of(text[:pair + 1] + text[pair + 2:], text[:pair] + text[pair + 1:])
    return _range_of(text, text)


def _around(head: str, scale_text: str, mark: str) -> _Read | None:
    """"50来万" about 500,000; "三十多万" between 300,000 and 400,000 (on neither edge)."""
    base, scale = _plain(head), _scale(scale_text)
    if base is None or scale is None:
        return None
    scales = _trailing_scale(head) + scale_text
    if mark == _ABOUT:
        return _Read(_tidy(base * scale), _tidy(base * scale), scales)
    step = _step(base)
    return _Read(_tidy((base + step / _NEAR) * scale), _tidy((base + step - step / _NEAR) * scale), scales)


def _range_of(low_text: str, high_text: str) -> _Read | None:
    low, high = _plain(low_text), _plain(high_text)
    if low is None or high is None:
        return None
    return _Read(low, high, _trailing_scale(high_text))


def _fill_any_digit(text: str, lowest: str) -> str:
    """The lowest number 几 may stand for: "十几" 11, "几十" 20 (30 in 好几十)."""
    return "".join(("一" if k > 0 and text[k - 1] == "十" else lowest) if ch == _ANY_DIGIT else ch
                   for k, ch in enumerate(text))


def _adjacent_pair(text: str) -> int | None:
    """Where two digits stand side by side as a range: 两三, 二三十, 十七八, and 三五."""
    for k in range(len(text) - 1):
        a, b = text[k], text[k + 1]
        if a in _DIGITS and b in _DIGITS and _DIGITS[a] > 0 and (
                _DIGITS[b] == _DIGITS[a] + 1 or (a, b) == ("三", "五")):
            return k
    return None


def _trailing_scale(text: str) -> str:
    """The scale words a numeral ends with: "二十万" -> "十万", "3百万" -> "百万", "三十" -> "十"."""
    k = len(text)
    while k > 0 and text[k - 1] in _SCALES:
        k -= 1
    return text[k:]


def _plain(text: str) -> Decimal | None:
    """A plain numeral: "30万", "1.5万", "一百二十", "一万五", "三万5"; None if it is none."""
    match = _ARABIC_SCALED.fullmatch(text)
    if match:
        value = Decimal(match[1])
        for ch in match[2]:
            value *= _SCALES[ch]
        return _tidy(value)
    if all(ch in _DIGITS for ch in text) and 1 < len(text) < 4:
        return None                                   # "一一", "二八": digits, not a number
    read = _cn2an(text)
    scale = _trailing_scale(text)
    if read is None and scale and scale != text:      # "一点五万": cn2an reads "一点五" only
        head, multiplier = _plain(text[:-len(scale)]), _scale(scale)
        if head is not None and multiplier is not None:
            read = _tidy(head * multiplier)
    return read


def _scale(text: str) -> Decimal | None:
    value = Decimal(1)
    for ch in text:
        if ch not in _SCALES:
            return None
        value *= _SCALES[ch]
    return value


def _step(base: Decimal) -> Decimal:
    """The place of a round number's last digit: 30 -> 10, 300 -> 100, 25 -> 1, 1.5 -> 0.1."""
    if base != base.to_integral_value():
        exponent = base.as_tuple().exponent
        return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    n, step = int(base), 1
    while n and n % 10 == 0:
        n //= 10
        step *= 10
    return Decimal(step)


def _tidy(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@functools.cache
def _cn2an_reader() -> Callable[[str, str], object]:
    import cn2an  # imported on first use: it costs about 0.3 s (untyped: see [tool.mypy] overrides)

    reader: Callable[[str, str], object] = cn2an.cn2an
    return reader


def _cn2an(text: str) -> Decimal | None:
    try:
        value = _cn2an_reader()(text, "smart")
        return _tidy(Decimal(str(value)))
    except (ValueError, KeyError, IndexError, TypeError, InvalidOperation):
        return None


# ------------------------------------------------------------------ around the numeral


def _emit(read: _Read) -> list[Token]:
    first = Numeral(read.low, read.scaled, read.scale)
    return [first] if read.low == read.high else [first, RANGE, Numeral(read.high, read.scaled, read.scale)]


def _with_suffix(read: _Read, tokens: Sequence[str], end: int) -> _Step:
    """成 (tenths) after a numeral, and 半 or 多 after its unit: "三成", "一年半", "三个多月", "五岁半"."""
    if end < len(tokens) and tokens[end] == _TENTHS:
        return [*_emit(_Read(read.low * 10, read.high * 10)), PERCENT], end + 1
    if end + 1 < len(tokens) and tokens[end] == "个" and tokens[end + 1] in (_HALF, *_MORE):
        unit = _unit_at(tokens, end + 2, _TIME_UNITS)     # "三个半月", "三个多星期"
        if unit is not None:
            return [*_emit(_plus(read, tokens[end + 1])), "个", *unit], end + 2 + len(unit)
    unit = _unit_at(tokens, end, (*_TIME_UNITS, _AGE_UNIT))
    after = end + len(unit) if unit is not None else end
    if unit is not None and after < len(tokens) and tokens[after] in (_HALF, *_MORE):
        return [*_emit(_plus(read, tokens[after])), *unit], after + 1   # "一年半", "一年多"
    return _emit(read), end


def _plus(read: _Read, mark: str) -> _Read:
    """Half a unit more, or (多) a little more up to a little less than one more."""
    if mark == _HALF:
        return read._replace(low=read.low + Decimal("0.5"), high=read.high + Decimal("0.5"))
    return read._replace(low=read.low + 1 / _NEAR, high=read.high + 1 - 1 / _NEAR)


def _spread_scales(tokens: list[Token]) -> list[Token]:
    """"三十到五十万": the first end of a range takes the scale of the second (300,000 to 500,000)."""
    out = list(tokens)
    for k in range(len(out) - 2):
        low, joiner, high = out[k], out[k + 1], out[k + 2]
        if not (isinstance(low, Numeral) and isinstance(high, Numeral) and joiner in _JOINERS):
            continue
        if low.scaled or not high.scale or high.scale[-1] not in ("千", *_SCALED):
            continue
        for start in range(len(high.scale)):
            multiplier = _scale(high.scale[start:])
            if multiplier is not None and low.value * multiplier < high.value:   # "一到十万": 1万 to 10万
                out[k] = Numeral(_tidy(low.value * multiplier), high.scaled, high.scale[start:])
                break
    return out


def _periods_first(tokens: list[Token]) -> list[Token]:
    """"两周一次", "三个月一次": a count after a period is one per period, so 每 goes before it."""
    out: list[Token] = []
    for k, token in enumerate(tokens):
        if isinstance(token, Numeral) and (not out or out[-1] not in (EVERY, "隔")):
            unit = _unit_at(tokens, k + 1, _TIME_UNITS)
            if unit is not None and _count_at(tokens, k + 1 + len(unit)):
                out.append(EVERY)
        out.append(token)
    return out


def _count_at(tokens: Sequence[Token], i: int) -> bool:
    """A number of times at tokens[i]: "一次", "两三次"."""
    if i >= len(tokens) or not isinstance(tokens[i], Numeral):
        return False
    j = i + 1
    if j + 1 < len(tokens) and tokens[j] == RANGE and isinstance(tokens[j + 1], Numeral):
        j += 2
    return j < len(tokens) and tokens[j] in _COUNT_UNITS
