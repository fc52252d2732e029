"""The bounded-session tracker store (rasa_bot/tracker_store.py) on a real SQLite database."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from rasa_bot import tracker_store
from rasa_bot.tracker_store import (
    CLOSING_ACTIONS,
    SESSION_INDEXES,
    BoundedSQLTrackerStore,
    migrate_tracker_db,
    missing_session_indexes,
)
from tests.ci import skip_or_fail_in_ci

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 40


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "rasa_bot" / "domain"))


class FakeBroker:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


@pytest.fixture
def broker() -> FakeBroker:
    return FakeBroker()


@pytest.fixture
def store(tmp_path: Path, domain: Domain, broker: FakeBroker) -> BoundedSQLTrackerStore:
    return BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"),
                                  event_broker=broker, max_session_events=LIMIT)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def exchange(text: str, intent: str, action: str) -> list[Event]:
    return [UserUttered(text, {"name": intent, "confidence": 0.99}), ActionExecuted(action),
            BotUttered(f"reply to {text}"), ActionExecuted("action_listen")]


def opening() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(),
            SlotSet("risk_level", "C3"), SlotSet("customer_id", "C000123"), SlotSet("kyc_goals", ["retirement"]),
            ActionExecuted("action_listen")]


async def add(store: BoundedSQLTrackerStore, sender: str, events: list[Event]) -> DialogueStateTracker:
    """What Rasa does per message: load the latest session, append, save."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, store.domain.slots)
    for event in events:
        tracker.update(event, store.domain)
    await store.save(tracker)
    return tracker


async def chat(store: BoundedSQLTrackerStore, sender: str, messages: int) -> None:
    await add(store, sender, opening())
    for n in range(messages):
        await add(store, sender, exchange(f"what is a bond fund {n}", "faq", "utter_faq"))


def types(events: Any) -> list[str]:
    return [event.type_name for event in events]


def test_a_short_session_is_stored_whole(store: BoundedSQLTrackerStore) -> None:
    run(chat(store, "short", 5))
    tracker = run(store.retrieve("short"))
    assert len(tracker.events) == 5 + 4 * 5  # opening minus action_session_start, then 5 exchanges
    assert tracker.get_slot("risk_level") == "C3"


def test_a_long_session_at_rest_starts_a_new_one_keeping_every_slot(store: BoundedSQLTrackerStore) -> None:
    run(chat(store, "long", 30))
    latest = run(store.retrieve("long"))
    full = run(store.retrieve_full_tracker("long"))

    assert len(latest.events) < LIMIT
    assert latest.get_slot("risk_level") == "C3"
    assert latest.get_slot("customer_id") == "C000123"
    assert latest.get_slot("kyc_goals") == ["retirement"]
    # nothing is lost from the transcript: every customer message is still stored, once
    texts = [event.text for event in full.events if isinstance(event, UserUttered)]
    assert texts == [f"what is a bond fund {n}" for n in range(30)]
    sessions = types(full.events).count("session_started")
    assert sessions >= 3
    assert [event.action_name for event in full.events
            if isinstance(event, ActionExecuted)].count("action_session_start") == sessions


def test_the_new_session_is_what_rasa_would_start(store: BoundedSQLTrackerStore) -> None:
    run(chat(store, "shape", 10))  # 5 + 40 events: one rollover after the 9th exchange
    latest = run(store.retrieve("shape"))
    names = types(latest.events)
    assert names[0] == "session_started"
    assert latest.latest_action_name == "action_listen"
    assert latest.active_loop_name is None
    assert latest.latest_message.text == "what is a bond fund 9"


def test_no_rollover_while_a_form_is_active(store: BoundedSQLTrackerStore) -> None:
    run(add(store, "form", opening() + [ActiveLoop("kyc_form")]))
    for n in range(12):
        run(add(store, "form", exchange(f"answer {n}", "inform", "kyc_form")))
    assert len(run(store.retrieve("form")).events) >= 12 * 4
    assert types(run(store.retrieve_full_tracker("form")).events).count("session_started") == 1


@pytest.mark.parametrize("asking", ["utter_ask_confirm_stop", "action_request_product",
                                    "action_rephrase_or_handoff",
                                    # a yes/no question, or a result a follow-up ("why?", "and at 5%?") reads
                                    "action_recommend_products", "action_tell_risk_level",
                                    "action_score_assessment", "action_explain_deposit_plus",
                                    "action_show_education_plan", "action_decline_product_request"])
