#!/usr/bin/env python3
"""Delete old chat transcripts from Rasa's SQL tracker store.

Rasa has no retention of its own: its SQL tracker store keeps every event of every conversation
forever. This job deletes the rows of the tracker store table ``events`` whose ``timestamp``
(float, seconds since the epoch, set by Rasa for every event) is older than the retention period.
Run it once a day (see deploy/PRODUCTION.md).

    python scripts/retention.py                    # RASA_TRANSCRIPT_RETENTION_DAYS (default 90)
    python scripts/retention.py --days 30 --dry-run
    python scripts/retention.py --tracker-url postgresql+psycopg2://user:pw@host:5432/rasa_tracker

The tracker store database (``--tracker-url``, an SQLAlchemy URL) defaults to

* the production profile's PostgreSQL database when ``RASA_TRACKER_DB_HOST`` is set, built from
  ``RASA_TRACKER_DB_HOST``/``_PORT``/``_NAME``/``_USER``/``_PASSWORD``/``_SSLMODE`` - the same
  variables as deploy/endpoints.production.yml;
* otherwise the embedded profile's SQLite file: ``RASA_TRACKER_DB`` if set, else
  ``$ADVISOR_VAR_DIR/rasa_tracker.db`` (``ADVISOR_VAR_DIR`` defaults to the repository's ``var/``).

What it never does:

* It only ever reads and deletes rows of the table ``events``; no statement names another table.
* It refuses (exit status 2) a database without Rasa's ``events`` table - in particular the advisor
  database, whose suitability records (assessments, recommendations, recommendation_items,
  suitability_events) are kept for 20 years - and a SQLite file that does not exist.
* It does not delete events without a timestamp (Rasa always sets one).

Rows are deleted in batches (``--batch-size`` rows per transaction, at most ``--max-batches``
batches per run; whatever is left is deleted by the next run), so the job never holds a long lock
on the table the Rasa servers are writing to. A conversation that spans the cut-off keeps its
newer events; Rasa sessions expire after 60 minutes, far shorter than any allowed period (at
least 1 day), so no live session is cut.

Exit status: 0 done (or nothing to do), 1 database error, 2 refused / bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parents[1]
EVENTS_TABLE = "events"
# Columns of Rasa 3.6's SQLTrackerStore.SQLEvent (rasa/core/tracker_store.py) the job relies on.
REQUIRED_COLUMNS = frozenset({"id", "sender_id", "type_name", "timestamp", "data"})
# The advisor database's suitability records (advisor_core/adapters/orm.py): kept 20 years.
ADVISOR_RECORD_TABLES = ("assessments", "recommendations", "recommendation_items", "suitability_events")
DEFAULT_DAYS = 90
DEFAULT_BATCH_SIZE = 1000
DEFAULT_MAX_BATCHES = 10_000

# Only this table is ever named in a statement.
_events = sa.table(EVENTS_TABLE, sa.column("id"), sa.column("sender_id"), sa.column("timestamp"))


class Refused(Exception):
    """The target is not a Rasa tracker store database (or cannot be used safely)."""


def default_tracker_url(env: Mapping[str, str] | None = None) -> str:
    """The tracker store URL from the environment (see the module docstring)."""
    env = os.environ if env is None else env
    host = env.get("RASA_TRACKER_DB_HOST", "").strip()
    if host:
        sslmode = env.get("RASA_TRACKER_DB_SSLMODE", "").strip()
        port = env.get("RASA_TRACKER_DB_PORT", "").strip()
        url = URL.create(
            "postgresql+psycopg2",
            username=env.get("RASA_TRACKER_DB_USER") or None,
            password=env.get("RASA_TRACKER_DB_PASSWORD") or None,
            host=host,
            port=int(port) if port else None,
            database=env.get("RASA_TRACKER_DB_NAME") or None,
            query={"sslmode": sslmode} if sslmode else {},
        )
        return url.render_as_string(hide_password=False)
    path = env.get("RASA_TRACKER_DB", "").strip()
    if not path:
        var_dir = env.get("ADVISOR_VAR_DIR", "").strip() or str(ROOT / "var")
        path = os.path.join(var_dir, "rasa_tracker.db")
    return f"sqlite:///{os.path.abspath(os.path.expanduser(path))}"


def default_days(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    raw = env.get("RASA_TRANSCRIPT_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_DAYS
    try:
        return int(raw)
    except ValueError:
        raise Refused(f"RASA_TRANSCRIPT_RETENTION_DAYS must be a whole number of days, got {raw!r}") from None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; refuses a SQLite file that does not exist (instead of creating it)."""
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            raise Refused(f"{url!r} is not a SQLite tracker store file")
        if not Path(database).is_file():
            raise Refused(f"no tracker store database at {database} (the file does not exist)")
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 10
    return sa.create_engine(parsed, future=True, connect_args=connect_args)


