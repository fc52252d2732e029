"""The KYC questionnaire as domain objects (built from a versioned data file by the loader)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal

from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.texts import Localized, in_language


class ItemGroup(enum.StrEnum):
    CAPACITY = "capacity"        # items 1-5: ability to bear a loss
    EXPERIENCE = "experience"    # items 6-7
    KNOWLEDGE = "knowledge"      # items 8a, 8b: scored together as item 8
    WILLINGNESS = "willingness"  # items 9-13: choosing to bear a loss


class NumericUnit(enum.StrEnum):
    AMOUNT = "amount"
    PERCENT = "percent"
    MONTHS = "months"
    YEARS = "years"
    COUNT = "count"


#: Words per language, as ((language, (word, ...)), ...): hashable, and a second language is data.
Words = tuple[tuple[str, tuple[str, ...]], ...]
DEFAULT_LANGUAGE = "en"


def words_in(words: Words, language: str) -> tuple[str, ...]:
    """The words given for one language (none when the data has none for it)."""
    return next((w for lang, w in words if lang == language), ())


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: int
    keywords: tuple[str, ...] = ()            # English; other languages in other_keywords
    correct: bool = False
    other_keywords: Words = ()
    #: facets of the item the answer must speak to before it is read as this option
    #: (item 4: "more than 6 months *and no debt*" needs the debts mentioned)
    needs: tuple[str, ...] = ()
    #: the candidates offered with this option when a need is unmet (default: every option
    #: with fewer points)
    or_else: tuple[str, ...] = ()
    #: the label in other languages (questionnaire_v1.<language>.yaml); the button's title there.
    #: Not compared: a questionnaire is the same questionnaire whatever translations were loaded.
    label_local: Localized = field(default=(), compare=False)

    def label_in(self, language: str) -> str:
        return in_language(self.label, self.label_local, language)

    def keywords_for(self, language: str) -> tuple[str, ...]:
        if language == DEFAULT_LANGUAGE:
            return self.keywords
        return words_in(self.other_keywords, language)


@dataclass(frozen=True)
class NumericBand:
    option: str
    below: Decimal | None = None   # exclusive upper bound
    up_to: Decimal | None = None   # inclusive upper bound
    #: the next option's label names the same upper edge too ("1 to 3 years", "3 to 5 years"):
    #: a value exactly there fits both, and the reader's boundary rule decides
    shared: bool = False

    def contains(self, value: Decimal) -> bool:
        if self.below is not None:
            return value < self.below
        if self.up_to is not None:
            return value <= self.up_to
        return True


@dataclass(frozen=True)
class Interval:
    """A set of numbers: the range an option's label names, or the range an answer states."""
    low: Decimal | None            # None: unbounded
    low_closed: bool
    high: Decimal | None           # None: unbounded
    high_closed: bool

    @classmethod
    def point(cls, value: Decimal) -> Interval:
        return cls(value, True, value, True)

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high

    def contains(self, other: Interval) -> bool:
        """Whether every number of ``other`` is in this interval."""
        return (_edge_within(self.low, self.low_closed, other.low, other.low_closed, above=True)
                and _edge_within(self.high, self.high_closed, other.high, other.high_closed, above=False))

    def overlaps(self, other: Interval) -> bool:
        if self.high is not None and other.low is not None:
            if other.low > self.high or (other.low == self.high and not (self.high_closed and other.low_closed)):
                return False
        if other.high is not None and self.low is not None:
            if self.low > other.high or (self.low == other.high and not (other.high_closed and self.low_closed)):
                return False
        return True


def _edge_within(edge: Decimal | None, closed: bool, other: Decimal | None, other_closed: bool,
                 *, above: bool) -> bool:
    if edge is None:
        return True
    if other is None:
        return False
    if other == edge:
        return closed or not other_closed
    return other > edge if above else other < edge


