"""Ports of the persistence layer: abstract repositories and the unit of work.

Services depend only on these interfaces; ``advisor_core.adapters`` implements
them with SQLAlchemy and ``tests/fakes.py`` in memory.

Contract shared by every implementation:

* Everything written inside ``with uow:`` is stored only if ``uow.commit()`` is
  called; leaving the block without a commit (or with an exception) rolls back.
  A failed write raises :class:`~advisor_core.errors.PersistenceError` and spoils
  the unit of work: a later ``commit()`` raises ``PersistenceError`` and rolls
  everything back, so nothing of the unit of work is ever half-written.
* Assessments, recommendations and suitability events are APPEND-ONLY: there is
  no way to update or delete them. ``handoffs.close`` is the only update.
* Lists are returned oldest first (``created_at``, then insertion order); the
  ``latest_*`` methods return the last element of that order, or ``None``.
* Adding a record whose id already exists raises ``PersistenceError``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from advisor_core.domain.records import (
    AssessmentRecord,
    Customer,
    HandoffTicket,
    OfferEvent,
    RecommendationRecord,
    SuitabilityEvent,
)

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "AbstractCustomerRepository",
    "AbstractAssessmentRepository",
    "AbstractRecommendationRepository",
    "AbstractSuitabilityEventRepository",
    "AbstractHandoffRepository",
    "AbstractOfferEventRepository",
    "AbstractCustomerLanguageRepository",
    "AbstractUnitOfWork",
]


class AbstractCustomerRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, customer: Customer) -> None:
        """Store one customer (with holdings)."""

    @abc.abstractmethod
    def add_many(self, customers: Iterable[Customer]) -> int:
        """Store many customers in bulk; returns how many were added."""

    @abc.abstractmethod
    def get(self, customer_id: str) -> Customer | None:
        """The customer, or ``None`` when there is none with that id."""

    @abc.abstractmethod
    def list_all(self) -> list[Customer]:
        """Every customer, ordered by ``customer_id``."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many customers are stored."""


class AbstractAssessmentRepository(abc.ABC):
    """Append-only: assessments are never updated or deleted."""

    @abc.abstractmethod
    def add(self, assessment: AssessmentRecord) -> None: ...

    @abc.abstractmethod
    def latest_for_customer(self, customer_id: str) -> AssessmentRecord | None: ...

    @abc.abstractmethod
    def list_for_customer(self, customer_id: str) -> list[AssessmentRecord]:
        """Oldest first."""

    @abc.abstractmethod
    def latest_for_conversation(self, conversation_id: str) -> AssessmentRecord | None: ...

    @abc.abstractmethod
    def list_for_conversation(self, conversation_id: str) -> list[AssessmentRecord]:
        """Oldest first."""


class AbstractRecommendationRepository(abc.ABC):
    """Append-only: recommendations are never updated or deleted."""

    @abc.abstractmethod
    def add(self, recommendation: RecommendationRecord) -> None:
        """Store a recommendation; its ``assessment_id`` (if any) must already be stored."""

    @abc.abstractmethod
    def list_for_customer(self, customer_id: str) -> list[RecommendationRecord]:
        """Oldest first."""

    @abc.abstractmethod
    def list_for_conversation(self, conversation_id: str) -> list[RecommendationRecord]:
        """Oldest first."""

    @abc.abstractmethod
    def latest_for_customer(self, customer_id: str) -> RecommendationRecord | None: ...


class AbstractSuitabilityEventRepository(abc.ABC):
    """Append-only: suitability events are never updated or deleted."""

    @abc.abstractmethod
    def add(self, event: SuitabilityEvent) -> None: ...

    @abc.abstractmethod
    def list_for_customer(self, customer_id: str) -> list[SuitabilityEvent]:
        """Oldest first."""

    @abc.abstractmethod
    def list_for_conversation(self, conversation_id: str) -> list[SuitabilityEvent]:
        """Oldest first."""


class AbstractHandoffRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, ticket: HandoffTicket) -> None: ...

    @abc.abstractmethod
    def list_open(self) -> list[HandoffTicket]:
        """Tickets with status ``"open"``, oldest first."""

    @abc.abstractmethod
    def get(self, ticket_id: str) -> HandoffTicket | None: ...

    @abc.abstractmethod
    def close(self, ticket_id: str) -> HandoffTicket:
        """Mark the ticket closed (idempotent) and return it.

        Raises ``PersistenceError`` when there is no such ticket.
        """


class AbstractOfferEventRepository(abc.ABC):
    """Append-only: what the assistant showed, and what was clicked and accepted."""

    @abc.abstractmethod
    def add(self, event: OfferEvent) -> None: ...

    @abc.abstractmethod
    def list_for_conversation(self, conversation_id: str) -> list[OfferEvent]:
        """Oldest first."""

    @abc.abstractmethod
    def list_since(self, since: dt.datetime | None = None) -> list[OfferEvent]:
        """Every event at or after ``since`` (all when None), oldest first."""


class AbstractCustomerLanguageRepository(abc.ABC):
    """The language each signed-in customer last talked in (replaced, not appended)."""

    @abc.abstractmethod
    def get(self, customer_id: str) -> str | None:
        """The customer's language (``en``, ``zh-CN``), or ``None`` when none was stored."""

    @abc.abstractmethod
    def put(self, customer_id: str, language: str, at: dt.datetime) -> None:
        """Store (or replace) the customer's language; ``at`` is timezone-aware."""


class AbstractUnitOfWork(abc.ABC):
    """One atomic piece of work. Use as ``with uow: ...; uow.commit()``."""

    customers: AbstractCustomerRepository
    assessments: AbstractAssessmentRepository
    recommendations: AbstractRecommendationRepository
    suitability_events: AbstractSuitabilityEventRepository
    handoffs: AbstractHandoffRepository
    offer_events: AbstractOfferEventRepository
    customer_languages: AbstractCustomerLanguageRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Rolling back after a commit is a no-op; without one it discards everything.
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything written in this unit of work permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything written since the last commit."""
