"""In-memory unit of work for fast unit tests of services.

``FakeUnitOfWork`` honours the same contract as ``SqlAlchemyUnitOfWork``:
writes are visible inside the unit of work at once, kept only after
``commit()``, and discarded by ``rollback()`` or by leaving ``with`` without a
commit. Duplicate ids, a recommendation naming an unknown assessment, naive
timestamps and float money raise ``PersistenceError``, and a failed write
makes the next ``commit()`` refuse and roll back. One instance can be
used for many ``with`` blocks; committed data stays in the instance.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Self

from advisor_core.domain.records import (
    AssessmentRecord,
    CapRecord,
    Customer,
    HandoffTicket,
    Holding,
    OfferEvent,
    RecommendationRecord,
    RecommendedItem,
    SuitabilityEvent,
)
from advisor_core.errors import PersistenceError
from advisor_core.services.unit_of_work import (
    AbstractAssessmentRepository,
    AbstractCustomerLanguageRepository,
    AbstractCustomerRepository,
    AbstractHandoffRepository,
    AbstractOfferEventRepository,
    AbstractRecommendationRepository,
    AbstractSuitabilityEventRepository,
    AbstractUnitOfWork,
)


@dataclass
class _Store:
    """Everything the fake database holds. Records are immutable, so a shallow copy suffices."""

    customers: dict[str, Customer] = field(default_factory=dict)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    recommendations: list[RecommendationRecord] = field(default_factory=list)
    suitability_events: list[SuitabilityEvent] = field(default_factory=list)
    handoffs: list[HandoffTicket] = field(default_factory=list)
    offer_events: list[OfferEvent] = field(default_factory=list)
    customer_languages: dict[str, str] = field(default_factory=dict)

    def copy(self) -> _Store:
        return _Store(**{name: copy.copy(value) for name, value in vars(self).items()})


def _check_time(value: Any, what: str) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise PersistenceError(f"{what}: created_at must be a timezone-aware datetime, got {value!r}")


def _check_money(value: Any, what: str) -> None:
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
        raise PersistenceError(f"{what}: money must be a Decimal, got {value!r}")
    amount = Decimal(value)
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) >= 10**13:
        raise PersistenceError(f"{what}: money {value!r} is not storable as NUMERIC(15, 2)")


def _oldest_first(records: Iterable[Any]) -> list[Any]:
    # sorted() is stable: equal timestamps keep insertion order, as the SQL ``ORDER BY created_at, id``.
    return sorted(records, key=lambda r: r.created_at)


def _write(fn: Any) -> Any:
    """A writing method: a failure spoils the unit of work (its commit then refuses)."""

    @functools.wraps(fn)
    def wrapper(self: _FakeRepository, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except BaseException as exc:
            self._uow._failed_write = f"{fn.__qualname__}: {exc}"
            raise

    return wrapper


class _FakeRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _store(self) -> _Store:
        return self._uow._working


class FakeCustomerRepository(_FakeRepository, AbstractCustomerRepository):
    @_write
    def add(self, customer: Customer) -> None:
        if customer.customer_id in self._store.customers:
            raise PersistenceError(f"duplicate customer_id {customer.customer_id!r}")
        for name in ("demand_balance", "investable_assets", "total_assets"):
            _check_money(getattr(customer, name), f"customer {customer.customer_id}.{name}")
        for holding in customer.holdings:
            _check_money(holding.amount, f"customer {customer.customer_id} holding {holding.product_id}")
        self._store.customers[customer.customer_id] = customer

    @_write
    def add_many(self, customers: Iterable[Customer]) -> int:
        added = 0
        for customer in customers:
            self.add(customer)
            added += 1
        return added

    def get(self, customer_id: str) -> Customer | None:
        return self._store.customers.get(customer_id)

    def list_all(self) -> list[Customer]:
        return [self._store.customers[key] for key in sorted(self._store.customers)]

    def count(self) -> int:
        return len(self._store.customers)


class FakeAssessmentRepository(_FakeRepository, AbstractAssessmentRepository):
    @_write
    def add(self, assessment: AssessmentRecord) -> None:
        if any(a.assessment_id == assessment.assessment_id for a in self._store.assessments):
            raise PersistenceError(f"duplicate assessment_id {assessment.assessment_id!r}")
        _check_time(assessment.created_at, f"assessment {assessment.assessment_id}")
        self._store.assessments.append(assessment)

    def list_for_customer(self, customer_id: str) -> list[AssessmentRecord]:
        return _oldest_first(a for a in self._store.assessments if a.customer_id == customer_id)

    def latest_for_customer(self, customer_id: str) -> AssessmentRecord | None:
        found = self.list_for_customer(customer_id)
        return found[-1] if found else None

    def list_for_conversation(self, conversation_id: str) -> list[AssessmentRecord]:
        return _oldest_first(a for a in self._store.assessments if a.conversation_id == conversation_id)

    def latest_for_conversation(self, conversation_id: str) -> AssessmentRecord | None:
        found = self.list_for_conversation(conversation_id)
        return found[-1] if found else None


class FakeRecommendationRepository(_FakeRepository, AbstractRecommendationRepository):
    @_write
    def add(self, recommendation: RecommendationRecord) -> None:
        if any(r.recommendation_id == recommendation.recommendation_id for r in self._store.recommendations):
            raise PersistenceError(f"duplicate recommendation_id {recommendation.recommendation_id!r}")
        if recommendation.assessment_id is not None and not any(
            a.assessment_id == recommendation.assessment_id for a in self._store.assessments
        ):
            raise PersistenceError(f"no assessment {recommendation.assessment_id!r} for the recommendation")
        _check_time(recommendation.created_at, f"recommendation {recommendation.recommendation_id}")
        self._store.recommendations.append(recommendation)

    def list_for_customer(self, customer_id: str) -> list[RecommendationRecord]:
        return _oldest_first(r for r in self._store.recommendations if r.customer_id == customer_id)

    def list_for_conversation(self, conversation_id: str) -> list[RecommendationRecord]:
        return _oldest_first(r for r in self._store.recommendations if r.conversation_id == conversation_id)

    def latest_for_customer(self, customer_id: str) -> RecommendationRecord | None:
        found = self.list_for_customer(customer_id)
        return found[-1] if found else None


class FakeSuitabilityEventRepository(_FakeRepository, AbstractSuitabilityEventRepository):
    @_write
    def add(self, event: SuitabilityEvent) -> None:
        if any(e.event_id == event.event_id for e in self._store.suitability_events):
            raise PersistenceError(f"duplicate event_id {event.event_id!r}")
        _check_time(event.created_at, f"suitability event {event.event_id}")
        self._store.suitability_events.append(event)

    def list_for_customer(self, customer_id: str) -> list[SuitabilityEvent]:
        return _oldest_first(e for e in self._store.suitability_events if e.customer_id == customer_id)

    def list_for_conversation(self, conversation_id: str) -> list[SuitabilityEvent]:
        return _oldest_first(e for e in self._store.suitability_events if e.conversation_id == conversation_id)


class FakeHandoffRepository(_FakeRepository, AbstractHandoffRepository):
    @_write
    def add(self, ticket: HandoffTicket) -> None:
        if any(t.ticket_id == ticket.ticket_id for t in self._store.handoffs):
            raise PersistenceError(f"duplicate ticket_id {ticket.ticket_id!r}")
        if ticket.status not in ("open", "closed"):
            raise PersistenceError(f"handoff status must be 'open' or 'closed', got {ticket.status!r}")
        _check_time(ticket.created_at, f"handoff {ticket.ticket_id}")
        self._store.handoffs.append(ticket)

    def list_open(self) -> list[HandoffTicket]:
        return _oldest_first(t for t in self._store.handoffs if t.status == "open")

    def get(self, ticket_id: str) -> HandoffTicket | None:
        return next((t for t in self._store.handoffs if t.ticket_id == ticket_id), None)

    @_write
    def close(self, ticket_id: str) -> HandoffTicket:
        for index, ticket in enumerate(self._store.handoffs):
            if ticket.ticket_id == ticket_id:
                closed = replace(ticket, status="closed")
                self._store.handoffs[index] = closed
                return closed
        raise PersistenceError(f"no handoff ticket {ticket_id!r}")


class FakeOfferEventRepository(_FakeRepository, AbstractOfferEventRepository):
    @_write
    def add(self, event: OfferEvent) -> None:
        if any(e.event_id == event.event_id for e in self._store.offer_events):
            raise PersistenceError(f"duplicate event_id {event.event_id!r}")
        if event.kind not in ("shown", "clicked", "accepted"):
            raise PersistenceError(f"offer event kind {event.kind!r} is not shown, clicked or accepted")
        _check_time(event.created_at, f"offer event {event.event_id}")
        self._store.offer_events.append(event)

    def list_for_conversation(self, conversation_id: str) -> list[OfferEvent]:
        return _oldest_first(e for e in self._store.offer_events if e.conversation_id == conversation_id)

    def list_since(self, since: dt.datetime | None = None) -> list[OfferEvent]:
        return _oldest_first(e for e in self._store.offer_events if since is None or e.created_at >= since)


class FakeCustomerLanguageRepository(_FakeRepository, AbstractCustomerLanguageRepository):
    def get(self, customer_id: str) -> str | None:
        return self._store.customer_languages.get(customer_id)

    @_write
    def put(self, customer_id: str, language: str, at: dt.datetime) -> None:
        _check_time(at, f"language of {customer_id}")
        self._store.customer_languages[customer_id] = language


class FakeUnitOfWork(AbstractUnitOfWork):
    """In-memory unit of work. ``committed`` becomes True after the first ``commit()``;
    ``commits`` counts them."""

    def __init__(self) -> None:
        self._committed_store = _Store()
        self._working = _Store()
        self._failed_write: str | None = None
        self.committed = False
        self.commits = 0
        self.customers = FakeCustomerRepository(self)
        self.assessments = FakeAssessmentRepository(self)
        self.recommendations = FakeRecommendationRepository(self)
        self.suitability_events = FakeSuitabilityEventRepository(self)
        self.handoffs = FakeHandoffRepository(self)
        self.offer_events = FakeOfferEventRepository(self)
        self.customer_languages = FakeCustomerLanguageRepository(self)

    def __enter__(self) -> Self:
        self.rollback()  # start from the committed state
        return super().__enter__()

    def commit(self) -> None:
        if self._failed_write:
            failed = self._failed_write
            self.rollback()
            raise PersistenceError(f"commit refused after a failed write ({failed}); rolled back")
        self._committed_store = self._working.copy()
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        self._failed_write = None
        self._working = self._committed_store.copy()


# --------------------------------------------------------------------------- sample records
# Small builders for tests; every field can be overridden by keyword.

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def make_customer(customer_id: str = "CUST-0001", **overrides: Any) -> Customer:
    values: dict[str, Any] = dict(
        customer_id=customer_id,
        display_name="Alex Example",
        birth_date=dt.date(1980, 6, 15),
        demand_balance=Decimal("12345.67"),
        investable_assets=Decimal("250000.00"),
        total_assets=Decimal("1250000.10"),
        mortgage_start=dt.date(2015, 1, 1),
        children_ages=(4, 9),
        monthly_transactions=42,
        holdings=(Holding("FUND-BOND-01", Decimal("10000.01")), Holding("DEP-12M", Decimal("0.99"))),
    )
    values.update(overrides)
    return Customer(**values)


def make_assessment(assessment_id: str = "A-1", **overrides: Any) -> AssessmentRecord:
    values: dict[str, Any] = dict(
        assessment_id=assessment_id,
        customer_id="CUST-0001",
        conversation_id="conv-1",
        channel="web",
        questionnaire_version="2024.1",
        answers={"age": 43, "horizon": "h3", "goals": ["retirement", "house"], "loss": "l2"},
        item_points={"age": 3, "horizon": 4, "loss": 2},
        total_score=21,
        capacity_score=11,
        willingness_score=10,
        caps=(CapRecord("short_horizon", "C3", "Your horizon is under three years."),),
        level="C3",
        lowest_category=False,
        age_at_assessment=43,
        created_at=T0,
        answer_log=(("loss", "l1"), ("age", 41), ("horizon", "h3"), ("loss_recheck", "l2"),
                    ("goals", ["retirement", "house"])),
        answered_points={"age": 3, "horizon": 4, "loss": 2, "objective": 7},
        answered_total=24,
        age_source="bank_record",
    )
    values.update(overrides)
    return AssessmentRecord(**values)


def make_recommendation(recommendation_id: str = "R-1", **overrides: Any) -> RecommendationRecord:
    values: dict[str, Any] = dict(
        recommendation_id=recommendation_id,
        customer_id="CUST-0001",
        conversation_id="conv-1",
        assessment_id="A-1",
        level="C3",
        items=(
            RecommendedItem("FUND-BOND-01", "R2", ("matches your level", "low fees")),
            RecommendedItem("FUND-EQ-07", "R3", ("long horizon",)),
        ),
        created_at=T0 + dt.timedelta(minutes=1),
    )
    values.update(overrides)
    return RecommendationRecord(**values)


def make_event(event_id: str = "E-1", **overrides: Any) -> SuitabilityEvent:
    values: dict[str, Any] = dict(
        event_id=event_id,
        customer_id="CUST-0001",
        conversation_id="conv-1",
        kind="warning",
        product_id="FUND-EQ-09",
        product_rating="R5",
        customer_level="C3",
        text="This fund is riskier than your level C3 allows.",
        created_at=T0 + dt.timedelta(minutes=2),
        customer_text="I want FUND-EQ-09 anyway",
    )
    values.update(overrides)
    return SuitabilityEvent(**values)


def make_ticket(ticket_id: str = "H-1", **overrides: Any) -> HandoffTicket:
    values: dict[str, Any] = dict(
        ticket_id=ticket_id,
        customer_id="CUST-0001",
        conversation_id="conv-1",
        summary="Customer asks about a structured product; needs an advisor.",
        status="open",
        created_at=T0 + dt.timedelta(minutes=3),
    )
    values.update(overrides)
    return HandoffTicket(**values)