@dataclass(frozen=True)
class NumericMapping:
    unit: NumericUnit
    bands: tuple[NumericBand, ...]

    def option_for(self, value: Decimal) -> str:
        for band in self.bands:
            if band.contains(value):
                return band.option
        raise AssertionError("the loader guarantees a catch-all band")

    def label_ranges(self) -> tuple[tuple[str, Interval], ...]:
        """Each option with the range of values its label names, from 0 up.

        A band's upper edge is closed for ``up_to`` and open for ``below``; the next band starts
        where it ends, closed there when this band's edge is open or ``shared``.
        """
        ranges = []
        low, low_closed = Decimal(0), True
        for band in self.bands:
            high = band.below if band.below is not None else band.up_to
            high_closed = band.up_to is not None
            ranges.append((band.option, Interval(low, low_closed, high, high_closed)))
            if high is not None:
                low, low_closed = high, (not high_closed) or band.shared
        return tuple(ranges)


@dataclass(frozen=True)
class AgeBand:
    min: int
    max: int
    points: int


class Combine(enum.StrEnum):
    """What an answer naming several options of one item means."""
    ASK = "ask"           # ask back which one (the default)
    HIGHEST = "highest"   # the item asks for the highest that applies (item 6: most complex product)
    LOWEST = "lowest"     # each fact caps the answer (item 4: "8 months saved but credit card debt")


@dataclass(frozen=True)
class ItemReading:
    """How free text is read for one item, beyond the options' keywords (all data)."""
    combine: Combine = Combine.ASK
    #: a negated mention of one of these words ("I haven't traded") means this option
    negated_option: str | None = None
    negated_words: Words = ()
    #: words of the question's own premise ("rates" in "if rates rise..."): an option keyword
    #: right next to one of them restates the question and is not the answer
    premise: Words = ()
    #: facet name -> words that show the answer speaks to it (see Option.needs)
    facets: tuple[tuple[str, Words], ...] = ()
    #: the item asks for a limit ("the largest loss you could bear"): "up to 10%" means 10%
    value_is_limit: bool = False
    #: a "which is riskier?" item: ((the two options), "more" words, "less" words)
    comparison: tuple[tuple[str, str], Words, Words] | None = None
    #: an item answered as shares of two choices (item 13): (words for the first, words for the
    #: second, the second's share in percent -> option)
    split: tuple[Words, Words, NumericMapping] | None = None
    #: the item counts only what was held long enough (item 6: two years): a product named with
    #: one of these words ("just started", "last month") may not count, so the customer is asked
    recent: Words = ()


@dataclass(frozen=True)
class Item:
    key: str
    number: str
    slot: str
    group: ItemGroup
    question: str
    why: str
    options: tuple[Option, ...] = ()
    numeric: NumericMapping | None = None
    age_bands: tuple[AgeBand, ...] = ()
    reading: ItemReading = ItemReading()
    question_local: Localized = field(default=(), compare=False)
    why_local: Localized = field(default=(), compare=False)

    def question_in(self, language: str) -> str:
        return in_language(self.question, self.question_local, language)

    def why_in(self, language: str) -> str:
        return in_language(self.why, self.why_local, language)

    @property
    def is_age(self) -> bool:
        return bool(self.age_bands)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def option(self, option_id: str) -> Option:
        for candidate in self.options:
            if candidate.id == option_id:
                return candidate
        raise KeyError(option_id)

    @property
    def max_points(self) -> int:
        if self.is_age:
            return max(b.points for b in self.age_bands)
        return max(o.points for o in self.options)


@dataclass(frozen=True)
class GoalsQuestion:
    slot: str
    question: str
    why: str
    options: tuple[Option, ...]
    question_local: Localized = field(default=(), compare=False)
    why_local: Localized = field(default=(), compare=False)

    def question_in(self, language: str) -> str:
        return in_language(self.question, self.question_local, language)

    def why_in(self, language: str) -> str:
        return in_language(self.why, self.why_local, language)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class ItemWords:
    """One language's words for one item (or the goals question), kept with that language's other
    reading words in reading_<language>.yaml and added to the item's own when it is read in it."""
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()   # option id -> keywords
    negated: tuple[str, ...] = ()                           # ItemReading.negated_words
    premise: tuple[str, ...] = ()
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()    # facet name -> words
    more: tuple[str, ...] = ()                              # ItemReading.comparison
    less: tuple[str, ...] = ()
    first: tuple[str, ...] = ()                             # ItemReading.split
    second: tuple[str, ...] = ()
    recent: tuple[str, ...] = ()                            # ItemReading.recent

    def for_option(self, option_id: str) -> tuple[str, ...]:
        return next((words for oid, words in self.options if oid == option_id), ())

    def for_facet(self, facet: str) -> tuple[str, ...]:
        return next((words for name, words in self.facets if name == facet), ())


