"""Command line: ``python -m advisor_core <command>`` (or the ``advisor-core`` script).

    migrate           create or upgrade the database schema (Alembic)
    load-demo         load the deterministic synthetic customer book
    score FILE        score a questionnaire from a JSON or YAML answers file
    recommend         print recommendations for a level (or a customer in the database)
    campaigns         count customers fitting each campaign and export CSV lists
    report --out DIR  customer analytics: HTML report with charts and the CSVs behind them
    check-config      refuse settings the servers must not start with (a short ADVISOR_JWT_SECRET)
    token             sign a demo auth_token: --customer ID or --advisor NAME [--minutes N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from advisor_core.errors import AdvisorError


def _database_url(args: argparse.Namespace) -> str:
    from advisor_core.settings import load_settings

    return args.database_url or load_settings().database_url


def _export_dir(args: argparse.Namespace) -> Path:
    from advisor_core.settings import load_settings

    return Path(args.export_dir) if args.export_dir else load_settings().export_dir


def cmd_migrate(args: argparse.Namespace) -> int:
    from advisor_core.adapters.migrate import current_revision, upgrade

    url = _database_url(args)
    upgrade(url)
    print(f"database at revision {current_revision(url)}")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory
    from advisor_core.analytics.demo_book import generate_demo_book

    customers = generate_demo_book(args.customers, seed=args.seed)
    uow = SqlAlchemyUnitOfWork(make_session_factory(_database_url(args)))
    with uow:
        if uow.customers.count():
            print(f"the database already holds {uow.customers.count()} customers; nothing loaded")
            return 0
        uow.customers.add_many(customers)
        uow.commit()
    print(f"loaded {len(customers)} synthetic customers (seed {args.seed})")
    return 0


def _read_answers(path: Path) -> dict[str, Any]:
    import yaml

    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a mapping of slot name to answer")
    return data


def cmd_score(args: argparse.Namespace) -> int:
    from advisor_core.adapters.datafiles import default_questionnaire
    from advisor_core.domain.scoring import score

    result = score(default_questionnaire(), _read_answers(Path(args.answers)))
    out = {
        "level": result.level.name, "total": result.total, "answered_total": result.answered_total,
        "capacity": result.capacity,
        "willingness": result.willingness, "lowest_category": result.lowest_category,
        "caps": [c.code for c in result.caps], "item_points": result.item_points,
        "explanation": result.explanation,
    }
    print(json.dumps(out, indent=2))
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    from decimal import Decimal

    from advisor_core.adapters.datafiles import default_catalog
    from advisor_core.domain.levels import RiskLevel
    from advisor_core.domain.products import Audience
    from advisor_core.domain.recommendation import CustomerContext, recommend

    ctx = CustomerContext(
        level=RiskLevel.parse(args.level) if args.level else None,
        goals=tuple(args.goal or ()), horizon=args.horizon, age=args.age,
        demand_balance=Decimal(args.demand_balance) if args.demand_balance else None,
        total_assets=Decimal(args.total_assets) if args.total_assets else None,
        today=dt.date.today())
    for n, rec in enumerate(recommend(default_catalog(), ctx, audience=Audience(args.audience)), start=1):
        print(f"{n}. {rec.product.id} ({rec.product.risk_rating.name})")
        for reason in rec.reasons:
            print(f"   - {reason}")
    return 0


def cmd_campaigns(args: argparse.Namespace) -> int:
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory
    from advisor_core.services.advisor import advisor_campaigns, campaign_list

    uow = SqlAlchemyUnitOfWork(make_session_factory(_database_url(args)))
    for name in advisor_campaigns():
        result = campaign_list(uow, campaign=name, today=dt.date.today(), export_dir=_export_dir(args))
        print(f"{name}: {result.eligible} customers -> {result.export_path}")
    return 0


def _read_database(args: argparse.Namespace, *, customers: bool) -> tuple[list[Any], Any]:
    """(customer records or [], the assistant's offer events as a frame or None) from the advisor
    database; an unreadable or unmigrated database gives nothing and says why on stderr."""
    from advisor_core.adapters.unit_of_work import SqlAlchemyUnitOfWork, make_session_factory
    from advisor_core.analytics.label_check import offer_events_frame
    from advisor_core.errors import PersistenceError

    factory = make_session_factory(_database_url(args))
    records: list[Any] = []
    offers = None
    try:
        if customers:
            with SqlAlchemyUnitOfWork(factory) as uow:
                records = uow.customers.list_all()
        with SqlAlchemyUnitOfWork(factory) as uow:
            offers = offer_events_frame(uow.offer_events.list_since(None))
    except PersistenceError as exc:  # not migrated (yet, or not to offer events)
        print(f"database: {exc}", file=sys.stderr)
    finally:
        factory.kw["bind"].dispose()
    return records, offers


def _report_book(args: argparse.Namespace, today: dt.date) -> tuple[Any, Any, str]:
    """(analytics book, the assistant's offer events frame or None, where the book came from).

    The offer events (what the chat showed, and what was clicked and accepted) always come from the
    advisor database: with the database's book, and with the demo book when ``--label-check
    recorded`` asks for the recorded label check."""
    from advisor_core.analytics.book import book_from_customers
    from advisor_core.analytics.demo_book import generate_demo_book

    offers = None
    if args.book == "database" or args.label_check == "recorded":
        customers, offers = _read_database(args, customers=args.book == "database")
        if customers:
            return book_from_customers(customers, seed=args.seed, today=today), offers, "database"
        if args.book == "database":
            print("no customers in the database: using the synthetic demo book", file=sys.stderr)
    customers = generate_demo_book(args.customers, seed=args.seed, today=today)
    return book_from_customers(customers, seed=args.seed, today=today), offers, "demo"


def cmd_report(args: argparse.Namespace) -> int:
    from advisor_core.adapters.datafiles import default_catalog
    from advisor_core.analytics.funnel import read_events_jsonl, slim_events
    from advisor_core.analytics.report import write_report
    from advisor_core.analytics.rules import default_rules

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    now = dt.datetime.combine(today, dt.time(23, 59, 59), tzinfo=dt.UTC)
    book, offers, source = _report_book(args, today)
    events = None
    if args.events:
        events = read_events_jsonl(Path(args.events), now=now, retention_days=args.retention_days)
    elif args.tracker_url:
        from advisor_core.adapters.tracker_events import iter_tracker_events

        since = (now - dt.timedelta(days=args.retention_days)).timestamp()
        events = slim_events(iter_tracker_events(args.tracker_url, since=since), now=now,
                             retention_days=args.retention_days)
    result = write_report(Path(args.out), book, today=today, catalog=default_catalog(), rules=default_rules(),
                          events=events, offer_events=offers, progress=not args.no_progress, seed=args.seed,
                          label_check_source=args.label_check)
    print(f"report on {len(book)} customers ({source} book) -> {result.index}")
    print(f"segment rules reproduce {result.segment_agreement:.1%} of segments; "
          f"agreement across seeds (adjusted Rand) {result.segment_stability:.2f}")
    print(f"persona label check {result.label_source} ({result.label_customers} customers and arms); "
          f"labels flagged: {', '.join(result.flagged_labels) or 'none'}")
    return 0


def _retention_days() -> int:
    import os

    raw = os.environ.get("RASA_TRANSCRIPT_RETENTION_DAYS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 90


def cmd_check_config(args: argparse.Namespace) -> int:
    """Every setting the servers read, checked once (a short ADVISOR_JWT_SECRET among them)."""
    from advisor_core.settings import load_settings

    load_settings()
    print("configuration ok")
    return 0


MAX_TOKEN_MINUTES = 24 * 60  # a demo token lives a day at most


def cmd_token(args: argparse.Namespace) -> int:
    """Print a signed auth_token for a demo (the bank's login service signs the real ones).

    Only the token goes to stdout, so ``TOKEN=$(python -m advisor_core token --customer C000123)``
    works; what it is for goes to stderr. The secret is ADVISOR_JWT_SECRET, as the servers read it.
    """
    import os

    from advisor_core.identity import SECRET_VARIABLE, check_secret, issue_token

    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        print(f"error: {SECRET_VARIABLE} is not set: a token signed with anything else would not verify "
              "on the servers. Export the servers' secret first.", file=sys.stderr)
        return 2
    check_secret(secret)  # a secret the servers would refuse signs nothing either
    role, subject = ("customer", args.customer) if args.customer is not None else ("advisor", args.advisor)
    subject = subject.strip()
    if not subject:
        print(f"error: the {role} id must not be empty", file=sys.stderr)
        return 2
    if not 1 <= args.minutes <= MAX_TOKEN_MINUTES:
        print(f"error: --minutes must be from 1 to {MAX_TOKEN_MINUTES}", file=sys.stderr)
        return 2
    now = dt.datetime.now(dt.UTC)
    token = issue_token(subject, role, secret, expires_in=dt.timedelta(minutes=args.minutes), now=now)
    expires = now + dt.timedelta(minutes=args.minutes)
    print(f"{role} {subject}, valid {args.minutes} minutes (until {expires:%Y-%m-%d %H:%M} UTC)", file=sys.stderr)
    print(token)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="advisor-core", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL or SQLite under ./var")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the schema").set_defaults(fn=cmd_migrate)
    demo = sub.add_parser("load-demo", help="load the synthetic customer book")
    demo.add_argument("--customers", type=int, default=3000)
    demo.add_argument("--seed", type=int, default=20261124)
    demo.set_defaults(fn=cmd_load_demo)
    sc = sub.add_parser("score", help="score an answers file (JSON or YAML)")
    sc.add_argument("answers")
    sc.set_defaults(fn=cmd_score)
    rec = sub.add_parser("recommend", help="recommendations for a profile")
    rec.add_argument("--level", help="C1..C5; omit for a customer without an assessment")
    rec.add_argument("--goal", action="append", help="a goal id; repeat for several")
    rec.add_argument("--horizon", help="an item-9 option id, e.g. 5_10y")
    rec.add_argument("--age", type=int)
    rec.add_argument("--demand-balance")
    rec.add_argument("--total-assets")
    rec.add_argument("--audience", choices=["customer", "advisor"], default="customer")
    rec.set_defaults(fn=cmd_recommend)
    camp = sub.add_parser("campaigns", help="campaign counts and CSV exports")
    camp.add_argument("--export-dir", help="defaults to $ADVISOR_EXPORT_DIR, else exports/ under $ADVISOR_VAR_DIR")
    camp.set_defaults(fn=cmd_campaigns)
    rep = sub.add_parser("report", help="customer analytics report (HTML, charts, CSVs)")
    rep.add_argument("--out", required=True, help="folder for index.html and the CSVs")
    rep.add_argument("--book", choices=["database", "demo"], default="database",
                     help="customers from the database (the demo book when it holds none), or the demo book")
    rep.add_argument("--customers", type=int, default=3000, help="size of the demo book")
    rep.add_argument("--seed", type=int, default=20261124)
    rep.add_argument("--today", help="YYYY-MM-DD (default: today)")
    rep.add_argument("--events", help="conversation events exported from the event broker (JSON lines)")
    rep.add_argument("--tracker-url", help="SQLAlchemy URL of Rasa's tracker store, read-only")
    rep.add_argument("--retention-days", type=int, default=_retention_days(),
                     help="ignore conversation events older than this (default: $RASA_TRANSCRIPT_RETENTION_DAYS or 90)")
    rep.add_argument("--label-check", choices=["auto", "recorded", "simulated"], default="auto",
                     help="persona label check on the chat's recorded offer events (read from the database, also "
                          "with --book demo), on a simulated experiment, or auto: recorded when any, else simulated")
    rep.add_argument("--no-progress", action="store_true", help="no progress bar")
    rep.set_defaults(fn=cmd_report)
    sub.add_parser("check-config", help="refuse a short ADVISOR_JWT_SECRET").set_defaults(fn=cmd_check_config)
    tok = sub.add_parser("token", help="sign a demo auth_token with $ADVISOR_JWT_SECRET")
    who = tok.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", metavar="ID", help="a customer id, e.g. C000123")
    who.add_argument("--advisor", metavar="NAME", help="an advisor's id or name")
    tok.add_argument("--minutes", type=int, default=60,
                     help=f"how long it is valid (1-{MAX_TOKEN_MINUTES}, default 60)")
    tok.set_defaults(fn=cmd_token)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except AdvisorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
