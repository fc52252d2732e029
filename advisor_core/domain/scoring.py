"""Scoring a completed questionnaire into a risk level, with every cap of spec section 2."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.questionnaire import Item, ItemGroup, Questionnaire
from advisor_core.domain.texts import Texts, default_texts
from advisor_core.errors import (
    AgeOutOfRangeError,
    MissingAnswerError,
    UnderageError,
    UnknownOptionError,
)

ADULT_AGE = 18
MAX_AGE = 120
AGE_REVIEW = 65   # cap C3, and R4+ needs human review
AGE_SENIOR = 70   # cap C2

# Answers the caps look at (option ids of the v1 questionnaire).
NO_INCOME = ("income_source", "none")
NO_LOSS = ("loss_tolerance", "none")
SHORT_HORIZON = ("horizon", "lt_1y")
DEPOSITS_ONLY = ("experience", "deposits_only")


class AgeSource(enum.StrEnum):
    TYPED = "typed"                # the age the customer gave in the questionnaire
    BANK_RECORD = "bank_record"    # the date of birth on the signed-in customer's record


@dataclass(frozen=True)
class Cap:
    code: str
    level: RiskLevel
    explanation: str    # in the language the assessment was made in
    #: what the explanation's template needs besides the level, language-neutral (numbers, level
    #: names, "item:option" ids), so it can be written again in another language (cap_explanation)
    values: dict[str, str | int] = field(default_factory=dict)


def cap_explanation(q: Questionnaire, texts: Texts, code: str, level: str,
                    values: Mapping[str, object]) -> str:
    """A cap in words in ``texts``' language (texts ``cap.<code>``), from its code, level and values."""
    if code == "inconsistent_answers":
        counted = []
        for pair in str(values["counted"]).split(","):
            key, option = pair.split(":", 1)
            label = q.item(key).option(option).label_in(texts.language)
            counted.append(texts.render("cap.counted_option", label=label))
        return texts.render("cap.inconsistent_answers", counted=texts.render("cap.and").join(counted),
                            total=values["total"], level=level)
    if code == "capacity_willingness_gap":
        return texts.render("cap.capacity_willingness_gap", capacity_level=values["capacity_level"],
                            willingness_level=values["willingness_level"], level=level)
    return texts.render(f"cap.{code}")


@dataclass(frozen=True)
class ScoreResult:
    questionnaire_version: str
    answers: dict[str, object]       # normalised answers that count, slot -> value
    item_points: dict[str, int]      # item key -> points that count ("knowledge" for 8a+8b)
    total: int                       # the total that counts (the careful reading, if any)
    capacity: int                    # 0-100
    willingness: int                 # 0-100
    band_level: RiskLevel            # the level of the answers as given, before any cap
    caps: tuple[Cap, ...]            # every cap that fired
    level: RiskLevel
    lowest_category: bool
    age: int                         # the age that counts
    answered_points: dict[str, int] = field(default_factory=dict)  # the first reading: points as given
    answered_total: int = 0
    age_source: AgeSource = AgeSource.TYPED
    typed_age: int | None = None     # the age typed, kept when the bank record decided

    @property
    def inconsistent(self) -> bool:
        """The contradiction persisted: the careful reading differs from the answers as given."""
        return self.answered_points != self.item_points

    @property
    def age_disagrees(self) -> bool:
        return self.age_source is AgeSource.BANK_RECORD and self.typed_age != self.age

    language: str = "en"             # the language the explanations are written in

    @property
    def explanation(self) -> list[str]:
        """The result in words, in the assessment's language."""
        texts = default_texts(self.language)
        lines = []
        if self.age_disagrees:
            lines.append(texts.render("score.age_disagrees", typed_age=self.typed_age, age=self.age))
        lines.append(texts.render("score.answers_scored", total=self.answered_total, level=self.band_level.name))
        lines += [cap.explanation for cap in self.caps]
        lines.append(texts.render("score.final_level", level=self.level.name))
        return lines

    @property
    def needs_human_review_from(self) -> int | None:
        """R4+ products need a human review for customers aged 65 and over."""
        return 4 if self.age >= AGE_REVIEW else None


