"""One questionnaire answer at a time: whether it may be stored, and the answers as given.

The dialogue (``actions/kyc.py``) only translates: it hands the customer's reply for one slot
to :func:`read_answer` and turns the :class:`AnswerReading` into a reply. Every rule about what
an answer may be (an option of the item, a whole age from 18 to 120, goal ids) lives here and
in the questionnaire data file; see docs/suitability-rules.md ("Answers").
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from advisor_core.domain.answer_parsing import is_question, parse_answer, parse_goals
from advisor_core.domain.questionnaire import Item, Questionnaire
from advisor_core.domain.scoring import ADULT_AGE, MAX_AGE, has_contradiction
from advisor_core.errors import AnswerError

# Item 11 asked once more after a contradiction (spec 2.6); the conversation contract's slot.
RECHECK_SLOT = "kyc_loss_tolerance_recheck"


class ReadingKind(enum.StrEnum):
    ACCEPTED = "accepted"   # store ``value`` in the slot
    UNDERAGE = "underage"   # an age under 18: no assessment is made, nothing is stored
    REJECTED = "rejected"   # not an answer to this question: re-prompt, store nothing
    AMBIGUOUS = "ambiguous"  # fits more than one option: ask which (``candidates``), store nothing


@dataclass(frozen=True)
class AnswerReading:
    kind: ReadingKind
    value: object = None         # the clean value when accepted (option id, age, goal ids)
    reason: str = ""             # why it was rejected, for the re-prompt's hint
    expects_number: bool = False  # the question wants a number (the age), not a button
    candidates: tuple[str, ...] = ()  # the option ids an ambiguous answer fits

    @property
    def accepted(self) -> bool:
        return self.kind is ReadingKind.ACCEPTED


def item_for(q: Questionnaire, slot: str) -> Item:
    """The item a slot asks; the recheck slot asks the consistency rule's item again."""
    if slot == RECHECK_SLOT:
        return q.item(q.consistency.item)
    return q.item_for_slot(slot)


def answer_slots(q: Questionnaire) -> tuple[str, ...]:
    """Every slot an answer may go to, in the order they are asked (the recheck after item 13)."""
    slots: list[str] = []
    last_bold = q.item(q.consistency.bold_from[-1][0]).slot
    for slot in q.slots:
        slots.append(slot)
        if slot == last_bold:
            slots.append(RECHECK_SLOT)
    return tuple(slots)


def is_valid_answer(q: Questionnaire, slot: str, value: object) -> bool:
    """Whether ``value`` is already a clean answer for ``slot`` (an option id, an adult's whole
    age, a list of goal ids)."""
    if slot == q.goals.slot:
        return isinstance(value, list) and all(v in q.goals.option_ids for v in value)
    item = item_for(q, slot)
    if item.is_age:
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
                and ADULT_AGE <= value <= MAX_AGE)
    return value in item.option_ids


def read_answer(q: Questionnaire, slot: str, value: object) -> AnswerReading:
    """Read one reply (a button's option id, free text, or goal ids) for ``slot``."""
    is_age = slot != q.goals.slot and item_for(q, slot).is_age
    if is_valid_answer(q, slot, value):
        return AnswerReading(ReadingKind.ACCEPTED, value, expects_number=is_age)
    if slot == q.goals.slot and isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = " ".join(value)
    elif isinstance(value, str):
        text = value
    else:  # a forged payload such as {"option": {"$ne": null}} is never read as text
        return AnswerReading(ReadingKind.REJECTED, reason="not text", expects_number=is_age)
    if is_question(text):
        # "what counts as a complex product?" names an option but asks a question: not an answer
        return AnswerReading(ReadingKind.REJECTED, reason="a question, not an answer", expects_number=is_age)
    try:
        clean = parse_goals(q.goals, text) if slot == q.goals.slot else parse_answer(item_for(q, slot), text)
    except AnswerError as exc:
        candidates = tuple(getattr(exc, "candidates", None) or ())
        if candidates:
            return AnswerReading(ReadingKind.AMBIGUOUS, reason=str(exc), expects_number=is_age,
                                 candidates=candidates)
        return AnswerReading(ReadingKind.REJECTED, reason=str(exc), expects_number=is_age)
    if is_age and int(clean) < ADULT_AGE:  # type: ignore[call-overload]
        return AnswerReading(ReadingKind.UNDERAGE, int(clean), expects_number=True)  # type: ignore[call-overload]
    return AnswerReading(ReadingKind.ACCEPTED, clean, expects_number=is_age)


def needs_recheck(q: Questionnaire, slot_values: Mapping[str, object]) -> bool:
    """Whether the form must ask item 11 again: once item 13 is answered and the answers
    contradict, or once the recheck has been answered."""
    if slot_values.get(RECHECK_SLOT) is not None:
        return True
    last_bold = q.item(q.consistency.bold_from[-1][0]).slot
    return slot_values.get(last_bold) is not None and has_contradiction(q, slot_values)


@dataclass(frozen=True)
class GivenAnswer:
    slot: str
    value: object


def answers_given(q: Questionnaire, slot_values: Mapping[str, object]) -> tuple[GivenAnswer, ...]:
    """Every answer given, in the order asked, the first reading of item 11 and its re-ask both."""
    return tuple(GivenAnswer(slot, slot_values[slot]) for slot in answer_slots(q)
                 if slot_values.get(slot) is not None)


def answers_that_count(q: Questionnaire, slot_values: Mapping[str, object]) -> dict[str, object]:
    """The questionnaire's answers for scoring: the re-asked item 11 replaces its first reading."""
    counted = {slot: slot_values.get(slot) for slot in q.slots}
    recheck = slot_values.get(RECHECK_SLOT)
    if recheck is not None:
        counted[q.item(q.consistency.item).slot] = recheck
    return counted
