"""What an advisor asks in the chat: a customer's stage and segment, and a cross-sell list.

Pure functions over the customer records (the action reads them through a unit of work, as the
campaign lists do). The behaviour fields of the demo book are drawn for the whole book at once,
so one customer's insight is computed on the whole book; for the 3,000-customer demo book that is
about a second (segments included), fit for an advisor's question, not for every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor_core.analytics.book import book_from_customers
from advisor_core.analytics.cross_sell import _defaults, campaign_lists, cross_sell_frame
from advisor_core.analytics.csv_style import MACHINE_CSV, CsvStyle
from advisor_core.analytics.demo_book import DEMO_SEED
from advisor_core.analytics.lifecycle import lifecycle_frame
from advisor_core.analytics.rules import CAMPAIGN_RULES, AnalyticsRules
from advisor_core.analytics.segments import (
    SegmentRule,
    behaviour_features,
    lookalike_segments,
    segment_rules,
)
from advisor_core.domain.products import Catalog
from advisor_core.domain.records import Customer


@dataclass(frozen=True)
class CustomerInsight:
    customer_id: str
    stage: str
    lifetime_value: float
    next_best_action: str
    offer_product: str          # "" when the action offers no product
    segment: int
    segment_rules: tuple[SegmentRule, ...]  # worded by the reader (segments.rule_text)


def customer_insight(customers: Sequence[Customer], customer_id: str, today: dt.date, *,
                     catalog: Catalog | None = None, rules: AnalyticsRules | None = None,
                     seed: int = DEMO_SEED) -> CustomerInsight | None:
    """The customer's lifecycle stage, value, next best action and look-alike segment, or None
    when there is no such customer."""
    ids = [c.customer_id for c in customers]
    if customer_id not in ids:
        return None
    catalog, rules = _defaults(catalog, rules)
    book = book_from_customers(customers, seed=seed, today=today)
    stages = lifecycle_frame(book, today, catalog, rules)
    features = behaviour_features(book, today)
    labels = lookalike_segments(features, 5, 0)
    by_segment, _ = segment_rules(features, labels)
    i = ids.index(customer_id)
    segment = int(labels[i])
    return CustomerInsight(customer_id, str(stages["stage"].iat[i]), float(stages["lifetime_value"].iat[i]),
                           str(stages["next_best_action"].iat[i]), str(stages["offer_product"].iat[i]),
                           segment, tuple(by_segment.get(segment, ())))


@dataclass(frozen=True)
class CrossSellList:
    campaign: str
    counts: dict[str, int]      # listed customers per campaign
    listed: int
    export_path: Path


def cross_sell_counts(customers: Sequence[Customer], today: dt.date, *, catalog: Catalog | None = None,
                      rules: AnalyticsRules | None = None, seed: int = DEMO_SEED) -> dict[str, int]:
    """Listed customers per cross-sell campaign (within each customer's valid level), no export."""
    catalog, rules = _defaults(catalog, rules)
    book = book_from_customers(customers, seed=seed, today=today)
    offers = cross_sell_frame(book, today, catalog, rules)
    return {name: int(offers[name].sum()) for name in CAMPAIGN_RULES}


def cross_sell_list(customers: Sequence[Customer], campaign: str, today: dt.date, export_dir: Path, *,
                    catalog: Catalog | None = None, rules: AnalyticsRules | None = None,
                    seed: int = DEMO_SEED, style: CsvStyle = MACHINE_CSV) -> CrossSellList:
    """Export one cross-sell campaign's list to ``<export_dir>/cross_sell_<campaign>-<today>.csv``,
    headed as ``style`` says.

    Raises ``ValueError`` naming the campaigns for an unknown one."""
    if campaign not in CAMPAIGN_RULES:
        raise ValueError(f"unknown campaign {campaign!r}; allowed: {', '.join(CAMPAIGN_RULES)}")
    catalog, rules = _defaults(catalog, rules)
    book = book_from_customers(customers, seed=seed, today=today)
    offers = cross_sell_frame(book, today, catalog, rules)
    lists = campaign_lists(book, today, catalog, rules, offers=offers)
    export_dir = Path(export_dir)
    export_dir.mkdir(parents=True, exist_ok=True)
    path = export_dir / f"cross_sell_{campaign}-{today.isoformat()}.csv"
    frame = lists[campaign]
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", header=style.headers(frame.columns),
                 encoding=style.encoding)
    return CrossSellList(campaign, {name: len(frame) for name, frame in lists.items()}, len(lists[campaign]), path)