def normalise_answers(q: Questionnaire, answers: Mapping[str, object]) -> dict[str, object]:
    """Check every answer against the questionnaire; return slot -> clean value.

    Raises MissingAnswerError, UnknownOptionError, AgeOutOfRangeError, UnderageError.
    """
    clean: dict[str, object] = {}
    for item in q.items:
        value = answers.get(item.slot)
        if value is None or value == "":
            raise MissingAnswerError(item.slot)
        if item.is_age:
            age = _age(item, value)
            if age < ADULT_AGE:
                raise UnderageError(age)
            clean[item.slot] = age
        else:
            if not isinstance(value, str) or value not in item.option_ids:
                raise UnknownOptionError(item.slot, value, item.option_ids)
            clean[item.slot] = value
    clean[q.goals.slot] = _goals(q, answers.get(q.goals.slot))
    return clean


def _age(item: Item, value: object) -> int:
    if isinstance(value, bool):
        raise AgeOutOfRangeError(item.slot, value)
    try:
        number = Decimal(str(value).strip())
    except Exception:
        raise AgeOutOfRangeError(item.slot, value) from None
    if number != number.to_integral_value() or not 0 <= number <= MAX_AGE:
        raise AgeOutOfRangeError(item.slot, value)
    return int(number)


def _goals(q: Questionnaire, value: object) -> list[str]:
    if value is None or value == "" or value == []:
        raise MissingAnswerError(q.goals.slot)
    goals = [value] if isinstance(value, str) else value
    if not isinstance(goals, (list, tuple)):
        raise UnknownOptionError(q.goals.slot, value, q.goals.option_ids)
    for goal in goals:
        if goal not in q.goals.option_ids:
            raise UnknownOptionError(q.goals.slot, goal, q.goals.option_ids)
    ordered = [g for g in q.goals.option_ids if g in goals]
    if "none" in ordered and len(ordered) > 1:
        ordered.remove("none")
    return ordered


def _bold_items(q: Questionnaire, answers: Mapping[str, object]) -> list[str]:
    """The items (10, 13) whose answer is bold enough to contradict a careful item 11."""
    return [key for key, bold_from in q.consistency.bold_from if _points_of(q, key, answers) >= bold_from]


def has_contradiction(q: Questionnaire, answers: Mapping[str, object]) -> bool:
    """Spec 2.6: item 11 <= 5% while item 10 >= 7 points or item 13 >= 8 points."""
    careful = answers.get(q.item(q.consistency.item).slot) in q.consistency.careful_answers
    return careful and bool(_bold_items(q, answers))


def careful_points(q: Questionnaire, key: str) -> int:
    """What a contradicting answer counts as: the highest option of its item that is not bold."""
    bold_from = dict(q.consistency.bold_from)[key]
    return max(o.points for o in q.item(key).options if o.points < bold_from)


def _points_of(q: Questionnaire, key: str, answers: Mapping[str, object]) -> int:
    item = q.item(key)
    value = answers.get(item.slot)
    if isinstance(value, str) and value in item.option_ids:
        return item.option(value).points
    return 0


def _scaled(points: int, maximum: int) -> int:
    return int((Decimal(points) * 100 / Decimal(maximum)).quantize(Decimal(1), ROUND_HALF_UP))


def _option_id(q: Questionnaire, key: str, points: int) -> str:
    return next(o.id for o in q.item(key).options if o.points == points)


