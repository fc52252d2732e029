"""SQLAlchemy implementations of the repositories in ``advisor_core.services.unit_of_work``.

Each repository works inside the session of its unit of work and maps rows to
and from the frozen records. Single ``add`` calls flush at once, so a bad write
(duplicate id, missing assessment, naive timestamp, ...) raises
``PersistenceError`` where it happens; the unit of work then rolls back as a whole.
Every ``SQLAlchemyError`` is re-raised as ``PersistenceError``.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from advisor_core.adapters.orm import (
    AssessmentRow,
    CustomerLanguageRow,
    CustomerRow,
    HandoffTicketRow,
    HoldingRow,
    OfferEventRow,
    RecommendationItemRow,
    RecommendationRow,
    SuitabilityEventRow,
    to_money,
    to_utc,
)
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
)

__all__ = [
    "SqlAlchemyCustomerRepository",
    "SqlAlchemyAssessmentRepository",
    "SqlAlchemyRecommendationRepository",
    "SqlAlchemySuitabilityEventRepository",
    "SqlAlchemyHandoffRepository",
    "SqlAlchemyOfferEventRepository",
    "SqlAlchemyCustomerLanguageRepository",
]

F = TypeVar("F", bound=Callable[..., Any])

BULK_CHUNK = 1000


FAILED_WRITE = "advisor_failed_write"  # key in Session.info, read by SqlAlchemyUnitOfWork.commit


def translate_errors(fn: F) -> F:
    """Re-raise database (and value) errors of a repository method as ``PersistenceError``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PersistenceError:
            raise
        except SQLAlchemyError as exc:
            raise PersistenceError(f"{fn.__qualname__}: {_describe(exc)}") from exc
        except (ValueError, TypeError) as exc:
            raise PersistenceError(f"{fn.__qualname__}: {exc}") from exc

    return wrapper  # type: ignore[return-value]


def write(fn: F) -> F:
    """A writing repository method: errors as ``translate_errors``, and a failure
    spoils the unit of work so that its ``commit()`` refuses (nothing half-written)."""
    translated = translate_errors(fn)

    @functools.wraps(fn)
    def wrapper(self: _SqlAlchemyRepository, *args: Any, **kwargs: Any) -> Any:
        try:
            return translated(self, *args, **kwargs)
        except BaseException as exc:
            self.session.info[FAILED_WRITE] = f"{fn.__qualname__}: {exc}"
            raise

    return wrapper  # type: ignore[return-value]


def _describe(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else exc!r}"


class _SqlAlchemyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _scalars(self, stmt: Any) -> list[Any]:
        return list(self.session.execute(stmt).scalars())

    def _add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()


# --------------------------------------------------------------------------- customers


def _customer_values(customer: Customer) -> dict[str, Any]:
    return {
        "customer_id": customer.customer_id,
        "display_name": customer.display_name,
        "birth_date": customer.birth_date,
        "demand_balance": to_money(customer.demand_balance),
        "investable_assets": to_money(customer.investable_assets),
        "total_assets": to_money(customer.total_assets),
        "mortgage_start": customer.mortgage_start,
        "children_ages": [int(age) for age in customer.children_ages],
        "monthly_transactions": int(customer.monthly_transactions),
    }


def _holding_values(customer: Customer) -> Iterator[dict[str, Any]]:
    for position, holding in enumerate(customer.holdings):
        yield {
            "customer_id": customer.customer_id,
            "position": position,
            "product_id": holding.product_id,
            "amount": to_money(holding.amount),
        }


def _customer_record(row: CustomerRow) -> Customer:
    return Customer(
        customer_id=row.customer_id,
        display_name=row.display_name,
        birth_date=row.birth_date,
        demand_balance=row.demand_balance,
        investable_assets=row.investable_assets,
        total_assets=row.total_assets,
        mortgage_start=row.mortgage_start,
        children_ages=tuple(int(age) for age in row.children_ages or ()),
        monthly_transactions=row.monthly_transactions,
        holdings=tuple(Holding(product_id=h.product_id, amount=h.amount) for h in row.holdings),
    )


