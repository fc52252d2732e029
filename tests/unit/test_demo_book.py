"""The synthetic demo book: determinism, invariants and rough realism."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor_core.analytics import DEMO_TODAY, PRODUCT_IDS, demo_book_frame, generate_demo_book
from advisor_core.domain.records import Customer, Holding
from advisor_core.domain.tiers import WealthTier, wealth_tier


@pytest.fixture(scope="module")
def book() -> list[Customer]:
    return generate_demo_book()


def _is_money(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2


def assert_book_invariants(customers: list[Customer], today: dt.date) -> None:
    ids = [c.customer_id for c in customers]
    assert ids == [f"C{i:06d}" for i in range(1, len(customers) + 1)]
    assert len(set(ids)) == len(ids)
    for c in customers:
        assert isinstance(c, Customer)
        assert c.display_name.strip()
        for amount in (c.demand_balance, c.investable_assets, c.total_assets):
            assert _is_money(amount), (c.customer_id, amount)
        assert c.demand_balance >= 0
        assert c.total_assets >= c.investable_assets >= 0
        assert 18 <= c.age_on(today) <= 85, (c.customer_id, c.birth_date, today)
        assert c.birth_date < today
        if c.mortgage_start is not None:
            assert c.mortgage_start <= today
            assert c.age_on(c.mortgage_start) >= 18
        assert all(isinstance(a, int) and 0 <= a <= 25 for a in c.children_ages)
        assert all(a <= c.age_on(today) - 18 for a in c.children_ages)
        assert isinstance(c.monthly_transactions, int) and c.monthly_transactions >= 0
        products = [h.product_id for h in c.holdings]
        assert len(products) == len(set(products))
        assert set(products) <= set(PRODUCT_IDS)
        for h in c.holdings:
            assert isinstance(h, Holding)
            assert _is_money(h.amount) and h.amount > 0
        assert sum((h.amount for h in c.holdings), Decimal("0")) <= c.investable_assets


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_book(book: list[Customer]) -> None:
    again = generate_demo_book(3000, seed=20261124)
    assert again == book


def test_default_today_is_fixed_not_the_clock(book: list[Customer]) -> None:
    assert DEMO_TODAY == dt.date(2026, 1, 1)
    assert generate_demo_book(3000, today=dt.date(2026, 1, 1)) == book
    assert generate_demo_book(3000, today=dt.date(2027, 6, 1)) != book


def test_other_seed_differs(book: list[Customer]) -> None:
    other = generate_demo_book(3000, seed=1)
    assert other != book
    assert [c.demand_balance for c in other] != [c.demand_balance for c in book]


def test_zero_customers_and_negative_count() -> None:
    assert generate_demo_book(0) == []
    with pytest.raises(ValueError):
        generate_demo_book(-1)
    with pytest.raises(TypeError):
        generate_demo_book(2.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- invariants


def test_default_book_invariants(book: list[Customer]) -> None:
    assert len(book) == 3000
    assert_book_invariants(book, DEMO_TODAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=2**63 - 1),
    today=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_invariants_hold_for_any_seed_and_day(n: int, seed: int, today: dt.date) -> None:
    customers = generate_demo_book(n, seed=seed, today=today)
    assert len(customers) == n
    assert_book_invariants(customers, today)
    assert generate_demo_book(n, seed=seed, today=today) == customers


def test_leap_day_today_keeps_ages_in_range() -> None:
    today = dt.date(2024, 2, 29)
    assert_book_invariants(generate_demo_book(500, seed=7, today=today), today)


# --------------------------------------------------------------------------- realism


def test_all_three_tiers_present_with_mass_the_majority(book: list[Customer]) -> None:
    tiers = [wealth_tier(c.total_assets) for c in book]
    counts = {tier: tiers.count(tier) for tier in WealthTier}
    assert all(count > 0 for count in counts.values()), counts
    assert counts[WealthTier.MASS] > len(book) / 2
    assert counts[WealthTier.AFFLUENT] > len(book) * 0.10
    assert counts[WealthTier.HIGH_NET_WORTH] < len(book) * 0.10


def test_demand_balances_spread_around_5000(book: list[Customer]) -> None:
    above = sum(c.demand_balance > 5000 for c in book)
    assert 0.2 * len(book) < above < 0.8 * len(book)


def test_mortgages_children_holdings_shares(book: list[Customer]) -> None:
    n = len(book)
    mortgages = [c.mortgage_start for c in book if c.mortgage_start is not None]
    assert 0.22 * n < len(mortgages) < 0.38 * n
    recent = [m for m in mortgages if m > DEMO_TODAY - dt.timedelta(days=365)]
    assert 0 < len(recent) < len(mortgages) / 2
    with_children = sum(bool(c.children_ages) for c in book)
    assert 0.32 * n < with_children < 0.48 * n
    holders = [c for c in book if c.holdings]
    assert 0.1 * n < len(holders) < 0.6 * n
    held = {h.product_id for c in holders for h in c.holdings}
    assert held == set(PRODUCT_IDS)


def test_ages_are_skewed_not_uniform(book: list[Customer]) -> None:
    ages = sorted(c.age_on(DEMO_TODAY) for c in book)
    assert ages[0] >= 18 and ages[-1] <= 85
    median = ages[len(ages) // 2]
    assert 35 <= median <= 60
    assert sum(a >= 75 for a in ages) < sum(30 <= a < 40 for a in ages)


# --------------------------------------------------------------------------- frame


def test_frame_has_one_row_per_customer(book: list[Customer]) -> None:
    frame = demo_book_frame(book)
    assert len(frame) == len(book)
    assert list(frame["customer_id"]) == [c.customer_id for c in book]
    for column in ("age", "demand_balance", "investable_assets", "total_assets", "tier",
                   "holdings_total", "monthly_transactions", "mortgage_start", "n_children"):
        assert column in frame.columns
    assert frame["customer_id"].is_unique
    assert set(frame["tier"]) == {t.value for t in WealthTier}
    assert (frame["holdings_total"] <= frame["investable_assets"] + 1e-6).all()
    assert frame["age"].between(18, 85).all()
    sample = book[17]
    row = frame.iloc[17]
    assert row["tier"] == wealth_tier(sample.total_assets).value
    assert row["holdings_total"] == pytest.approx(float(sum((h.amount for h in sample.holdings), Decimal(0))))
    assert row["n_children"] == len(sample.children_ages)


def test_frame_of_empty_book_has_the_columns() -> None:
    frame = demo_book_frame([])
    assert len(frame) == 0
    assert "tier" in frame.columns and "holdings_total" in frame.columns


def test_importing_analytics_pulls_in_neither_rasa_nor_sklearn() -> None:
    code = (
        "import sys, advisor_core.analytics\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'sklearn'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