def check_tracker_database(engine: Engine) -> None:
    """Refuse anything but a database holding Rasa's ``events`` table (reads the catalog only)."""
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    where = engine.url.render_as_string(hide_password=True)
    if EVENTS_TABLE not in tables:
        advisor = [t for t in ADVISOR_RECORD_TABLES if t in tables]
        if advisor:
            raise Refused(
                f"{where} is the advisor database (it holds {', '.join(advisor)}), not Rasa's tracker store: "
                "suitability records are kept for 20 years and are never deleted by this job. "
                "Pass the tracker store database with --tracker-url."
            )
        raise Refused(f"{where} has no '{EVENTS_TABLE}' table: it is not a Rasa SQL tracker store database")
    columns = {c["name"] for c in inspector.get_columns(EVENTS_TABLE)}
    missing = REQUIRED_COLUMNS - columns
    if missing:
        raise Refused(
            f"the '{EVENTS_TABLE}' table of {where} lacks {', '.join(sorted(missing))}: "
            "it is not Rasa's tracker store table"
        )


def count_expired(engine: Engine, cutoff: float) -> tuple[int, int]:
    """(events, conversations) with a timestamp before ``cutoff``."""
    stmt = sa.select(sa.func.count(), sa.func.count(sa.distinct(_events.c.sender_id))).where(
        _events.c.timestamp < cutoff
    )
    with engine.connect() as connection:
        events, senders = connection.execute(stmt).one()
    return int(events), int(senders)


def delete_expired(engine: Engine, cutoff: float, *, batch_size: int, max_batches: int) -> tuple[int, bool]:
    """Delete events older than ``cutoff`` in batches; returns (rows deleted, finished)."""
    deleted = 0
    for _ in range(max_batches):
        with engine.begin() as connection:  # one short transaction per batch
            ids = connection.execute(
                sa.select(_events.c.id).where(_events.c.timestamp < cutoff).order_by(_events.c.id).limit(batch_size)
            ).scalars().all()
            if not ids:
                return deleted, True
            result = connection.execute(sa.delete(_events).where(_events.c.id.in_(ids)))
            deleted += result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(ids)
        if len(ids) < batch_size:
            return deleted, True
    return deleted, False


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="retention.py",
        description="Delete Rasa chat transcripts (tracker store 'events' rows) older than the retention period.",
    )
    parser.add_argument("--tracker-url", default=None,
                        help="SQLAlchemy URL of Rasa's tracker store database (default: from RASA_TRACKER_DB_* "
                             "or the embedded SQLite file)")
    parser.add_argument("--days", type=_positive, default=None,
                        help=f"retention period in days (default: RASA_TRANSCRIPT_RETENTION_DAYS or {DEFAULT_DAYS})")
    parser.add_argument("--batch-size", type=_positive, default=DEFAULT_BATCH_SIZE,
                        help=f"rows deleted per transaction (default {DEFAULT_BATCH_SIZE})")
    parser.add_argument("--max-batches", type=_positive, default=DEFAULT_MAX_BATCHES,
                        help=f"at most this many batches per run (default {DEFAULT_MAX_BATCHES})")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    engine = None
    try:
        days = args.days if args.days is not None else default_days()
        if days < 1:
            raise Refused(f"the retention period must be at least 1 day, got {days}")
        url = args.tracker_url or default_tracker_url()
        engine = make_engine(url)
        where = engine.url.render_as_string(hide_password=True)
        check_tracker_database(engine)
        cutoff = time.time() - days * 86400
        cutoff_text = dt.datetime.fromtimestamp(cutoff, dt.UTC).isoformat(timespec="seconds")
        if args.dry_run:
            events, senders = count_expired(engine, cutoff)
            print(f"retention: dry run: would delete {events} events of {senders} conversations older than "
                  f"{days} days (before {cutoff_text}) from {where}")
            return 0
        deleted, finished = delete_expired(engine, cutoff, batch_size=args.batch_size, max_batches=args.max_batches)
        print(f"retention: deleted {deleted} events older than {days} days (before {cutoff_text}) from {where}")
        if not finished:
            print(f"retention: stopped after {args.max_batches} batches; the next run deletes the rest")
        return 0
    except Refused as exc:
        print(f"retention: refused: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"retention: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