def test_no_rollover_between_a_question_and_its_answer(store: BoundedSQLTrackerStore, asking: str) -> None:
    run(chat(store, asking, 8))
    run(add(store, asking, exchange("I'd like the tech fund", "request_product", asking)))
    tracker = run(store.retrieve(asking))
    assert len(tracker.events) >= LIMIT
    assert tracker.events[-3].action_name == asking


def test_saving_the_same_tracker_again_after_a_rollover_stores_each_event_once(
        store: BoundedSQLTrackerStore) -> None:
    run(chat(store, "twice", 8))
    tracker = run(add(store, "twice", exchange("what is inflation", "faq", "utter_faq")))
    assert tracker.events[0].type_name == "session_started"  # rolled over in that save
    for event in exchange("thanks", "thank", "utter_welcome"):
        tracker.update(event, store.domain)
    run(store.save(tracker))

    latest = run(store.retrieve("twice"))
    assert [event.text for event in latest.events if isinstance(event, UserUttered)] == ["thanks"]
    full = run(store.retrieve_full_tracker("twice"))
    texts = [event.text for event in full.events if isinstance(event, UserUttered)]
    assert texts.count("what is inflation") == 1 and texts[-1] == "thanks"


def test_the_broker_gets_every_new_event_once(store: BoundedSQLTrackerStore, broker: FakeBroker) -> None:
    run(chat(store, "broker", 12))
    full = run(store.retrieve_full_tracker("broker"))
    assert [event["event"] for event in broker.published] == types(full.events)
    assert {event["sender_id"] for event in broker.published} == {"broker"}


def test_no_rollover_unless_the_last_event_is_action_listen(store: BoundedSQLTrackerStore) -> None:
    tracker = DialogueStateTracker("mid", store.domain.slots)
    for event in opening() + [e for n in range(9) for e in exchange(f"question {n}", "faq", "utter_faq")]:
        tracker.update(event, store.domain)
    assert len(tracker.events) >= LIMIT
    assert store.should_roll_over(tracker)
    tracker.update(SlotSet("risk_level", "C4"))  # after action_listen: the bot is not at rest yet
    assert tracker.latest_action_name == "action_listen"
    assert not store.should_roll_over(tracker)
    tracker.update(ActionExecuted("action_listen"))
    assert store.should_roll_over(tracker)
    tracker.update(UserUttered("hello", {"name": "greet", "confidence": 0.99}))
    assert not store.should_roll_over(tracker)


def test_on_another_rasa_version_it_is_rasas_sql_store(tmp_path: Path, domain: Domain,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracker_store.rasa, "__version__", "3.7.0")
    store = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "other.db"),
                                   max_session_events=LIMIT)
    assert not store.bounded
    assert not isinstance(store.engine.pool, sa.pool.QueuePool)
    run(chat(store, "stock", 30))
    assert types(run(store.retrieve("stock")).events).count("session_started") == 1


def test_a_tiny_limit_is_refused(tmp_path: Path, domain: Domain) -> None:
    with pytest.raises(ValueError, match="max_session_events"):
        BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"), max_session_events=5)


@pytest.mark.parametrize("endpoints", ["rasa_bot/endpoints.yml", "deploy/endpoints.production.yml"])
def test_both_profiles_use_the_bounded_store(endpoints: str) -> None:
    config = yaml.safe_load((ROOT / endpoints).read_text(encoding="utf-8"))["tracker_store"]
    assert config["type"] == "rasa_bot.tracker_store.BoundedSQLTrackerStore"
    assert config["max_session_events"] >= 100


