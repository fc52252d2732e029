"""Persistence on real databases: every test runs on SQLite and on PostgreSQL
(the latter marked ``postgres``); the contract tests also run on the fake."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from advisor_core import settings as advisor_settings
from advisor_core.adapters import orm
from advisor_core.adapters.migrate import current_revision, downgrade, head_revision, upgrade
from advisor_core.adapters.orm import AssessmentRow, HandoffTicketRow, RecommendationRow, SuitabilityEventRow
from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from advisor_core.domain.records import CapRecord, Customer, Holding
from advisor_core.errors import PersistenceError
from tests.fakes import (
    T0,
    FakeUnitOfWork,
    make_assessment,
    make_customer,
    make_event,
    make_recommendation,
    make_ticket,
)

TABLES = {
    "customers",
    "holdings",
    "assessments",
    "recommendations",
    "recommendation_items",
    "suitability_events",
    "handoff_tickets",
    "customer_languages",
}
APPEND_ONLY = ["assessments", "recommendations", "recommendation_items", "suitability_events"]
KST = dt.timezone(dt.timedelta(hours=9))


def _store(make_uow, *records) -> None:
    with make_uow() as uow:
        for record in records:
            {
                "Customer": uow.customers,
                "AssessmentRecord": uow.assessments,
                "RecommendationRecord": uow.recommendations,
                "SuitabilityEvent": uow.suitability_events,
                "HandoffTicket": uow.handoffs,
            }[type(record).__name__].add(record)
        uow.commit()


def _assert_utc(value: dt.datetime) -> None:
    assert value.tzinfo is dt.UTC, value


# --------------------------------------------------------------------------- schema


def test_upgrade_creates_schema_and_twice_is_a_no_op(db_url):
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision() == "0005"

    engine = make_engine(db_url)
    try:
        inspector = inspect(engine)
        assert TABLES <= set(inspector.get_table_names())
        for table in ("assessments", "recommendations", "suitability_events", "handoff_tickets"):
            indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
            assert ("customer_id",) in indexed and ("conversation_id",) in indexed, (table, indexed)
        money = {c["name"]: c["type"] for c in inspector.get_columns("customers")}["total_assets"]
        assert (money.precision, money.scale) == (15, 2)
        before = {t: [c["name"] for c in inspector.get_columns(t)] for t in TABLES}
    finally:
        engine.dispose()

    upgrade(db_url)  # a second upgrade changes nothing
    assert current_revision(db_url) == "0005"
    engine = make_engine(db_url)
    try:
        inspector = inspect(engine)
        assert {t: [c["name"] for c in inspector.get_columns(t)] for t in TABLES} == before
    finally:
        engine.dispose()


def test_migration_matches_the_orm_models(migrated_url):
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, orm.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def test_downgrade_to_base_and_upgrade_again(migrated_url):
    downgrade(migrated_url, "base")
    assert current_revision(migrated_url) is None
    engine = make_engine(migrated_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    upgrade(migrated_url)
    assert current_revision(migrated_url) == "0005"


def test_upgrade_of_an_unreachable_database_raises_persistence_error():
    with pytest.raises(PersistenceError):
        upgrade("postgresql+psycopg2://postgres@127.0.0.1:1/none?connect_timeout=1")


# --------------------------------------------------------------------------- round trips


def test_customer_round_trip_with_exact_decimals(make_uow):
    customer = make_customer(
        demand_balance=Decimal("0.01"),
        investable_assets=Decimal("9999999999999.99"),  # the largest NUMERIC(15, 2)
        total_assets=Decimal("-1234567.89"),
        holdings=(
            Holding("P-1", Decimal("0.10")), Holding("P-2", Decimal("123456789012.34")), Holding("P-1", Decimal("5")),
        ),
    )
    bare = Customer("CUST-0002", "No Extras", dt.date(2000, 2, 29), Decimal(0), Decimal(0), Decimal(0))
    with make_uow() as uow:
        uow.customers.add(customer)
        uow.customers.add(bare)
        uow.commit()

    with make_uow() as uow:
        got = uow.customers.get("CUST-0001")
        assert got == customer
        assert all(isinstance(h.amount, Decimal) for h in got.holdings)
        assert str(got.investable_assets) == "9999999999999.99"
        assert str(got.holdings[0].amount) == "0.10"
        assert uow.customers.get("CUST-0002") == bare
        assert uow.customers.get("nobody") is None
        assert [c.customer_id for c in uow.customers.list_all()] == ["CUST-0001", "CUST-0002"]
        assert uow.customers.count() == 2


def test_assessment_round_trip_times_are_aware_utc(make_uow):
    record = make_assessment(created_at=dt.datetime(2024, 3, 1, 18, 30, 15, 123456, tzinfo=KST))
    anonymous = make_assessment("A-anon", customer_id=None, conversation_id="conv-anon", caps=(), answers={})
    _store(make_uow, record, anonymous)

    with make_uow() as uow:
        got = uow.assessments.latest_for_customer("CUST-0001")
        assert got == record
        _assert_utc(got.created_at)
        assert got.created_at == dt.datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
        assert got.answers["goals"] == ["retirement", "house"] and got.answers["age"] == 43
        assert uow.assessments.latest_for_conversation("conv-anon") == anonymous
        assert uow.assessments.list_for_conversation("conv-1") == [record]
        assert uow.assessments.latest_for_customer("nobody") is None
        assert uow.assessments.list_for_customer("nobody") == []


def test_recommendation_round_trip(make_uow):
    recommendation = make_recommendation()
    anonymous = make_recommendation("R-anon", customer_id=None, assessment_id=None, items=(), conversation_id="c2")
    _store(make_uow, make_assessment(), recommendation, anonymous)

    with make_uow() as uow:
        got = uow.recommendations.latest_for_customer("CUST-0001")
        assert got == recommendation
        assert [i.product_id for i in got.items] == ["FUND-BOND-01", "FUND-EQ-07"]
        assert got.items[0].reasons == ("matches your level", "low fees")
        _assert_utc(got.created_at)
        assert uow.recommendations.list_for_conversation("c2") == [anonymous]
        assert uow.recommendations.list_for_customer("CUST-0001") == [recommendation]


def test_suitability_event_round_trip(make_uow):
    events = [make_event(), make_event("E-2", kind="confirmation"), make_event("E-3", kind="refusal", customer_id=None)]
    _store(make_uow, *events)
    with make_uow() as uow:
        assert uow.suitability_events.list_for_customer("CUST-0001") == events[:2]
        assert uow.suitability_events.list_for_conversation("conv-1") == events
        _assert_utc(uow.suitability_events.list_for_conversation("conv-1")[0].created_at)


def test_handoff_round_trip_and_close(make_uow, session_factory):
    first, second = make_ticket(), make_ticket("H-2", created_at=T0 + dt.timedelta(hours=1))
    _store(make_uow, second, first)  # stored out of order: list_open is oldest first anyway

    with make_uow() as uow:
        assert uow.handoffs.list_open() == [first, second]
        assert uow.handoffs.get("H-1") == first
        assert uow.handoffs.get("nope") is None
        closed = uow.handoffs.close("H-1")
        uow.commit()
    assert closed.status == "closed"

    with make_uow() as uow:
        assert uow.handoffs.get("H-1").status == "closed"
        assert uow.handoffs.list_open() == [second]
        assert uow.handoffs.close("H-1").status == "closed"  # closing twice is harmless
        uow.commit()
    with session_factory() as session:
        row = session.execute(select(HandoffTicketRow).where(HandoffTicketRow.ticket_id == "H-1")).scalar_one()
        _assert_utc(row.closed_at)


def test_assessments_survive_a_new_engine(migrated_url):
    factory = make_session_factory(migrated_url)
    try:
        with SqlAlchemyUnitOfWork(factory) as uow:
            uow.assessments.add(make_assessment())
            uow.commit()
    finally:
        factory.kw["bind"].dispose()

    factory = make_session_factory(migrated_url)
    try:
        with SqlAlchemyUnitOfWork(factory) as uow:
            assert uow.assessments.list_for_customer("CUST-0001") == [make_assessment()]
    finally:
        factory.kw["bind"].dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.decimals(min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2))
def test_any_two_place_amount_round_trips_exactly(make_uow, amount):
    key = f"H-{amount}"
    with make_uow() as uow:
        uow.customers.add(make_customer(key, total_assets=amount, holdings=(Holding("P", amount),)))
        uow.commit()
    with make_uow() as uow:
        got = uow.customers.get(key)
    assert got.total_assets == amount and got.holdings[0].amount == amount
    assert got.total_assets.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "bad",
    [
        {"total_assets": 12.5},                               # float money
        {"total_assets": Decimal("1.005")},                   # would be rounded
        {"total_assets": Decimal("10000000000000")},          # out of NUMERIC(15, 2)
        {"holdings": (Holding("P", Decimal("NaN")),)},
    ],
    ids=["float", "three-places", "too-large", "nan"],
)
def test_unstorable_money_is_refused(make_uow, bad):
    with make_uow() as uow:
        with pytest.raises(PersistenceError):
            uow.customers.add(make_customer(**bad))
    with make_uow() as uow:
        assert uow.customers.count() == 0


def test_naive_timestamps_are_refused(make_uow):
    with make_uow() as uow:
        with pytest.raises(PersistenceError, match="naive"):
            uow.assessments.add(make_assessment(created_at=dt.datetime(2024, 1, 1, 12, 0)))


# --------------------------------------------------------------------------- append-only


def _seed_append_only(make_uow) -> None:
    _store(make_uow, make_assessment(), make_recommendation(), make_event(), make_ticket())


@pytest.mark.parametrize(
    ("model", "key", "column", "value"),
    [
        (AssessmentRow, ("assessment_id", "A-1"), "level", "C5"),
        (RecommendationRow, ("recommendation_id", "R-1"), "level", "C5"),
        (SuitabilityEventRow, ("event_id", "E-1"), "text", "rewritten"),
    ],
    ids=["assessment", "recommendation", "suitability_event"],
)
def test_orm_refuses_update_and_delete_of_append_only_rows(make_uow, session_factory, model, key, column, value):
    _seed_append_only(make_uow)
    where = getattr(model, key[0]) == key[1]

    # change an attribute and flush / commit
    with make_uow() as uow:
        row = uow.session.execute(select(model).where(where)).scalar_one()
        setattr(row, column, value)
        with pytest.raises(PersistenceError, match="append-only"):
            uow.commit()

    # delete the object
    with make_uow() as uow:
        uow.session.delete(uow.session.execute(select(model).where(where)).scalar_one())
        with pytest.raises(PersistenceError, match="append-only"):
            uow.session.flush()

    # ORM-enabled UPDATE / DELETE statements
    with make_uow() as uow:
        with pytest.raises(PersistenceError, match="append-only"):
            uow.session.execute(update(model).where(where).values({column: value}))
        with pytest.raises(PersistenceError, match="append-only"):
            uow.session.execute(delete(model).where(where))

    with session_factory() as session:
        assert getattr(session.execute(select(model).where(where)).scalar_one(), column) != value


def test_orm_refuses_changing_recommendation_items(make_uow):
    _seed_append_only(make_uow)
    with make_uow() as uow:
        row = uow.session.execute(select(RecommendationRow)).scalar_one()
        row.items[0].reasons = ["changed"]
        with pytest.raises(PersistenceError, match="append-only"):
            uow.commit()
    with make_uow() as uow:
        assert uow.recommendations.latest_for_customer("CUST-0001") == make_recommendation()


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_database_trigger_refuses_raw_sql_update_and_delete(migrated_url, make_uow, table):
    _seed_append_only(make_uow)
    column = {"recommendation_items": "risk_rating", "suitability_events": "kind"}.get(table, "customer_id")
    engine = make_engine(migrated_url)
    try:
        for statement in (f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match="append-only"):
                with engine.begin() as connection:
                    connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = 'x'")).scalar() == 0
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
    finally:
        engine.dispose()


def test_raw_sql_through_the_unit_of_work_is_refused_by_the_trigger(make_uow):
    _seed_append_only(make_uow)
    with make_uow() as uow:
        with pytest.raises(DBAPIError):
            uow.session.execute(text("UPDATE assessments SET level = 'C5'"))


def test_handoff_tickets_can_only_be_closed(make_uow):
    _seed_append_only(make_uow)
    with make_uow() as uow:
        row = uow.session.execute(select(HandoffTicketRow)).scalar_one()
        row.summary = "rewritten"
        with pytest.raises(PersistenceError, match="summary"):
            uow.commit()
    with make_uow() as uow:
        uow.session.delete(uow.session.execute(select(HandoffTicketRow)).scalar_one())
        with pytest.raises(PersistenceError, match="DELETE refused"):
            uow.commit()
    with make_uow() as uow:
        with pytest.raises(PersistenceError, match="DELETE refused"):
            uow.session.execute(delete(HandoffTicketRow))
    with make_uow() as uow:
        assert uow.handoffs.get("H-1") == make_ticket()


# --------------------------------------------------------------------------- bulk


def test_add_many_five_thousand_customers(make_uow):
    customers = [
        make_customer(
            f"C{i:05d}",
            total_assets=Decimal(i) + Decimal("0.01"),
            holdings=tuple(Holding(f"P{j}", Decimal(f"{i}.{j}0")) for j in range(i % 3)),
            mortgage_start=None if i % 2 else dt.date(2010, 1, 1),
        )
        for i in range(5000)
    ]
    with make_uow() as uow:
        assert uow.customers.add_many(iter(customers)) == 5000  # a generator is fine
        uow.commit()
    with make_uow() as uow:
        assert uow.customers.count() == 5000
        assert uow.customers.get("C04999") == customers[4999]
        assert uow.customers.list_all() == customers


def test_add_many_with_a_duplicate_stores_nothing(make_uow):
    _store(make_uow, make_customer("C00002"))
    with make_uow() as uow:
        with pytest.raises(PersistenceError):
            uow.customers.add_many(make_customer(f"C{i:05d}") for i in range(5))
        with pytest.raises(PersistenceError):
            uow.commit()
    with make_uow() as uow:
        assert [c.customer_id for c in uow.customers.list_all()] == ["C00002"]


# ------------------------------------------------------------- the unit-of-work contract (fake, SQLite, PostgreSQL)


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_uow(request):
    """A function returning a unit of work over one shared database (or fake)."""
    if request.param == "fake":
        fake = FakeUnitOfWork()
        return lambda: fake
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade(url)
    factory = make_session_factory(url)
    request.addfinalizer(factory.kw["bind"].dispose)
    return lambda: SqlAlchemyUnitOfWork(factory)


def test_contract_no_commit_means_rollback(any_uow):
    with any_uow() as uow:
        uow.customers.add(make_customer())
        uow.assessments.add(make_assessment())
        uow.handoffs.add(make_ticket())
        assert uow.assessments.latest_for_customer("CUST-0001") is not None  # visible inside
    with any_uow() as uow:
        assert uow.customers.count() == 0
        assert uow.assessments.list_for_customer("CUST-0001") == []
        assert uow.handoffs.list_open() == []


def test_contract_explicit_rollback_discards(any_uow):
    with any_uow() as uow:
        uow.assessments.add(make_assessment())
        uow.rollback()
        uow.commit()
    with any_uow() as uow:
        assert uow.assessments.list_for_customer("CUST-0001") == []


def test_contract_exception_in_block_stores_nothing(any_uow):
    with pytest.raises(RuntimeError):
        with any_uow() as uow:
            uow.assessments.add(make_assessment())
            uow.recommendations.add(make_recommendation())
            raise RuntimeError("boom")
    with any_uow() as uow:
        assert uow.assessments.list_for_customer("CUST-0001") == []
        assert uow.recommendations.list_for_customer("CUST-0001") == []


def test_contract_failed_write_leaves_nothing_half_written(any_uow):
    with any_uow() as uow:
        uow.assessments.add(make_assessment("A-0"))
        uow.recommendations.add(make_recommendation("R-1", assessment_id="A-0"))
        uow.commit()

    with any_uow() as uow:
        uow.assessments.add(make_assessment("A-1"))
        with pytest.raises(PersistenceError):
            uow.recommendations.add(make_recommendation("R-1", assessment_id="A-1"))  # duplicate id
        with pytest.raises(PersistenceError, match="failed write"):
            uow.commit()  # refused: the assessment must not be stored without its recommendation

    with any_uow() as uow:
        assert [a.assessment_id for a in uow.assessments.list_for_customer("CUST-0001")] == ["A-0"]
        assert [r.assessment_id for r in uow.recommendations.list_for_customer("CUST-0001")] == ["A-0"]
        uow.assessments.add(make_assessment("A-2"))  # the unit of work is usable again
        uow.commit()
    with any_uow() as uow:
        assert uow.assessments.latest_for_customer("CUST-0001").assessment_id == "A-2"


def test_contract_recommendation_needs_a_stored_assessment(any_uow):
    with any_uow() as uow:
        with pytest.raises(PersistenceError):
            uow.recommendations.add(make_recommendation(assessment_id="A-missing"))


@pytest.mark.parametrize("kind", ["assessment", "event", "ticket"])
def test_contract_duplicate_ids_are_refused(any_uow, kind):
    make = {"assessment": make_assessment, "event": make_event, "ticket": make_ticket}[kind]
    repo = {"assessment": "assessments", "event": "suitability_events", "ticket": "handoffs"}[kind]
    with any_uow() as uow:
        getattr(uow, repo).add(make())
        uow.commit()
    with any_uow() as uow:
        with pytest.raises(PersistenceError):
            getattr(uow, repo).add(make(created_at=T0 + dt.timedelta(days=1)))


def test_contract_lists_are_oldest_first_and_latest_is_newest(any_uow):
    later = make_assessment("A-late", created_at=T0 + dt.timedelta(days=30))
    early = make_assessment("A-early", created_at=T0 - dt.timedelta(days=30))
    same_1 = make_assessment("A-same-1", created_at=T0)
    same_2 = make_assessment("A-same-2", created_at=T0)  # same instant: insertion order decides
    with any_uow() as uow:
        for record in (later, same_1, early, same_2):
            uow.assessments.add(record)
        uow.recommendations.add(make_recommendation("R-late", assessment_id="A-late", created_at=later.created_at))
        uow.recommendations.add(make_recommendation("R-early", assessment_id="A-early", created_at=early.created_at))
        uow.commit()
    with any_uow() as uow:
        assert uow.assessments.list_for_customer("CUST-0001") == [early, same_1, same_2, later]
        assert uow.assessments.latest_for_customer("CUST-0001") == later
        assert uow.assessments.latest_for_conversation("conv-1") == later
        listed = uow.recommendations.list_for_customer("CUST-0001")
        assert [r.recommendation_id for r in listed] == ["R-early", "R-late"]
        assert uow.recommendations.latest_for_customer("CUST-0001").recommendation_id == "R-late"


def test_contract_closing_an_unknown_ticket_fails(any_uow):
    with any_uow() as uow:
        with pytest.raises(PersistenceError):
            uow.handoffs.close("H-unknown")


# --------------------------------------------------------------------------- settings and engines


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://u@db:5432/advisor")
    assert advisor_settings.database_url() == "postgresql+psycopg2://u@db:5432/advisor"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/advisor")
    assert advisor_settings.database_url() == "postgresql+psycopg2://u@db/advisor"

    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "state"))
    assert advisor_settings.database_url() == f"sqlite:///{tmp_path / 'state' / 'advisor.db'}"
    assert not (tmp_path / "state").exists()  # not created by reading the setting

    monkeypatch.delenv("ADVISOR_VAR_DIR")
    monkeypatch.chdir(tmp_path)
    assert advisor_settings.database_url() == f"sqlite:///{tmp_path / 'var' / 'advisor.db'}"


def test_make_engine_creates_the_sqlite_folder_and_enables_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'advisor.db'}"
    engine = make_engine(url)
    try:
        assert (tmp_path / "a" / "b").is_dir()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def test_a_file_sqlite_engine_reuses_its_connections(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'advisor.db'}")
    opened = []
    event.listen(engine, "connect", lambda connection, _record: opened.append(connection))
    try:
        for _ in range(5):
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert len(opened) == 1
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_shared_by_migrations_and_sessions():
    factory = make_session_factory("sqlite://")
    engine = factory.kw["bind"]
    try:
        from alembic import command

        from advisor_core.adapters.migrate import alembic_config

        config = alembic_config("sqlite://")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with SqlAlchemyUnitOfWork(factory) as uow:
            uow.assessments.add(make_assessment())
            uow.commit()
        with SqlAlchemyUnitOfWork(factory) as uow:
            assert uow.assessments.latest_for_customer("CUST-0001") == make_assessment()
    finally:
        engine.dispose()


def test_nothing_connects_at_import_time(tmp_path):
    import subprocess
    import sys

    code = (
        "import advisor_core.adapters.unit_of_work, advisor_core.adapters.migrate, advisor_core.settings\n"
        "import os; assert not os.path.exists('var'), 'var/ created at import'\n"
    )
    env = {**os.environ, "ADVISOR_VAR_DIR": ""}
    env.pop("DATABASE_URL", None)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)


# --------------------------------------------------------------------------- migration 0002


def test_0002_keeps_rows_written_before_it_and_the_append_only_triggers(db_url):
    """Issue 10's columns are added, never backfilled: a row of 0001 reads back with empty
    defaults, and the database still refuses to change it."""
    upgrade(db_url, "0001")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO assessments (assessment_id, customer_id, conversation_id, channel, "
                "questionnaire_version, answers, item_points, total_score, capacity_score, willingness_score, "
                "caps, level, lowest_category, age_at_assessment, created_at) VALUES ('A-old', 'CUST-0001', "
                "'conv-1', 'rest', 'v1', '{}', '{}', 40, 50, 40, '[]', 'C3', false, 44, "
                "'2024-03-01 09:30:00')"))
        upgrade(db_url)
        assert current_revision(db_url) == head_revision()
        uow = SqlAlchemyUnitOfWork(make_session_factory(db_url))
        with uow:
            [old] = uow.assessments.list_for_customer("CUST-0001")
            uow.assessments.add(make_assessment("A-new"))
            uow.suitability_events.add(make_event("E-new"))
            uow.commit()
        assert (old.answer_log, old.answered_points, old.answered_total, old.age_source) == ((), {}, None, "typed")
        with uow:
            assert uow.assessments.list_for_customer("CUST-0001")[-1] == make_assessment("A-new")
            assert uow.suitability_events.list_for_customer("CUST-0001") == [make_event("E-new")]
        for statement in ("UPDATE assessments SET answer_log = NULL WHERE assessment_id = 'A-new'",
                          "UPDATE suitability_events SET customer_text = 'x'",
                          "DELETE FROM assessments WHERE assessment_id = 'A-old'"):
            with engine.connect() as connection:
                with pytest.raises(DBAPIError, match="append-only"):
                    with connection.begin():
                        connection.execute(text(statement))
        downgrade(db_url, "0001")
        assert current_revision(db_url) == "0001"
        columns = {c["name"] for c in inspect(engine).get_columns("assessments")}
        assert "answer_log" not in columns and "age_at_assessment" in columns
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- migration 0004


def test_0004_keeps_language_and_shown_text_and_old_rows_read_as_english(db_url):
    """Issue 11's columns are added, never backfilled: rows of 0003 read back as English; the
    language, the whole message shown and the caps' values survive a round trip; the database
    still refuses to change a row."""
    upgrade(db_url, "0003")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO assessments (assessment_id, customer_id, conversation_id, channel, "
                "questionnaire_version, answers, item_points, total_score, capacity_score, willingness_score, "
                "caps, level, lowest_category, age_at_assessment, created_at) VALUES ('A-old', 'CUST-0001', "
                "'conv-1', 'rest', 'v1', '{}', '{}', 40, 50, 40, "
                "'[{\"code\": \"short_horizon\", \"level\": \"C2\", \"explanation\": \"old words\"}]', 'C2', false, "
                "44, '2024-03-01 09:30:00')"))
            connection.execute(text(
                "INSERT INTO suitability_events (event_id, customer_id, conversation_id, kind, product_id, "
                "product_rating, customer_level, text, created_at) VALUES ('E-old', 'CUST-0001', 'conv-1', "
                "'warning', 'equity_fund', 'R4', 'C3', 'Special risk warning', '2024-03-01 09:30:00')"))
        upgrade(db_url, "0004")
        assert current_revision(db_url) == "0004"
        uow = SqlAlchemyUnitOfWork(make_session_factory(db_url))
        cap = CapRecord("inconsistent_answers", "C3", "您表示最多只能承受5%以内的亏损……",
                        {"total": 54, "counted": "objective:income"})
        chinese = make_assessment("A-zh", language="zh-CN", caps=(cap,))
        shown = make_recommendation("R-zh", assessment_id="A-zh", language="zh-CN",
                                    shown_text="根据您的风险承受能力等级C3，以下产品与您相匹配")
        event = make_event("E-zh", language="zh-CN", text="风险提示：……请问您是否确认已了解上述风险，并仍要购买？")
        with uow:
            [old] = uow.assessments.list_for_customer("CUST-0001")
            [old_event] = uow.suitability_events.list_for_customer("CUST-0001")
            uow.assessments.add(chinese)
            uow.recommendations.add(shown)
            uow.suitability_events.add(event)
            uow.commit()
        assert (old.language, old.caps[0].values, old_event.language) == ("en", {}, "en")
        with uow:
            assert uow.assessments.list_for_customer("CUST-0001")[-1] == chinese
            assert uow.recommendations.list_for_customer("CUST-0001") == [shown]
            assert uow.suitability_events.list_for_customer("CUST-0001")[-1] == event
        for statement in ("UPDATE assessments SET language = 'en' WHERE assessment_id = 'A-zh'",
                          "UPDATE recommendations SET shown_text = 'x'",
                          "UPDATE suitability_events SET language = 'en'"):
            with engine.connect() as connection:
                with pytest.raises(DBAPIError, match="append-only"):
                    with connection.begin():
                        connection.execute(text(statement))
        downgrade(db_url, "0003")
        assert current_revision(db_url) == "0003"
        columns = {c["name"] for c in inspect(engine).get_columns("recommendations")}
        assert "shown_text" not in columns and "language" not in columns and "level" in columns
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- migration 0005


def test_0005_keeps_one_language_per_customer_replaced_in_place(db_url):
    """The customer's language for the next visit: one row per customer, replaced on change
    (not append-only), timestamps back in UTC; a downgrade drops only that table."""
    upgrade(db_url)
    assert current_revision(db_url) == head_revision() == "0005"
    uow = SqlAlchemyUnitOfWork(make_session_factory(db_url))
    with uow:
        assert uow.customer_languages.get("CUST-0001") is None
        uow.customer_languages.put("CUST-0001", "zh-CN", dt.datetime(2026, 3, 1, 9, 30, tzinfo=KST))
        uow.commit()
    with uow:
        uow.customer_languages.put("CUST-0001", "en", dt.datetime(2026, 3, 2, 9, 30, tzinfo=KST))
        uow.customer_languages.put("CUST-0002", "zh-CN", dt.datetime(2026, 3, 2, 9, 30, tzinfo=KST))
        uow.rollback()
    with uow:
        assert (uow.customer_languages.get("CUST-0001"), uow.customer_languages.get("CUST-0002")) == ("zh-CN", None)
        uow.customer_languages.put("CUST-0001", "en", dt.datetime(2026, 3, 2, 9, 30, tzinfo=KST))
        uow.commit()
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT customer_id, language FROM customer_languages")).all()
        assert [tuple(r) for r in rows] == [("CUST-0001", "en")]
        downgrade(db_url, "0004")
        tables = set(inspect(engine).get_table_names())
        assert "customer_languages" not in tables and "assessments" in tables
    finally:
        engine.dispose()