def score(q: Questionnaire, answers: Mapping[str, object], *, age_on_record: int | None = None,
          texts: Texts | None = None) -> ScoreResult:
    """Score a full set of answers. The dialogue re-asks item 11 once on a contradiction
    before calling this; a contradiction still present here is resolved by the careful reading.

    ``age_on_record``: for a signed-in customer, the age by the bank's date of birth; it decides
    the age points and caps instead of the typed age, which is kept in ``typed_age``.
    ``texts``: the language the caps are explained in (English by default).
    """
    texts = texts or default_texts()

    def cap(code: str, level: RiskLevel, **values: str | int) -> Cap:
        return Cap(code, level, cap_explanation(q, texts, code, level.name, values), values)

    clean = normalise_answers(q, answers)
    age_item = q.item("age")
    typed_age = _age(age_item, clean[age_item.slot])  # normalised already: the int itself
    age, source = typed_age, AgeSource.TYPED
    if age_on_record is not None:
        if age_on_record < ADULT_AGE:
            raise UnderageError(age_on_record)
        age, source = age_on_record, AgeSource.BANK_RECORD
        clean[q.item("age").slot] = age
    answered: dict[str, int] = {}
    for item in q.items:
        if item.group is ItemGroup.KNOWLEDGE:
            continue
        value = clean[item.slot]
        if item.is_age:
            years = _age(item, value)
            answered[item.key] = next(b.points for b in item.age_bands if b.min <= years <= b.max)
        else:
            answered[item.key] = item.option(str(value)).points
    correct = sum(1 for i in q.items if i.group is ItemGroup.KNOWLEDGE
                  and i.option(str(clean[i.slot])).correct)
    answered["knowledge"] = q.knowledge_points[correct]

    # The careful reading (spec 2.6, v1.1): only the answers that contradict count lower, each as
    # the highest option of its own item that does not contradict; the others keep their points.
    points = dict(answered)
    contradicting = _bold_items(q, clean) if has_contradiction(q, clean) else []
    for key in contradicting:
        points[key] = careful_points(q, key)

    answered_total = sum(answered.values())
    total = sum(points.values())
    capacity_items = [i for i in q.items if i.group is ItemGroup.CAPACITY]
    willingness_items = [i for i in q.items if i.group is ItemGroup.WILLINGNESS]
    capacity = _scaled(sum(points[i.key] for i in capacity_items), sum(i.max_points for i in capacity_items))
    willingness = _scaled(sum(points[i.key] for i in willingness_items),
                          sum(i.max_points for i in willingness_items))
    band_level = q.level_for(answered_total)

    caps: list[Cap] = []
    lowest = clean[q.item(NO_LOSS[0]).slot] == NO_LOSS[1]
    if lowest:
        caps.append(cap("lowest_category", RiskLevel.C1))
    if clean[q.item(NO_INCOME[0]).slot] == NO_INCOME[1]:
        caps.append(cap("no_income", RiskLevel.C1))
    if clean[q.item(SHORT_HORIZON[0]).slot] == SHORT_HORIZON[1]:
        caps.append(cap("short_horizon", RiskLevel.C2))
    if age >= AGE_SENIOR:
        caps.append(cap("age_70", RiskLevel.C2))
    elif age >= AGE_REVIEW:
        caps.append(cap("age_65", RiskLevel.C3))
    if clean[q.item(DEPOSITS_ONLY[0]).slot] == DEPOSITS_ONLY[1] and correct == 0:
        caps.append(cap("no_experience", RiskLevel.C2))
    if contradicting:
        counted = ",".join(f"{key}:{_option_id(q, key, points[key])}" for key in contradicting)
        caps.append(cap("inconsistent_answers", q.level_for(total), counted=counted, total=total))
    lower_part = min(q.level_for(capacity), q.level_for(willingness))
    gap_cap = RiskLevel(min(int(lower_part) + 1, int(RiskLevel.C5)))
    if gap_cap < band_level:
        caps.append(cap("capacity_willingness_gap", gap_cap, capacity_level=q.level_for(capacity).name,
                        willingness_level=q.level_for(willingness).name))

    level = min([band_level] + [c.level for c in caps])
    return ScoreResult(q.version, clean, points, total, capacity, willingness, band_level,
                       tuple(caps), level, lowest, age, answered, answered_total, source,
                       typed_age if source is AgeSource.BANK_RECORD else None, texts.language)
