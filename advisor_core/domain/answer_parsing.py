"""Understanding a customer's typed answer to one questionnaire item (or a plan question).

"I'm 42" -> 42, "about 300k" -> "100k_500k", "two or three times a year" -> "1_5",
"I trade stocks and some options" -> "derivatives", "I'd hold" -> "hold".

How an answer is read (docs/answer-reading.md says it at length; the words are data in
``reading_<language>.yaml`` and the options' keywords in ``questionnaire_v1.yaml``):

1. Words are normalised: lower case, contractions expanded ("can't" -> "can not"), number
   words turned into digits by the text2num library, scale words applied ("300k", "1.2
   million", "half a million"), fractions turned into shares ("a third" -> 33.33%).
2. Each number becomes a stated *range*, with its unit and the words around it: "about 5 years"
   is the point 5, "3 to 5 years" is [3, 5], "more than 30%" is (30, 100], "within 6 months" is
   [0, 0.5] years, "just under 100k" a little below 100,000, "two or three times a year" [2, 3]
   trades. A negation shortly before "more than" / "less than" turns it around ("I can't lose
   more than 5%" is at most 5%).
3. Each option of a numeric item names a range too (from the bands in questionnaire_v1.yaml).
   A stated range inside one option's range is that option. **The boundary rule, the same for
   amounts, percentages, months, years and counts: a value exactly on an edge that two options'
   labels both name ("3 years": "1 to 3" and "3 to 5") is read as the option with fewer points.**
   A stated range that reaches into two or more options is not guessed: the answer is
   ambiguous and the candidates go back to the customer (AmbiguousAnswerError).
4. Option keywords are found in the words; a keyword inside a longer matched keyword does not
   count ("growth" in "maximum growth"), a negated keyword does not count ("I don't own
   stocks"; "don't mind" is not a negation), an option both named and denied is not read, and
   a keyword next to a word of the question's own premise does not count ("rates *rise*" in the
   bonds question). A denied subject ("I haven't made any trades") means the item's data-named
   option when nothing else was said.
5. Several readings are combined per item (data: ``reading.combine``): the highest for the
   experience item (the most complex product named) and the income item, the lowest for the
   reserve-and-debts item (each fact caps it), and otherwise they must agree or the answer is
   ambiguous. Item 13 may be answered in shares ("70% A and 30% B"), item 8b as a comparison
   ("the fund is safer").
6. An option that needs a fact the answer did not give ("more than 6 months *and no debt*",
   "business *plus* investment income") is not read: the answer is ambiguous between it and
   the options the data names (else every option with fewer points).

A text with a CJK character is read the same way with ``reading_zh.yaml``: each character is a
word, numerals are read by ``chinese_numbers.py`` (cn2an, plus "两三年", "50来万", "十几年",
"三成"...), and the items' Chinese keywords come from that file. The caller does not choose.

So an answer is never read as more risk than the customer stated: the result is an option whose
range holds what was stated (or the one with fewer points on a shared edge), or a question back.
An answer that cannot be understood raises UnknownOptionError (or AnswerError for an age), so
the dialogue re-prompts instead of storing a guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from text_to_num import alpha2digit

from advisor_core.domain.chinese_numbers import Numeral, read_numerals
from advisor_core.domain.language import CJK_CHARACTER
from advisor_core.domain.questionnaire import (
    DEFAULT_LANGUAGE,
    Combine,
    GoalsQuestion,
    Interval,
    Item,
    ItemWords,
    NumericUnit,
    Option,
    goals_with_words,
    item_with_words,
    words_in,
)
from advisor_core.domain.scoring import MAX_AGE
from advisor_core.errors import (
    AgeOutOfRangeError,
    AmbiguousAnswerError,
    AnswerError,
    UnknownOptionError,
)

__all__ = [
    "Lexicon",
    "amount_in",
    "is_digression",
    "numbers_in",
    "parse_age",
    "parse_answer",
    "parse_goals",
    "parse_option",
    "reads_as_answer",
]

T = TypeVar("T")
_P = TypeVar("_P")  # the payload of a phrase table
_FRACTION = "FRACTION"   # marks a number that came from "a third", "half"... (never lower case)
_HUNDRED = Decimal(100)
_NEAR = Decimal(1000)       # "just under X" is within a thousandth of X
#: No typed answer is this long; a longer message is not read as one (and costs no time).
MAX_ANSWER_CHARS = 500
_PLAIN_UNITS = ("", "currency")
#: A text with a CJK character is read with this language's words (reading_zh.yaml), any other
#: with English: the caller does not choose.
CJK_LANGUAGE = "zh"


@dataclass(frozen=True)
class Lexicon:
    """One language's words for reading answers (from advisor_core/data/reading_<lang>.yaml)."""
    language: str
    number_words: str
    contractions: tuple[tuple[str, str], ...]
    negations: tuple[str, ...]
    not_negations: tuple[str, ...]
    negation_window: int
    clause_breaks: tuple[str, ...]
    comparators: tuple[tuple[str, tuple[str, ...]], ...]   # kind -> phrases before a number
    after: tuple[tuple[str, tuple[str, ...]], ...]         # kind -> phrases after a number
    range_joiners: tuple[str, ...]
    range_openers: tuple[str, ...]
    scales: tuple[tuple[str, Decimal], ...]
    fractions: tuple[tuple[str, Decimal], ...]
    units: tuple[tuple[str, tuple[str, ...]], ...]
    single: tuple[str, ...]
    counts: tuple[tuple[str, Decimal], ...]
    vague: tuple[tuple[str, tuple[Decimal, Decimal]], ...]
    periods: tuple[tuple[str, Decimal], ...]
    every: tuple[str, ...]
    per_year: tuple[tuple[str, Decimal], ...]
    question_starts: tuple[str, ...]
    digressions: tuple[str, ...]
    short_digressions: tuple[str, ...] = ()
    short_message: int = 3
    age_words: tuple[str, ...] = ()     # "until she is 18": the number after them is an age
    asking_words: tuple[str, ...] = ()  # a message that starts with one and ends in "?" is a question
    question_ends: tuple[str, ...] = ()     # a message ending in one asks ("...算交易吗")
    question_phrases: tuple[str, ...] = ()  # a message holding one asks ("年终奖算不算收入")
    unicode_form: str = ""              # "NFKC": full-width digits and signs read as plain ones
    rewrites: tuple[tuple[str, str], ...] = ()   # plain text written first ("百分百" -> "百分之百")
    than: tuple[str, ...] = ()          # "A比B风险大": a comparison's subject stands before these
    refusals: tuple[str, ...] = ()      # after "more than X" they turn it around: "超过20%就受不了"
    #: denials standing after the keyword they deny, closing its clause: "股票不敢碰"
    after_negations: tuple[str, ...] = ()
    after_negation_window: int = 3      # words (Chinese: characters) allowed between keyword and denial
    split_label: str = "after"          # where A / B stand beside their share: "70% A", "A七成"
    #: this language's words for each item (by key) and for the goals, added to the questionnaire's
    items: tuple[tuple[str, ItemWords], ...] = ()
    goals: ItemWords | None = None

    def words_for(self, item_key: str) -> ItemWords | None:
        return next((words for key, words in self.items if key == item_key), None)


