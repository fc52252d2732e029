"""Rasa's SQL tracker store with a bounded conversation session.

On every message Rasa reloads, replays and re-featurises every event of the current session, and
it ships that session to the action server with every custom action, so a message late in a long
chat costs several times one early in it (scripts/bench). Sessions only end after inactivity
(`session_config`), so a customer who keeps chatting grows one session without limit.

`BoundedSQLTrackerStore` starts a new session once the current one holds `max_session_events`
events and the conversation is at rest: no form is active, the last event is `action_listen` (the
bot has answered and waits), and its last action closed the exchange (`CLOSING_ACTIONS`, nothing
that asked a question). The
new session keeps every slot, so nothing the customer told the assistant is lost; the earlier
events stay stored (transcript, `GET /conversations/<id>/tracker`, retention job) and are only
no longer replayed. Rasa's own `retrieve` already loads just the latest session.

It also publishes new events to the event broker from the same stored-event count the insert
uses, where Rasa's `stream_events` reloads and replays the whole session a second time to diff it.

Rasa indexes its `events` table on `sender_id` only, so finding the latest session reads every row
(every event's JSON) the conversation ever stored, twice per message. `SESSION_INDEXES` make that
an index lookup; they are created once, by `migrate_tracker_db` (scripts/tracker_db_migrate.py,
run by scripts/start.sh and before a production release), not when a store starts: on a large
PostgreSQL table a plain `CREATE INDEX` blocks every write until it ends, so there the migration
builds them `CONCURRENTLY`. A store that finds them missing logs a warning and works, slower.

It relies on private parts of Rasa's `SQLTrackerStore` (`_additional_events`, `_stream_new_events`,
`session_scope`, `SQLEvent`, `engine`, `sessionmaker`), so, like rasa_bot/rasa_patches.py, it only
does any of this on the Rasa version it was written against (`PATCHED_RASA_VERSION`); on another
it logs a warning and is exactly Rasa's `SQLTrackerStore` (see docs/rasa-patches.md). On SQLite
(the embedded profile) the journal is WAL with `synchronous=NORMAL`:
Rasa's SQL calls are synchronous, so each commit's fsync stalled every conversation of the
process; a crashed process still loses nothing, a power cut at most the last transcript lines.
Its connections are pooled instead of opened and closed for every load and save.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from typing import Any

import rasa
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_bot.rasa_patches import PATCHED_RASA_VERSION

logger = logging.getLogger(__name__)

DEFAULT_MAX_SESSION_EVENTS = 150
SESSION_INDEXES = {
    "ix_events_sender_type_timestamp": ("sender_id", "type_name", "timestamp"),
    "ix_events_sender_timestamp": ("sender_id", "timestamp"),
}

# Bot actions after which the next customer message starts a new exchange: answers, greetings.
# Actions that ask something (stop confirmation, an above-level product request, the rephrase
# prompt, "shall we do it now?", "Would you like to see products...?") or whose result a follow-up
# may refer to ("what would I earn on 50000?", "and at 5%?", "why?": actions/follow_up.py reads
# the session's events) are absent, so the session is never cut between them and the reply.
CLOSING_ACTIONS = frozenset({
    "utter_faq", "action_greet", "utter_welcome", "utter_goodbye", "utter_iamabot", "utter_out_of_scope",
    "utter_nothing_to_stop",
    "action_confirm_product_request", "action_cancel_questionnaire", "action_cancel_education_plan",
    "action_request_human", "action_advisor_customer_summary", "action_advisor_explain_recommendation",
    "action_advisor_campaign_list", "action_advisor_handoff_list",
})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def last_bot_action(tracker: DialogueStateTracker) -> str | None:
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


def is_at_rest(tracker: DialogueStateTracker) -> bool:
    """No form is active, the last event is `action_listen` and the bot's last action closed the exchange."""
    last = tracker.events[-1] if tracker.events else None
    return (tracker.active_loop_name is None
            and isinstance(last, ActionExecuted) and last.action_name == ACTION_LISTEN_NAME
            and last_bot_action(tracker) in CLOSING_ACTIONS)


def session_rollover(tracker: DialogueStateTracker) -> list[Event]:
    """The events Rasa's own session start would log, keeping every slot that has a value."""
    kept = [SlotSet(name, slot.value) for name, slot in tracker.slots.items()
            if slot.value is not None and name != REQUESTED_SLOT]
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), *kept, ActionExecuted(ACTION_LISTEN_NAME)]


