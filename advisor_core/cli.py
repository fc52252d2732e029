"""Command line: ``python -m advisor_core <command>`` (or the ``advisor-core`` script).

    migrate           create or upgrade the database schema (Alembic)
    load-demo         load the deterministic synthetic customer book
    score FILE        score a questionnaire from a JSON or YAML answers file
    recommend         print recommendations for a level (or a customer in the database)
    campaigns         count customers fitting each campaign and export CSV lists
    check-config      refuse settings the servers must not start with (a short ADVISOR_JWT_SECRET)
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
    from advisor_core import settings

    return args.database_url or settings.database_url()


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
        "level": result.level.name, "total": result.total, "capacity": result.capacity,
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
    from advisor_core.domain.recommendation import Audience, CustomerContext, recommend

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
    from advisor_core.analytics.campaigns import CAMPAIGNS
    from advisor_core.services.advisor import campaign_list

    uow = SqlAlchemyUnitOfWork(make_session_factory(_database_url(args)))
    for name in CAMPAIGNS:
        result = campaign_list(uow, campaign=name, today=dt.date.today(), export_dir=Path(args.export_dir))
        print(f"{name}: {result.eligible} customers -> {result.export_path}")
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    import os

    from advisor_core.identity import check_secret

    check_secret(os.environ.get("ADVISOR_JWT_SECRET") or None)
    print("configuration ok")
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
    camp.add_argument("--export-dir", default="var/exports")
    camp.set_defaults(fn=cmd_campaigns)
    sub.add_parser("check-config", help="refuse a short ADVISOR_JWT_SECRET").set_defaults(fn=cmd_check_config)
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
