#!/usr/bin/env python3
"""Prepare the Rasa tracker store database: Rasa's `events` table and the session indexes.

    python scripts/tracker_db_migrate.py                   # the database of the environment
    python scripts/tracker_db_migrate.py --tracker-url postgresql+psycopg2://user:pw@host/rasa_tracker

The database is the one scripts/retention.py uses (``--tracker-url``, else built from
``RASA_TRACKER_DB_*`` for PostgreSQL or ``RASA_TRACKER_DB`` for the embedded SQLite file). It
creates Rasa's `events` table when it is missing and the indexes `rasa_bot.tracker_store`'s session
lookups need (`SESSION_INDEXES`), on PostgreSQL with `CREATE INDEX CONCURRENTLY` so the Rasa servers
keep writing meanwhile. Idempotent: run it from scripts/start.sh, and in production once per release
before the Rasa servers start (deploy/PRODUCTION.md). It refuses the advisor database.

Exit status: 0 done, 1 database error, 2 refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retention import ADVISOR_RECORD_TABLES, default_tracker_url  # noqa: E402


def advisor_tables_in(engine: sa.engine.Engine) -> list[str]:
    present = set(sa.inspect(engine).get_table_names())
    return [table for table in ADVISOR_RECORD_TABLES if table in present]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracker-url", default=None, help="SQLAlchemy URL of the tracker store database")
    args = parser.parse_args(argv)
    url = args.tracker_url or default_tracker_url()
    if make_url(url).get_backend_name() == "sqlite" and make_url(url).database:
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)

    from rasa_bot.tracker_store import migrate_tracker_db

    engine = sa.create_engine(url)
    try:
        found = advisor_tables_in(engine)
        if found:
            print(f"refused: this database holds the advisor's records ({', '.join(found)}), "
                  "not Rasa's conversations", file=sys.stderr)
            return 2
        created = migrate_tracker_db(engine)
    except SQLAlchemyError as error:
        print(f"database error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"tracker database ready; indexes created: {', '.join(created) or 'none (already there)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