class SqlAlchemyCustomerRepository(_SqlAlchemyRepository, AbstractCustomerRepository):
    @write
    def add(self, customer: Customer) -> None:
        row = CustomerRow(**_customer_values(customer))
        row.holdings = [HoldingRow(**values) for values in _holding_values(customer)]
        self._add_row(row)

    @write
    def add_many(self, customers: Iterable[Customer]) -> int:
        """Bulk insert with executemany (Core ``insert``), in chunks of 1,000."""
        self.session.flush()  # anything pending goes first, in order
        added = 0
        iterator = iter(customers)
        while chunk := list(itertools.islice(iterator, BULK_CHUNK)):
            customer_rows = [_customer_values(c) for c in chunk]
            holding_rows = [h for c in chunk for h in _holding_values(c)]
            self.session.execute(insert(CustomerRow.__table__), customer_rows)
            if holding_rows:
                self.session.execute(insert(HoldingRow.__table__), holding_rows)
            added += len(chunk)
        return added

    @translate_errors
    def get(self, customer_id: str) -> Customer | None:
        row = self.session.get(CustomerRow, customer_id)
        return None if row is None else _customer_record(row)

    @translate_errors
    def list_all(self) -> list[Customer]:
        rows = self._scalars(select(CustomerRow).order_by(CustomerRow.customer_id))
        return [_customer_record(row) for row in rows]

    @translate_errors
    def count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(CustomerRow)).scalar_one())


# --------------------------------------------------------------------------- assessments


def _assessment_row(record: AssessmentRecord) -> AssessmentRow:
    return AssessmentRow(
        assessment_id=record.assessment_id,
        customer_id=record.customer_id,
        conversation_id=record.conversation_id,
        channel=record.channel,
        questionnaire_version=record.questionnaire_version,
        answers=dict(record.answers),
        item_points={str(k): int(v) for k, v in record.item_points.items()},
        total_score=int(record.total_score),
        capacity_score=int(record.capacity_score),
        willingness_score=int(record.willingness_score),
        caps=[{"code": c.code, "level": c.level, "explanation": c.explanation}
              | ({"values": dict(c.values)} if c.values else {}) for c in record.caps],
        level=record.level,
        lowest_category=bool(record.lowest_category),
        age_at_assessment=int(record.age_at_assessment),
        created_at=to_utc(record.created_at),
        answer_log=[{"slot": slot, "value": value} for slot, value in record.answer_log],
        answered_points={str(k): int(v) for k, v in record.answered_points.items()},
        answered_total=None if record.answered_total is None else int(record.answered_total),
        age_source=record.age_source,
        language=record.language,
    )


def _assessment_record(row: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        assessment_id=row.assessment_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        questionnaire_version=row.questionnaire_version,
        answers=dict(row.answers),
        item_points={k: int(v) for k, v in row.item_points.items()},
        total_score=row.total_score,
        capacity_score=row.capacity_score,
        willingness_score=row.willingness_score,
        caps=tuple(CapRecord(code=c["code"], level=c["level"], explanation=c["explanation"],
                             values=dict(c.get("values") or {})) for c in row.caps),
        level=row.level,
        lowest_category=bool(row.lowest_category),
        age_at_assessment=row.age_at_assessment,
        created_at=row.created_at,
        answer_log=tuple((entry["slot"], entry["value"]) for entry in row.answer_log or ()),
        answered_points={k: int(v) for k, v in (row.answered_points or {}).items()},
        answered_total=row.answered_total,
        age_source=row.age_source or "typed",
        language=row.language or "en",
    )


class SqlAlchemyAssessmentRepository(_SqlAlchemyRepository, AbstractAssessmentRepository):
    @write
    def add(self, assessment: AssessmentRecord) -> None:
        self._add_row(_assessment_row(assessment))

    def _list(self, *where: Any) -> list[AssessmentRecord]:
        stmt = select(AssessmentRow).where(*where).order_by(AssessmentRow.created_at, AssessmentRow.id)
        return [_assessment_record(row) for row in self._scalars(stmt)]

    def _latest(self, *where: Any) -> AssessmentRecord | None:
        stmt = (
            select(AssessmentRow)
            .where(*where)
            .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
            .limit(1)
        )
        row = self.session.execute(stmt).scalars().first()
        return None if row is None else _assessment_record(row)

    @translate_errors
    def latest_for_customer(self, customer_id: str) -> AssessmentRecord | None:
        return self._latest(AssessmentRow.customer_id == customer_id)

    @translate_errors
    def list_for_customer(self, customer_id: str) -> list[AssessmentRecord]:
        return self._list(AssessmentRow.customer_id == customer_id)

    @translate_errors
    def latest_for_conversation(self, conversation_id: str) -> AssessmentRecord | None:
        return self._latest(AssessmentRow.conversation_id == conversation_id)

    @translate_errors
    def list_for_conversation(self, conversation_id: str) -> list[AssessmentRecord]:
        return self._list(AssessmentRow.conversation_id == conversation_id)


