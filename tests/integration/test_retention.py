"""scripts/retention.py on real databases (SQLite and PostgreSQL).

The tracker store is Rasa 3.6's own ``SQLTrackerStore``: it creates its ``events`` table and stores
real trackers, so the job is tested against exactly the schema the Rasa servers write.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from advisor_core.adapters.unit_of_work import make_engine
from tests.fakes import make_assessment, make_event, make_recommendation

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "retention.py"
DAY = 86400.0
ADVISOR_RECORDS = ("assessments", "recommendations", "recommendation_items", "suitability_events")


def _load_script():
    spec = importlib.util.spec_from_file_location("retention_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


retention = _load_script()


def run_job(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("RASA_TRACKER_DB", "RASA_TRANSCRIPT_RETENTION_DAYS"))}
    clean.update(SQLALCHEMY_SILENCE_UBER_WARNING="1", RASA_TELEMETRY_ENABLED="false")
    clean.update(env or {})
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


# --------------------------------------------------------------------------- a real tracker store


def _rasa_store(url: str):
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore(host=url)  # a URL in `host` is used as is; creates the `events` table


def _conversation(sender: str, start: float) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    return [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start + 1),
        ActionExecuted("action_listen", timestamp=start + 2),
        UserUttered(f"hello from {sender}", {"name": "greet", "confidence": 1.0}, timestamp=start + 3),
        BotUttered("Hello! How can I help?", timestamp=start + 4),
    ]


def populate(url: str, now: float) -> dict[str, list[float]]:
    """Three conversations: two with an old (200 days) and a recent (2 days / 1 hour) session, one
    only old. Returns the recent timestamps per sender."""
    from rasa.shared.core.trackers import DialogueStateTracker

    plan = {
        "customer-a": [now - 200 * DAY, now - 2 * DAY],
        "customer-b": [now - 120 * DAY, now - 3600],
        "customer-old": [now - 365 * DAY],
    }
    store = _rasa_store(url)
    recent: dict[str, list[float]] = {}
    try:
        for sender, starts in plan.items():
            events = [e for start in starts for e in _conversation(sender, start)]
            asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
            recent[sender] = [e.timestamp for e in events if e.timestamp >= now - 90 * DAY]
    finally:
        store.engine.dispose()
    return recent


def rows(url: str) -> list[tuple[str, str, float]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(
                sa.text("SELECT sender_id, type_name, timestamp FROM events ORDER BY id"))]
    finally:
        engine.dispose()


def record_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ADVISOR_RECORDS}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tracker_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def populated(tracker_url) -> Iterator[tuple[str, dict[str, list[float]]]]:
    yield tracker_url, populate(tracker_url, time.time())


# --------------------------------------------------------------------------- the job


def test_dry_run_counts_and_deletes_nothing(populated):
    url, _ = populated
    before = rows(url)
    result = run_job("--tracker-url", url, "--days", "90", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would delete 15 events of 3 conversations older than 90 days" in result.stdout
    assert rows(url) == before


def test_deletes_only_events_older_than_the_period(populated):
    url, recent = populated
    result = run_job("--tracker-url", url, "--days", "90", "--batch-size", "4")  # several batches
    assert result.returncode == 0, result.stderr
    assert "deleted 15 events older than 90 days" in result.stdout
    left = rows(url)
    assert {sender for sender, _, _ in left} == {"customer-a", "customer-b"}
    for sender in ("customer-a", "customer-b"):
        assert [ts for s, _, ts in left if s == sender] == pytest.approx(recent[sender])
        assert [t for s, t, _ in left if s == sender] == ["action", "session_started", "action", "user", "bot"]

    # Rasa still reads the remaining conversations, in order.
    store = _rasa_store(url)
    try:
        tracker = asyncio.run(store.retrieve_full_tracker("customer-b"))
        assert [e.timestamp for e in tracker.events] == pytest.approx(recent["customer-b"])
        assert tracker.latest_message.text == "hello from customer-b"
        assert asyncio.run(store.retrieve_full_tracker("customer-old")) is None
    finally:
        store.engine.dispose()

    again = run_job("--tracker-url", url, "--days", "90")
    assert again.returncode == 0 and "deleted 0 events" in again.stdout
    assert rows(url) == left


def test_period_and_database_come_from_the_environment(tmp_path):
    path = tmp_path / "rasa_tracker.db"
    now = time.time()
    populate(f"sqlite:///{path}", now)
    before = rows(f"sqlite:///{path}")
    kept = run_job(env={"RASA_TRACKER_DB": str(path), "RASA_TRANSCRIPT_RETENTION_DAYS": "400"})
    assert kept.returncode == 0, kept.stderr
    assert "deleted 0 events older than 400 days" in kept.stdout and str(path) in kept.stdout
    assert rows(f"sqlite:///{path}") == before
    cut = run_job(env={"ADVISOR_VAR_DIR": str(tmp_path), "RASA_TRANSCRIPT_RETENTION_DAYS": "150"})
    assert cut.returncode == 0, cut.stderr
    assert "deleted 10 events older than 150 days" in cut.stdout  # the 200- and 365-day sessions
    assert {s for s, _, _ in rows(f"sqlite:///{path}")} == {"customer-a", "customer-b"}


def test_default_url_is_the_production_tracker_database():
    url = retention.default_tracker_url({
        "RASA_TRACKER_DB_HOST": "tracker-db.internal", "RASA_TRACKER_DB_PORT": "5433",
        "RASA_TRACKER_DB_NAME": "rasa_tracker", "RASA_TRACKER_DB_USER": "rasa",
        "RASA_TRACKER_DB_PASSWORD": "p@ss/word", "RASA_TRACKER_DB_SSLMODE": "require",
    })
    parsed = sa.engine.make_url(url)
    assert (parsed.drivername, parsed.host, parsed.port, parsed.database, parsed.username, parsed.password) == (
        "postgresql+psycopg2", "tracker-db.internal", 5433, "rasa_tracker", "rasa", "p@ss/word")
    assert parsed.query == {"sslmode": "require"}
    assert retention.default_tracker_url({"ADVISOR_VAR_DIR": "/srv/advisor"}) == "sqlite:////srv/advisor/rasa_tracker.db"


@pytest.mark.parametrize("args", [["--days", "0"], ["--days", "-5"], ["--batch-size", "0"]])
def test_bad_arguments_are_refused(populated, args):
    url, _ = populated
    before = rows(url)
    result = run_job("--tracker-url", url, *args)
    assert result.returncode == 2
    assert rows(url) == before


def test_missing_sqlite_file_is_refused_not_created(tmp_path):
    path = tmp_path / "nowhere" / "rasa_tracker.db"
    result = run_job("--tracker-url", f"sqlite:///{path}")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not path.exists()


def test_database_without_events_table_is_refused(tracker_url):
    engine = make_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    result = run_job("--tracker-url", tracker_url)
    assert result.returncode == 2 and "not a Rasa SQL tracker store" in result.stderr


# --------------------------------------------------------------------------- the advisor database


def _store_advisor_records(make_uow) -> None:
    with make_uow() as uow:
        uow.assessments.add(make_assessment())  # created 2024-03-01: "old", but kept 20 years
        uow.recommendations.add(make_recommendation())
        uow.suitability_events.add(make_event())
        uow.commit()


def test_advisor_database_is_refused_and_untouched(migrated_url, make_uow):
    _store_advisor_records(make_uow)
    before = record_counts(migrated_url)
    assert before == {"assessments": 1, "recommendations": 1, "recommendation_items": 2, "suitability_events": 1}
    for extra in ([], ["--dry-run"], ["--days", "1"]):
        result = run_job("--tracker-url", migrated_url, *extra)
        assert result.returncode == 2, result.stdout
        assert "is the advisor database" in result.stderr and "never deleted" in result.stderr
    assert record_counts(migrated_url) == before
    with make_uow() as uow:
        assert uow.assessments.latest_for_customer("CUST-0001").assessment_id == "A-1"


def test_shared_database_only_events_are_touched(migrated_url, make_uow, capsys):
    """Tracker store and advisor tables in one database: only `events` rows go, and no statement
    the job sends names any other table."""
    _store_advisor_records(make_uow)
    before = record_counts(migrated_url)
    populate(migrated_url, time.time())

    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(" ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", capture)
    try:
        assert retention.main(["--tracker-url", migrated_url, "--days", "90", "--batch-size", "7"]) == 0
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", capture)
    assert "deleted 15 events" in capsys.readouterr().out

    assert record_counts(migrated_url) == before
    assert {s for s, _, _ in rows(migrated_url)} == {"customer-a", "customer-b"}
    writes = [s for s in statements if s.split()[0].upper() in ("DELETE", "UPDATE", "INSERT", "DROP", "ALTER",
                                                                  "TRUNCATE", "CREATE")]
    assert writes and all(s.upper().startswith("DELETE FROM EVENTS ") for s in writes), writes
    for statement in statements:
        for table in (*ADVISOR_RECORDS, "customers", "holdings", "handoff_tickets"):
            assert f" {table}" not in statement.lower(), statement
