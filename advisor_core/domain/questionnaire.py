"""The KYC questionnaire as domain objects (built from a versioned data file by the loader)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from advisor_core.domain.levels import RiskLevel


class ItemGroup(str, enum.Enum):
    CAPACITY = "capacity"        # items 1-5: ability to bear a loss
    EXPERIENCE = "experience"    # items 6-7
    KNOWLEDGE = "knowledge"      # items 8a, 8b: scored together as item 8
    WILLINGNESS = "willingness"  # items 9-13: choosing to bear a loss


class NumericUnit(str, enum.Enum):
    AMOUNT = "amount"
    PERCENT = "percent"
    MONTHS = "months"
    YEARS = "years"
    COUNT = "count"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: int
    keywords: tuple[str, ...] = ()
    correct: bool = False


@dataclass(frozen=True)
class NumericBand:
    option: str
    below: Decimal | None = None   # exclusive upper bound
    up_to: Decimal | None = None   # inclusive upper bound

    def contains(self, value: Decimal) -> bool:
        if self.below is not None:
            return value < self.below
        if self.up_to is not None:
            return value <= self.up_to
        return True


@dataclass(frozen=True)
class NumericMapping:
    unit: NumericUnit
    bands: tuple[NumericBand, ...]

    def option_for(self, value: Decimal) -> str:
        for band in self.bands:
            if band.contains(value):
                return band.option
        raise AssertionError("the loader guarantees a catch-all band")


@dataclass(frozen=True)
class AgeBand:
    min: int
    max: int
    points: int


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

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class ScoreBand:
    level: RiskLevel
    min: int
    max: int
    meaning: str


@dataclass(frozen=True)
class ConsistencyRule:
    """Spec 2.6: a careful item-11 answer contradicts a bold item-10 or item-13 answer."""

    item: str                                # the item asked again: "loss_tolerance"
    careful_answers: tuple[str, ...]         # its options that contradict a bold answer
    bold_from: tuple[tuple[str, int], ...]   # (item key, points from which it is bold)
    recheck_prompt: str                      # shown before item 11 is asked again


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

    def meaning_of(self, level: RiskLevel) -> str:
        return next(b.meaning for b in self.bands if b.level is level)

    def level_for(self, score: int) -> RiskLevel:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band.level
        raise ValueError(f"score {score} is outside 0-100")