# --------------------------------------------------------------------------- recommendations


def _recommendation_row(record: RecommendationRecord) -> RecommendationRow:
    row = RecommendationRow(
        recommendation_id=record.recommendation_id,
        customer_id=record.customer_id,
        conversation_id=record.conversation_id,
        assessment_id=record.assessment_id,
        level=record.level,
        created_at=to_utc(record.created_at),
        language=record.language,
        shown_text=record.shown_text,
    )
    row.items = [
        RecommendationItemRow(
            recommendation_id=record.recommendation_id,
            position=position,
            product_id=item.product_id,
            risk_rating=item.risk_rating,
            reasons=[str(reason) for reason in item.reasons],
        )
        for position, item in enumerate(record.items)
    ]
    return row


def _recommendation_record(row: RecommendationRow) -> RecommendationRecord:
    return RecommendationRecord(
        recommendation_id=row.recommendation_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        assessment_id=row.assessment_id,
        level=row.level,
        items=tuple(
            RecommendedItem(product_id=i.product_id, risk_rating=i.risk_rating, reasons=tuple(i.reasons))
            for i in row.items
        ),
        created_at=row.created_at,
        language=row.language or "en",
        shown_text=row.shown_text,
    )


class SqlAlchemyRecommendationRepository(_SqlAlchemyRepository, AbstractRecommendationRepository):
    @write
    def add(self, recommendation: RecommendationRecord) -> None:
        self._add_row(_recommendation_row(recommendation))

    def _list(self, *where: Any) -> list[RecommendationRecord]:
        stmt = (
            select(RecommendationRow)
            .where(*where)
            .order_by(RecommendationRow.created_at, RecommendationRow.id)
        )
        return [_recommendation_record(row) for row in self._scalars(stmt)]

    @translate_errors
    def list_for_customer(self, customer_id: str) -> list[RecommendationRecord]:
        return self._list(RecommendationRow.customer_id == customer_id)

    @translate_errors
    def list_for_conversation(self, conversation_id: str) -> list[RecommendationRecord]:
        return self._list(RecommendationRow.conversation_id == conversation_id)

    @translate_errors
    def latest_for_customer(self, customer_id: str) -> RecommendationRecord | None:
        stmt = (
            select(RecommendationRow)
            .where(RecommendationRow.customer_id == customer_id)
            .order_by(RecommendationRow.created_at.desc(), RecommendationRow.id.desc())
            .limit(1)
        )
        row = self.session.execute(stmt).scalars().first()
        return None if row is None else _recommendation_record(row)


# --------------------------------------------------------------------------- suitability events


def _event_record(row: SuitabilityEventRow) -> SuitabilityEvent:
    return SuitabilityEvent(
        event_id=row.event_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        kind=row.kind,
        product_id=row.product_id,
        product_rating=row.product_rating,
        customer_level=row.customer_level,
        text=row.text,
        created_at=row.created_at,
        customer_text=row.customer_text,
        language=row.language or "en",
    )


class SqlAlchemySuitabilityEventRepository(_SqlAlchemyRepository, AbstractSuitabilityEventRepository):
    @write
    def add(self, event: SuitabilityEvent) -> None:
        self._add_row(
            SuitabilityEventRow(
                event_id=event.event_id,
                customer_id=event.customer_id,
                conversation_id=event.conversation_id,
                kind=event.kind,
                product_id=event.product_id,
                product_rating=event.product_rating,
                customer_level=event.customer_level,
                text=event.text,
                created_at=to_utc(event.created_at),
                customer_text=event.customer_text,
                language=event.language,
            )
        )

    def _list(self, *where: Any) -> list[SuitabilityEvent]:
        stmt = (
            select(SuitabilityEventRow)
            .where(*where)
            .order_by(SuitabilityEventRow.created_at, SuitabilityEventRow.id)
        )
        return [_event_record(row) for row in self._scalars(stmt)]

    @translate_errors
    def list_for_customer(self, customer_id: str) -> list[SuitabilityEvent]:
        return self._list(SuitabilityEventRow.customer_id == customer_id)

    @translate_errors
    def list_for_conversation(self, conversation_id: str) -> list[SuitabilityEvent]:
        return self._list(SuitabilityEventRow.conversation_id == conversation_id)


