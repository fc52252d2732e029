"""Offer events in the database, the tracker-store reader, and the report CLI end to end."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from decimal import Decimal
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


def test_live_label_check_events_reach_the_label_check_input_and_the_report(tmp_path: Path, capsys) -> None:
    """The chat's path on a SQLite advisor database: labelled customers are recommended products with
    their arm (recommend_and_record with label_check), the shown events and some acceptances are
    recorded, and the label check reads them back - in code and through the report CLI."""
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory
    from advisor_core.analytics.label_check import experiment_from_events, offer_events_frame
    from advisor_core.services.offers import record_offer_response, record_offers_shown
    from advisor_core.services.recommendations import recommend_and_record
    from tests.fakes import make_assessment, make_customer

    db = f"sqlite:///{tmp_path / 'advisor.db'}"
    assert main(["--database-url", db, "migrate"]) == 0
    catalog = default_catalog()
    factory = make_session_factory(db)
    ids = [f"C{i:06d}" for i in range(1, 13)]
    with SqlAlchemyUnitOfWork(factory) as uow:
        for cid in ids:   # labelled "steady": little in deposits, no growth product, level C3
            uow.customers.add(make_customer(cid, investable_assets=Decimal("500000.00")))
            uow.assessments.add(make_assessment(f"A-{cid}", customer_id=cid, conversation_id="earlier", level="C3",
                                               created_at=NOW - dt.timedelta(days=1), age_at_assessment=44,
                                               answers={"kyc_horizon": "gt_10y"}))
        uow.commit()
    want = set()
    for n, cid in enumerate(ids):
        common = dict(customer_id=cid, conversation_id=f"conv-{cid}", channel="socketio", now=NOW)
        outcome = recommend_and_record(SqlAlchemyUnitOfWork(factory), catalog, customer_id=cid,
                                       conversation_id=common["conversation_id"], now=NOW, label_check=True)
        label = outcome.label
        assert label is not None and label.persona == "steady"
        record_offers_shown(SqlAlchemyUnitOfWork(factory), catalog, product_ids=[r.product.id for r in
                                                                                 outcome.recommendations],
                            level=RiskLevel.C3, label=label, **common)
        accepted = n % 3 == 0
        if accepted:
            assert record_offer_response(SqlAlchemyUnitOfWork(factory), catalog, kind="accepted",
                                         product_id=label.product_id, level=RiskLevel.C3, **common) is not None
        want.add((cid, "steady", label.arm, label.product_id, accepted))
    record_offers_shown(SqlAlchemyUnitOfWork(factory), catalog, customer_id=None, conversation_id="guest",
                        product_ids=["deposit_plus"], level=None, channel="rest", now=NOW)   # a guest: not in it
    assert {arm for _, _, arm, _, _ in want} == {"expected", "alternative"}

    with SqlAlchemyUnitOfWork(factory) as uow:
        events = offer_events_frame(uow.offer_events.list_since(None))
    factory.kw["bind"].dispose()
    experiment = experiment_from_events(events)
    got = {(r.customer_id, r.persona, r.arm, r.product_id, bool(r.accepted)) for r in experiment.itertuples()}
    assert got == want
    assert {"bond_fund", "money_market_fund"} == {p for _, _, _, p, _ in want}

    out = tmp_path / "report"
    assert main(["--database-url", db, "report", "--out", str(out), "--book", "demo", "--customers", "300",
                 "--today", "2026-11-22", "--label-check", "recorded", "--no-progress"]) == 0
    assert "persona label check recorded (12 customers and arms)" in capsys.readouterr().out
    with (out / "label_check_customers.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["customer_id"], r["arm"], r["accepted"]) for r in rows} == {
        (cid, arm, str(accepted)) for cid, _, arm, _, accepted in want}
    with (out / "label_check.csv").open(encoding="utf-8") as handle:
        (steady,) = list(csv.DictReader(handle))
    arms = [arm for _, _, arm, _, _ in want]
    assert steady["persona"] == "steady"
    assert (int(steady["customers_expected_arm"]), int(steady["customers_alternative_arm"])) == (
        arms.count("expected"), arms.count("alternative"))
    assert "recorded offer events: 12 customers" in (out / "index.html").read_text(encoding="utf-8")


def test_the_report_says_so_when_no_label_check_is_recorded_yet(tmp_path: Path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'advisor.db'}"
    assert main(["--database-url", db, "migrate"]) == 0
    out = tmp_path / "report"
    assert main(["--database-url", db, "report", "--out", str(out), "--book", "demo", "--customers", "300",
                 "--today", "2026-11-22", "--label-check", "recorded", "--no-progress"]) == 0
    assert "persona label check recorded (0 customers and arms)" in capsys.readouterr().out
    assert "none recorded yet" in (out / "index.html").read_text(encoding="utf-8")
    assert main(["--database-url", db, "report", "--out", str(out), "--book", "demo", "--customers", "300",
                 "--today", "2026-11-22", "--no-progress"]) == 0
    assert "persona label check simulated" in capsys.readouterr().out
    assert "SIMULATED" in (out / "index.html").read_text(encoding="utf-8")
