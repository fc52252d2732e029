"""Understanding a customer's free-text answer to one questionnaire item.

"I'm 42" -> 42, "about 300k" -> "100k_500k", "I could live with losing 10%" -> "le_15",
"I'd hold" -> "hold". An answer that cannot be understood raises an AnswerError, so the
dialogue re-prompts instead of storing a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from advisor_core.domain.questionnaire import GoalsQuestion, Item, NumericUnit, Option
from advisor_core.domain.scoring import MAX_AGE
from advisor_core.errors import AgeOutOfRangeError, AnswerError, UnknownOptionError

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALE = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000, "m": 1_000_000,
          "billion": 1_000_000_000, "bn": 1_000_000_000,
          "mn": 1_000_000, "wan": 10_000, "lakh": 100_000, "grand": 1000}
_NUMBER = re.compile(
    r"(?P<cmp>more than|over|above|at least|less than|under|below|fewer than|up to|at most)?\s*"
    r"(?P<num>(?<![\w.])-?\d[\d,]*(?:\.\d+)?)\s*(?P<scale>k|m|mn|bn|million|billion|thousand|wan|grand|lakh)?\b"
    r"\s*(?P<unit>%|percent|per cent|months?|mos?|years?|yrs?|y\b|times)?",
    re.IGNORECASE,
)
_MORE = ("more than", "over", "above")
_LESS = ("less than", "under", "below", "fewer than")
_EPSILON = Decimal("0.001")


def _words_to_digits(text: str) -> str:
    """Replace spelled-out numbers ("twenty nine", "two hundred thousand") by digits."""
    # "twenty-nine" reads like "twenty nine"
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text.lower())
    tokens = re.findall(r"[a-z]+|[^a-z]+", text)
    out: list[str] = []
    current: int | None = None
    pending_space = ""

    def flush() -> None:
        nonlocal current
        if current is not None:
            out.append(str(current))
            current = None

    for token in tokens:
        word = token
        if word in _TENS or (word in _SMALL and word not in ("a", "an")):
            value = _TENS.get(word, _SMALL.get(word, 0))
            current = value if current is None else (current + value if current % 100 < 20 or value < 10 else current * 1000 + value)
            pending_space = ""
            continue
        if word in ("hundred", "thousand", "million", "billion") and current is not None:
            current *= _SCALE[word]
            continue
        if token.strip() == "" and current is not None:
            pending_space = token
            continue
        if current is not None and word == "and":
            continue
        flush()
        out.append(pending_space + token)
        pending_space = ""
    flush()
    return "".join(out)


def _numbers(text: str) -> list[tuple[Decimal, str, str]]:
    """(value, unit, comparator) for each number in the text, scale words applied."""
    found = []
    for match in _NUMBER.finditer(_words_to_digits(text)):
        try:
            value = Decimal(match.group("num").replace(",", ""))
        except InvalidOperation:
            continue
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= _SCALE[scale]
        unit = (match.group("unit") or "").lower()
        found.append((value, unit, (match.group("cmp") or "").lower()))
    return found


def numbers_in(text: str) -> list[Decimal]:
    """Every number in the text, spelled-out numbers and scale words ("300k") applied."""
    return [value for value, _, _ in _numbers(text)]


def _adjust(value: Decimal, comparator: str) -> Decimal:
    if comparator in _MORE:
        return value + _EPSILON
    if comparator in _LESS:
        return value - _EPSILON
    return value


def _unit_matches(wanted: NumericUnit, unit: str) -> bool:
    if wanted is NumericUnit.PERCENT:
        return unit in ("%", "percent", "per cent", "")
    if wanted is NumericUnit.MONTHS:
        return unit.startswith("mo") or unit.startswith("y") or unit == ""
    if wanted is NumericUnit.YEARS:
        return unit.startswith("y") or unit.startswith("mo") or unit == ""
    return unit in ("", "times")


def _in_unit(wanted: NumericUnit, value: Decimal, unit: str) -> Decimal:
    if wanted is NumericUnit.YEARS and unit.startswith("mo"):
        return value / 12
    if wanted is NumericUnit.MONTHS and unit.startswith("y"):
        return value * 12
    return value


def _keyword_match(options: tuple[Option, ...], text: str) -> list[Option]:
    """Options whose keywords appear in the text, the longest keyword winning ties."""
    lowered = " " + re.sub(r"[^a-z0-9%/\-,.' ]+", " ", text.lower()) + " "
    best: dict[str, int] = {}
    for option in options:
        for phrase in (option.id.replace("_", " "), option.label.lower(), *option.keywords):
            if re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", lowered):
                best[option.id] = max(best.get(option.id, 0), len(phrase))
    if not best:
        return []
    longest = max(best.values())
    return [o for o in options if best.get(o.id) == longest]


def parse_option(item: Item, text: str) -> str:
    """Return the option id the text means for this item, or raise UnknownOptionError."""
    raw = text.strip()
    if raw in item.option_ids:
        return raw
    candidates: list[Option] = []
    if item.numeric is not None:
        numbers = [(v, u, c) for v, u, c in _numbers(raw) if _unit_matches(item.numeric.unit, u)]
        if len(numbers) == 1:
            value, unit, comparator = numbers[0]
            if value < 0 or (item.numeric.unit is NumericUnit.PERCENT and value > 100):
                raise UnknownOptionError(item.slot, text, item.option_ids)  # impossible, not a guess
            option_id = item.numeric.option_for(_adjust(_in_unit(item.numeric.unit, value, unit), comparator))
            candidates.append(item.option(option_id))
    matches = _keyword_match(item.options, raw)
    if len(matches) == 1:
        candidates.append(matches[0])
    if not candidates:
        raise UnknownOptionError(item.slot, text, item.option_ids)
    # A number and a phrase that disagree ("8 months saved but credit card debt"):
    # the more careful reading counts.
    return min(candidates, key=lambda o: o.points).id


def parse_age(item: Item, text: str) -> int:
    """Return a whole age in years from "42", "I'm 42", "forty two"; raise otherwise."""
    numbers = [v for v, unit, _ in _numbers(text) if unit in ("", "y", "year", "years", "yrs", "yr")]
    if len(numbers) != 1:
        raise AnswerError(item.slot, f"no single age found in {text!r}")
    age = numbers[0]
    if age != age.to_integral_value() or not 0 <= age <= MAX_AGE:
        raise AgeOutOfRangeError(item.slot, text)
    return int(age)


def parse_goals(goals: GoalsQuestion, text: str) -> list[str]:
    """One or more goal ids from free text ("retirement and my kids' school")."""
    raw = text.strip()
    if raw in goals.option_ids:
        return [raw]
    lowered = " " + re.sub(r"[^a-z0-9' ]+", " ", raw.lower()) + " "
    found = []
    for option in goals.options:
        phrases = (option.id.replace("_", " "), option.label.lower(), *option.keywords)
        if any(re.search(r"(?<![a-z0-9])" + re.escape(p) + r"(?![a-z0-9])", lowered) for p in phrases):
            found.append(option.id)
    if len(found) > 1 and "none" in found:
        found.remove("none")
    if not found:
        raise UnknownOptionError(goals.slot, text, goals.option_ids)
    return found


def parse_answer(item: Item, text: str) -> object:
    """The clean value for an item from a button payload or free text."""
    if item.is_age:
        return parse_age(item, text)
    return parse_option(item, text)