# --------------------------------------------------------------------------- handoffs


def _ticket_record(row: HandoffTicketRow) -> HandoffTicket:
    return HandoffTicket(
        ticket_id=row.ticket_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        summary=row.summary,
        status=row.status,
        created_at=row.created_at,
    )


class SqlAlchemyHandoffRepository(_SqlAlchemyRepository, AbstractHandoffRepository):
    @write
    def add(self, ticket: HandoffTicket) -> None:
        self._add_row(
            HandoffTicketRow(
                ticket_id=ticket.ticket_id,
                customer_id=ticket.customer_id,
                conversation_id=ticket.conversation_id,
                summary=ticket.summary,
                status=ticket.status,
                created_at=to_utc(ticket.created_at),
                closed_at=None,
            )
        )

    def _row(self, ticket_id: str) -> HandoffTicketRow | None:
        stmt = select(HandoffTicketRow).where(HandoffTicketRow.ticket_id == ticket_id)
        row: HandoffTicketRow | None = self.session.execute(stmt).scalars().first()
        return row

    @translate_errors
    def list_open(self) -> list[HandoffTicket]:
        stmt = (
            select(HandoffTicketRow)
            .where(HandoffTicketRow.status == "open")
            .order_by(HandoffTicketRow.created_at, HandoffTicketRow.id)
        )
        return [_ticket_record(row) for row in self._scalars(stmt)]

    @translate_errors
    def get(self, ticket_id: str) -> HandoffTicket | None:
        row = self._row(ticket_id)
        return None if row is None else _ticket_record(row)

    @write
    def close(self, ticket_id: str) -> HandoffTicket:
        row = self._row(ticket_id)
        if row is None:
            raise PersistenceError(f"no handoff ticket {ticket_id!r}")
        if row.status != "closed":
            row.status = "closed"
            row.closed_at = dt.datetime.now(dt.UTC)
            self.session.flush()
        return _ticket_record(row)


# --------------------------------------------------------------------------- offer events


def _offer_event_record(row: OfferEventRow) -> OfferEvent:
    return OfferEvent(
        event_id=row.event_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        kind=row.kind,
        product_id=row.product_id,
        customer_level=row.customer_level,
        persona=row.persona,
        arm=row.arm,
        channel=row.channel,
        created_at=row.created_at,
    )


class SqlAlchemyOfferEventRepository(_SqlAlchemyRepository, AbstractOfferEventRepository):
    @write
    def add(self, event: OfferEvent) -> None:
        self._add_row(
            OfferEventRow(
                event_id=event.event_id,
                customer_id=event.customer_id,
                conversation_id=event.conversation_id,
                kind=event.kind,
                product_id=event.product_id,
                customer_level=event.customer_level,
                persona=event.persona,
                arm=event.arm,
                channel=event.channel,
                created_at=to_utc(event.created_at),
            )
        )

    def _list(self, *where: Any) -> list[Any]:
        stmt = select(OfferEventRow).where(*where).order_by(OfferEventRow.created_at, OfferEventRow.id)
        return [_offer_event_record(row) for row in self._scalars(stmt)]

    @translate_errors
    def list_for_conversation(self, conversation_id: str) -> list[Any]:
        return self._list(OfferEventRow.conversation_id == conversation_id)

    @translate_errors
    def list_since(self, since: dt.datetime | None = None) -> list[Any]:
        return self._list() if since is None else self._list(OfferEventRow.created_at >= to_utc(since))


# --------------------------------------------------------------------------- customer languages


class SqlAlchemyCustomerLanguageRepository(_SqlAlchemyRepository, AbstractCustomerLanguageRepository):
    @translate_errors
    def get(self, customer_id: str) -> str | None:
        row: CustomerLanguageRow | None = self.session.get(CustomerLanguageRow, customer_id)
        return None if row is None else str(row.language)

    @write
    def put(self, customer_id: str, language: str, at: dt.datetime) -> None:
        row = self.session.get(CustomerLanguageRow, customer_id)
        if row is None:
            self._add_row(CustomerLanguageRow(customer_id=customer_id, language=language, updated_at=to_utc(at)))
            return
        row.language = language
        row.updated_at = to_utc(at)
        self.session.flush()
