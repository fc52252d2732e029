"""Cross-sell rules at their boundaries, the level gate, and the lists (column-wise, whole book)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.analytics import generate_demo_book, is_deposit_plus_eligible
from advisor_core.analytics.book import book_from_customers, synthetic_book
from advisor_core.analytics.cross_sell import (
    campaign_lists,
    cross_sell_frame,
    export_campaign_lists,
    offered_products,
    valid_level,
)
from advisor_core.analytics.rules import CAMPAIGN_RULES, default_rules
from tests.analytics_rows import TODAY, book, one, row

CATALOG = default_catalog()
RULES = default_rules()


def listed(frame, campaign: str) -> list[bool]:
    return cross_sell_frame(frame, TODAY, CATALOG, RULES)[campaign].tolist()


# --------------------------------------------------------------------------- deposit-plus


def test_deposit_plus_is_strictly_above_the_catalog_threshold() -> None:
    frame = book(row(demand_balance=4999.99), row(demand_balance=5000.00), row(demand_balance=5000.01))
    assert listed(frame, "deposit_plus") == [False, False, True]


def test_deposit_plus_threshold_comes_from_the_catalog_not_a_literal() -> None:
    catalog = dataclasses.replace(CATALOG, rates=dataclasses.replace(CATALOG.rates, offer_above_balance=8000))
    frame = book(row(demand_balance=7999.99), row(demand_balance=8000.01))
    assert cross_sell_frame(frame, TODAY, catalog, RULES)["deposit_plus"].tolist() == [False, True]


def test_deposit_plus_not_listed_for_a_holder_and_needs_no_assessment() -> None:
    frame = book(row(demand_balance=9000.0, hold_deposit_plus=10.0), row(demand_balance=9000.0, risk_level=0,
                                                                          assessed_on=None))
    assert listed(frame, "deposit_plus") == [False, True]


def test_deposit_plus_rule_agrees_with_the_record_rule_on_the_demo_book() -> None:
    customers = generate_demo_book(600)
    offers = cross_sell_frame(book_from_customers(customers), TODAY, CATALOG, RULES)
    expected = [is_deposit_plus_eligible(c) for c in customers]
    assert offers["deposit_plus"].tolist() == expected


# --------------------------------------------------------------------------- renovation


def test_renovation_needs_a_mortgage_of_at_least_a_year() -> None:
    frame = book(row(mortgage_start=dt.date(2025, 1, 1)), row(mortgage_start=dt.date(2025, 1, 2)),
                 row(mortgage_start=None))
    assert listed(frame, "renovation_instalment") == [True, False, False]


def test_renovation_on_29_february_counts_from_28_february() -> None:
    leap_day = dt.date(2028, 2, 29)
    frame = book(row(mortgage_start=dt.date(2027, 2, 28)), row(mortgage_start=dt.date(2027, 3, 1)))
    assert cross_sell_frame(frame, leap_day, CATALOG, RULES)["renovation_instalment"].tolist() == [True, False]


def test_renovation_list_carries_the_offer_terms_from_the_rules() -> None:
    lists = campaign_lists(one(mortgage_start=dt.date(2020, 5, 1)), TODAY, CATALOG, RULES)
    reno = lists["renovation_instalment"]
    assert reno["max_amount"].tolist() == [500_000.0] and reno["annual_rate_percent"].tolist() == [4.8]


# --------------------------------------------------------------------------- travel card


@pytest.mark.parametrize("flights, deposits, score, expected", [
    (15, 50_000.0, 750, True),
    (14, 50_000.0, 750, False),
    (15, 49_999.99, 750, False),
    (15, 50_000.0, 749, False),
])
def test_travel_card_boundaries(flights: int, deposits: float, score: int, expected: bool) -> None:
    frame = one(flights_a_year=flights, demand_balance=deposits, credit_score=score)
    assert listed(frame, "travel_card") == [expected]


# --------------------------------------------------------------------------- active wealth


@pytest.mark.parametrize("transfers, wealth, expected", [
    (10, 50_000.0, True), (9, 50_000.0, False), (10, 49_999.99, False),
])
def test_active_wealth_boundaries(transfers: int, wealth: float, expected: bool) -> None:
    frame = one(monthly_transfers=transfers, wealth_products=wealth, hold_bond_fund=wealth,
                investable_assets=80_000.0, total_assets=100_000.0)
    assert listed(frame, "active_wealth") == [expected]


def test_active_wealth_offers_the_premium_fund_only_with_its_minimum_assets() -> None:
    base = dict(monthly_transfers=12, wealth_products=60_000.0, hold_bond_fund=60_000.0)
    frame = book(row(total_assets=1_200_000.0, investable_assets=1_100_000.0, **base),   # its minimum amount too
                 row(total_assets=999_999.0, investable_assets=900_000.0, **base))
    products = cross_sell_frame(frame, TODAY, CATALOG, RULES)["active_wealth_product"].tolist()
    assert products == ["private_multi_asset", "balanced_fund"]


# --------------------------------------------------------------------------- level gate


def test_active_wealth_is_never_listed_above_the_valid_level() -> None:
    base = dict(monthly_transfers=12, wealth_products=60_000.0, hold_bond_fund=60_000.0, investable_assets=80_000.0)
    frame = book(
        row(risk_level=3, **base),                                              # R3 fits C3
        row(risk_level=2, **base),                                              # above C2
        row(risk_level=0, assessed_on=None, **base),                            # no assessment
        row(risk_level=5, assessed_on=TODAY - dt.timedelta(days=366), **base),  # expired
        row(risk_level=4, age=65, age_at_assessment=64, **base),                # turned 65 since
        row(risk_level=1, lowest_category=True, **base),                        # lowest category
    )
    offers = cross_sell_frame(frame, TODAY, CATALOG, RULES)
    assert offers["active_wealth_rule"].all()
    assert offers["active_wealth"].tolist() == [True, False, False, False, False, False]
    assert valid_level(frame, TODAY).tolist() == [3, 2, 0, 0, 0, 1]


def test_an_assessment_exactly_a_year_old_is_still_valid() -> None:
    frame = book(row(assessed_on=TODAY - dt.timedelta(days=365)), row(assessed_on=TODAY - dt.timedelta(days=366)))
    assert valid_level(frame, TODAY).tolist() == [3, 0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), start=st.integers(0, 10**6))
def test_no_listed_product_is_above_the_valid_level(seed: int, start: int) -> None:
    frame = synthetic_book(400, seed=seed, start=start)
    offers = cross_sell_frame(frame, TODAY, CATALOG, RULES)
    products = offered_products(CATALOG, RULES)
    level = offers["valid_level"].to_numpy()
    for name in CAMPAIGN_RULES:
        chosen = offers.loc[offers[name], f"{name}_product"]
        for index, pid in chosen.items():
            product = products[pid]
            if product.risk_bearing:
                assert int(product.rating) <= level[frame.index.get_loc(index)], (name, pid)
        assert offers[name].le(offers[f"{name}_rule"]).all()


# --------------------------------------------------------------------------- lists and export


def test_lists_hold_ids_products_and_reasons_but_no_names(tmp_path) -> None:
    frame = book_from_customers(generate_demo_book(400))
    lists = campaign_lists(frame, TODAY, CATALOG, RULES)
    assert set(lists) == set(CAMPAIGN_RULES)
    paths = export_campaign_lists(lists, tmp_path, TODAY)
    assert [p.name for p in paths] == [f"cross_sell_{c}-2026-01-01.csv" for c in CAMPAIGN_RULES]
    text = paths[0].read_text(encoding="utf-8")
    assert text.splitlines()[0] == "customer_id,product_id,demand_balance"
    assert len(text.splitlines()) == len(lists["deposit_plus"]) + 1 > 1
    names = {c.display_name for c in generate_demo_book(400)}
    for path in paths:
        content = path.read_text(encoding="utf-8")
        assert not any(name in content for name in names)


def test_column_wise_lists_scale_to_a_large_book_quickly() -> None:
    import time

    frame = synthetic_book(200_000, seed=3)
    started = time.perf_counter()
    offers = cross_sell_frame(frame, TODAY, CATALOG, RULES)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"{elapsed:.1f}s for 200,000 customers: is there a per-customer loop?"
    assert np.count_nonzero(offers["deposit_plus"]) > 0
