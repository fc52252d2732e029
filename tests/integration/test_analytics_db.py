"""Offer events in the database, the tracker-store reader, and the report CLI end to end."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.adapters.tracker_events import iter_tracker_events
from advisor_core.analytics import generate_demo_book
from advisor_core.analytics.funnel import funnel_counts, read_events_jsonl, slim_events
from advisor_core.cli import main
from advisor_core.domain.levels import RiskLevel
from advisor_core.errors import PersistenceError
from advisor_core.services.offers import record_offer_accepted, record_offer_shown

RECORDED = Path(__file__).resolve().parents[1] / "data" / "conversations.jsonl"
NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


def test_offer_events_round_trip_and_are_append_only(make_uow) -> None:
    catalog = default_catalog()
    shown = record_offer_shown(make_uow(), catalog, customer_id="C000001", conversation_id="conv-9",
                               product_id="bond_fund", level=RiskLevel.C2, channel="socketio", now=NOW,
                               persona="steady", arm="expected")
    record_offer_accepted(make_uow(), catalog, customer_id="C000001", conversation_id="conv-9",
                          product_id="bond_fund", level=RiskLevel.C2, channel="socketio",
                          now=NOW + dt.timedelta(seconds=30), persona="steady", arm="expected")
    with make_uow() as uow:
        events = uow.offer_events.list_for_conversation("conv-9")
        assert events[0] == shown and events[0].created_at.tzinfo is dt.UTC
        assert [e.kind for e in events] == ["shown", "accepted"]
        assert [e.kind for e in uow.offer_events.list_since(NOW + dt.timedelta(seconds=1))] == ["accepted"]
    with make_uow() as uow:
        with pytest.raises(PersistenceError, match="kind"):   # the database's check, not only the service's
            uow.offer_events.add(dataclasses.replace(shown, event_id="other", kind="opened"))
    with make_uow() as uow:
        with pytest.raises(PersistenceError, match="duplicate|UNIQUE|unique"):
            uow.offer_events.add(shown)


def _rasa_events_table(url: str) -> None:
    """The columns of Rasa's SQLTrackerStore ``events`` table."""
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
            "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"))
        for line in RECORDED.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            sender = event.pop("sender_id")
            connection.execute(text(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "VALUES (:s, :t, :ts, :i, :a, :d)"),
                dict(s=sender, t=event["event"], ts=event["timestamp"],
                     i=(event.get("parse_data") or {}).get("intent", {}).get("name"), a=event.get("name"),
                     d=json.dumps(event)))
    engine.dispose()


def test_tracker_store_and_broker_export_give_the_same_funnel(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    _rasa_events_table(url)
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    since = (now - dt.timedelta(days=90)).timestamp()
    from_sql = slim_events(iter_tracker_events(url, since=since), now=now, retention_days=90)
    from_file = read_events_jsonl(RECORDED, now=now, retention_days=90)
    for mine, theirs in zip(funnel_counts(from_sql), funnel_counts(from_file), strict=True):
        assert mine.equals(theirs)


def test_report_cli_writes_html_and_csvs_without_names(tmp_path: Path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'advisor.db'}"
    assert main(["--database-url", db, "migrate"]) == 0
    assert main(["--database-url", db, "load-demo", "--customers", "800"]) == 0
    record_offer_args = dict(customer_id="C000001", conversation_id="conv-1", product_id="deposit_plus",
                             level=None, channel="rest", now=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory

    factory = make_session_factory(db)
    record_offer_shown(SqlAlchemyUnitOfWork(factory), default_catalog(), **record_offer_args)
    factory.kw["bind"].dispose()
    out = tmp_path / "report"
    assert main(["--database-url", db, "report", "--out", str(out), "--today", "2026-11-22",
                 "--events", str(RECORDED), "--retention-days", "90", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "report on 800 customers (database book)" in printed
    page = (out / "index.html").read_text(encoding="utf-8")
    for section in ("Look-alike segments", "Lifecycle", "Campaigns", "Persona label check", "Assistant funnel"):
        assert section in page
    for chart in ("segments.png", "lifecycle.png", "campaigns.png", "label_check.png", "funnel.png"):
        assert (out / chart).stat().st_size > 1000 and f'src="{chart}"' in page
    with (out / "funnel_daily.csv").open(encoding="utf-8") as handle:
        daily = list(csv.DictReader(handle))
    assert sum(int(r["conversations"]) for r in daily) == 6
    assert sum(int(r["offers_shown"]) for r in daily) == 1
    with (out / "customers.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 800
    names = {c.display_name for c in generate_demo_book(800)}
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".csv", ".html", ".md"))
    assert not any(name in everything for name in names)
    assert "no names" in (out / "CONTENTS.md").read_text(encoding="utf-8")
