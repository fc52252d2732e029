"""SQLAlchemy models for the advisor's tables.

The rows are plain ORM models; ``repositories.py`` maps them to and from the
frozen records of ``advisor_core.domain.records``. The schema itself is created
by the Alembic migrations in ``migrations/versions`` (kept in step with this
module; ``tests/integration`` compares the two).

Append-only tables (assessments, recommendations, recommendation_items,
suitability_events) refuse UPDATE and DELETE:

* through the ORM unit of work - ``before_update``/``before_delete`` mapper events;
* through ORM-enabled ``update()``/``delete()`` statements - a ``do_orm_execute``
  guard installed by :func:`install_append_only_guard`;
* in the database itself - triggers created by the migration (PostgreSQL and SQLite).

Nothing here opens a connection or creates an engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    event,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Mapper, ORMExecuteState, declarative_base, relationship
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.types import TypeDecorator, TypeEngine

from advisor_core.errors import PersistenceError

# --------------------------------------------------------------------------- types

MONEY_PRECISION = 15
MONEY_SCALE = 2
MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)  # Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_SCALE)  # exclusive bound on |amount|


class Money(TypeDecorator):
    """NUMERIC(15, 2) that only ever hands out and accepts ``Decimal``.

    * floats are refused (money is never float);
    * more than two decimal places, or |amount| >= 10**13, is refused rather than
      rounded silently;
    * SQLite has no decimal type: it keeps a 15-significant-digit number, which
      the bounds above make exact; it is read back as ``Decimal`` with 2 places.
    """

    impl = Numeric(MONEY_PRECISION, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            # asdecimal=False: we convert ourselves (exactly, and without the SAWarning).
            return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=False))
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return to_money(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            value = repr(value)
        return Decimal(value).quantize(MONEY_QUANTUM)


def to_money(value: Any) -> Decimal:
    """Validate a money amount for storage; raises ``ValueError``/``TypeError``."""
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"money must be a Decimal (or int), not {type(value).__name__}: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    try:
        exact = amount == amount.quantize(MONEY_QUANTUM)
    except InvalidOperation:
        exact = False
    if not exact:
        raise ValueError(f"money {value!r} has more than {MONEY_SCALE} decimal places")
    if abs(amount) >= MONEY_LIMIT:
        raise ValueError(f"money {value!r} is out of range (|amount| < {MONEY_LIMIT})")
    return amount


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware in UTC.

    Naive datetimes are refused. PostgreSQL stores ``timestamptz``; SQLite stores
    the naive UTC wall time as text (which sorts correctly).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        utc = to_utc(value)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        # Raw text from SQLite, just in case; otherwise the driver's datetime.
        stored: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if stored.tzinfo is None or stored.utcoffset() is None:
            return stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(dt.UTC)


def to_utc(value: Any) -> dt.datetime:
    """An aware datetime converted to UTC; raises for naive or non-datetimes."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware (UTC)")
    return value.astimezone(dt.UTC)


# Surrogate keys: BIGSERIAL on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
SurrogateKey = BigInteger().with_variant(Integer(), "sqlite")

ID = 128          # length of ids (customer, conversation, assessment, ...)
CODE = 32         # length of short codes (level, rating, kind, channel, ...)
PRODUCT = 64      # length of product ids

# --------------------------------------------------------------------------- models

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
# SQLAlchemy 1.4 has no types: the declarative base is a class made at run time.
Base: Any = declarative_base(metadata=metadata)