def missing_session_indexes(engine: sa.engine.Engine) -> list[str]:
    """The `SESSION_INDEXES` the `events` table lacks (all of them when there is no table)."""
    inspector = sa.inspect(engine)
    if not inspector.has_table("events"):
        return list(SESSION_INDEXES)
    present = {index["name"] for index in inspector.get_indexes("events")}
    return [name for name in SESSION_INDEXES if name not in present]


def _invalid_postgresql_indexes(connection: sa.engine.Connection) -> list[str]:
    """Indexes a failed `CREATE INDEX CONCURRENTLY` left behind: present but never used."""
    rows = connection.execute(sa.text(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE NOT i.indisvalid AND c.relname = ANY(:names)"), {"names": list(SESSION_INDEXES)})
    return [row[0] for row in rows]


def migrate_tracker_db(engine: sa.engine.Engine) -> list[str]:
    """Create Rasa's `events` table if it is missing and the `SESSION_INDEXES`; returns those created.

    Idempotent. On PostgreSQL the indexes are built `CONCURRENTLY` (outside a transaction), so the
    Rasa servers keep writing while a large table is indexed; an index such a build left invalid
    (it was interrupted) is dropped and built again. SQLite builds them in one transaction.
    """
    SQLTrackerStore.Base.metadata.create_all(engine, tables=[SQLTrackerStore.SQLEvent.__table__])
    missing = missing_session_indexes(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in _invalid_postgresql_indexes(connection):
                connection.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
                missing.append(name)
            for name in dict.fromkeys(missing):
                columns = ", ".join(SESSION_INDEXES[name])
                connection.execute(sa.text(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON events ({columns})"))
    else:
        with engine.begin() as connection:
            for name in missing:
                columns = ", ".join(SESSION_INDEXES[name])
                connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))
    return list(dict.fromkeys(missing))


def is_supported_rasa() -> bool:
    return rasa.__version__ == PATCHED_RASA_VERSION


class BoundedSQLTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine  # Rasa's engine; on a SQLite file, replaced by a pooled one
    def __init__(self, *args: Any, max_session_events: int = DEFAULT_MAX_SESSION_EVENTS, **kwargs: Any) -> None:
        max_session_events = int(max_session_events)
        if max_session_events < 20:
            raise ValueError(f"max_session_events must be at least 20, got {max_session_events}")
        super().__init__(*args, **kwargs)
        self.max_session_events = max_session_events
        self.bounded = is_supported_rasa()
        if not self.bounded:
            logger.warning("rasa_bot.tracker_store: written for Rasa %s, running %s: working as Rasa's "
                           "SQLTrackerStore (no session bound, no pooled SQLite connections)",
                           PATCHED_RASA_VERSION, rasa.__version__)
            return
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()
        missing = missing_session_indexes(self.engine)
        if missing:
            logger.warning("The tracker store's events table lacks the indexes %s: every message reads the whole "
                           "conversation. Run scripts/tracker_db_migrate.py once.", ", ".join(missing))

    def _pool_sqlite_connections(self) -> None:
        """Keep SQLite connections open between messages, with WAL and `synchronous=NORMAL`.

        SQLAlchemy 1.4 gives a file database a NullPool: every tracker load and save opened the
        file, set the pragmas and closed it again (the close also checkpoints the WAL), about 1 ms
        each, twice per message, on the event loop. An in-memory database keeps Rasa's engine.
        """
        url = self.engine.url
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return
        self.engine.dispose()
        # Rasa's SQL calls run on the event loop thread; a pooled connection serves one session at a time.
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=5, max_overflow=5,
                                       connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def should_roll_over(self, tracker: DialogueStateTracker) -> bool:
        # `tracker.events` holds the latest session only: that is what `retrieve` loaded.
        return len(tracker.events) >= self.max_session_events and is_at_rest(tracker)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not self.bounded:
            await super().save(tracker)
            return
        rolled_over = self.should_roll_over(tracker)
        if rolled_over:
            # fresh timestamps in order: `retrieve` starts at the latest SessionStarted's timestamp
            tracker.update_with_events(session_rollover(tracker), self.domain, override_timestamp=True)
        with self.session_scope() as session:
            # Counted in the stored session, the one `tracker` was loaded from: a rollover's events
            # are among the new ones.
            new_events = list(self._additional_events(session, tracker))
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            if rows:  # one executemany: the ORM's per-object bookkeeping cost more than the SQL
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        if rolled_over:
            # Make `tracker` what `retrieve` now returns, so that saving it again stays correct.
            events = list(tracker.events)
            start = max(i for i, event in enumerate(events) if isinstance(event, SessionStarted))
            tracker.events = deque(events[start:], maxlen=tracker.events.maxlen)
            logger.debug("Conversation session rolled over after %d events", len(events))
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