def test_rasa_builds_the_bounded_store_from_the_endpoints_file(domain: Domain, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    config = read_endpoint_config(str(ROOT / "rasa_bot" / "endpoints.yml"), "tracker_store")
    store = create_tracker_store(config, domain)
    assert isinstance(store, BoundedSQLTrackerStore)
    assert store.max_session_events == 150


def test_every_closing_action_is_in_the_domain(domain: Domain) -> None:
    retrieval_actions = {name.split("/")[0] for name in domain.responses if "/" in name}
    assert CLOSING_ACTIONS <= set(domain.action_names_or_texts) | retrieval_actions


def test_the_latest_session_is_found_through_the_migrated_indexes(store: BoundedSQLTrackerStore) -> None:
    assert sorted(migrate_tracker_db(store.engine)) == sorted(SESSION_INDEXES)
    run(chat(store, "indexed", 3))
    with store.session_scope() as session:
        query = store._event_query(session, "indexed", fetch_events_from_all_sessions=False)
        compiled = query.statement.compile(store.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_events_sender_type_timestamp" in plan
    assert "ix_events_sender_timestamp" in plan


def test_a_store_does_not_create_indexes_at_start_and_says_how_to(tmp_path: Path, domain: Domain,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rasa_bot.tracker_store"):
        store = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "fresh.db"))
    assert sorted(missing_session_indexes(store.engine)) == sorted(SESSION_INDEXES)
    assert "scripts/tracker_db_migrate.py" in caplog.text
    run(chat(store, "unindexed", 2))  # works, only slower
    assert run(store.retrieve("unindexed")).get_slot("risk_level") == "C3"


def test_the_migration_creates_rasas_table_and_the_indexes_once(tmp_path: Path, domain: Domain,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert sorted(migrate_tracker_db(engine)) == sorted(SESSION_INDEXES)  # no table before: Rasa's is made
    assert migrate_tracker_db(engine) == []
    assert missing_session_indexes(engine) == []
    with caplog.at_level(logging.WARNING, logger="rasa_bot.tracker_store"):
        store = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "new.db"))
    assert "lacks the indexes" not in caplog.text
    run(chat(store, "migrated", 2))
    assert run(store.retrieve("migrated")).get_slot("customer_id") == "C000123"


PG_ADMIN_URL = os.environ.get("ADVISOR_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_engine() -> Iterator[sa.engine.Engine]:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        connection = admin.connect()
    except sa.exc.SQLAlchemyError as error:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {sa.engine.make_url(PG_ADMIN_URL)!r}: {str(error).splitlines()[0]}"
        skip_or_fail_in_ci(reason, must_run="the PostgreSQL tests")
    name = f"tracker_test_{uuid.uuid4().hex[:16]}"
    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(sa.engine.make_url(PG_ADMIN_URL).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.close()
        admin.dispose()


def test_on_postgresql_the_migration_builds_the_indexes_concurrently_and_rebuilds_an_invalid_one(
        postgres_engine: sa.engine.Engine) -> None:
    statements: list[str] = []
    sa.event.listen(postgres_engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_rest: statements.append(statement))
    assert sorted(migrate_tracker_db(postgres_engine)) == sorted(SESSION_INDEXES)
    assert sum("CREATE INDEX CONCURRENTLY" in statement for statement in statements) == len(SESSION_INDEXES)
    assert migrate_tracker_db(postgres_engine) == []
    with postgres_engine.begin() as connection:  # what an interrupted concurrent build leaves behind
        connection.execute(sa.text("UPDATE pg_index SET indisvalid = false WHERE indexrelid = "
                                   "'ix_events_sender_timestamp'::regclass"))
    assert migrate_tracker_db(postgres_engine) == ["ix_events_sender_timestamp"]
    with postgres_engine.connect() as connection:
        valid = connection.execute(sa.text("SELECT bool_and(i.indisvalid) FROM pg_index i JOIN pg_class c "
                                           "ON c.oid = i.indexrelid WHERE c.relname LIKE 'ix_events_sender%'"))
        assert valid.scalar() is True


def test_sqlite_runs_in_wal_mode(store: BoundedSQLTrackerStore) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_a_second_store_on_the_same_database_starts(tmp_path: Path, domain: Domain) -> None:
    first = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "shared.db"))
    run(chat(first, "shared", 2))
    second = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "shared.db"))
    assert run(second.retrieve("shared")).get_slot("risk_level") == "C3"


def test_sqlite_connections_are_reused_between_loads_and_saves(store: BoundedSQLTrackerStore) -> None:
    opened: list[Any] = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))
    run(chat(store, "pooled", 3))
    run(store.retrieve("pooled"))
    assert len(opened) <= 1


def test_two_stores_on_one_sqlite_file_see_each_others_writes(tmp_path: Path, domain: Domain) -> None:
    first = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "both.db"))
    second = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "both.db"))
    assert run(second.retrieve("shared")) is None  # second's pooled connection is open before the write
    run(chat(first, "shared", 1))
    tracker = run(second.retrieve("shared"))
    tracker.update(SlotSet("risk_level", "C5"))
    run(second.save(tracker))
    assert run(first.retrieve("shared")).get_slot("risk_level") == "C5"


def test_an_in_memory_sqlite_store_keeps_rasas_engine(domain: Domain) -> None:
    store = BoundedSQLTrackerStore(domain=domain, dialect="sqlite", db=":memory:")
    assert not isinstance(store.engine.pool, sa.pool.QueuePool)
