"""Read conversation events from the Rasa SQL tracker store's ``events`` table (read-only).

Rasa's table: ``id, sender_id, type_name, timestamp, intent_name, action_name, data`` where
``data`` is the event's JSON (``rasa_bot/tracker_store.py`` writes the same columns). Only events
at or after ``since`` (a POSIX timestamp) are read, so a caller can honour the transcript retention
without loading older rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from advisor_core.errors import PersistenceError


def iter_tracker_events(
    url: str, since: float | None = None, batch: int = 5000
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sender_id, event dict) for every stored event, oldest first."""
    engine = create_engine(url, future=True)
    query = "SELECT sender_id, data FROM events"
    params: dict[str, Any] = {}
    if since is not None:
        query += " WHERE timestamp >= :since"
        params["since"] = since
    query += " ORDER BY sender_id, timestamp, id"
    try:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(text(query), params)
            while rows := result.fetchmany(batch):
                for sender_id, data in rows:
                    yield str(sender_id), json.loads(data)
    except SQLAlchemyError as exc:
        raise PersistenceError(f"reading the tracker store's events: {exc}") from exc
    finally:
        engine.dispose()
