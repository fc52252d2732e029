"""The education-fund plan's answers: what a child's age, a monthly amount and a target may be.

The dialogue (``actions/plans.py``) only translates replies with these readers; the limits and
the calculators (``calculators.py``) are the rules. See docs/suitability-rules.md ("Plans").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from advisor_core.domain.answer_parsing import amount_in, is_question, years_in
from advisor_core.domain.calculators import EDUCATION_TARGET_AGE

PLAN_SLOTS = ("child_age", "monthly_contribution", "target_amount")  # the education plan form's slots
MAX_MONTHLY = Decimal(1_000_000)     # a monthly amount above this is a typing mistake, not a plan
MAX_TARGET = Decimal(100_000_000)
# Words that turn an amount given for the monthly question into a target to reach (Chinese has
# no word edges: "目标是三十万", "存够二十万").
TARGET_WORDS = re.compile(r"\b(target|goal|reach|need|want to have|total|by the time|aim|saved|in the end|end up"
                          r"|altogether|in total|all together)\b"
                          r"|目标|总共|一共|存够|攒够|凑够|达到|总额|总金额", re.I)


class AmountKind(enum.StrEnum):
    MONTHLY = "monthly"    # a monthly contribution: show the projection
    TARGET = "target"      # a target to reach: show the monthly amount it needs
    REJECTED = "rejected"  # not one usable amount


@dataclass(frozen=True)
class AmountReading:
    kind: AmountKind
    amount: Decimal | None = None


def _single_amount(text: str) -> Decimal | None:
    """The one amount of money ("600 a month until she's 18" -> 600); a number of years, a
    percentage, a count or a question ("is 500 a month enough?") is not one."""
    return None if is_question(text) else amount_in(text)


def read_child_age(text: str) -> int | None:
    """The child's completed years from 0 to 17 (the plan saves until 18), else None.

    "6 months old" -> 0, "a year and a half" -> 1, "7" -> 7.
    """
    years = years_in(text)
    if years is None or not 0 <= years < EDUCATION_TARGET_AGE:
        return None
    return int(years)


def read_monthly_or_target(text: str) -> AmountReading:
    """The answer to "how much a month?": a monthly amount, or a target ("target 200,000")."""
    amount = _single_amount(text)
    if amount is not None and TARGET_WORDS.search(text) and 0 < amount <= MAX_TARGET:
        return AmountReading(AmountKind.TARGET, amount)
    if amount is None or not 0 < amount <= MAX_MONTHLY:
        return AmountReading(AmountKind.REJECTED)
    return AmountReading(AmountKind.MONTHLY, amount)


def read_target(text: str) -> Decimal | None:
    """A target amount above zero and at most MAX_TARGET, else None."""
    amount = _single_amount(text)
    if amount is None or not 0 < amount <= MAX_TARGET:
        return None
    return amount
