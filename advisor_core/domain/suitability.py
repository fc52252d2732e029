"""Suitability: the AMAC matching table, the "customer insists" path, assessment validity."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from advisor_core.domain.levels import RiskLevel, RiskRating, highest_rating_for
from advisor_core.domain.products import Product
from advisor_core.domain.scoring import AGE_REVIEW, AGE_SENIOR
from advisor_core.domain.texts import Texts, default_texts
from advisor_core.errors import RetakeLimitError

VALID_FOR_DAYS = 365           # an assessment older than 12 months is no longer valid [BANK]
AGE_THRESHOLDS = (AGE_REVIEW, AGE_SENIOR)
RETAKES_PER_DAY = 1
HUMAN_REVIEW_FROM = RiskRating.R4   # at AGE_REVIEW or over [BANK, spec 2.4]


def may_recommend(level: RiskLevel, rating: RiskRating) -> bool:
    """Cn may be recommended R1..Rn, never above [CSRC 22(3)]."""
    return rating <= highest_rating_for(level)


class RequestOutcome(enum.StrEnum):
    WITHIN_LEVEL = "within_level"          # nothing special: the product fits the level
    NEEDS_CONFIRMATION = "needs_confirmation"  # special risk warning + explicit confirmation
    NEEDS_HUMAN_REVIEW = "needs_human_review"  # 65 or over asking for R4+: an advisor reviews it
    REFUSED = "refused"


@dataclass(frozen=True)
class ProductRequestDecision:
    outcome: RequestOutcome
    product: Product
    level: RiskLevel
    message: str       # in the language of the texts it was decided with


def needs_human_review(age: int | None, rating: RiskRating) -> bool:
    """Spec 2.4 [BANK]: at 65 or over, a product rated R4 or above needs a human review."""
    return age is not None and age >= AGE_REVIEW and rating >= HUMAN_REVIEW_FROM


def decide_product_request(level: RiskLevel, lowest_category: bool, product: Product,
                           age: int | None = None, *, texts: Texts | None = None) -> ProductRequestDecision:
    """A customer asks on their own initiative for a product [CSRC 19].

    ``age``: the customer's age today (the bank's record for a signed-in customer, else the age
    at assessment); None when unknown. ``texts``: the language of the message (English by default).
    """
    texts = texts or default_texts()
    words = dict(name=product.name_in(texts.language), rating=product.risk_rating.name, level=level.name)

    def decision(outcome: RequestOutcome, key: str, **more: object) -> ProductRequestDecision:
        return ProductRequestDecision(outcome, product, level, texts.render(key, **words, **more))

    if may_recommend(level, product.risk_rating) and not needs_human_review(age, product.risk_rating):
        return decision(RequestOutcome.WITHIN_LEVEL, "decision.within_level")
    if lowest_category:
        return decision(RequestOutcome.REFUSED, "decision.lowest_category")
    if product.type.never_sold_above_level:
        return decision(RequestOutcome.REFUSED, "decision.never_above_level")
    if needs_human_review(age, product.risk_rating):
        return decision(RequestOutcome.NEEDS_HUMAN_REVIEW, "decision.human_review",
                        return_range=product.return_range(texts), review_age=AGE_REVIEW,
                        review_rating=HUMAN_REVIEW_FROM.name)
    return decision(RequestOutcome.NEEDS_CONFIRMATION, "decision.needs_confirmation",
                    return_range=product.return_range(texts))


@dataclass(frozen=True)
class Validity:
    valid: bool
    reason: str                              # in English; reason_in() writes it in any language
    code: str = "valid"                      # texts "validity.<code>"
    values: tuple[tuple[str, int], ...] = ()

    def reason_in(self, texts: Texts) -> str:
        return texts.render(f"validity.{self.code}", **dict(self.values))


def _validity(valid: bool, code: str, **values: int) -> Validity:
    return Validity(valid, default_texts().render(f"validity.{code}", **values), code, tuple(values.items()))


def assessment_validity(
    *, assessed_at: dt.datetime, age_at_assessment: int, now: dt.datetime,
    birth_date: dt.date | None = None,
) -> Validity:
    """Valid for 12 months, unless the customer has since crossed an age threshold (65, 70)."""
    if now - assessed_at > dt.timedelta(days=VALID_FOR_DAYS):
        return _validity(False, "too_old")
    if birth_date is not None:
        today = now.date()
        age_now = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    else:
        age_now = age_at_assessment + (now - assessed_at).days // 365
    for threshold in AGE_THRESHOLDS:
        if age_at_assessment < threshold <= age_now:
            return _validity(False, "turned_age", age=threshold)
    return _validity(True, "valid")


def check_retake_allowed(previous_attempts: Sequence[dt.datetime], now: dt.datetime) -> None:
    """At most one retake a day; every attempt is kept [ESMA Q&A 1761].

    The first attempt ever is not a retake; every later one is, and at most one of those may
    fall on any calendar day (UTC).
    """
    if not previous_attempts:
        return
    ordered = sorted(previous_attempts)
    today = now.astimezone(dt.UTC).date()
    retakes_today = sum(1 for t in ordered[1:] if t.astimezone(dt.UTC).date() == today)
    if retakes_today >= RETAKES_PER_DAY:
        raise RetakeLimitError(default_texts().render("kyc.retake_limit"))