def _default_lexicon(language: str = DEFAULT_LANGUAGE) -> Lexicon:
    # The packaged words are data read on first use (never at import), like the questionnaire.
    from advisor_core.adapters.datafiles import default_lexicon

    return default_lexicon(language)


def _lexicon_for(text: str, lexicon: Lexicon | None) -> Lexicon:
    """The lexicon given, else Chinese for a text with a CJK character, else English."""
    if lexicon is not None:
        return lexicon
    return _default_lexicon(CJK_LANGUAGE if CJK_CHARACTER.search(text) else DEFAULT_LANGUAGE)


# ------------------------------------------------------------------ tokens


# Words of Latin letters, numbers, signs, punctuation, and each CJK character on its own (so
# a Chinese keyword list is matched character by character, with no word splitter).
_TOKEN = re.compile(
    r"\d+(?:\.\d+)?|[a-zA-Z]+|[\u3400-\u9fff\uf900-\ufaff]|[%$¥+/]|[,.;!?:-]|[\uff0c\u3002\uff1b\uff01\uff1f]"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


_IDENTITY_CACHE: dict[tuple[str, int, int], tuple[object, object, object]] = {}


def _by_identity(kind: str, obj: object, other: object, build: Callable[[], T]) -> T:
    """A value built once per (obj, other) pair: hashing a whole questionnaire item or lexicon
    on every message would cost more than reading the answer. The pair is kept alive with the
    value, so an id is never reused while it is cached."""
    key = (kind, id(obj), id(other))
    hit = _IDENTITY_CACHE.get(key)
    if hit is None or hit[0] is not obj or hit[1] is not other:
        hit = (obj, other, build())
        _IDENTITY_CACHE[key] = hit
    return hit[2]  # type: ignore[return-value]


class _Index:
    """Phrases (token tuples) by their first token, longest first, for fast matching."""

    def __init__(self, entries: Iterable[tuple[tuple[str, ...], object]]) -> None:
        table: dict[object, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, payload in entries:
            if phrase:
                table.setdefault(phrase[0], []).append((phrase, payload))
        self._table = {k: sorted(v, key=lambda e: -len(e[0])) for k, v in table.items()}

    def at(self, tokens: Sequence[object], i: int) -> tuple[tuple[str, ...], Any] | None:
        if i >= len(tokens):
            return None
        for phrase, payload in self._table.get(tokens[i], ()):
            if _match_at(tokens, i, phrase):
                return phrase, payload
        return None

    def entries(self) -> list[tuple[int, tuple[str, ...], Any]]:
        return [(0, phrase, payload) for entries in self._table.values() for phrase, payload in entries]

    def find_all(self, tokens: Sequence[object]) -> list[tuple[int, tuple[str, ...], Any]]:
        found = []
        for i, token in enumerate(tokens):
            for phrase, payload in self._table.get(token, ()):
                if _match_at(tokens, i, phrase):
                    found.append((i, phrase, payload))
        return found


@dataclass(frozen=True)
class _Compiled:
    """A lexicon prepared for fast matching (phrases as token tuples)."""
    lex: Lexicon
    word_contractions: tuple[tuple[re.Pattern[str], dict[str, str]], ...]
    rewrites: tuple[re.Pattern[str], dict[str, str]] | None
    negations: frozenset[str]
    not_negations: tuple[tuple[str, ...], ...]
    clause_breaks: tuple[tuple[str, ...], ...]
    before: tuple[tuple[tuple[str, ...], str], ...]        # (phrase, kind), longest first
    after: tuple[tuple[tuple[str, ...], str], ...]
    joiners: frozenset[str]
    openers: frozenset[str]
    scales: dict[str, Decimal]
    fractions: _Index
    units: _Index                                            # phrase -> unit kind
    single: frozenset[str]
    counts: _Index
    vague: _Index
    periods: _Index
    every: frozenset[str]
    per_year: dict[str, Decimal]
    question_starts: _Index
    digressions: _Index
    short_digressions: _Index
    refusals: _Index
    after_negations: tuple[tuple[str, ...], ...]             # longest first
    masks: _Index                                            # comparators and not-negations
    filler: frozenset[str]                                   # words of comparators


def _longest_first(pairs: Iterable[tuple[tuple[str, ...], _P]]) -> tuple[tuple[tuple[str, ...], _P], ...]:
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _compiled(lex: Lexicon) -> _Compiled:
    return _by_identity("lexicon", lex, None, lambda: _compile(lex))


def _compile(lex: Lexicon) -> _Compiled:
    # whole words first ("can't" -> "can not" before the suffix "n't" -> " not")
    whole = {s: t for s, t in lex.contractions if not (s.startswith("'") or s.startswith("n'"))}
    suffix = {s: t for s, t in lex.contractions if s.startswith("'") or s.startswith("n'")}
    contractions = []
    if whole:
        alternatives = "|".join(re.escape(w) for w in sorted(whole, key=len, reverse=True))
        contractions.append((re.compile(r"(?<![\w'])(" + alternatives + r")(?![\w'])"), whole))
    if suffix:
        alternatives = "|".join(re.escape(w) for w in sorted(suffix, key=len, reverse=True))
        contractions.append((re.compile("(" + alternatives + r")\b"), suffix))
    rewrites = None
    if lex.rewrites:
        table = dict(lex.rewrites)
        rewrites = (re.compile("|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))), table)
    norm = functools.partial(_normalise_words, contractions=tuple(contractions), rewrites=rewrites,
                             unicode_form=lex.unicode_form)
    before = _longest_first((tuple(norm(p)), kind) for kind, ps in lex.comparators for p in ps)
    after = _longest_first((tuple(norm(p)), kind) for kind, ps in lex.after for p in ps)
    return _Compiled(
        lex=lex,
        word_contractions=tuple(contractions),
        rewrites=rewrites,
        negations=frozenset(lex.negations),
        not_negations=tuple(tuple(norm(p)) for p in lex.not_negations),
        clause_breaks=tuple(tuple(norm(p)) for p in lex.clause_breaks),
        before=before,
        after=after,
        joiners=frozenset(lex.range_joiners),
        openers=frozenset(lex.range_openers),
        scales=dict(lex.scales),
        fractions=_Index((tuple(norm(p)), v) for p, v in lex.fractions),
        units=_Index((tuple(norm(p)), kind) for kind, ps in lex.units for p in ps),
        single=frozenset(lex.single),
        counts=_Index((tuple(norm(p)), v) for p, v in lex.counts),
        vague=_Index((tuple(norm(p)), v) for p, v in lex.vague),
        periods=_Index((tuple(norm(p)), v) for p, v in lex.periods),
        every=frozenset(lex.every),
        per_year=dict(lex.per_year),
        question_starts=_Index((tuple(norm(p)), True) for p in lex.question_starts),
        digressions=_Index((tuple(norm(p)), True) for p in lex.digressions),
        short_digressions=_Index((tuple(norm(p)), True) for p in lex.short_digressions),
        refusals=_Index((tuple(norm(p)), True) for p in lex.refusals),
        after_negations=tuple(sorted((tuple(norm(p)) for p in lex.after_negations), key=lambda p: -len(p))),
        masks=_Index([*((phrase, True) for phrase, _ in (*before, *after)),
                      *((tuple(norm(p)), True) for p in lex.not_negations)]),
        filler=frozenset(w for phrase, _ in (*before, *after) for w in phrase),
    )


def _expansion(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a contraction pattern's match: its expansion in ``table``."""
    return lambda m: table[m.group(1)]


def _normalise_words(text: str, *, contractions: tuple[tuple[re.Pattern[str], dict[str, str]], ...],
                     rewrites: tuple[re.Pattern[str], dict[str, str]] | None = None,
                     unicode_form: str = "") -> list[str]:
    if unicode_form == "NFKC":
        text = unicodedata.normalize("NFKC", text)
    elif unicode_form == "NFC":
        text = unicodedata.normalize("NFC", text)
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    if rewrites is not None:
        pattern, table = rewrites
        text = pattern.sub(lambda m: table[m.group(0)], text)
    for pattern, table in contractions:
        text = pattern.sub(_expansion(table), text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)       # "debt-free", "fifty-two"
    text = _THOUSANDS.sub("", text)                          # "1,200,000"
    return _tokens(text)


def _words_view(text: str, c: _Compiled) -> list[str]:
    return _normalise_words(text, contractions=c.word_contractions, rewrites=c.rewrites,
                            unicode_form=c.lex.unicode_form)


def _match_at(tokens: Sequence[object], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(tokens[i:i + len(phrase)]) == phrase


def _replace_phrases(tokens: list[str], index: _Index) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        hit = index.at(tokens, i)
        if hit is not None:
            out.extend([str(hit[1]), _FRACTION])
            i += len(hit[0])
        else:
            out.append(tokens[i])
            i += 1
    return out


@dataclass(frozen=True)
class _Num:
    value: Decimal
    fraction: bool = False
    scaled: bool = False


def _numbers_view(words: list[str], c: _Compiled, *, fractions: bool, singles: bool | None = None) -> list[object]:
    """The words with numbers as _Num: number words, scales and fractions applied."""
    tokens: list[str] = _replace_phrases(words, c.fractions) if fractions else list(words)
    read: Sequence[object] = tokens
    if c.lex.number_words == "text2num":
        text = alpha2digit(" ".join(tokens), c.lex.language, threshold=0)
        read = _tokens(_THOUSANDS.sub("", text))
    elif c.lex.number_words == "cn2an":
        read = read_numerals(tokens)   # "三十万", "两三年", "50来万", "三成" (chinese_numbers.py)
    out: list[object] = []
    for token in read:
        if isinstance(token, Numeral):
            out.append(_Num(token.value, scaled=token.scaled))
            continue
        assert isinstance(token, str)
        if token[0].isdigit():
            try:
                out.append(_Num(Decimal(token)))
                continue
            except InvalidOperation:
                pass
        if token == _FRACTION and out and isinstance(out[-1], _Num):
            out[-1] = _Num(out[-1].value, fraction=True)
            continue
        out.append(token)
    joined = _join_halves(out, c)
    if fractions if singles is None else singles:
        joined = _single_units(joined, c)
    return _apply_scales(joined, c)


_TIME_UNITS = ("years", "months", "weeks", "days", "decades")


def _single_units(tokens: list[object], c: _Compiled) -> list[object]:
    """"a year of expenses" -> 1 year; "in a decade" -> 1 decade; "a couple of months" -> 2."""
    out: list[object] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        count = c.counts.at(tokens, i)
        if count is not None and count[1] <= _FEW and _unit_kind(tokens, i + len(count[0]), c)[0] in _TIME_UNITS:
            out.append(_Num(count[1]))
            i += len(count[0])
            continue
        vague = c.vague.at(tokens, i)
        if vague is not None and _unit_kind(tokens, i + len(vague[0]), c)[0] in _TIME_UNITS:
            low, high = vague[1]
            out.extend([_Num(low), "to", _Num(high)])   # "a few months" is 2 to 4 months
            i += len(vague[0])
            continue
        if isinstance(t, str) and t in c.single and _unit_kind(tokens, i + 1, c)[0] in _TIME_UNITS:
            out.append(_Num(Decimal(1)))
        else:
            out.append(t)
        i += 1
    return out


_FEW = Decimal(2)   # "a couple of" months or years is 2; "a few", "several" are ranges (lexicon `vague`)


def _join_halves(tokens: list[object], c: _Compiled) -> list[object]:
    """"3 and a half" -> 3.5; "a year and a half" -> 1.5 year."""
    out: list[object] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        ahead = tokens[i + 1:i + 4]
        if (isinstance(t, _Num) and not t.fraction and len(ahead) >= 2 and ahead[0] == "and"
                and isinstance(half := ahead[1], _Num) and half.fraction):
            out.append(_Num(_tidy(t.value + half.value)))
            i += 3
            continue
        if (t in c.single and len(ahead) == 3 and isinstance(unit := ahead[0], str)
                and _unit_kind(tokens, i + 1, c)[0] in _TIME_UNITS
                and ahead[1] == "and" and isinstance(half := ahead[2], _Num) and half.fraction):
            out.extend([_Num(1 + half.value), unit])
            i += 4
            continue
        out.append(t)
        i += 1
    return out


def _tidy(value: Decimal) -> Decimal:
    """1200000.0 -> 1200000: a scaled whole number reads as one."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


_POWERS = {Decimal(1000), Decimal(1_000_000), Decimal(1_000_000_000)}
_MONEY_SCALE = Decimal(1000)   # "300k", "50 wan" are amounts; "two dozen" is a plain count


def _apply_scales(tokens: list[object], c: _Compiled) -> list[object]:
    """"300 k" / "1.2 1000000" (text2num's "1.2 million") / "0.5 of a 1000000" -> one number."""
    out: list[object] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if isinstance(t, _Num):
            j = i + 1
            while j < len(tokens) and tokens[j] in ("of", "a", "an"):
                j += 1
            if j < len(tokens):
                nxt = tokens[j]
                scale = None
                if isinstance(nxt, str) and nxt in c.scales and (j == i + 1 or t.fraction):
                    scale = c.scales[nxt]
                elif isinstance(nxt, _Num) and nxt.value in _POWERS and not nxt.fraction and (j == i + 1 or t.fraction):
                    scale = nxt.value
                if scale is not None:
                    out.append(_Num(_tidy(t.value * scale), scaled=scale >= _MONEY_SCALE))
                    i = j + 1
                    continue
        elif t in ("a", "an") and i + 1 < len(tokens) and isinstance(num := tokens[i + 1], _Num) \
                and num.value in _POWERS and not num.fraction:
            out.append(_Num(num.value, scaled=True))   # text2num's "a 1000000"
            i += 2
            continue
        elif t in ("a", "an") and i + 1 < len(tokens) and isinstance(word := tokens[i + 1], str) \
                and word in c.scales and word not in ("k", "m", "mn", "bn"):
            scale = c.scales[word]
            out.append(_Num(scale, scaled=scale >= _MONEY_SCALE))   # "a million"; "a dozen" is a count
            i += 2
            continue
        out.append(t)
        i += 1
    return out


def _views(text: str, lex: Lexicon) -> tuple[_Compiled, list[str]]:
    c = _compiled(lex)
    return c, _words_view(text, c)


# ------------------------------------------------------------------ quantities


@dataclass(frozen=True)
class _Quantity:
    """A stated number or range with its unit and how it was qualified."""
    low: Decimal
    high: Decimal
    unit: str            # "" (bare), "percent", "months", "years", "times", "currency", ...
    comparator: str      # "", "more", "at_least", "less", "at_most", "about"
    fraction: bool
    scaled: bool
    negative: bool = False
    start: int = 0       # token positions in the numbers view
    end: int = 0


def _unit_kind(tokens: Sequence[object], i: int, c: _Compiled) -> tuple[str, int]:
    hit = c.units.at(tokens, i)
    return (hit[1], len(hit[0])) if hit is not None else ("", 0)


def _phrase_ending_at(tokens: Sequence[object], end: int,
                      table: tuple[tuple[tuple[str, ...], str], ...]) -> tuple[str, int] | None:
    for phrase, kind in table:
        start = end - len(phrase)
        if start >= 0 and tuple(tokens[start:end]) == phrase:
            return kind, start
    return None


def _is_negated_at(tokens: Sequence[object], start: int, c: _Compiled, phrase: Sequence[str] = (),
                   *, reach: int = 1) -> bool:
    """Whether a negation word stands shortly before tokens[start] in the same clause."""
    if any(word in c.negations for word in phrase):
        return False   # the keyword says the negation itself ("no income", "never")
    lowest = max(0, start - c.lex.negation_window * reach)
    for j in range(start - 1, lowest - 1, -1):
        token = tokens[j]
        if _break_ends_at(tokens, j, c):
            return False
        if token in c.negations and not _inside_not_negation(tokens, j, c):
            return True
    return False


def _inside_not_negation(tokens: Sequence[object], j: int, c: _Compiled) -> bool:
    for phrase in c.not_negations:
        for offset in range(len(phrase)):
            if phrase[offset] == tokens[j] and j >= offset and _match_at(tokens, j - offset, phrase):
                return True
    return False


# "can't lose more than 5%" is at most 5%; "won't need it for at least 10 years" is still at
# least 10: the negation there belongs to the verb
_FLIP = {"more": "at_most", "less": "at_least"}


def _quantities(tokens: list[object], c: _Compiled) -> list[_Quantity]:
    found: list[_Quantity] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        if not isinstance(first, _Num):
            i += 1
            continue
        start = i
        negative = i > 0 and tokens[i - 1] == "-" and (i < 2 or not isinstance(tokens[i - 2], _Num))
        unit, used = _unit_kind(tokens, i + 1, c)
        j = i + 1 + used
        low = high = first
        # a range: "3 to 5", "3-5", "2 or 3", "between 200 and 300"
        if j + 1 < len(tokens) and isinstance(tokens[j], str) and tokens[j] in c.joiners \
                and isinstance(second := tokens[j + 1], _Num):
            opened = any(t in c.openers for t in tokens[max(0, start - 2):start])
            if tokens[j] != "and" or opened:
                high = second
                second_unit, used2 = _unit_kind(tokens, j + 2, c)
                unit = second_unit or unit
                j = j + 2 + used2
        if high is not first and high.scaled and not low.scaled and low.value * _scale_of(high.value) <= high.value:
            low = _Num(low.value * _scale_of(high.value), scaled=True)   # "200 to 300 thousand"
        comparator = _comparator(tokens, start - (1 if negative else 0), j, c)
        lo, hi = sorted((low.value, high.value))
        if negative:
            lo, hi = -hi, -lo
        found.append(_Quantity(lo, hi, unit, comparator, low.fraction, low.scaled or high.scaled, negative,
                               start, j))
        i = j
    return found


def _comparator(tokens: list[object], pos: int, j: int, c: _Compiled) -> str:
    """How the number from tokens[pos] to tokens[j] is qualified: by a phrase before it (turned
    around by a negation shortly before: "can't lose more than 5%"), else by one after it; and a
    refusal after it turns a lower bound around ("超过20%就受不了" is at most 20%)."""
    comparator = ""
    while pos > 0 and tokens[pos - 1] in c.openers:
        pos -= 1
    while (hit := _phrase_ending_at(tokens, pos, c.before)) is not None:
        kind, at = hit
        if kind == "about":   # keep looking: "up to about 10%"
            comparator = comparator or "about"
            pos = at
            continue
        if _is_negated_at(tokens, at, c, reach=2):
            return _FLIP.get(kind, kind)
        comparator = kind
        break
    after = next((kind for phrase, kind in c.after if _match_at(tokens, j, phrase)), None)
    if after is not None and not comparator:
        comparator = after
    if comparator in _REFUSED and _refused_after(tokens, j, c):
        return _REFUSED[comparator]
    return comparator


# "超过20%就受不了" (more than 20% is too much) is at most 20%; "20%以上不行" is less than 20%
_REFUSED = {"more": "at_most", "at_least": "less"}


def _refused_after(tokens: list[object], j: int, c: _Compiled) -> bool:
    """A refusal after the number, in its clause and within twice the negation window."""
    for k in range(j, min(len(tokens), j + 2 * c.lex.negation_window + 2)):
        if c.refusals.at(tokens, k) is not None:
            return True
        if _break_ends_at(tokens, k, c):
            return False
    return False


def _scale_of(value: Decimal) -> Decimal:
    for power in (Decimal(1_000_000_000), Decimal(1_000_000), Decimal(1000)):
        if value >= power:
            return power
    return Decimal(1)


# ------------------------------------------------------------------ quantities in an item's unit


_LONGEST = Decimal(120)   # more years than this is a calendar year ("by 2030", "2030年")


def _in_item_unit(q: _Quantity, unit: NumericUnit, short_answer: bool) -> tuple[Decimal, Decimal] | None:
    """The quantity in the item's unit, or None when it is not that kind of number."""
    low, high = q.low, q.high
    if unit is NumericUnit.AMOUNT:
        if q.unit in _PLAIN_UNITS and not q.fraction:
            return low, high
        return None
    if unit is NumericUnit.PERCENT:
        if q.fraction and q.unit in ("", "percent"):
            return low * _HUNDRED, high * _HUNDRED
        if q.unit == "percent" or (q.unit == "" and not q.scaled and high <= _HUNDRED):
            return low, high
        return None
    if q.fraction or q.scaled:
        return None
    factors = {
        NumericUnit.MONTHS: {"months": Decimal(1), "years": Decimal(12), "decades": Decimal(120),
                             "weeks": Decimal(12) / Decimal(52), "days": Decimal(12) / Decimal(365)},
        NumericUnit.YEARS: {"years": Decimal(1), "months": Decimal(1) / Decimal(12), "decades": Decimal(10),
                            "weeks": Decimal(1) / Decimal(52), "days": Decimal(1) / Decimal(365)},
    }.get(unit)
    if factors is None:
        return None
    if q.unit == "":
        # A bare number counts only in a short answer ("7", "about 4"): in a sentence it is too
        # often an age or a calendar year ("when she turns 18", "by 2030").
        if not short_answer or high > _LONGEST:
            return None
        return low, high
    factor = factors.get(q.unit)
    if factor is None or (q.unit == "years" and high > _LONGEST):
        return None   # "2030年": a calendar year, not a number of years
    return low * factor, high * factor


def _stated_interval(low: Decimal, high: Decimal, comparator: str, *, limit: bool) -> Interval:
    if low != high:
        return _stated_range(low, high, comparator, limit=limit)
    if comparator == "more":
        return Interval(low, False, None, False)
    if comparator == "at_least":
        return Interval(low, True, None, False)
    if comparator == "less":
        return Interval(Decimal(0), not limit, low, False)
    if comparator == "at_most":
        return Interval.point(low) if limit else Interval(Decimal(0), True, low, True)
    # "just under 100k", "almost 5 years": a little below the value, never on it
    if comparator == "just_under" and low > 0:
        return Interval(low - low / _NEAR, True, low, False)
    if comparator == "just_over":
        return Interval(low, False, low + max(low, Decimal(1)) / _NEAR, True)
    return Interval.point(low)


def _stated_range(low: Decimal, high: Decimal, comparator: str, *, limit: bool) -> Interval:
    """"3 to 5 years"; a comparator widens it: "within 1 or 2 years" reaches down to 0 ("一两年内"),
    "2 or 3 years or more" up without end (a limit item keeps the range: "up to 10-20%")."""
    if comparator in ("more", "at_least"):
        return Interval(low, comparator == "at_least", None, False)
    if comparator in ("less", "at_most") and not limit:
        return Interval(Decimal(0), True, high, comparator == "at_most")
    return Interval(low, True, high, True)


def _options_for_interval(item: Item, stated: Interval) -> tuple[str, ...]:
    """The option a stated range means, or the candidates when it reaches into several."""
    assert item.numeric is not None
    ranges = item.numeric.label_ranges()
    holding = [option for option, label in ranges if label.contains(stated)]
    if holding:
        # one option's label holds it; on a shared edge two do: the boundary rule takes the
        # option with fewer points
        return (min(holding, key=lambda o: item.option(o).points),)
    found = []
    for option, label in ranges:
        if not label.overlaps(stated):
            continue
        touching = _single_common_point(label, stated)
        # a range that only touches an option at a shared edge ("within 3 years" and "3 to 5
        # years") reaches it only if the boundary rule gives that edge to it
        if touching is None or _options_for_interval(item, Interval.point(touching)) == (option,):
            found.append(option)
    return tuple(found)


def _single_common_point(a: Interval, b: Interval) -> Decimal | None:
    lows = [x for x in (a.low, b.low) if x is not None]
    highs = [x for x in (a.high, b.high) if x is not None]
    if lows and highs and max(lows) == min(highs):
        return max(lows)
    return None


def _frequency(tokens: list[object], c: _Compiled) -> list[tuple[Decimal, Decimal, str]]:
    """Counts a year from "2 or 3 times a year", "every week", "twice a month", "10 trades"."""
    found: list[tuple[Decimal, Decimal, str]] = []
    per_year: Decimal | None = None
    count: tuple[Decimal, Decimal, str] | None = None
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if isinstance(t, str) and t in c.every and i + 2 < len(tokens) and isinstance(every := tokens[i + 1], _Num):
            kind, used = _unit_kind(tokens, i + 2, c)
            if kind in c.per_year and every.value > 0:
                per_year = c.per_year[kind] / every.value   # "every 2 weeks"
                i += 2 + used
                continue
        hit = c.periods.at(tokens, i)
        if hit is not None:
            per_year = hit[1]
            i += len(hit[0])
            continue
        word = c.counts.at(tokens, i)
        if word is not None and count is None:
            count = (word[1], word[1], "")
            i += len(word[0])
            continue
        i += 1
    for q in _quantities(tokens, c):
        if q.unit in ("", "times") and not q.fraction and not q.scaled and not q.negative:
            low, high = q.low, q.high
            if q.comparator == "just_under" and low >= 1:
                found.append((low - 1, low - 1, ""))
            elif q.comparator == "just_over":
                found.append((low + 1, low + 1, ""))
            elif q.comparator in ("more", "at_least"):
                found.append((low, Decimal(-1), q.comparator))
            elif q.comparator in ("less", "at_most"):
                found.append((Decimal(0), high, q.comparator))
            else:
                found.append((low, high, ""))
    if count is not None and not found:
        found.append(count)
    if per_year is not None:
        if not found:
            found.append((Decimal(1), Decimal(1), ""))
        found = [(lo * per_year, hi * per_year if hi >= 0 else hi, cmp) for lo, hi, cmp in found]
    return found


def _numeric_readings(item: Item, words: list[str], c: _Compiled) -> list[tuple[str, ...]]:
    assert item.numeric is not None
    unit = item.numeric.unit
    limit = item.reading.value_is_limit
    readings: list[tuple[str, ...]] = []
    if unit is NumericUnit.COUNT:
        for low, high, comparator in _frequency(_numbers_view(words, c, fractions=False), c):
            if high < 0:   # "more than 15"
                stated = _stated_interval(low, low, comparator, limit=limit)
            elif comparator in ("less", "at_most") and not limit:
                stated = _stated_interval(high, high, comparator, limit=limit)
            else:
                stated = Interval(low, True, high, True)
            readings.append(_options_for_interval(item, stated))
        return readings
    quantities = _quantities(_numbers_view(words, c, fractions=True), c)
    short = _is_short_answer(words, len(quantities), c)
    for q in quantities:
        if q.negative:
            raise UnknownOptionError(item.slot, " ".join(words), item.option_ids)  # impossible, not a guess
        converted = _in_item_unit(q, unit, short)
        if converted is None:
            continue
        low, high = converted
        if unit is NumericUnit.PERCENT and high > _HUNDRED:
            raise UnknownOptionError(item.slot, " ".join(words), item.option_ids)
        readings.append(_options_for_interval(item, _stated_interval(low, high, q.comparator, limit=limit)))
    return readings


def _split_reading(item: Item, words: list[str], c: _Compiled) -> tuple[str, ...] | None:
    """Item 13 answered as shares: "70% A and 30% B", "80/20 in favour of A", "60 40 towards B".

    The second option's share (B) picks the option through the split's bands.
    """
    split = item.reading.split
    if split is None:
        return None
    first_words, second_words, mapping = split
    tokens = _numbers_view(words, c, fractions=True)
    sides = {i: "first" for i, _ in _phrase_hits(words_in(first_words, c.lex.language), tokens, c)}
    sides.update({i: "second" for i, _ in _phrase_hits(words_in(second_words, c.lex.language), tokens, c)})
    shares = [(q, q.low * _HUNDRED if q.fraction else q.low) for q in _quantities(tokens, c)
              if q.unit in ("", "percent") and not q.scaled and q.low == q.high and 0 <= q.low <= _HUNDRED]
    second_share: Decimal | None = None
    pair = _share_pair(tokens)
    if pair is not None and sides:
        # "80/20 in favour of A": the larger share goes to the side named
        named = sides[min(sides)]
        larger, smaller = max(pair), min(pair)
        second_share = larger if named == "second" else smaller
    else:
        for q, share in shares:   # "half in A" is 50%, not 0.5%
            side = _share_side(q, sides, tokens, c)
            if side is not None:
                second_share = share if side == "second" else _HUNDRED - share
                break
    if second_share is None:
        return None
    stand_in = Item(item.key, item.number, item.slot, item.group, item.question, item.why,
                    item.options, mapping)
    return _options_for_interval(stand_in, Interval.point(second_share))


def _share_side(q: _Quantity, sides: dict[int, str], tokens: list[object], c: _Compiled) -> str | None:
    """Which choice a share is of: the label after it ("70% A"), else the one just before; where
    the language names the choice first ("A七成"), the label before it in its clause, else after."""
    after = next((sides[i] for i in range(q.end, min(q.end + 4, len(tokens))) if i in sides), None)
    if c.lex.split_label == "before":
        return _label_before(q, sides, tokens, c) or after
    return after or next((sides[i] for i in range(max(0, q.start - 2), q.start) if i in sides), None)


def _label_before(q: _Quantity, sides: dict[int, str], tokens: list[object], c: _Compiled) -> str | None:
    for i in range(q.start - 1, -1, -1):
        if i in sides:
            return sides[i]
        if isinstance(tokens[i], _Num) or _break_ends_at(tokens, i, c):
            return None
    return None


def _break_between(tokens: Sequence[object], start: int, end: int, c: _Compiled) -> bool:
    return any(_break_ends_at(tokens, m, c) for m in range(start, end))


def _break_ends_at(tokens: Sequence[object], j: int, c: _Compiled) -> bool:
    return any(j - len(b) + 1 >= 0 and _match_at(tokens, j - len(b) + 1, b) for b in c.clause_breaks)


def _share_pair(tokens: list[object]) -> tuple[Decimal, Decimal] | None:
    """"80/20", "60 40", "70-30" adding up to 100."""
    for i in range(len(tokens) - 1):
        a = tokens[i]
        j = i + 2 if i + 2 < len(tokens) and tokens[i + 1] in ("/", "-", ":") else i + 1
        b = tokens[j] if j < len(tokens) else None
        if isinstance(a, _Num) and isinstance(b, _Num) and a.value + b.value == _HUNDRED:
            return a.value, b.value
    return None


def _is_short_answer(words: list[str], numbers: int, c: _Compiled) -> bool:
    content = [w for w in words if not w[0].isdigit() and w not in c.filler and w not in c.joiners
               and w.isalpha()]
    return numbers == 1 and len(content) <= 2


# ------------------------------------------------------------------ keywords


@dataclass(frozen=True)
class _Hit:
    option: str
    start: int
    end: int


def _keyword_index(options: tuple[Option, ...], c: _Compiled) -> _Index:
    language = c.lex.language
    entries = []
    for option in options:
        phrases = [option.id.replace("_", " "), option.label] if language == DEFAULT_LANGUAGE else []
        for text in (*phrases, *option.keywords_for(language)):
            entries.append((tuple(_words_view(text, c)), option.id))
    return _Index(entries)


def _keyword_hits(options: tuple[Option, ...], words: list[str], c: _Compiled) -> list[_Hit]:
    index = _by_identity("keywords", options, c, lambda: _keyword_index(options, c))
    hits = [_Hit(option, i, i + len(phrase)) for i, phrase, option in index.find_all(words)]
    # a keyword inside a longer keyword, comparator or not-negation found at the same place does
    # not count on its own ("growth" in "maximum growth", "不多" in "差不多", "most" in "at most")
    spans = [(h.start, h.end) for h in hits] + [(i, i + len(p)) for i, p, _ in c.masks.find_all(words)]
    return [h for h in hits
            if not any(start <= h.start and h.end <= end and end - start > h.end - h.start for start, end in spans)]


def _phrase_hits(phrases: tuple[str, ...], words: Sequence[object],
                 c: _Compiled) -> list[tuple[int, tuple[str, ...]]]:
    index = _by_identity("phrases", phrases, c,
                         lambda: _Index((tuple(_words_view(text, c)), True) for text in phrases))
    return [(i, phrase) for i, phrase, _ in index.find_all(words)]


def _near_premise(hit: _Hit, words: list[str], premise: frozenset[str]) -> bool:
    nearby = words[max(0, hit.start - 2):hit.start] + words[hit.end:hit.end + 1]
    return any(w in premise for w in nearby)


def _live_hits(item_options: tuple[Option, ...], words: list[str], c: _Compiled,
               premise: frozenset[str] = frozenset()) -> list[_Hit]:
    """Keyword hits that are neither negated nor part of the question's premise, in text order.

    An option the answer also negates elsewhere ("retired, no pension") is not read at all:
    the answer contradicts it.
    """
    live, negated = _split_hits(item_options, words, c, premise)
    refused = {h.option for h in negated}
    return [h for h in live if h.option not in refused]


def _split_hits(item_options: tuple[Option, ...], words: list[str], c: _Compiled,
                premise: frozenset[str] = frozenset()) -> tuple[list[_Hit], list[_Hit]]:
    live, negated = [], []
    hits = sorted(_keyword_hits(item_options, words, c), key=lambda h: h.start)
    for hit in hits:
        if premise and _near_premise(hit, words, premise):
            continue
        if _is_negated_at(words, hit.start, c, words[hit.start:hit.end]) or _denied_after(hit, hits, words, c):
            negated.append(hit)
        else:
            live.append(hit)
    return live, negated


def _denied_after(hit: _Hit, hits: Sequence[_Hit], tokens: Sequence[object], c: _Compiled) -> bool:
    """A denial shortly after the keyword that closes its clause: "股票不敢碰，买过银行理财".

    When another keyword follows the denial closely in the same clause, the denial is that one's
    ("理财不碰股票": stocks are denied, not 理财), so it does not count here.
    """
    if not c.after_negations:
        return False
    for k in range(hit.end, min(len(tokens), hit.end + c.lex.after_negation_window + 1)):
        if k > hit.end and _break_ends_at(tokens, k - 1, c):
            return False
        phrase = next((p for p in c.after_negations if _match_at(tokens, k, p)), None)
        if phrase is None:
            continue
        close = k + len(phrase)
        reach = close + c.lex.after_negation_window
        return not any(close <= other.start <= reach and not _break_between(tokens, close, other.start, c)
                       for other in hits if other is not hit)
    return False


def _keyword_options(item_options: tuple[Option, ...], words: list[str], c: _Compiled,
                     premise: frozenset[str] = frozenset()) -> list[str]:
    """Options named by keywords that are neither negated nor part of the question's premise."""
    found: list[str] = []
    for hit in _live_hits(item_options, words, c, premise):
        if hit.option not in found:
            found.append(hit.option)
    return found


def _compared(item: Item, hits: list[_Hit], words: list[str], c: _Compiled) -> str | None:
    """The answer to "which is riskier?" from "one stock is riskier than the fund" or "the fund
    is safer": the option named before a "more" word, or the other one before a "less" word."""
    comparison = item.reading.comparison
    if comparison is None or not hits:
        return None
    pair, more, less = comparison
    marks = [(i, "more") for i, _ in _phrase_hits(words_in(more, c.lex.language), words, c)]
    marks += [(i, "less") for i, _ in _phrase_hits(words_in(less, c.lex.language), words, c)]
    named = {h.option for h in hits}
    if not marks or not named <= set(pair):
        return None
    position, kind = min(marks)
    # "A比B风险大": the subject stands before the language's "than" word when one comes first
    thans = [i for i, _ in _phrase_hits(c.lex.than, words, c) if i < position]
    if thans and any(h.start < thans[0] for h in hits):
        position = thans[0]
    before = [h for h in hits if h.start < position]
    subject = (before[-1] if before else hits[0]).option
    if kind == "more":
        return subject
    return next(o for o in pair if o != subject)


def _negated_subject(item: Item, words: list[str], c: _Compiled) -> bool:
    """"I haven't traded", "I wouldn't sell": the item's subject denied, and no option named.

    Reaches twice as far as a keyword's negation. An answer that denies an option ("I'd not
    sell everything, just some") does not say which other one it means, so it is read here only
    when this reading is the item's safest ("I don't have a job" -> no income).
    """
    fallback = item.reading.negated_option
    safest = min(o.points for o in item.options)
    if fallback is not None and item.option(fallback).points > safest and _split_hits(item.options, words, c)[1]:
        return False
    subject = words_in(item.reading.negated_words, c.lex.language)
    return any(_is_negated_at(words, i, c, reach=2) for i, _ in _phrase_hits(subject, words, c))


# ------------------------------------------------------------------ options


def _combine(item: Item, readings: list[tuple[str, ...]]) -> tuple[str, ...]:
    """One option, or the candidates, from every reading of the answer."""
    points = {o.id: o.points for o in item.options}
    if item.reading.combine is Combine.HIGHEST and all(len(r) == 1 for r in readings):
        return (max((r[0] for r in readings), key=points.__getitem__),)
    if item.reading.combine is Combine.LOWEST:
        cap = min(max(points[o] for o in r) for r in readings)
        union = {o for r in readings for o in r if points[o] <= cap}
        decided = [r[0] for r in readings if len(r) == 1]
        if decided:
            lowest = min(decided, key=points.__getitem__)
            union = {o for o in union if points[o] <= points[lowest]}
            if all(len(r) == 1 for r in readings):
                return (lowest,)
        return _in_item_order(item, union)
    return _in_item_order(item, {o for r in readings for o in r})


def _in_item_order(item: Item, option_ids: Iterable[str]) -> tuple[str, ...]:
    wanted = set(option_ids)
    return tuple(o for o in item.option_ids if o in wanted)


def _unmet_needs(item: Item, option: Option, words: list[str], c: _Compiled) -> bool:
    facets = dict(item.reading.facets)
    for need in option.needs:
        words_for_facet = words_in(facets.get(need, ()), c.lex.language)
        if not _phrase_hits(words_for_facet, words, c):
            return True
    return False


def parse_option(item: Item, text: str, *, lexicon: Lexicon | None = None) -> str:
    """Return the option id the text means for this item.

    Raises AmbiguousAnswerError (with the candidates) when it could mean several options and
    UnknownOptionError when it means none.
    """
    raw = text.strip()
    if raw in item.option_ids:
        return raw
    if len(raw) > MAX_ANSWER_CHARS:
        raise UnknownOptionError(item.slot, text[:MAX_ANSWER_CHARS], item.option_ids)
    c, words = _views(raw, _lexicon_for(raw, lexicon))
    item = _localised(item, c)
    try:
        return _read_option(item, text, words, c)
    except UnknownOptionError:
        corrected = _corrected(item.options, words, c)
        if corrected == words:
            raise
        return _read_option(item, text, corrected, c)   # one typo fixed: "stoks", "morgage"


def _localised(item: Item, c: _Compiled) -> Item:
    """The item with the lexicon's own words for it added (reading_<language>.yaml)."""
    words = c.lex.words_for(item.key)
    if words is None:
        return item
    return _by_identity("localised", item, c, lambda: item_with_words(item, c.lex.language, words))


def _localised_goals(goals: GoalsQuestion, c: _Compiled) -> GoalsQuestion:
    words = c.lex.goals
    if words is None:
        return goals
    return _by_identity("localised", goals, c, lambda: goals_with_words(goals, c.lex.language, words))


def _read_option(item: Item, text: str, words: list[str], c: _Compiled) -> str:
    lex = c.lex
    raw = text.strip()
    readings: list[tuple[str, ...]] = []
    if item.numeric is not None:
        readings.extend(r for r in _numeric_readings(item, words, c) if r)
    split = _split_reading(item, words, c)
    if split:
        return _decide(item, [split], raw, words, c)
    premise_words = words_in(item.reading.premise, lex.language)
    premise = _by_identity("premise", premise_words, c,
                           lambda: frozenset(w for p in premise_words for w in _words_view(p, c)))
    hits = _live_hits(item.options, words, c, premise)
    compared = _compared(item, hits, words, c)
    if compared is not None:
        hits = [h for h in hits if h.option == compared] or [_Hit(compared, 0, 0)]
    for option in dict.fromkeys(h.option for h in hits):
        readings.append((option,))
    if not readings:
        if item.reading.negated_option is not None and _negated_subject(item, words, c):
            return item.reading.negated_option
        raise UnknownOptionError(item.slot, text, item.option_ids)
    _ask_when_recent(item, readings, text, words, c)
    return _decide(item, readings, text, words, c)


def _ask_when_recent(item: Item, readings: list[tuple[str, ...]], text: str, words: list[str], c: _Compiled) -> None:
    """"bought stocks for the first time last month": maybe not held long enough to count, so
    the named option and every option with fewer points are offered back."""
    recent = words_in(item.reading.recent, c.lex.language)
    if not recent or not _phrase_hits(recent, words, c):
        return
    top = max(item.option(o).points for r in readings for o in r)
    candidates = tuple(o.id for o in item.options if o.points <= top)
    if len(candidates) > 1:
        raise AmbiguousAnswerError(item.slot, text, candidates)


_TYPO_MIN_LENGTH = 5   # shorter words are too easily another word with one letter changed


def _corrected(options: tuple[Option, ...], words: list[str], c: _Compiled) -> list[str]:
    """The words with each unknown long word replaced by the one keyword word it is a single
    typo away from (a letter missing, added, changed or two swapped); unchanged otherwise."""
    by_length = _by_identity("vocabulary", options, c, lambda: _vocabulary(options, c))
    out = []
    for word in words:
        if len(word) >= _TYPO_MIN_LENGTH and word.isalpha() and word not in by_length.get(len(word), ()) \
                and word not in c.negations:
            near = [v for n in (len(word) - 1, len(word), len(word) + 1) for v in by_length.get(n, ())
                    if _one_edit(word, v)]
            if len(near) == 1:
                out.append(near[0])
                continue
        out.append(word)
    return out


def _vocabulary(options: tuple[Option, ...], c: _Compiled) -> dict[int, frozenset[str]]:
    words = {w for _, phrase, _ in _keyword_index(options, c).entries() for w in phrase
             if w.isalpha() and len(w) >= _TYPO_MIN_LENGTH - 1}
    return {n: frozenset(w for w in words if len(w) == n) for n in {len(w) for w in words}}


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def _decide(item: Item, readings: list[tuple[str, ...]], text: str, words: list[str], c: _Compiled) -> str:
    candidates = _combine(item, readings)
    if len(candidates) == 1:
        chosen = item.option(candidates[0])
        if not _unmet_needs(item, chosen, words, c):
            return chosen.id
        # a fact the option needs is missing: it or the options the data names instead, or
        # else any option with fewer points
        if chosen.or_else:
            candidates = _in_item_order(item, (chosen.id, *chosen.or_else))
        else:
            candidates = tuple(o.id for o in item.options if o.points <= chosen.points)
        if len(candidates) == 1:
            return candidates[0]
    raise AmbiguousAnswerError(item.slot, text, candidates)


_AN_AGE = ("", "about")   # "42", "about 42": an age; "over 60", "under 18": not one


def parse_age(item: Item, text: str, *, lexicon: Lexicon | None = None) -> int:
    """Return a whole age in years from "42", "I'm 42", "forty two"; raise otherwise."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(item.slot, "too long to be an age")
    c, words = _views(text, _lexicon_for(text, lexicon))
    tokens = _numbers_view(words, c, fractions=True)
    if any(isinstance(t, _Num) and tokens[i + 1:i + 2] == ["s"] for i, t in enumerate(tokens)):
        raise AnswerError(item.slot, f"a decade, not an age: {text!r}")   # "in my 40s"
    ages = [q for q in _quantities(tokens, c) if q.unit in ("", "years", "age") and not q.scaled]
    if len(ages) != 1 or ages[0].low != ages[0].high or ages[0].comparator not in _AN_AGE:
        # "30 to 40", "over 60", "under 18" (not 18: the customer may be a minor) are no age
        raise AnswerError(item.slot, f"no single age found in {text!r}")
    age = ages[0].low
    if ages[0].fraction or age != age.to_integral_value() or not 0 <= age <= MAX_AGE:
        raise AgeOutOfRangeError(item.slot, text)
    return int(age)


def parse_goals(goals: GoalsQuestion, text: str, *, lexicon: Lexicon | None = None) -> list[str]:
    """One or more goal ids from free text ("retirement and my kids' school")."""
    raw = text.strip()
    if raw in goals.option_ids:
        return [raw]
    if len(raw) > MAX_ANSWER_CHARS:
        raise UnknownOptionError(goals.slot, text[:MAX_ANSWER_CHARS], goals.option_ids)
    c, words = _views(raw, _lexicon_for(raw, lexicon))
    goals = _localised_goals(goals, c)
    named = set(_keyword_options(goals.options, words, c))
    found = [o.id for o in goals.options if o.id in named]
    if len(found) > 1 and "none" in found:
        found.remove("none")
    if not found:
        raise UnknownOptionError(goals.slot, text, goals.option_ids)
    return found


def parse_answer(item: Item, text: str, *, lexicon: Lexicon | None = None) -> object:
    """The clean value for an item from a button payload or free text."""
    if item.is_age:
        return parse_age(item, text, lexicon=lexicon)
    return parse_option(item, text, lexicon=lexicon)


def numbers_in(text: str, *, lexicon: Lexicon | None = None) -> list[Decimal]:
    """Every number in the text: "300k", "1.2 million", "half a million", "fifty-two".

    A fraction on its own ("a third") is a share, not a number, and is left out.
    """
    c, words = _views(text, _lexicon_for(text, lexicon))
    found = []
    tokens = _numbers_view(words, c, fractions=True, singles=False)
    for i, t in enumerate(tokens):
        if isinstance(t, _Num) and not t.fraction:
            negative = i > 0 and tokens[i - 1] == "-" and (i < 2 or not isinstance(tokens[i - 2], _Num))
            found.append(-t.value if negative else t.value)
    return found


def amount_in(text: str, *, lexicon: Lexicon | None = None) -> Decimal | None:
    """The one amount of money in an answer, or None when there is none or several.

    Numbers with a unit of time, a percentage or a count are not amounts, nor is a bare number
    right after an age word: "500 a month until she is 18" -> 500, "about 300k" -> 300000,
    "2000 or 3000" -> None (not one amount).
    """
    lex = _lexicon_for(text, lexicon)
    c, words = _views(text, lex)
    tokens = _numbers_view(words, c, fractions=True, singles=False)
    amounts = [q for q in _quantities(tokens, c)
               if q.unit in _PLAIN_UNITS and not q.fraction and not _after_age_word(q, tokens, lex)]
    if len(amounts) != 1 or amounts[0].low != amounts[0].high or amounts[0].negative:
        return None
    return amounts[0].low


def _after_age_word(q: _Quantity, tokens: list[object], lex: Lexicon) -> bool:
    before = tokens[max(0, q.start - 2):q.start]
    return (not q.scaled and q.unit == "" and q.high <= MAX_AGE   # "my goal is 200000" is an amount
            and any(t in lex.age_words for t in before if isinstance(t, str)))


def is_question(text: str, *, lexicon: Lexicon | None = None) -> bool:
    """Whether the message asks something: "what is a bond fund?", "do options count?".

    "do nothing" is an answer and "do options count?" a question, so an asking word makes a
    question only with a question mark at the end.
    """
    c, words = _views(text, _lexicon_for(text, lexicon))
    return _asks(text, c, words)


def _asks(text: str, c: _Compiled, words: list[str]) -> bool:
    lex = c.lex
    if c.question_starts.at(words, 0) is not None:
        return True
    bare = text.strip().rstrip("?？!！。.~ 啊呀呢哈")
    if lex.question_ends and bare.endswith(lex.question_ends):
        return True
    if any(phrase in text for phrase in lex.question_phrases):
        return True
    asks = text.rstrip().endswith(("?", "\uff1f"))
    return asks and bool(words) and words[0] in lex.asking_words


def is_digression(text: str, *, lexicon: Lexicon | None = None) -> bool:
    """Whether the message is a question or request of its own ("what is a bond fund?", "stop")."""
    c, words = _views(text, _lexicon_for(text, lexicon))
    if _asks(text, c, words) or c.digressions.find_all(words):
        return True
    content = [w for w in words if w.isalnum()]
    return len(content) <= c.lex.short_message and bool(c.short_digressions.find_all(content))


def reads_as_answer(item: Item | GoalsQuestion, text: str, *, lexicon: Lexicon | None = None) -> bool:
    """Whether a message reads as an answer to this open question, whatever the intent says.

    True for an answer that parses, one that is ambiguous (it gets a question back) and an
    impossible age (it is still an age); false for a digression. Cheap: no model, no I/O.
    """
    lex = _lexicon_for(text, lexicon)
    if not text.strip() or len(text) > MAX_ANSWER_CHARS or is_digression(text, lexicon=lex):
        return False
    try:
        if isinstance(item, GoalsQuestion):
            parse_goals(item, text, lexicon=lex)
        else:
            parse_answer(item, text, lexicon=lex)
    except (AmbiguousAnswerError, AgeOutOfRangeError):
        return True
    except AnswerError:
        return False
    return True


_PER_YEAR_OF_UNIT = {"years": Decimal(1), "age": Decimal(1), "months": Decimal(12), "weeks": Decimal(52),
                     "days": Decimal(365)}


def years_in(text: str, *, lexicon: Lexicon | None = None) -> Decimal | None:
    """The one duration or age in the text, in years: "7", "7 years old", "6 months old" -> 0.5.

    None when there is no single exact number, or when its unit is not a time (a percentage, an
    amount of money, a count).
    """
    lex = _lexicon_for(text, lexicon)
    c, words = _views(text, lex)
    tokens = _numbers_view(words, c, fractions=True)   # "a year and a half" is 1.5 years
    found = [q for q in _quantities(tokens, c) if not q.fraction or q.unit != ""]   # "半岁" is half a year
    if len(found) != 1 or found[0].low != found[0].high or found[0].negative or found[0].scaled:
        return None
    per_year = Decimal(1) if found[0].unit == "" else _PER_YEAR_OF_UNIT.get(found[0].unit)
    return None if per_year is None else found[0].low / per_year
