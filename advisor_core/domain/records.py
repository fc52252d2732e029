"""Plain records that cross the boundary between the domain and persistence.

Frozen dataclasses only; the SQLAlchemy mapping lives in ``advisor_core.adapters``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Holding:
    product_id: str
    amount: Decimal


@dataclass(frozen=True)
class Customer:
    """A bank customer as the advisor sees them (synthetic in the demo book)."""

    customer_id: str
    display_name: str
    birth_date: dt.date
    demand_balance: Decimal
    investable_assets: Decimal
    total_assets: Decimal
    mortgage_start: dt.date | None = None
    children_ages: tuple[int, ...] = ()
    monthly_transactions: int = 0
    holdings: tuple[Holding, ...] = ()

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


@dataclass(frozen=True)
class CapRecord:
    code: str          # e.g. "lowest_category", "short_horizon"
    level: str         # the level the cap allows at most, "C1".."C5"
    explanation: str   # plain words, as shown to the customer (in the assessment's language)
    #: what the explanation needs besides the level, language-neutral, so it can be written again
    #: in another language (scoring.cap_explanation); empty for caps that need nothing or old rows
    values: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentRecord:
    """One completed questionnaire attempt. Append-only: never updated or deleted."""

    assessment_id: str
    customer_id: str | None          # None for an anonymous customer
    conversation_id: str
    channel: str
    questionnaire_version: str
    answers: dict[str, object]       # slot name -> option id (or age as int, goals as list)
    item_points: dict[str, int]      # item key -> points
    total_score: int
    capacity_score: int
    willingness_score: int
    caps: tuple[CapRecord, ...]
    level: str
    lowest_category: bool
    age_at_assessment: int
    created_at: dt.datetime
    # Every answer given, in the order asked, as (slot, value): item 11's first reading and its
    # re-ask both, and the typed age even when the bank's record decided.
    answer_log: tuple[tuple[str, object], ...] = ()
    # The first reading (points as given) next to ``item_points``, the careful reading that
    # counts; the two differ only when the consistency rule lowered a contradicting answer.
    answered_points: dict[str, int] = field(default_factory=dict)
    answered_total: int | None = None
    age_source: str = "typed"        # "typed" | "bank_record" (the date of birth on file)
    language: str = "en"             # the conversation's language: the caps were explained in it


@dataclass(frozen=True)
class RecommendedItem:
    product_id: str
    risk_rating: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RecommendationRecord:
    recommendation_id: str
    customer_id: str | None
    conversation_id: str
    assessment_id: str | None
    level: str
    items: tuple[RecommendedItem, ...]
    created_at: dt.datetime
    language: str = "en"               # the language the reasons were written and shown in
    shown_text: str | None = None      # the whole message as the customer saw it


@dataclass(frozen=True)
class SuitabilityEvent:
    """A warning shown, a confirmation given, or a refusal - the whole exchange is kept."""

    event_id: str
    customer_id: str | None
    conversation_id: str
    kind: str                # "warning" | "confirmation" | "refusal"
    product_id: str
    product_rating: str
    customer_level: str
    text: str                # exactly as shown: the warning (with its question), the refusal, or
                             # for a confirmation the warning the customer confirmed
    created_at: dt.datetime
    customer_text: str | None = None   # the customer's own words: the request, or the confirmation
    language: str = "en"     # the language ``text`` was shown in


@dataclass(frozen=True)
class HandoffTicket:
    ticket_id: str
    customer_id: str | None
    conversation_id: str
    summary: str
    status: str              # "open" | "closed"
    created_at: dt.datetime


@dataclass(frozen=True)
class OfferEvent:
    """One offer event. Append-only; ``persona`` and ``arm`` are "" / "none" outside a label check."""

    event_id: str
    customer_id: str | None     # the bank's pseudonymous id; None for a guest
    conversation_id: str
    kind: str                   # "shown" | "clicked" | "accepted"
    product_id: str
    customer_level: str         # "C1".."C5", or "" without a valid assessment
    persona: str
    arm: str                    # "expected" | "alternative" | "none"
    channel: str
    created_at: dt.datetime