class CustomerRow(Base):
    __tablename__ = "customers"

    customer_id = Column(String(ID), primary_key=True)
    display_name = Column(String(200), nullable=False)
    birth_date = Column(Date, nullable=False)
    demand_balance = Column(Money, nullable=False)
    investable_assets = Column(Money, nullable=False)
    total_assets = Column(Money, nullable=False)
    mortgage_start = Column(Date, nullable=True)
    children_ages = Column(JSON, nullable=False)
    monthly_transactions = Column(Integer, nullable=False)

    holdings = relationship(
        "HoldingRow",
        order_by="HoldingRow.position",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class HoldingRow(Base):
    __tablename__ = "holdings"

    customer_id = Column(
        String(ID), ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    position = Column(Integer, primary_key=True, autoincrement=False)
    product_id = Column(String(PRODUCT), nullable=False, index=True)
    amount = Column(Money, nullable=False)


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id = Column(SurrogateKey, primary_key=True, autoincrement=True)
    assessment_id = Column(String(ID), nullable=False, unique=True)
    customer_id = Column(String(ID), nullable=True, index=True)
    conversation_id = Column(String(ID), nullable=False, index=True)
    channel = Column(String(CODE), nullable=False)
    questionnaire_version = Column(String(CODE), nullable=False)
    answers = Column(JSON, nullable=False)
    item_points = Column(JSON, nullable=False)
    total_score = Column(Integer, nullable=False)
    capacity_score = Column(Integer, nullable=False)
    willingness_score = Column(Integer, nullable=False)
    caps = Column(JSON, nullable=False)
    level = Column(String(CODE), nullable=False)
    lowest_category = Column(Boolean, nullable=False)
    age_at_assessment = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    # Added by migration 0002 (NULL on rows written before it).
    answer_log = Column(JSON, nullable=True)
    answered_points = Column(JSON, nullable=True)
    answered_total = Column(Integer, nullable=True)
    age_source = Column(String(CODE), nullable=True)
    language = Column(String(CODE), nullable=True)  # migration 0004 (NULL before it: English)


class RecommendationRow(Base):
    __tablename__ = "recommendations"

    id = Column(SurrogateKey, primary_key=True, autoincrement=True)
    recommendation_id = Column(String(ID), nullable=False, unique=True)
    customer_id = Column(String(ID), nullable=True, index=True)
    conversation_id = Column(String(ID), nullable=False, index=True)
    assessment_id = Column(
        String(ID), ForeignKey("assessments.assessment_id"), nullable=True, index=True
    )
    level = Column(String(CODE), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    # migration 0004 (NULL before it: English, and the message was not kept whole)
    language = Column(String(CODE), nullable=True)
    shown_text = Column(Text, nullable=True)

    items = relationship(
        "RecommendationItemRow",
        order_by="RecommendationItemRow.position",
        lazy="selectin",
        cascade="save-update, merge",
        passive_deletes="all",  # never touch items on a delete: the delete itself is refused
    )


class RecommendationItemRow(Base):
    __tablename__ = "recommendation_items"

    recommendation_id = Column(
        String(ID), ForeignKey("recommendations.recommendation_id"), primary_key=True
    )
    position = Column(Integer, primary_key=True, autoincrement=False)
    product_id = Column(String(PRODUCT), nullable=False, index=True)
    risk_rating = Column(String(CODE), nullable=False)
    reasons = Column(JSON, nullable=False)


class SuitabilityEventRow(Base):
    __tablename__ = "suitability_events"

    id = Column(SurrogateKey, primary_key=True, autoincrement=True)
    event_id = Column(String(ID), nullable=False, unique=True)
    customer_id = Column(String(ID), nullable=True, index=True)
    conversation_id = Column(String(ID), nullable=False, index=True)
    kind = Column(String(CODE), nullable=False)
    product_id = Column(String(PRODUCT), nullable=False)
    product_rating = Column(String(CODE), nullable=False)
    customer_level = Column(String(CODE), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    customer_text = Column(Text, nullable=True)  # migration 0002
    language = Column(String(CODE), nullable=True)  # migration 0004 (NULL before it: English)


class HandoffTicketRow(Base):
    __tablename__ = "handoff_tickets"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)

    id = Column(SurrogateKey, primary_key=True, autoincrement=True)
    ticket_id = Column(String(ID), nullable=False, unique=True)
    customer_id = Column(String(ID), nullable=True, index=True)
    conversation_id = Column(String(ID), nullable=False, index=True)
    summary = Column(Text, nullable=False)
    status = Column(String(CODE), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    closed_at = Column(UTCDateTime, nullable=True)


class OfferEventRow(Base):
    """What the assistant showed and what was clicked/accepted: codes and ids, no free text."""

    __tablename__ = "offer_events"
    __table_args__ = (CheckConstraint("kind IN ('shown', 'clicked', 'accepted')", name="kind"),)

    id = Column(SurrogateKey, primary_key=True, autoincrement=True)
    event_id = Column(String(ID), nullable=False, unique=True)
    customer_id = Column(String(ID), nullable=True, index=True)
    conversation_id = Column(String(ID), nullable=False, index=True)
    kind = Column(String(CODE), nullable=False)
    product_id = Column(String(PRODUCT), nullable=False)
    customer_level = Column(String(CODE), nullable=False)
    persona = Column(String(PRODUCT), nullable=False)
    arm = Column(String(CODE), nullable=False)
    channel = Column(String(PRODUCT), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, index=True)


class CustomerLanguageRow(Base):
    """The language a signed-in customer last talked in, for their next visit (migration 0005).

    A preference, not a record: it is replaced when the customer changes language.
    """

    __tablename__ = "customer_languages"

    customer_id = Column(String(ID), primary_key=True)
    language = Column(String(CODE), nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)


# --------------------------------------------------------------------------- guards

APPEND_ONLY_MODELS = (AssessmentRow, RecommendationRow, RecommendationItemRow, SuitabilityEventRow)
APPEND_ONLY_TABLES = frozenset(model.__tablename__ for model in APPEND_ONLY_MODELS)
# Columns of a handoff ticket that closing it may change; nothing else may be updated.
HANDOFF_UPDATABLE = frozenset({"status", "closed_at"})


def _refuse(operation: str) -> Callable[[Mapper, Connection, Any], None]:
    def listener(mapper: Mapper, connection: Connection, target: Any) -> None:
        raise PersistenceError(
            f"{mapper.local_table.name} is append-only: {operation} refused"
        )

    return listener


for _model in APPEND_ONLY_MODELS:
    event.listen(_model, "before_update", _refuse("UPDATE"))
    event.listen(_model, "before_delete", _refuse("DELETE"))


def _handoff_only_close(mapper: Mapper, connection: Connection, target: HandoffTicketRow) -> None:
    for attr in mapper.column_attrs:
        if attr.key not in HANDOFF_UPDATABLE and get_history(target, attr.key).has_changes():
            raise PersistenceError(f"handoff_tickets: {attr.key} cannot be changed (only closing is allowed)")
    if target.status != "closed":
        raise PersistenceError("handoff_tickets: the only update allowed is closing a ticket")


def _handoff_no_delete(mapper: Mapper, connection: Connection, target: HandoffTicketRow) -> None:
    raise PersistenceError("handoff_tickets: DELETE refused (close the ticket instead)")


event.listen(HandoffTicketRow, "before_update", _handoff_only_close)
event.listen(HandoffTicketRow, "before_delete", _handoff_no_delete)


def _refuse_bulk_statements(orm_execute_state: ORMExecuteState) -> None:
    """``do_orm_execute`` hook: refuse ``update()``/``delete()`` on append-only tables."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in APPEND_ONLY_TABLES:
        operation = "UPDATE" if orm_execute_state.is_update else "DELETE"
        raise PersistenceError(f"{name} is append-only: {operation} refused")
    if name == HandoffTicketRow.__tablename__ and orm_execute_state.is_delete:
        raise PersistenceError("handoff_tickets: DELETE refused (close the ticket instead)")


def install_append_only_guard(target: Any) -> None:
    """Refuse bulk UPDATE/DELETE statements of append-only tables on a new Session or sessionmaker.

    Listens unconditionally: ``event.contains`` keys its registry on ``id(target)``, so for a new
    target that reuses the address of a collected one it could answer True and skip the guard
    (seen as a flaky integration test)."""
    event.listen(target, "do_orm_execute", _refuse_bulk_statements)


# Offer events are append-only too (analytics read them; nothing corrects them in place).
event.listen(OfferEventRow, "before_update", _refuse("UPDATE"))
event.listen(OfferEventRow, "before_delete", _refuse("DELETE"))