def _with(words: Words, language: str, more: tuple[str, ...]) -> Words:
    """``words`` with ``more`` added to the language's list."""
    if not more:
        return words
    others = tuple((lang, w) for lang, w in words if lang != language)
    return (*others, (language, words_in(words, language) + more))


def _option_with(option: Option, language: str, more: tuple[str, ...]) -> Option:
    if not more:
        return option
    if language == DEFAULT_LANGUAGE:
        return replace(option, keywords=option.keywords + more)
    return replace(option, other_keywords=_with(option.other_keywords, language, more))


def item_with_words(item: Item, language: str, words: ItemWords) -> Item:
    """The item with one language's words added to its options' keywords and its reading."""
    r = item.reading
    comparison = r.comparison
    if comparison is not None:
        comparison = (comparison[0], _with(comparison[1], language, words.more),
                      _with(comparison[2], language, words.less))
    split = r.split
    if split is not None:
        split = (_with(split[0], language, words.first), _with(split[1], language, words.second), split[2])
    reading = replace(
        r,
        negated_words=_with(r.negated_words, language, words.negated),
        premise=_with(r.premise, language, words.premise),
        facets=tuple((name, _with(w, language, words.for_facet(name))) for name, w in r.facets),
        comparison=comparison,
        split=split,
        recent=_with(r.recent, language, words.recent),
    )
    options = tuple(_option_with(o, language, words.for_option(o.id)) for o in item.options)
    return replace(item, options=options, reading=reading)


def goals_with_words(goals: GoalsQuestion, language: str, words: ItemWords) -> GoalsQuestion:
    """The goals question with one language's words added to its options' keywords."""
    return replace(goals, options=tuple(_option_with(o, language, words.for_option(o.id)) for o in goals.options))


@dataclass(frozen=True)
class ScoreBand:
    level: RiskLevel
    min: int
    max: int
    meaning: str
    meaning_local: Localized = field(default=(), compare=False)


@dataclass(frozen=True)
class ConsistencyRule:
    """Spec 2.6: a careful item-11 answer contradicts a bold item-10 or item-13 answer."""

    item: str                                # the item asked again: "loss_tolerance"
    careful_answers: tuple[str, ...]         # its options that contradict a bold answer
    bold_from: tuple[tuple[str, int], ...]   # (item key, points from which it is bold)
    recheck_prompt: str                      # shown before item 11 is asked again
    recheck_prompt_local: Localized = field(default=(), compare=False)

    def recheck_prompt_in(self, language: str) -> str:
        return in_language(self.recheck_prompt, self.recheck_prompt_local, language)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    items: tuple[Item, ...]
    goals: GoalsQuestion
    bands: tuple[ScoreBand, ...]
    knowledge_points: tuple[int, ...]   # indexed by number of correct knowledge answers
    consistency: ConsistencyRule

    def item(self, key: str) -> Item:
        for candidate in self.items:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def item_for_slot(self, slot: str) -> Item:
        for candidate in self.items:
            if candidate.slot == slot:
                return candidate
        raise KeyError(slot)

    @property
    def slots(self) -> tuple[str, ...]:
        """Every slot the form asks, in the spec's order, the goals question last."""
        return tuple(i.slot for i in self.items) + (self.goals.slot,)

    def meaning_of(self, level: RiskLevel, language: str = DEFAULT_LANGUAGE) -> str:
        band = next(b for b in self.bands if b.level is level)
        return in_language(band.meaning, band.meaning_local, language)

    def level_for(self, score: int) -> RiskLevel:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band.level
        raise ValueError(f"score {score} is outside 0-100")
